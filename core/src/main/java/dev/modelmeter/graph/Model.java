package dev.modelmeter.graph;

import java.util.List;
import java.util.Map;

/**
 * A whole model: where it came from, its operator-set versions (domain → version; the default
 * domain is ""), the main graph, and model-local functions.
 */
public record Model(String source, long irVersion, String producer, Map<String, Integer> opsets, Graph graph,
                    List<FunctionDef> functions, Map<String, String> metadata) {

    /**
     * Copies the collections.
     *
     * @param source    where the model came from: a file path, or {@code dsl:NAME} for a DSL network
     * @param irVersion the ONNX IR version
     * @param producer  the exporter's name and version
     * @param opsets    operator-set versions by domain
     * @param graph     the main graph
     * @param functions model-local functions
     * @param metadata  the model's metadata properties
     */
    public Model {
        opsets = Map.copyOf(opsets);
        functions = List.copyOf(functions);
        metadata = Map.copyOf(metadata);
    }

    /**
     * The default-domain opset version, or the given fallback when the model imports none.
     *
     * @param fallback the version to assume when the model imports none
     * @return the version
     */
    public int defaultOpset(int fallback) {
        Integer v = opsets.get("");
        if (v == null) {
            v = opsets.get("ai.onnx");
        }
        return v == null ? fallback : v;
    }
}
