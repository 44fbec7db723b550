package dev.modelmeter.analysis.parallel;

import dev.modelmeter.ModelMeterException;

/**
 * Megatron sequence parallelism (Korthikanti et al. 2022, §4.2.2): the activations tensor parallelism
 * leaves replicated on every rank (layer-norm inputs, dropout masks, the inputs of the first linear of
 * attention and MLP) are split along the sequence over the same t ranks. Saved bytes of a rank's graph
 * are {@code S_t = R + D/t}, where R is replicated and D divided; the whole model's are
 * {@code S_1 = R + D}. So {@code R = (t·S_t − S_1)/(t − 1)}, and with sequence parallelism a rank keeps
 * {@code S_t − R + R/t = (R + D)/t}: both figures come from the planned graphs, nothing else assumed.
 */
public final class SequenceParallel {

    private SequenceParallel() {
    }

    /**
     * Saved bytes per rank with sequence parallelism.
     *
     * @param savedWhole saved bytes of the whole model's graph (t = 1)
     * @param savedRank  saved bytes of one tensor-parallel rank's graph
     * @param t          the tensor-parallel degree (at least 2)
     * @return the bytes per rank, rounded up
     */
    public static long savedPerRank(long savedWhole, long savedRank, int t) {
        if (t < 2) {
            throw new ModelMeterException("sequence parallelism needs a tensor-parallel degree of at least 2");
        }
        long replicated = (t * savedRank - savedWhole) / (t - 1);
        return savedRank - replicated + (replicated + t - 1) / t;
    }
}
