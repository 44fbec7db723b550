package dev.modelmeter.analysis.parallel;

/**
 * Splits one rank's memory over data-parallel ranks (ZeRO / FSDP). The rank's states come from the
 * single-device plan of its graph (for tensor parallelism, the graph of one Megatron rank, whose
 * parameters, gradients and activations are already split). Sharded categories divide by the shard
 * group, rounded up (a partition is padded to equal sizes); a sharded-parameter layout also holds the
 * largest gathered unit (FSDP's wrapped module, ZeRO-3's live layer) while it computes.
 *
 * <p>Per GPU (Rajbhandari et al. 2020, Table 1, with Ψ-proportional states):
 * DDP {@code P + G + O}; ZeRO-1 {@code P + G + O/N}; ZeRO-2 {@code P + (G + O)/N};
 * ZeRO-3 {@code (P + G + O)/N + gathered}.
 */
public final class ParallelPlan {

    private ParallelPlan() {
    }

    /**
     * One GPU's share.
     *
     * @param states          the rank's unsharded model states
     * @param activationBytes the rank's activations at its micro-batch (saved + transients + inputs at the peak)
     * @param gatheredUnitBytes bytes of the largest unit gathered at once when parameters are sharded
     * @param layout          the layout
     * @return the per-GPU memory
     */
    public static PerGpuMemory perGpu(ModelStates states, long activationBytes, long gatheredUnitBytes,
                                      ParallelLayout layout) {
        Sharding s = layout.sharding();
        long n = layout.shardGroup();
        long params = s.shardsParameters() ? ceilDiv(states.parameters(), n) : states.parameters();
        long gathered = s.shardsParameters() && n > 1 ? gatheredUnitBytes : 0;
        long grads = s.shardsGradients() ? ceilDiv(states.gradients(), n) : states.gradients();
        long optimizer = s.shardsOptimizer() ? ceilDiv(states.optimizerState(), n) : states.optimizerState();
        return new PerGpuMemory(params + gathered, grads, optimizer, activationBytes, gathered);
    }

    private static long ceilDiv(long a, long b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
