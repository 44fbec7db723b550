package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The summary's rows arranged as torchinfo's nested tree: a row per module path prefix ({@code layer1},
 * {@code layer1.0}) above the rows it holds, in the order the modules are first entered. A module row's
 * parameters and MACs are the sums of the rows under it; its output is its last row's output (what the
 * module returns when its last call is its result). A row whose name is a module that also has children
 * (the residual {@code Add} a Bottleneck runs itself) sits among those children, named by its operator.
 */
final class ModuleTree {

    private ModuleTree() {
    }

    /**
     * One line of the tree.
     *
     * @param path        the full module path ({@code layer1.0.conv1}); "" for the model's own nodes
     * @param label       what the tree prints at this depth: the last path component, or the op for own nodes
     * @param kind        the module class when known, else the operator of a leaf; "" for a module
     * @param depth       1 for top-level modules
     * @param leaf        whether it is one of the summary's rows
     * @param shapes      the output shapes text
     * @param params      parameters (summed for a module)
     * @param macs        MACs (summed for a module)
     * @param outputBytes bytes of the output
     */
    record Row(String path, String label, String kind, int depth, boolean leaf, String shapes, long params, long macs,
               long outputBytes) {
    }

    private static final class Node {
        final String path;
        final Layer layer;
        final List<Node> children = new ArrayList<>();

        Node(String path, Layer layer) {
            this.path = path;
            this.layer = layer;
        }
    }

    static List<Row> of(List<Layer> layers) {
        Node root = new Node("", null);
        Map<String, Node> modules = new LinkedHashMap<>();
        modules.put("", root);
        for (Layer l : layers) {
            Node parent = root;
            if (modules.containsKey(l.name()) && !l.name().isEmpty()) {
                parent = modules.get(l.name()); // the module's own node, after its children started
            } else if (!l.name().isEmpty()) {
                String[] parts = l.name().split("\\.");
                StringBuilder prefix = new StringBuilder();
                for (int i = 0; i < parts.length - 1; i++) {
                    prefix.append(i == 0 ? "" : ".").append(parts[i]);
                    parent = module(modules, parent, prefix.toString());
                }
            }
            parent.children.add(new Node(l.name(), l));
        }
        List<Row> rows = new ArrayList<>();
        for (Node n : root.children) {
            emit(n, 1, modules, rows);
        }
        return rows;
    }

    private static Node module(Map<String, Node> modules, Node parent, String path) {
        Node m = modules.get(path);
        if (m == null) {
            m = new Node(path, null);
            modules.put(path, m);
            parent.children.add(m);
        }
        return m;
    }

    private static void emit(Node n, int depth, Map<String, Node> modules, List<Row> rows) {
        if (n.layer != null) {
            Layer l = n.layer;
            boolean own = !l.name().isEmpty() && modules.containsKey(l.name());
            String label = l.name().isEmpty() ? "(model)" : own ? "(" + l.op() + ")" : last(l.name());
            String kind = l.moduleClass() != null && !own ? l.moduleClass() : l.op();
            rows.add(new Row(l.name(), label, kind, depth, true, SummaryTable.shapes(l.outputShapes()), l.params(),
                    l.macs(), l.outputBytes()));
            return;
        }
        int at = rows.size();
        rows.add(null); // filled once the children are summed
        long params = 0;
        long macs = 0;
        for (Node c : n.children) {
            emit(c, depth + 1, modules, rows);
        }
        Row lastLeaf = null;
        for (int i = at + 1; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.leaf()) {
                params += r.params();
                macs += r.macs();
                lastLeaf = r;
            }
        }
        rows.set(at, new Row(n.path, last(n.path), "", depth, false, lastLeaf == null ? "" : lastLeaf.shapes(), params,
                macs, lastLeaf == null ? 0 : lastLeaf.outputBytes()));
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
