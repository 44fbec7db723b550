package dev.modelmeter.analysis.llm;

import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.parallel.DeepSpeedEstimate;
import dev.modelmeter.analysis.parallel.ModelStates;
import dev.modelmeter.analysis.parallel.ParallelLayout;
import dev.modelmeter.analysis.parallel.ParallelPlan;
import dev.modelmeter.analysis.parallel.PerGpuMemory;

/**
 * The figures of a language model beyond one graph's plan: weights as stored, the KV cache, inference
 * (weights + cache + prefill activations), and a training step's memory per GPU under a parallel layout,
 * with DeepSpeed's estimate beside it. Composed from a {@link MemoryPlan} of the (rank's) graph; see
 * docs/LLM.md for every formula.
 *
 * @param format              the weight format
 * @param weightBytes         weights as stored in that format (the rank's, under tensor parallelism)
 * @param kvBytesPerToken     KV-cache bytes per token of one sequence (0 without a cache: encoders)
 * @param kvTokens            context tokens per sequence the cache holds
 * @param kvBatch             sequences
 * @param kvBytes             the cache
 * @param prefillBytes        the eval forward's peak beyond weights (inputs and activations) at batch × sequence
 * @param inferenceBytes      weights + cache + prefill
 * @param kvTokensThatFit     tokens of cache that fit beside weights and prefill on the device, or -1 without one
 * @param layout              the parallel layout
 * @param perGpu              a training step's memory per GPU
 * @param deepSpeedZero2      DeepSpeed's ZeRO-2 estimate (no offload) for the same model and GPUs
 * @param deepSpeedZero3      DeepSpeed's ZeRO-3 estimate (no offload)
 * @param activeParams        parameters one token passes through (mixture of experts), or -1 for a dense model
 * @param decodeMacsPerToken  MACs of one decode step per sequence at the cache's context ({@link DecodeMacs}), or -1
 */
