package dev.modelmeter.analysis;

import dev.modelmeter.graph.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to bind a model's inputs before analysis.
 *
 * @param batch                size for the leading dimension of every input (null: as declared)
 * @param inputShapes          shapes by input name; the key "" means "the model's only input"
 * @param ignoreDeclaredShapes infer every shape from the inputs alone, never from the file's declarations
 * @param freezePattern        regex over parameter names: matching parameters are frozen (not trainable); null for none
 */
public record AnalysisOptions(Integer batch, Map<String, Shape> inputShapes, boolean ignoreDeclaredShapes,
                              String freezePattern) {

    public AnalysisOptions {
        inputShapes = Map.copyOf(new LinkedHashMap<>(inputShapes));
    }

    public static AnalysisOptions defaults() {
        return new AnalysisOptions(null, Map.of(), false, null);
    }

    public AnalysisOptions withBatch(Integer newBatch) {
        return new AnalysisOptions(newBatch, inputShapes, ignoreDeclaredShapes, freezePattern);
    }
}
