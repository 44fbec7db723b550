package dev.modelmeter.analysis.parallel;

/**
 * DeepSpeed's model-states estimators, reproduced formula for formula so their figure can be shown
 * beside ours ({@code deepspeed/runtime/zero/stage_1_and_2.py}
 * {@code estimate_zero2_model_states_mem_needs} and {@code stage3.py}
 * {@code estimate_zero3_model_states_mem_needs}; additional_buffer_factor 1.5 as there). They count
 * model states only (no activations) with fp16 mixed-precision Adam.
 *
 * <ul>
 *   <li>ZeRO-2, no offload: GPU {@code 4Ψ + 16Ψ/N}; CPU {@code 4Ψ·gpus_per_node·1.5}.</li>
 *   <li>ZeRO-2, optimizer offload: GPU {@code 2Ψ}; CPU {@code Ψ·max(4N, 16)·1.5}.</li>
 *   <li>ZeRO-3, no offload: GPU {@code 4L + 18Ψ/N}; CPU (zero_init) {@code 4L·gpus_per_node·1.5}.</li>
 *   <li>ZeRO-3, optimizer offload: GPU {@code 4L + 2Ψ/N}; CPU (zero_init) {@code 16Ψ/nodes·1.5}.</li>
 *   <li>ZeRO-3, optimizer and parameter offload: GPU {@code 4L}; CPU (zero_init) {@code 18Ψ/nodes·1.5}.</li>
 * </ul>
 * Ψ = total parameters, L = the largest layer's own parameters, N = nodes × GPUs per node.
 */
public final class DeepSpeedEstimate {

    /** DeepSpeed's default additional_buffer_factor. */
    public static final double BUFFER_FACTOR = 1.5;

    private DeepSpeedEstimate() {
    }

    /**
     * Bytes per CPU and per GPU, as DeepSpeed returns them ({@code int(...)}).
     *
     * @param cpuBytes per-node CPU memory
     * @param gpuBytes per-GPU memory
     */
    public record Estimate(long cpuBytes, long gpuBytes) {
    }

    /**
     * {@code estimate_zero2_model_states_mem_needs}.
     *
     * @param totalParams    Ψ
     * @param gpusPerNode    GPUs per node
     * @param nodes          nodes
     * @param offloadOptimizer the optimizer offloaded to CPU
     * @return the estimate
     */
    public static Estimate zero2(long totalParams, int gpusPerNode, int nodes, boolean offloadOptimizer) {
        long totalGpus = (long) gpusPerNode * nodes;
        if (offloadOptimizer) {
            return new Estimate((long) (totalParams * Math.max(4 * totalGpus, 16) * BUFFER_FACTOR), 2 * totalParams);
        }
        long gpu = 4 * totalParams + (long) (16.0 * totalParams / totalGpus);
        return new Estimate((long) (totalParams * 4.0 * gpusPerNode * BUFFER_FACTOR), gpu);
    }

    /**
     * {@code estimate_zero3_model_states_mem_needs} with {@code zero_init=True}.
     *
     * @param totalParams        Ψ
     * @param largestLayerParams L
     * @param gpusPerNode        GPUs per node
     * @param nodes              nodes
     * @param offloadOptimizer   the optimizer offloaded to CPU
     * @param offloadParams      the parameters offloaded to CPU too (only with the optimizer)
     * @return the estimate
     */
    public static Estimate zero3(long totalParams, long largestLayerParams, int gpusPerNode, int nodes,
                                 boolean offloadOptimizer, boolean offloadParams) {
        long totalGpus = (long) gpusPerNode * nodes;
        double gpusFactor = 1.0 / nodes;
        long largest = 4 * largestLayerParams;
        if (offloadOptimizer) {
            if (offloadParams) {
                return new Estimate((long) (totalParams * 18 * gpusFactor * BUFFER_FACTOR), largest);
            }
            return new Estimate((long) (totalParams * 16 * gpusFactor * BUFFER_FACTOR),
                    largest + (long) (2.0 * totalParams / totalGpus));
        }
        return new Estimate((long) (largestLayerParams * 4.0 * gpusPerNode * BUFFER_FACTOR),
                largest + (long) (18.0 * totalParams / totalGpus));
    }
}
