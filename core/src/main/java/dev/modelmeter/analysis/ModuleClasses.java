package dev.modelmeter.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The class of every module a model's nodes say they ran in, by module path. PyTorch's dynamo exporter
 * writes on each node a {@code namespace} property, the call stack of modules as {@code path: class}
 * entries separated by {@code /} (the root module's path is empty, the last entry is the aten op):
 * {@code : …GPT2LMHeadModel/transformer: …GPT2Model/transformer.h.0: …GPT2Block/view_1: aten.view.default}.
 * The DSL writes {@code modelmeter.module} (the innermost module's class). Exports without such
 * metadata (the TorchScript exporter) give no classes.
 */
public final class ModuleClasses {

    private ModuleClasses() {
    }

    /**
     * Module path → short class name ({@code Conv1D}, {@code GPT2Block}); the root module under "".
     *
     * @param nodes the summary's nodes
     * @return the classes the metadata names, in first-seen order
     */
    public static Map<String, String> of(List<NodeCost> nodes) {
        Map<String, String> classes = new LinkedHashMap<>();
        for (NodeCost n : nodes) {
            Map<String, String> meta = n.node().metadata();
            String namespace = meta.get("namespace");
            if (namespace != null) {
                for (String entry : namespace.split("/")) {
                    int colon = entry.lastIndexOf(": ");
                    if (colon < 0) {
                        continue;
                    }
                    String cls = entry.substring(colon + 2).strip();
                    if (cls.startsWith("aten.") || cls.startsWith("prims.") || cls.startsWith("<")) {
                        continue; // the op the node came from, not a module
                    }
                    classes.putIfAbsent(entry.substring(0, colon).strip(), cls.substring(cls.lastIndexOf('.') + 1));
                }
            }
            String dsl = meta.get("modelmeter.module");
            if (dsl != null && n.node().scope() != null && !n.node().scope().isEmpty()) {
                classes.putIfAbsent(n.node().scope(), dsl);
            }
        }
        return classes;
    }
}
