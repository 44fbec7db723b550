package dev.modelmeter.analysis.parallel;

import java.util.function.IntToLongFunction;

/**
 * Searches over a per-GPU memory function: the largest batch whose per-GPU bytes fit a budget (doubling,
 * then bisection, as {@code FitSolver} searches a single device), and the fewest GPUs that fit (every
 * multiple of the tensor-parallel degree in turn; per-GPU memory falls as sharded states spread).
 */
public final class ParallelFit {

    /** Largest GPU count tried. */
    public static final int MAX_GPUS = 1 << 14;

    private ParallelFit() {
    }

    /**
     * The largest batch in [1, limit] whose bytes fit, assuming bytes grow with the batch.
     *
     * @param bytesAtBatch per-GPU bytes at a batch
     * @param budget       bytes available
     * @param limit        the largest batch tried
     * @return the batch, 0 when batch 1 does not fit
     */
    public static int maxBatch(IntToLongFunction bytesAtBatch, long budget, int limit) {
        if (bytesAtBatch.applyAsLong(1) > budget) {
            return 0;
        }
        int lo = 1;
        int hi = 2;
        while (hi <= limit && bytesAtBatch.applyAsLong(hi) <= budget) {
            lo = hi;
            hi = hi > limit / 2 ? limit + 1 : hi * 2;
        }
        hi = Math.min(hi, limit + 1);
        while (hi - lo > 1) { // lo fits, hi does not (or is past the limit)
            int mid = lo + (hi - lo) / 2;
            if (bytesAtBatch.applyAsLong(mid) <= budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The fewest GPUs, a multiple of {@code step}, whose per-GPU bytes fit.
     *
     * @param bytesWithGpus per-GPU bytes with that many GPUs
     * @param budget        bytes available per GPU
     * @param step          the tensor-parallel degree (GPU counts are its multiples)
     * @return the GPU count, or 0 when none up to {@link #MAX_GPUS} fits
     */
    public static int fewestGpus(IntToLongFunction bytesWithGpus, long budget, int step) {
        for (int n = step; n <= MAX_GPUS; n += step) {
            if (bytesWithGpus.applyAsLong(n) <= budget) {
                return n;
            }
        }
        return 0;
    }
}
