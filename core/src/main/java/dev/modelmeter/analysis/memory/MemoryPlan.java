package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.StoredPrecision;

import java.util.List;
import java.util.Map;

/**
 * The memory a training step and an inference forward spend, as the step simulation found it. All
 * figures are bytes of live tensors (what PyTorch's tensors hold, no allocator rounding: see
 * {@link Device} for the device-facing figure).
 *
 * @param firstStep      the first step (optimizer state created lazily inside it)
 * @param steadyStep     the second step (state present, grads set to None at its start): what every later step costs
 * @param savedBytes     bytes autograd saves for backward in one forward, each storage once, parameters and
 *                       buffers excluded (the model input included when an op saves it)
 * @param savedByModule  the same, attributed to the module (scope) of the first node that saved each storage
 * @param savedByDType   the same by element type
 * @param savedByNode    the same by node name
 * @param inference      eval-mode forward without grad
 * @param approximate    true when some operator had no autograd rule and a conservative default was used, or
 *                       the graph holds If/Loop/Scan, whose bodies' temporaries and saved tensors are not
 *                       simulated (their outputs are)
 * @param timeline       live bytes after each event of both steps, in order (for a chart)
 * @param stored         what the file stores its parameters as; when {@link StoredPrecision#trainable()} is
 *                       false (a quantized graph) the training figures are not meaningful and renderers and
 *                       the fit show inference only
 * @param partial        true when some value's size is unknown and was counted as 0 bytes: the figures are
 *                       lower bounds
 */
public record MemoryPlan(TrainingSetup setup, StaticBytes statics, StepPeak firstStep, StepPeak steadyStep,
                         long savedBytes, Map<String, Long> savedByModule, Map<String, Long> savedByDType,
                         Map<String, Long> savedByNode, InferencePeak inference, boolean approximate,
                         List<String> warnings, List<TimePoint> timeline, StoredPrecision stored,
                         boolean partial) {

    /**
     * Copies the maps and lists.
     *
     * @param setup         the step planned
     * @param statics       what lives for the whole step
     * @param firstStep     the first step's peak
     * @param steadyStep    the second step's peak
     * @param savedBytes    bytes saved for backward in one forward
     * @param savedByModule saved bytes by module
     * @param savedByDType  saved bytes by element type
     * @param savedByNode   saved bytes by node
     * @param inference     the eval forward's peak
     * @param approximate   whether some operator's saved tensors are not modelled
     * @param warnings      notes for the user
     * @param timeline      live bytes after each event
     * @param stored        the file's stored precision
     * @param partial       whether some value's size is unknown (figures are lower bounds)
     */
    public MemoryPlan {
        savedByModule = Map.copyOf(savedByModule);
        savedByDType = Map.copyOf(savedByDType);
        savedByNode = Map.copyOf(savedByNode);
        warnings = List.copyOf(warnings);
        timeline = List.copyOf(timeline);
    }

    /**
     * The larger of the two step peaks: what training needs.
     *
     * @return the peak in bytes
     */
    public long peakBytes() {
        return Math.max(firstStep.peakBytes(), steadyStep.peakBytes());
    }

    /**
     * Whether the training figures mean anything: false for a quantized graph (integer weights take no
     * gradient), whose plan is for inference only; {@code stored().notTrainable()} says why.
     *
     * @return whether training the graph as stored is meaningful
     */
    public boolean trainingMeaningful() {
        return stored.trainable();
    }

    /** Phases of a training step, as PyTorch's loop runs them. */
    public enum Phase {
        /** {@code optimizer.zero_grad()}: gradients from the last step are freed. */
        ZERO_GRAD,
        /** The model's forward and the loss. */
        FORWARD,
        /** {@code loss.backward()}: saved tensors are freed as gradients are made. */
        BACKWARD,
        /** {@code optimizer.step()}: state is updated (and created on the first step). */
        OPTIMIZER_STEP,
        /** The eval forward under no_grad. */
        INFERENCE
    }

    /** What lives for the whole step. */
    public record StaticBytes(long params, long trainableParams, long buffers, long inputs, long target) {
    }

    /**
     * Live bytes at the peak by kind: weights (parameters), buffers, inputs (and target), gradients of
     * parameters, optimizer state, activations saved for backward, and transients (outputs not saved,
     * gradients of activations, autocast copies not saved, optimizer temporaries).
     */
    public record Breakdown(long weights, long buffers, long inputs, long gradients, long optimizerState,
                            long savedActivations, long transients) {
        /**
         * The sum of all kinds: the live bytes at the peak.
         *
         * @return the total in bytes
         */
        public long total() {
            return weights + buffers + inputs + gradients + optimizerState + savedActivations + transients;
        }
    }

    /** The peak of one step: where (node label, its module scope, the phase) and what was live. */
    public record StepPeak(long peakBytes, Phase phase, String at, String scope, Breakdown breakdown,
                           Map<Phase, Long> peakByPhase, long liveAtStart, long liveAtEnd) {
        /**
         * Copies the map.
         *
         * @param peakBytes   live bytes at the peak
         * @param phase       the phase the peak falls in
         * @param at          the node (or step event) at the peak
         * @param scope       that node's module scope
         * @param breakdown   what was live at the peak, by kind
         * @param peakByPhase the highest live bytes within each phase
         * @param liveAtStart live bytes when the step began
         * @param liveAtEnd   live bytes when the step ended
         */
        public StepPeak {
            peakByPhase = Map.copyOf(peakByPhase);
        }
    }

    /**
     * Eval forward under no_grad: {@code peakBeyondWeightsBytes} is the peak minus parameters and
     * buffers, i.e. inputs and activations (truth's {@code peak_beyond_params_buffers_bytes}).
     */
    public record InferencePeak(long peakBeyondWeightsBytes, long inputBytes, long outputBytes, String at,
                                String scope) {
        /**
         * Activations alone: the peak minus the inputs.
         *
         * @return the bytes
         */
        public long activationPeakBytes() {
            return peakBeyondWeightsBytes - inputBytes;
        }
    }

    /** Live bytes after one event of the step. */
    public record TimePoint(String label, Phase phase, int step, long liveBytes) {
    }
}
