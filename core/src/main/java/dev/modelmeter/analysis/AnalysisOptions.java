package dev.modelmeter.analysis;

import dev.modelmeter.graph.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to bind a model's inputs before analysis.
 *
 * @param batch                size of the batch dimension (null: as declared). The batch dimension is the
 *                             batch symbol's (see docs/CONVENTIONS.md, "Inputs and the batch"), not the
 *                             first axis of everything; a shape given in {@code inputShapes} wins over it
 * @param inputShapes          shapes by input name; the key "" means "the model's only input"
 * @param ignoreDeclaredShapes infer every shape from the inputs alone, never from the file's declarations
 * @param freezePattern        regex over parameter names: matching parameters are frozen (not trainable); null for none
 * @param batchOverridesInputs the batch is the quantity being varied (the fit's search): it sets the batch
 *                             dimension of a shape given in {@code inputShapes} too, whose other sizes are kept
 */
public record AnalysisOptions(Integer batch, Map<String, Shape> inputShapes, boolean ignoreDeclaredShapes,
                              String freezePattern, boolean batchOverridesInputs) {

    /**
     * Copies the shapes.
     *
     * @param batch                size of the batch dimension, or null
     * @param inputShapes          shapes by input name
     * @param ignoreDeclaredShapes infer every shape from the inputs alone
     * @param freezePattern        regex over parameter names, or null
     * @param batchOverridesInputs whether the batch also sets the batch dimension of given shapes
     */
    public AnalysisOptions {
        inputShapes = Map.copyOf(new LinkedHashMap<>(inputShapes));
    }

    /**
     * Options where a given input shape wins over the batch.
     *
     * @param batch                size of the batch dimension, or null
     * @param inputShapes          shapes by input name
     * @param ignoreDeclaredShapes infer every shape from the inputs alone
     * @param freezePattern        regex over parameter names, or null
     */
    public AnalysisOptions(Integer batch, Map<String, Shape> inputShapes, boolean ignoreDeclaredShapes,
                           String freezePattern) {
        this(batch, inputShapes, ignoreDeclaredShapes, freezePattern, false);
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
        return new AnalysisOptions(newBatch, inputShapes, ignoreDeclaredShapes, freezePattern, batchOverridesInputs);
    }

    /**
     * These options with the batch as the quantity being searched (the fit): it sets the batch dimension
     * of every input, a given shape's too.
     *
     * @param probe the batch size tried
     * @return a copy
     */
    public AnalysisOptions withProbedBatch(int probe) {
        return new AnalysisOptions(probe, inputShapes, ignoreDeclaredShapes, freezePattern, true);
    }
}
