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

    /**
     * Copies the shapes.
     *
     * @param batch                size of every input's leading dimension, or null
     * @param inputShapes          shapes by input name
     * @param ignoreDeclaredShapes infer every shape from the inputs alone
     * @param freezePattern        regex over parameter names, or null
     */
    public AnalysisOptions {
        inputShapes = Map.copyOf(new LinkedHashMap<>(inputShapes));
    }

    /**
     * Inputs as declared, nothing frozen.
     *
     * @return the options
     */
    public static AnalysisOptions defaults() {
        return new AnalysisOptions(null, Map.of(), false, null);
    }

    /**
     * These options with another batch size.
     *
     * @param newBatch size of every input's leading dimension, or null for as declared
     * @return a copy
     */
    public AnalysisOptions withBatch(Integer newBatch) {
        return new AnalysisOptions(newBatch, inputShapes, ignoreDeclaredShapes, freezePattern);
    }
}
