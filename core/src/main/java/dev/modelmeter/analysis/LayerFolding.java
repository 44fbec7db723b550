package dev.modelmeter.analysis;

import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds nodes into rows the way torchinfo shows modules: consecutive nodes whose module path agrees
 * up to {@code depth} components form one row (one call of that module). Nodes computed entirely at
 * analysis time (shape arithmetic, constants) are left out of the module view; they cost nothing.
 */
public final class LayerFolding {

    /** Depth that means "down to the leaf modules". */
    public static final int LEAVES = Integer.MAX_VALUE;

    private LayerFolding() {
    }

    /**
     * One row per node, named by its module path and node name.
     *
     * @param nodes every node's figures, in execution order
     * @return one row per node
     */
    public static List<Layer> flat(List<NodeCost> nodes) {
        List<Layer> rows = new ArrayList<>();
        for (NodeCost n : nodes) {
            String name = n.node().name().isEmpty() ? n.node().opType() : n.node().name();
            rows.add(new Layer(name, n.node().opType(), moduleClass(n), depthOf(n.node().scope()), n.inputs(), n.outputs(),
                    n.params(), n.buffers(), n.macs(), n.otherFlops(), n.outputBytes(), 1,
                    n.explanation(), n.costKnown(), n.approximate()));
        }
        return rows;
    }

    /**
     * Module rows folded to {@code depth} path components; {@link #LEAVES} keeps every module.
     *
     * @param notActivations names that are not activations entering a module: stored tensors and
     *                       values known at analysis time
     * @param nodes          every node's figures, in execution order
     * @param graphOutputs   names of the graph's outputs
     * @param depth          how many path components a row keeps
     * @return the rows, in execution order
     */
    public static List<Layer> byModule(List<NodeCost> nodes, Set<String> graphOutputs, Set<String> notActivations,
                                       int depth) {
        List<List<NodeCost>> groups = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        String currentKey = null;
        for (NodeCost n : nodes) {
            if (n.constantFolded() && n.params() == 0 && n.buffers() == 0) {
                continue;
            }
            String key = truncate(n.node().scope(), depth);
            if (key.isEmpty()) {
                key = "(" + n.node().opType() + ")" + "#" + n.node().name();
            }
            if (!key.equals(currentKey)) {
                groups.add(new ArrayList<>());
                keys.add(key);
                currentKey = key;
            }
            groups.get(groups.size() - 1).add(n);
        }
        // which values leave each group: consumed by another group or a graph output
        Map<String, Integer> producerGroup = new HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            for (NodeCost n : groups.get(g)) {
                for (String out : n.node().outputs()) {
                    producerGroup.put(out, g);
                }
            }
        }
        Set<String> leaving = new HashSet<>(graphOutputs);
        for (int g = 0; g < groups.size(); g++) {
            for (NodeCost n : groups.get(g)) {
                for (String in : n.node().inputs()) {
                    Integer p = producerGroup.get(in);
                    if (p != null && p != g) {
                        leaving.add(in);
                    }
                }
            }
        }
        Map<String, String> classes = ModuleClasses.of(nodes);
        List<Layer> rows = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            rows.add(fold(keys.get(g), groups.get(g), leaving, notActivations, classes));
        }
        return rows;
    }

    private static Layer fold(String key, List<NodeCost> group, Set<String> leaving, Set<String> notActivations,
                              Map<String, String> classes) {
        long params = 0;
        long buffers = 0;
        long macs = 0;
        long other = 0;
        List<String> formulas = new ArrayList<>();
        NodeCost main = null;
        for (NodeCost n : group) {
            params = Counts.add(params, n.params());
            buffers = Counts.add(buffers, n.buffers());
            macs = Counts.add(macs, n.macs());
            other = Counts.add(other, n.otherFlops());
            formulas.addAll(n.explanation());
            if (main == null || n.macs() > main.macs() || (main.macs() == 0 && main.params() == 0 && n.params() > 0)) {
                main = n;
            }
        }
        if (main.macs() == 0 && main.params() == 0) {
            main = group.stream().filter(n -> !n.constantFolded()).findFirst().orElse(group.get(0));
        }
        // the row's outputs: values that leave the module call (else the last node's first output)
        List<TensorType> outputs = new ArrayList<>();
        long outBytes = 0;
        for (NodeCost n : group) {
            for (int i = 0; i < n.node().outputs().size(); i++) {
                if (leaving.contains(n.node().outputs().get(i))) {
                    TensorType t = n.outputs().get(i);
                    outputs.add(t);
                    outBytes = Counts.add(outBytes, t.bytes().orElse(0));
                }
            }
        }
        // the row's inputs: activations produced outside the module call
        Set<String> inside = new HashSet<>();
        List<TensorType> inputs = new ArrayList<>();
        for (NodeCost n : group) {
            for (int i = 0; i < n.node().inputs().size(); i++) {
                String in = n.node().inputs().get(i);
                if (!in.isEmpty() && !inside.contains(in) && !notActivations.contains(in)) {
                    inputs.add(n.inputs().get(i));
                    inside.add(in);
                }
            }
            inside.addAll(n.node().outputs());
        }
        NodeCost last = group.get(group.size() - 1);
        if (outputs.isEmpty() && !last.outputs().isEmpty()) {
            outputs.add(last.outputs().get(0));
            outBytes = last.outputs().get(0).bytes().orElse(0);
        }
        String name = key.startsWith("(") ? key.substring(0, key.indexOf(")#") + 1) : key;
        // the row's own module's class when the export names it for that path (a folded row is that
        // module, not its main node's innermost module; a node fused across modules, Conv with its
        // BatchNorm, names another path)
        String cls = key.startsWith("(") ? null : classes.get(name);
        return new Layer(name, main.node().opType(), cls, depthOf(name), inputs, outputs, params, buffers,
                macs, other, outBytes, group.size(), formulas, group.stream().allMatch(NodeCost::costKnown),
                group.stream().anyMatch(NodeCost::approximate));
    }

    /**
     * The module class the source recorded: the DSL's {@code modelmeter.module}, or the last class entry
     * of the dynamo exporter's {@code pkg.torch.onnx.class_hierarchy} ({@code ['…ResNet', '…Conv2d']}).
     */
    static String moduleClass(NodeCost n) {
        String dsl = n.node().metadata().get("modelmeter.module");
        if (dsl != null) {
            return dsl;
        }
        String hierarchy = n.node().metadata().get("pkg.torch.onnx.class_hierarchy");
        if (hierarchy != null) {
            String[] parts = hierarchy.replaceAll("[\\[\\]'\" ]", "").split(",");
            // the innermost module's class; the list ends with the aten/prims op the node came from
            // ('aten.embedding.default'), which is no class
            for (int i = parts.length - 1; i >= 0; i--) {
                String p = parts[i];
                if (!p.isEmpty() && !p.startsWith("aten.") && !p.startsWith("prims.") && !p.startsWith("<")) {
                    return p.substring(p.lastIndexOf('.') + 1);
                }
            }
            return null;
        }
        return null;
    }

    static String truncate(String scope, int depth) {
        if (scope.isEmpty() || depth == LEAVES) {
            return scope;
        }
        String[] parts = scope.split("\\.");
        if (parts.length <= depth) {
            return scope;
        }
        return String.join(".", java.util.Arrays.copyOf(parts, depth));
    }

    static int depthOf(String scope) {
        return scope.isEmpty() || scope.startsWith("(") ? 0 : scope.split("\\.").length;
    }
}
