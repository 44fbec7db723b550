package dev.modelmeter.analysis.parallel;

/**
 * One GPU's share of a training step under a {@link ParallelLayout}.
 *
 * @param parameters       parameter bytes held (the shard, plus the largest unit gathered when parameters
 *                         are sharded)
 * @param gradients        gradient bytes held
 * @param optimizerState   optimizer-state bytes held
 * @param activations      saved activations, transients and inputs of the rank's micro-batch (the
 *                         single-device plan of the rank's graph; data parallelism does not change them)
 * @param gatheredParameters the part of {@code parameters} that is a gathered unit (0 unless parameters are sharded)
 */
public record PerGpuMemory(long parameters, long gradients, long optimizerState, long activations,
                           long gatheredParameters) {

    /**
     * Model states: parameters + gradients + optimizer state.
     *
     * @return the bytes
     */
    public long modelStates() {
        return parameters + gradients + optimizerState;
    }

    /**
     * Everything: model states + activations.
     *
     * @return the bytes
     */
    public long total() {
        return modelStates() + activations;
    }
}
