package dev.modelmeter.onnx;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.FunctionDef;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.ValueInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces calls to model-local functions by the functions' bodies, so that everything downstream of
 * the reader sees plain operator nodes. A call's formal inputs and outputs become the caller's value
 * names; values internal to the body get fresh names that cannot clash; attributes that refer to a
 * caller attribute ({@code ref_attr_name}) take the caller's value, or the function's default, or are
 * dropped when neither exists (ONNX semantics). Calls inside bodies and inside sub-graphs are inlined
 * too; a function that calls itself is an error. Inlined nodes inherit the caller's module scope.
 *
 * <p>The returned model keeps {@link Model#functions()} for reference; its graphs no longer call them.
 * The model's opset imports gain the domains that only the functions import.
 */
public final class FunctionInliner {

    /** Bounds nested calls; ONNX forbids recursion, so a deeper chain is a cycle. */
    private static final int MAX_NESTING = 64;

    private final Map<String, FunctionDef> functions = new HashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private int counter;

    private FunctionInliner(List<FunctionDef> defs) {
        for (FunctionDef f : defs) {
            functions.putIfAbsent(key(f.domain(), f.name()), f);
        }
    }

    private static String key(String domain, String name) {
        return (domain.equals("ai.onnx") ? "" : domain) + "::" + name;
    }

    /**
     * The model with every call to one of its local functions replaced by the function's body.
     *
     * @param model the model
     * @return the model whose main graph calls no local function (the functions stay listed, their opsets merged)
     */
    public static Model inline(Model model) {
        if (model.functions().isEmpty()) {
            return model;
        }
        FunctionInliner inliner = new FunctionInliner(model.functions());
        inliner.collectNames(model.graph());
        Graph graph = inliner.inlineGraph(model.graph(), 0);
        Map<String, Integer> opsets = new LinkedHashMap<>(model.opsets());
        for (FunctionDef f : model.functions()) {
            f.opsets().forEach(opsets::putIfAbsent);
        }
        return new Model(model.source(), model.irVersion(), model.producer(), opsets, graph, model.functions(),
                model.metadata());
    }

    private void collectNames(Graph g) {
        g.inputs().forEach(v -> usedNames.add(v.name()));
        g.initializers().forEach(t -> usedNames.add(t.name()));
        for (Node n : g.nodes()) {
            usedNames.addAll(n.outputs());
            usedNames.addAll(n.inputs());
            for (Attribute a : n.attributes().values()) {
                if (a.g() != null) {
                    collectNames(a.g());
                }
                a.graphs().forEach(this::collectNames);
            }
        }
    }

    private Graph inlineGraph(Graph g, int depth) {
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : g.nodes()) {
            Node withBodies = inlineSubgraphs(n, depth);
            changed |= withBodies != n;
            FunctionDef f = functions.get(key(n.domain(), n.opType()));
            if (f == null) {
                nodes.add(withBodies);
            } else {
                nodes.addAll(expand(withBodies, f, depth + 1));
                changed = true;
            }
        }
        return changed ? new Graph(g.name(), nodes, g.inputs(), g.outputs(), g.valueInfo(), g.initializers()) : g;
    }

    /** The node with calls inside its graph attributes inlined (the same node when there are none). */
    private Node inlineSubgraphs(Node n, int depth) {
        Map<String, Attribute> attrs = null;
        for (Attribute a : n.attributes().values()) {
            if (a.g() == null && a.graphs().isEmpty()) {
                continue;
            }
            Graph g = a.g() == null ? null : inlineGraph(a.g(), depth);
            List<Graph> gs = a.graphs().stream().map(x -> inlineGraph(x, depth)).toList();
            if (attrs == null) {
                attrs = new LinkedHashMap<>(n.attributes());
            }
            attrs.put(a.name(), new Attribute(a.name(), a.kind(), a.i(), a.f(), a.s(), a.t(), g, a.ints(), a.floats(),
                    a.strings(), a.tensors(), gs, a.refAttrName()));
        }
        return attrs == null ? n : new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), attrs,
                n.metadata(), n.scope());
    }

    private List<Node> expand(Node call, FunctionDef f, int depth) {
        if (depth > MAX_NESTING) {
            throw new ModelMeterException("function '" + f.name() + "' calls itself (nesting deeper than "
                    + MAX_NESTING + ")");
        }
        Map<String, String> rename = new HashMap<>();
        for (int i = 0; i < f.inputs().size(); i++) {
            rename.put(f.inputs().get(i), call.input(i));
        }
        for (int i = 0; i < f.outputs().size(); i++) {
            String actual = i < call.outputs().size() ? call.outputs().get(i) : "";
            if (!actual.isEmpty()) {
                rename.put(f.outputs().get(i), actual);
            }
        }
        String prefix = freshPrefix(call, f);
        List<Node> body = new ArrayList<>();
        for (Node inner : f.nodes()) {
            List<String> ins = inner.inputs().stream().map(x -> renamed(x, rename, prefix)).toList();
            List<String> outs = inner.outputs().stream().map(x -> renamed(x, rename, prefix)).toList();
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            for (Attribute a : inner.attributes().values()) {
                Attribute resolved = resolve(a, call, f);
                if (resolved != null) {
                    attrs.put(resolved.name(), renameInSubgraphs(resolved, rename, prefix));
                }
            }
            String scope = call.scope().isEmpty() ? inner.scope() : call.scope();
            String name = (call.name().isEmpty() ? f.name() : call.name()) + "/" + inner.name();
            body.add(new Node(name, inner.opType(), inner.domain(), ins, outs, attrs, inner.metadata(), scope));
        }
        // the body may itself call functions: inline those too
        Graph expanded = inlineGraph(new Graph("", body, List.of(), List.of(), List.of(), List.of()), depth);
        return expanded.nodes();
    }

    private String freshPrefix(Node call, FunctionDef f) {
        String prefix;
        do {
            prefix = "_inlined" + (counter++) + "_" + f.name() + "/";
        } while (usedNames.contains(prefix));
        return prefix;
    }

    private String renamed(String name, Map<String, String> rename, String prefix) {
        if (name.isEmpty()) {
            return name;
        }
        String r = rename.get(name);
        if (r != null) {
            return r;
        }
        String fresh = prefix + name;
        while (usedNames.contains(fresh)) {
            fresh = fresh + "_";
        }
        usedNames.add(fresh);
        rename.put(name, fresh);
        return fresh;
    }

    /** An attribute of a body node with {@code ref_attr_name} resolved; null when it resolves to nothing. */
    private static Attribute resolve(Attribute a, Node call, FunctionDef f) {
        if (a.refAttrName() == null || a.refAttrName().isEmpty()) {
            return a;
        }
        Attribute source = call.attributes().get(a.refAttrName());
        if (source == null) {
            source = f.attributeDefaults().get(a.refAttrName());
        }
        if (source == null) {
            return null;
        }
        return new Attribute(a.name(), source.kind(), source.i(), source.f(), source.s(), source.t(), source.g(),
                source.ints(), source.floats(), source.strings(), source.tensors(), source.graphs(), null);
    }

    /** Sub-graphs of a body node refer to the body's values by name: rename those references too. */
    private Attribute renameInSubgraphs(Attribute a, Map<String, String> rename, String prefix) {
        if (a.g() == null && a.graphs().isEmpty()) {
            return a;
        }
        Graph g = a.g() == null ? null : renameGraph(a.g(), rename, prefix);
        List<Graph> gs = a.graphs().stream().map(x -> renameGraph(x, rename, prefix)).toList();
        return new Attribute(a.name(), a.kind(), a.i(), a.f(), a.s(), a.t(), g, a.ints(), a.floats(), a.strings(),
                a.tensors(), gs, a.refAttrName());
    }

    /**
     * Renames, inside a sub-graph, the outer values it reads. Names the sub-graph defines itself (its
     * inputs, initializers, node outputs) shadow outer ones and are prefixed too, which keeps them unique.
     */
    private Graph renameGraph(Graph g, Map<String, String> rename, String prefix) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            for (Attribute a : n.attributes().values()) {
                attrs.put(a.name(), renameInSubgraphs(a, rename, prefix));
            }
            nodes.add(new Node(n.name(), n.opType(), n.domain(),
                    n.inputs().stream().map(x -> renamed(x, rename, prefix)).toList(),
                    n.outputs().stream().map(x -> renamed(x, rename, prefix)).toList(), attrs, n.metadata(), n.scope()));
        }
        List<ValueInfo> inputs = g.inputs().stream().map(v -> new ValueInfo(renamed(v.name(), rename, prefix), v.type())).toList();
        List<ValueInfo> outputs = g.outputs().stream().map(v -> new ValueInfo(renamed(v.name(), rename, prefix), v.type())).toList();
        List<ValueInfo> valueInfo = g.valueInfo().stream().map(v -> new ValueInfo(renamed(v.name(), rename, prefix), v.type())).toList();
        List<dev.modelmeter.graph.TensorData> inits = g.initializers().stream()
                .map(t -> new dev.modelmeter.graph.TensorData(renamed(t.name(), rename, prefix), t.dtype(), t.dims(), t.value(),
                        t.location())).toList();
        return new Graph(g.name(), nodes, inputs, outputs, valueInfo, inits);
    }
}