public record LlmMemory(WeightFormat format, long weightBytes, long kvBytesPerToken, long kvTokens, long kvBatch,
                        long kvBytes, long prefillBytes, long inferenceBytes, long kvTokensThatFit,
                        ParallelLayout layout, PerGpuMemory perGpu, DeepSpeedEstimate.Estimate deepSpeedZero2,
                        DeepSpeedEstimate.Estimate deepSpeedZero3, long activeParams, long decodeMacsPerToken) {

    /** Block size of bitsandbytes' 8-bit optimizers (Dettmers et al. 2022, "8-bit Optimizers via Block-wise Quantization"). */
    public static final long ADAM_8BIT_BLOCK = 2048;

    /**
     * What to compose.
     *
     * @param format               the weight format (null: as the plan holds them)
     * @param kvTokens             context tokens per sequence for the cache
     * @param kvBatch              sequences in the cache
     * @param kvBytesPerElement    bytes of a cached element
     * @param layout               the parallel layout
     * @param adam8bit             8-bit Adam: 2 one-byte states + an fp32 absmax per block of 2048, per state
     * @param trainableElements    trainable parameter elements of the rank (for 8-bit Adam)
     * @param largestUnitBytes     bytes of the largest unit gathered when parameters are sharded
     * @param totalParams          Ψ of the whole model, for DeepSpeed's estimate
     * @param largestModuleParams  DeepSpeed's "largest layer params": the largest module's own parameters
     * @param deviceFreeBytes      device budget less context and workspaces, or -1 without a device
     * @param activeParams         parameters one token passes through (mixture of experts), or -1
     * @param decodeMacsPerToken   MACs of one decode step per sequence, or -1 for an encoder
     */
    public record Setup(WeightFormat format, long kvTokens, long kvBatch, long kvBytesPerElement, ParallelLayout layout,
                        boolean adam8bit, long trainableElements, long largestUnitBytes, long totalParams,
                        long largestModuleParams, long deviceFreeBytes, long activeParams, long decodeMacsPerToken) {
    }

    /**
     * Composes the figures.
     *
     * @param plan   the plan of the model's (rank's) graph at the batch and sequence
     * @param stored the graph's weights in {@code setup.format()} (may be null when the format is null)
     * @param kv     the KV cache, or null for an encoder
     * @param setup  what to compose
     * @return the figures
     */
    public static LlmMemory of(MemoryPlan plan, StoredWeights.Split stored, KvCache kv, Setup setup) {
        MemoryPlan.Breakdown b = plan.steadyStep().breakdown();
        long planWeights = b.weights() + b.buffers();
        long weights = setup.format() == null || stored == null ? planWeights : stored.totalBytes();
        long perToken = kv == null ? 0 : kv.bytesPerToken(setup.kvBytesPerElement());
        long kvBytes = kv == null ? 0 : kv.bytes(setup.kvTokens(), setup.kvBatch(), setup.kvBytesPerElement());
        long prefill = plan.inference().peakBeyondWeightsBytes();
        long inference = weights + kvBytes + prefill;
        long fit = setup.deviceFreeBytes() < 0 || kv == null ? -1
                : kv.tokensThatFit(setup.deviceFreeBytes() - weights - prefill, setup.kvBytesPerElement());
        // the layout is applied to each step's peak breakdown and to the steady step's forward peak (where
        // gradients are None and the state is whole); the largest per-GPU total is the answer. At an
        // optimizer-step peak the transients are the optimizer's temporaries: sharded with its state.
        PerGpuMemory perGpu = null;
        MemoryPlan.Breakdown steady = plan.steadyStep().breakdown();
        Long forwardPeak = plan.steadyStep().peakByPhase().get(MemoryPlan.Phase.FORWARD);
        java.util.List<Object[]> candidates = new java.util.ArrayList<>();
        candidates.add(new Object[] {plan.firstStep().breakdown(), plan.firstStep().phase()});
        candidates.add(new Object[] {steady, plan.steadyStep().phase()});
        if (forwardPeak != null) {
            long statics = steady.weights() + steady.buffers() + steady.optimizerState();
            candidates.add(new Object[] {new MemoryPlan.Breakdown(steady.weights(), steady.buffers(), 0, 0,
                    steady.optimizerState(), 0, Math.max(0, forwardPeak - statics)), MemoryPlan.Phase.FORWARD});
        }
        for (Object[] c : candidates) {
            MemoryPlan.Breakdown at = (MemoryPlan.Breakdown) c[0];
            boolean optimizerPhase = c[1] == MemoryPlan.Phase.OPTIMIZER_STEP;
            long optimizer = at.optimizerState();
            if (setup.adam8bit() && optimizer > 0) {
                long n = setup.trainableElements();
                optimizer = 2 * n + 2 * 4 * ((n + ADAM_8BIT_BLOCK - 1) / ADAM_8BIT_BLOCK);
            }
            long transients = at.transients();
            if (optimizerPhase) {
                optimizer += transients;
                transients = 0;
            }
            long stepWeights = setup.format() == null || stored == null ? at.weights() + at.buffers() : weights;
            ModelStates states = new ModelStates(stepWeights, at.gradients(), optimizer);
            long activations = at.inputs() + at.savedActivations() + transients;
            PerGpuMemory g = ParallelPlan.perGpu(states, activations, setup.largestUnitBytes(), setup.layout());
            if (perGpu == null || g.total() > perGpu.total()) {
                perGpu = g;
            }
        }
        ParallelLayout l = setup.layout();
        int nodes = Math.max(1, l.gpus() / Math.min(l.gpus(), l.gpusPerNode()));
        int perNode = Math.min(l.gpus(), l.gpusPerNode());
        return new LlmMemory(setup.format(), weights, perToken, setup.kvTokens(), setup.kvBatch(), kvBytes, prefill,
                inference, fit, l, perGpu, DeepSpeedEstimate.zero2(setup.totalParams(), perNode, nodes, false),
                DeepSpeedEstimate.zero3(setup.totalParams(), setup.largestModuleParams(), perNode, nodes, false, false),
                setup.activeParams(), setup.decodeMacsPerToken());
    }
}
