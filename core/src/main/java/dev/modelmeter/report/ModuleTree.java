package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The summary's rows arranged as torchinfo's nested tree: a row per module path prefix ({@code layer1},
 * {@code layer1.0}) above the rows it holds, in the order the modules are first entered. A module row's
 * parameters, buffers, MACs, FLOPs and node count are the sums of the rows under it; its inputs are its
 * first row's inputs and its output its last row's output (a module's result is what its last call
 * returns). A row named like a module that has children (the residual {@code Add} a Bottleneck runs in
 * its own forward) sits among those children in execution order, labelled by its operator.
 */
final class ModuleTree {

    private ModuleTree() {
    }

    /**
     * One line of the tree.
     *
     * @param label what the tree prints at this depth: the last path component, {@code (Op)} for a
     *              module's own nodes
     * @param kind  the module class when known, else the operator of a row ("" for a module of unknown class)
     * @param depth 1 for top-level modules
     * @param leaf  whether it is one of the summary's rows (else a module summed from them)
     * @param layer the row, or the module's sums
     */
    record Row(String label, String kind, int depth, boolean leaf, Layer layer) {
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

    static List<Row> of(List<Layer> layers, Map<String, String> classes) {
        // every module path: the prefixes of every row's name
        Set<String> modulePaths = new java.util.HashSet<>();
        for (Layer l : layers) {
            String name = l.name();
            for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
                modulePaths.add(name.substring(0, dot));
            }
        }
        Node root = new Node("", null);
        Map<String, Node> modules = new LinkedHashMap<>();
        for (Layer l : layers) {
            Node parent = root;
            if (!l.name().isEmpty()) {
                String[] parts = l.name().split("\\.");
                StringBuilder prefix = new StringBuilder();
                int n = modulePaths.contains(l.name()) ? parts.length : parts.length - 1;
                for (int i = 0; i < n; i++) {
                    prefix.append(i == 0 ? "" : ".").append(parts[i]);
                    parent = module(modules, parent, prefix.toString());
                }
            }
            parent.children.add(new Node(l.name(), l));
        }
        List<Row> rows = new ArrayList<>();
        for (Node n : root.children) {
            emit(n, 1, modulePaths, classes, rows);
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

    private static void emit(Node n, int depth, Set<String> modulePaths, Map<String, String> classes, List<Row> rows) {
        if (n.layer != null) {
            Layer l = n.layer;
            boolean own = modulePaths.contains(l.name());
            String label = l.name().isEmpty() ? "(" + l.op() + ")" : own ? "(" + l.op() + ")" : last(l.name());
            String kind = own ? l.op() : TableCells.kind(l);
            rows.add(new Row(label, kind, depth, true, l));
            return;
        }
        int at = rows.size();
        rows.add(null); // filled once the children are summed
        for (Node c : n.children) {
            emit(c, depth + 1, modulePaths, classes, rows);
        }
        Layer first = null;
        Layer lastLeaf = null;
        long params = 0;
        long buffers = 0;
        long macs = 0;
        long other = 0;
        int nodes = 0;
        boolean known = true;
        boolean approximate = false;
        for (int i = at + 1; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.leaf()) {
                Layer l = r.layer();
                params += l.params();
                buffers += l.buffers();
                macs += l.macs();
                other += l.otherFlops();
                nodes += l.nodeCount();
                known &= l.costKnown();
                approximate |= l.approximate();
                first = first == null ? l : first;
                lastLeaf = l;
            }
        }
        String cls = classes.get(n.path);
        Layer sums = new Layer(n.path, "", cls, depth, first == null ? List.of() : first.inputShapes(),
                lastLeaf == null ? List.of() : lastLeaf.outputShapes(), params, buffers, macs, other,
                lastLeaf == null ? 0 : lastLeaf.outputBytes(), nodes, List.of(), known, approximate);
        rows.set(at, new Row(last(n.path), cls == null ? "" : cls, depth, false, sums));
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
