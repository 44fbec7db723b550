package dev.modelmeter.analysis;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.ops.OpRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides what each stored tensor is to PyTorch (parameter, buffer, constant) from the data flow: the
 * input slot a tensor reaches, wherever it is stored. A stored tensor is an initializer or the value of
 * a {@code Constant} node (dims and dtype only: payloads are never decoded here), in the main graph or
 * in a sub-graph (If/Loop/Scan bodies, which may also use the outer scope's tensors). It reaches a slot
 * directly or through operators that only re-type or re-arrange it ({@link #PASS_THROUGH}: Cast,
 * Identity, DequantizeLinear, Transpose, Reshape…), so an int8 weight behind DequantizeLinear or an fp16
 * weight behind Cast is judged by the slot it finally feeds, with the element type it arrives in.
 *
 * <p>A tensor consumed as a parameter anywhere is a parameter; otherwise a buffer slot makes it a buffer;
 * otherwise it is a constant. A tensor no slot consumes is left out: the exporter kept it, but no
 * computation uses it. Each stored tensor is one entry, so shared (tied) weights, and an outer tensor
 * used by both branches of an {@code If}, count once.
 */
public final class WeightRoles {

    /**
     * Operators whose input 0 passes through to output 0 with the same elements, only re-typed or
     * re-arranged: a stored tensor behind them is judged by where their output goes.
     */
    static final Set<String> PASS_THROUGH = Set.of("Cast", "Identity", "DequantizeLinear", "Transpose",
            "Reshape", "Squeeze", "Unsqueeze", "Flatten");

    private WeightRoles() {
    }

    /**
     * A stored tensor some computation uses.
     *
     * @param name       the name it has where it is stored (an initializer's name, a Constant's output)
     * @param tensor     the stored tensor (dims and dtype as stored)
     * @param role       what it is to PyTorch
     * @param owner      the main-graph node that first uses it (for a tensor used inside a sub-graph, the
     *                   If/Loop/Scan node that holds that sub-graph)
     * @param inSubgraph whether it is stored inside a sub-graph (its name is not a main-graph value)
     */
    public record Weight(String name, TensorData tensor, InitializerRole role, Node owner, boolean inSubgraph) {
    }

    /**
     * Every stored tensor some computation uses, with its role.
     *
     * @param weights in order: main-graph initializers as the file lists them, then the others as found
     */
    public record Assignment(List<Weight> weights) {

        /**
         * Copies the list.
         *
         * @param weights the stored tensors with their roles
         */
        public Assignment {
            weights = List.copyOf(weights);
        }

        /**
         * The tensors stored in the main graph (initializers and Constant values) by their value name.
         *
         * @return weight by name
         */
        public Map<String, Weight> mainByName() {
            Map<String, Weight> out = new LinkedHashMap<>();
            for (Weight w : weights) {
                if (!w.inSubgraph()) {
                    out.put(w.name(), w);
                }
            }
            return out;
        }

        /**
         * The tensors each main-graph node is the first to use.
         *
         * @return weights by owner node (identity)
         */
        public Map<Node, List<Weight>> byOwner() {
            Map<Node, List<Weight>> out = new IdentityHashMap<>();
            for (Weight w : weights) {
                out.computeIfAbsent(w.owner(), k -> new ArrayList<>()).add(w);
            }
            return out;
        }
    }

    /**
     * Roles of the stored tensors that {@code order} (the main graph's nodes) and their sub-graphs use.
     *
     * @param graph    the main graph
     * @param order    its nodes in execution order
     * @param registry the operators' declared input roles
     * @return the stored tensors used, with their roles
     */
    public static Assignment assign(Graph graph, List<Node> order, OpRegistry registry) {
        Walk walk = new Walk(registry);
        walk.graph(graph, order, null, null);
        List<Weight> out = new ArrayList<>();
        for (Stored s : walk.found) {
            if (s.role != null) {
                out.add(new Weight(s.name, s.tensor, s.role, s.owner, s.inSubgraph));
            }
        }
        return new Assignment(out);
    }

    /** A stored tensor as the walk finds it; role and owner are filled by its consumers. */
    private static final class Stored {
        final String name;
        final TensorData tensor;
        final boolean inSubgraph;
        InitializerRole role;
        Node owner;

        Stored(String name, TensorData tensor, boolean inSubgraph) {
            this.name = name;
            this.tensor = tensor;
            this.inSubgraph = inSubgraph;
        }
    }

    /** A value that is a stored tensor, possibly after pass-through ops, in the element type it arrives with. */
    private record Reaching(Stored stored, DType dtype) {
    }

    /** Names defined in one graph: a stored tensor reaching it, or null for a computed value (shadowing). */
    private static final class Scope {
        final Scope parent;
        final Map<String, Reaching> defs = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        Reaching resolve(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.defs.containsKey(name)) {
                    return s.defs.get(name);
                }
            }
            return null;
        }
    }

    private static final class Walk {
        final OpRegistry registry;
        final List<Stored> found = new ArrayList<>();

        Walk(OpRegistry registry) {
            this.registry = registry;
        }

        void graph(Graph g, List<Node> nodes, Scope parent, Node holder) {
            Scope scope = new Scope(parent);
            boolean sub = holder != null;
            for (TensorData t : g.initializers()) {
                Stored s = new Stored(t.name(), t, sub);
                found.add(s);
                scope.defs.put(t.name(), new Reaching(s, t.dtype()));
            }
            for (ValueInfo in : g.inputs()) {
                scope.defs.putIfAbsent(in.name(), null);
            }
            for (Node node : nodes) {
                Node owner = sub ? holder : node;
                boolean passes = PASS_THROUGH.contains(node.opType()) && node.domain().isEmpty()
                        && !node.inputs().isEmpty() && !node.outputs().isEmpty();
                for (int slot = 0; slot < node.inputs().size(); slot++) {
                    String in = node.inputs().get(slot);
                    Reaching r = in.isEmpty() ? null : scope.resolve(in);
                    if (r == null || passes && slot == 0) {
                        continue;
                    }
                    TensorData arriving = new TensorData(in, r.dtype(), r.stored().tensor.dims(), null, null);
                    InitializerRole role = registry.role(node, slot, arriving);
                    r.stored().role = r.stored().role == null ? role : stronger(r.stored().role, role);
                    if (r.stored().owner == null) {
                        r.stored().owner = owner;
                    }
                }
                for (Attribute a : node.attributes().values()) {
                    if (a.g() != null) {
                        graph(a.g(), a.g().nodes(), scope, owner);
                    }
                    for (Graph body : a.graphs()) {
                        graph(body, body.nodes(), scope, owner);
                    }
                }
                define(node, scope, passes, sub);
            }
        }

        private void define(Node node, Scope scope, boolean passes, boolean sub) {
            Reaching through = null;
            if (passes) {
                Reaching in = scope.resolve(node.inputs().get(0));
                if (in != null) {
                    through = new Reaching(in.stored(), passedType(node, in.dtype()));
                }
            } else if (node.opType().equals("Constant") && node.domain().isEmpty() && node.outputs().size() == 1) {
                TensorData t = constantTensor(node);
                if (t != null) {
                    Stored s = new Stored(node.outputs().get(0), t, sub);
                    found.add(s);
                    through = new Reaching(s, t.dtype());
                }
            }
            for (int k = 0; k < node.outputs().size(); k++) {
                String out = node.outputs().get(k);
                if (!out.isEmpty()) {
                    scope.defs.put(out, k == 0 ? through : null);
                }
            }
        }

        /** The element type a pass-through op's output has: Cast's {@code to}, DequantizeLinear's float. */
        private static DType passedType(Node node, DType in) {
            return switch (node.opType()) {
                case "Cast" -> {
                    // an int64/int32/bool tensor cast to float is index or position arithmetic (arange, position
                    // ids), not a weight: it keeps its integer type and stays a constant; only 8-bit and 4-bit
                    // integers cast to float are quantized weights (weight-only quantization: Cast then Mul)
                    long to = node.intAttr("to", 0);
                    yield to == 0 || !(in.isFloatingPoint() || quantizedStorage(in)) ? in : DType.fromCode((int) to);
                }
                case "DequantizeLinear" -> {
                    long to = node.intAttr("output_dtype", 0);
                    yield to == 0 ? DType.FLOAT : DType.fromCode((int) to);
                }
                default -> in;
            };
        }

        /** Element types a quantized weight is stored in. */
        private static boolean quantizedStorage(DType t) {
            return t == DType.INT8 || t == DType.UINT8 || t == DType.INT4 || t == DType.UINT4;
        }

        /** A Constant's stored tensor ({@code value}; a sparse value as its dense dims), or null for the shorthands. */
        private static TensorData constantTensor(Node node) {
            for (String key : List.of("value", "sparse_value")) {
                Attribute a = node.attributes().get(key);
                if (a != null && a.t() != null) {
                    TensorData t = a.t();
                    return new TensorData(node.outputs().get(0), t.dtype(), t.dims(), t.value(), t.location());
                }
            }
            return null;
        }
    }

    private static InitializerRole stronger(InitializerRole a, InitializerRole b) {
        if (a == InitializerRole.PARAMETER || b == InitializerRole.PARAMETER) {
            return InitializerRole.PARAMETER;
        }
        if (a == InitializerRole.BUFFER || b == InitializerRole.BUFFER) {
            return InitializerRole.BUFFER;
        }
        return InitializerRole.CONSTANT;
    }
}
