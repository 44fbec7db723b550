package dev.modelmeter.shapes;

import dev.modelmeter.graph.CountOverflowException;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.graph.ValueType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs the shape rules over a graph in topological order. Types come from the graph inputs (or the
 * caller's overrides), the initializers, and each node's rule; known small values flow along so that
 * Shape → Gather → Concat → Reshape chains resolve. Declared types (value_info, graph outputs) are
 * only a fallback for what inference leaves unknown, and a disagreement is a warning — unless
 * {@link Options#ignoreDeclaredShapes()}, which infers everything from the inputs alone.
 */
public final class ShapeInference {

    /**
     * @param inputTypes       types for graph inputs that replace the declared ones (bound batch, user shapes)
     * @param inputValues      known values of graph inputs (conformance tests feed their small inputs)
     * @param ignoreDeclaredShapes never fill unknowns from declarations
     * @param rebatchFactor    new batch ÷ the batch a fixed-shape export was written for (1: none); see
     *                         {@link InferenceContext#rebatchFactor()}
     */
    public record Options(Map<String, ValueType> inputTypes, Map<String, TensorValue> inputValues,
                          boolean ignoreDeclaredShapes, long rebatchFactor) {

        /**
         * Options with no rebatching (factor 1).
         *
         * @param inputTypes           types that override the graph inputs' declared types, by name
         * @param inputValues          known values of graph inputs, by name
         * @param ignoreDeclaredShapes never fill unknowns from declarations
         */
        public Options(Map<String, ValueType> inputTypes, Map<String, TensorValue> inputValues,
                       boolean ignoreDeclaredShapes) {
            this(inputTypes, inputValues, ignoreDeclaredShapes, 1);
        }

        /**
         * No overrides: the graph's declared input types, no known values.
         *
         * @return the options
         */
        public static Options defaults() {
            return new Options(Map.of(), Map.of(), false);
        }
    }

    private final ShapeRuleLookup rules;
    private final Map<String, Integer> opsets;
    private final Options options;
    private final Map<String, Integer> unknownOps = new TreeMap<>();
    private final List<String> warnings = new ArrayList<>();

    private ShapeInference(ShapeRuleLookup rules, Map<String, Integer> opsets, Options options) {
        this.rules = rules;
        this.opsets = opsets;
        this.options = options;
    }

    /**
     * Infers every value of {@code graph}; throws {@link ShapeException} for impossible shapes or cycles.
     *
     * @param graph   the graph
     * @param opsets  opset version by domain ("" for the default domain)
     * @param rules   finds the rule for each node
     * @param options input overrides and flags
     * @return the graph with every inferred type and value
     */
    public static ShapedGraph infer(Graph graph, Map<String, Integer> opsets, ShapeRuleLookup rules, Options options) {
        ShapeInference engine = new ShapeInference(rules, opsets, options);
        Scope scope = new Scope(null);
        List<Node> order = engine.inferGraph(graph, scope, true);
        return new ShapedGraph(graph, opsets, order, scope.types, scope.values, engine.unknownOps, engine.warnings,
                scope.bodies);
    }

    /**
     * Every tensor's element count and bytes must fit a {@code long}: then a count derived from one
     * tensor is either exact or a checked overflow, never a wrapped number.
     */
    static void checkCountable(String name, TensorType t) {
        try {
            t.numel();
        } catch (CountOverflowException e) {
            throw e.at("tensor '" + name + "'");
        }
        try {
            t.bytes();
        } catch (CountOverflowException e) {
            throw new CountOverflowException("tensor '" + name + "': " + t.shape() + " elements of "
                    + t.dtype().displayName() + " take more bytes than can be counted");
        }
    }

    /** Values visible in a graph: its own, then its enclosing graphs' (sub-graphs see outer values). */
    private static final class Scope {
        final Scope parent;
        final Map<String, ValueType> types = new LinkedHashMap<>();
        final Map<String, TensorValue> values = new HashMap<>();
        /** Sequences whose elements are known one by one (built by SequenceConstruct/Insert…), in order. */
        final Map<String, List<ValueType>> contents = new HashMap<>();
        /** Int64 shape vectors with symbolic entries (Shape of a tensor with a symbolic batch). */
        final Map<String, ShapeVector> vectors = new HashMap<>();
        final Set<String> defined = new HashSet<>();
        /** The bodies each control-flow node of this graph runs, as its rule recorded them. */
        final Map<Node, BodyRuns> bodies = new java.util.IdentityHashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        boolean isDefined(String name) {
            return defined.contains(name) || (parent != null && parent.isDefined(name));
        }

        ValueType type(String name) {
            if (defined.contains(name)) {
                return types.get(name);
            }
            return parent == null ? null : parent.type(name);
        }

        TensorValue value(String name) {
            if (defined.contains(name)) {
                return values.get(name);
            }
            return parent == null ? null : parent.value(name);
        }

        ShapeVector vector(String name) {
            if (defined.contains(name)) {
                return vectors.get(name);
            }
            return parent == null ? null : parent.vector(name);
        }

        List<ValueType> contents(String name) {
            if (defined.contains(name)) {
                return contents.get(name);
            }
            return parent == null ? null : parent.contents(name);
        }

        void define(String name, ValueType type, TensorValue value) {
            if (type instanceof TensorType t) {
                checkCountable(name, t);
            }
            defined.add(name);
            contents.remove(name);
            vectors.remove(name);
            if (type != null) {
                types.put(name, type);
            } else {
                types.remove(name);
            }
            if (value != null) {
                values.put(name, value);
            } else {
                values.remove(name);
            }
        }
    }

    private List<Node> inferGraph(Graph graph, Scope scope, boolean top) {
        for (TensorData init : graph.initializers()) {
            scope.define(init.name(), init.type(), init.value());
        }
        for (ValueInfo in : graph.inputs()) {
            if (scope.defined.contains(in.name())) {
                continue; // older exporters list initializers as inputs too; the initializer describes it
            }
            ValueType type = top ? options.inputTypes().getOrDefault(in.name(), in.type()) : in.type();
            TensorValue value = top ? options.inputValues().get(in.name()) : null;
            scope.define(in.name(), type, value);
        }
        Map<String, ValueType> declared = new HashMap<>();
        for (ValueInfo vi : graph.valueInfo()) {
            declared.put(vi.name(), vi.type());
        }
        for (ValueInfo out : graph.outputs()) {
            declared.put(out.name(), out.type());
        }
        List<Node> order = topologicalOrder(graph, scope);
        for (Node node : order) {
            inferNode(node, scope, declared);
        }
        for (ValueInfo out : graph.outputs()) {
            if (!scope.isDefined(out.name())) {
                throw new ShapeException("graph output '" + out.name() + "' is produced by no node");
            }
        }
        return order;
    }

    private void inferNode(Node node, Scope scope, Map<String, ValueType> declared) {
        List<ValueType> inTypes = new ArrayList<>();
        List<TensorValue> inValues = new ArrayList<>();
        List<List<ValueType>> inContents = new ArrayList<>();
        List<ShapeVector> inVectors = new ArrayList<>();
        for (String in : node.inputs()) {
            inTypes.add(in.isEmpty() ? null : scope.type(in));
            inValues.add(in.isEmpty() ? null : scope.value(in));
            inContents.add(in.isEmpty() ? null : scope.contents(in));
            inVectors.add(in.isEmpty() ? null : scope.vector(in));
        }
        int opset = opsets.getOrDefault(node.domain(), node.domain().isEmpty()
                ? opsets.getOrDefault("ai.onnx", 1) : 1);
        InferenceContext ctx = new InferenceContext(node, opset, inTypes, inValues,
                (InferenceContext.SubgraphValueInferrer) (body, bodyInputs, bodyValues)
                        -> inferSubgraph(body, bodyInputs, bodyValues, scope),
                options.rebatchFactor());
        ctx.setInputContents(inContents);
        ctx.setInputVectors(inVectors);
        ShapeRule rule = rules.find(node, opset);
        if (rule == null) {
            unknownOps.merge(node.qualifiedOpType(), 1, Integer::sum);
        } else {
            try {
                rule.infer(ctx);
            } catch (UnknownInputException e) {
                // an unknown upstream type: leave this node's outputs unknown, the result is partial
                for (int i = 0; i < ctx.outputCount(); i++) {
                    ctx.output(i, null);
                }
            } catch (ShapeException e) {
                throw e;
            } catch (CountOverflowException e) {
                throw e.at(node.opType() + " '" + node.name() + "'");
            } catch (RuntimeException e) {
                throw new ShapeException(node.opType() + " '" + node.name() + "': cannot infer shapes ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
            }
            for (String w : ctx.warnings()) {
                warnings.add(w);
            }
            if (ctx.bodyRuns() != null) {
                scope.bodies.put(node, ctx.bodyRuns());
            }
        }
        for (int i = 0; i < node.outputs().size(); i++) {
            String name = node.outputs().get(i);
            if (name.isEmpty()) {
                continue;
            }
            ValueType inferred = ctx.outputType(i);
            ValueType decl = declared.get(name);
            ValueType chosen = reconcile(name, inferred, decl);
            TensorValue value = Objects.equals(chosen, inferred) ? ctx.outputValue(i) : null;
            scope.define(name, chosen, value);
            if (Objects.equals(chosen, inferred) && ctx.outputContents(i) != null) {
                scope.contents.put(name, ctx.outputContents(i));
            }
            if (Objects.equals(chosen, inferred) && ctx.outputVector(i) != null) {
                scope.vectors.put(name, ctx.outputVector(i));
            }
        }
    }

    /**
     * The inferred type wins; a declaration only fills what inference could not tell, and a
     * disagreement between two known sizes is reported.
     */
    private ValueType reconcile(String name, ValueType inferred, ValueType decl) {
        if (decl == null) {
            return inferred;
        }
        if (inferred instanceof TensorType it && decl instanceof TensorType dt) {
            if (it.shape() != null && dt.shape() != null) {
                if (it.shape().rank() != dt.shape().rank()) {
                    warnings.add("'" + name + "': inferred shape " + it.shape() + " but the file declares " + dt.shape());
                    return inferred;
                }
                List<Dim> merged = new ArrayList<>();
                boolean disagree = false;
                for (int d = 0; d < it.shape().rank(); d++) {
                    Dim a = it.shape().dim(d);
                    Dim b = dt.shape().dim(d);
                    boolean rebatched = d == 0 && options.rebatchFactor() > 1 && a.isKnown() && b.isKnown()
                            && a.value() == b.value() * options.rebatchFactor();
                    if (a.isKnown() && b.isKnown() && a.value() != b.value() && !rebatched) {
                        disagree = true;
                    }
                    merged.add(!a.isKnown() && b.isKnown() && !options.ignoreDeclaredShapes() && !(d == 0
                            && options.rebatchFactor() > 1) ? b : a);
                }
                if (disagree) {
                    warnings.add("'" + name + "': inferred shape " + it.shape() + " but the file declares " + dt.shape());
                    return inferred;
                }
                return new TensorType(it.dtype(), new Shape(merged));
            }
            if (it.shape() == null && !options.ignoreDeclaredShapes()) {
                return new TensorType(it.dtype(), dt.shape());
            }
            return inferred;
        }
        if (inferred == null && !options.ignoreDeclaredShapes()) {
            return decl;
        }
        return inferred;
    }

    private InferenceContext.SubgraphResult inferSubgraph(Graph body, List<ValueType> bodyInputTypes,
                                                          List<TensorValue> bodyInputValues, Scope outer) {
        Scope inner = new Scope(outer);
        List<ValueInfo> inputs = body.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            ValueType t = i < bodyInputTypes.size() && bodyInputTypes.get(i) != null
                    ? bodyInputTypes.get(i) : inputs.get(i).type();
            TensorValue v = i < bodyInputValues.size() ? bodyInputValues.get(i) : null;
            inner.define(inputs.get(i).name(), t, v);
        }
        Graph withoutInputs = new Graph(body.name(), body.nodes(), List.of(), body.outputs(), body.valueInfo(),
                body.initializers());
        List<Node> order = inferGraph(withoutInputs, inner, false);
        List<ValueType> out = new ArrayList<>();
        List<TensorValue> values = new ArrayList<>();
        for (ValueInfo o : body.outputs()) {
            out.add(inner.type(o.name()));
            values.add(inner.value(o.name()));
        }
        // the types the body's nodes read and write, resolved through the enclosing scopes: enough to cost them
        Map<String, ValueType> seenTypes = new HashMap<>();
        Map<String, TensorValue> seenValues = new HashMap<>();
        for (Node n : order) {
            for (List<String> names : List.of(n.inputs(), n.outputs())) {
                for (String name : names) {
                    if (name.isEmpty() || seenTypes.containsKey(name)) {
                        continue;
                    }
                    ValueType t = inner.type(name);
                    if (t != null) {
                        seenTypes.put(name, t);
                    }
                    TensorValue v = inner.value(name);
                    if (v != null) {
                        seenValues.put(name, v);
                    }
                }
            }
        }
        ShapedGraph shaped = new ShapedGraph(body, opsets, order, seenTypes, seenValues, Map.of(), List.of(),
                inner.bodies);
        return new InferenceContext.SubgraphResult(out, values, shaped);
    }

    /**
     * Nodes in an order where every input is produced before use: file order when the file is already
     * topological (ONNX requires it), otherwise a stable Kahn sort. A cycle is an error.
     */
    private static List<Node> topologicalOrder(Graph graph, Scope scope) {
        Map<String, Integer> producer = new HashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).outputs()) {
                if (!out.isEmpty()) {
                    producer.putIfAbsent(out, i);
                }
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        boolean inOrder = true;
        for (int i = 0; i < nodes.size(); i++) {
            Set<Integer> deps = new HashSet<>();
            for (String in : nodes.get(i).inputs()) {
                Integer p = in.isEmpty() ? null : producer.get(in);
                if (p != null && p != i && !scope.defined.contains(in)) {
                    deps.add(p);
                } else if (p != null && p == i) {
                    throw new ShapeException("graph has a cycle: node '" + nodes.get(i).name() + "' consumes its own output '" + in + "'");
                }
            }
            for (String outer : outerReferences(nodes.get(i))) {
                Integer p = producer.get(outer);
                if (p != null && p != i) {
                    deps.add(p);
                }
            }
            pending[i] = deps.size();
            for (int d : deps) {
                consumers.get(d).add(i);
                if (d > i) {
                    inOrder = false;
                }
            }
        }
        if (inOrder) {
            return nodes;
        }
        java.util.PriorityQueue<Integer> queue = new java.util.PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                queue.add(i);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        while (!queue.isEmpty()) {
            int i = queue.poll();
            order.add(nodes.get(i));
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    queue.add(c);
                }
            }
        }
        if (order.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (pending[i] > 0) {
                    throw new ShapeException("graph has a cycle through node '" + nodes.get(i).name() + "' ("
                            + nodes.get(i).opType() + ")");
                }
            }
        }
        return order;
    }

    /**
     * Names a node's sub-graphs read from the enclosing graph (they must be computed first), in a stable order.
     *
     * @param node a node, usually If, Loop or Scan
     * @return the names, sorted; empty for a node without sub-graphs
     */
    public static Set<String> outerReferences(Node node) {
        Set<String> refs = new java.util.TreeSet<>();
        for (var attr : node.attributes().values()) {
            List<Graph> bodies = new ArrayList<>(attr.graphs());
            if (attr.g() != null) {
                bodies.add(attr.g());
            }
            for (Graph body : bodies) {
                Set<String> local = new HashSet<>();
                body.inputs().forEach(v -> local.add(v.name()));
                body.initializers().forEach(t -> local.add(t.name()));
                for (Node n : body.nodes()) {
                    local.addAll(n.outputs());
                }
                for (Node n : body.nodes()) {
                    for (String in : n.inputs()) {
                        if (!in.isEmpty() && !local.contains(in)) {
                            refs.add(in);
                        }
                    }
                    refs.addAll(outerReferences(n));
                }
                for (ValueInfo o : body.outputs()) {
                    if (!local.contains(o.name())) {
                        refs.add(o.name());
                    }
                }
            }
        }
        return refs;
    }
}
