package dev.modelmeter.shapes;

import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph with a type for every value the engine could infer. {@code order} is the main graph's nodes
 * in execution (topological) order; {@code unknownOps} counts nodes whose operator no rule covers,
 * whose outputs are therefore unknown, which makes every figure built on them partial.
 */
public record ShapedGraph(Graph graph, Map<String, Integer> opsets, List<Node> order, Map<String, ValueType> types,
                          Map<String, TensorValue> values, Map<String, Integer> unknownOps, List<String> warnings,
                          Map<Node, BodyRuns> bodies) {

    /**
     * A shaped graph without control-flow bodies.
     *
     * @param graph      the graph inferred
     * @param opsets     opset version by domain
     * @param order      the main graph's nodes in execution order
     * @param types      every inferred value type, by value name
     * @param values     known small values, by value name
     * @param unknownOps count of nodes by operator that no rule covers
     * @param warnings   notes from the rules and the engine
     */
    public ShapedGraph(Graph graph, Map<String, Integer> opsets, List<Node> order, Map<String, ValueType> types,
                       Map<String, TensorValue> values, Map<String, Integer> unknownOps, List<String> warnings) {
        this(graph, opsets, order, types, values, unknownOps, warnings, Map.of());
    }

    /**
     * Copies the lists and maps that the engine may still hold.
     *
     * @param graph      the graph inferred
     * @param opsets     opset version by domain
     * @param order      the main graph's nodes in execution order
     * @param types      every inferred value type, by value name
     * @param values     known small values, by value name
     * @param unknownOps count of nodes by operator that no rule covers
     * @param warnings   notes from the rules and the engine
     * @param bodies     the bodies each control-flow node runs (keyed by node identity)
     */
    public ShapedGraph {
        order = List.copyOf(order);
        unknownOps = Map.copyOf(unknownOps);
        warnings = List.copyOf(warnings);
        bodies = bodies.isEmpty() ? Map.of() : Collections.unmodifiableMap(new IdentityHashMap<>(bodies));
    }

    /**
     * The bodies a control-flow node of this graph runs.
     *
     * @param node a node of {@link #order()}
     * @return its runs, or null when it is not a control-flow node (or its rule recorded none)
     */
    public BodyRuns bodies(Node node) {
        return bodies.get(node);
    }

    /**
     * The type of a value, or null when unknown or absent.
     *
     * @param name the value's name
     * @return the type
     */
    public ValueType type(String name) {
        return types.get(name);
    }

    /**
     * The tensor type of a value, or null when unknown or not a tensor.
     *
     * @param name the value's name
     * @return the tensor type
     */
    public TensorType tensor(String name) {
        return types.get(name) instanceof TensorType t ? t : null;
    }

    /**
     * Whether some node's operator had no rule, so that some types (and figures built on them) are unknown.
     *
     * @return whether {@code unknownOps} is non-empty
     */
    public boolean isPartial() {
        return !unknownOps.isEmpty();
    }
}
