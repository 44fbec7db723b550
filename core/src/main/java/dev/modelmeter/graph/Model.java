package dev.modelmeter.graph;

import java.util.List;
import java.util.Map;

/**
 * A whole model: where it came from, its operator-set versions (domain → version; the default
 * domain is ""), the main graph, and model-local functions.
 */
public record Model(String source, long irVersion, String producer, Map<String, Integer> opsets, Graph graph,
                    List<FunctionDef> functions, Map<String, String> metadata) {

    public Model {
        opsets = Map.copyOf(opsets);
        functions = List.copyOf(functions);
        metadata = Map.copyOf(metadata);
    }

    /** The default-domain opset version, or the given fallback when the model imports none. */
    public int defaultOpset(int fallback) {
        Integer v = opsets.get("");
        if (v == null) {
            v = opsets.get("ai.onnx");
        }
        return v == null ? fallback : v;
    }
}
