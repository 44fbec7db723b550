package dev.modelmeter.analysis.parallel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Searches worked by hand. */
class ParallelFitTest {

    @Test
    void largestBatch() {
        // 100 + 7·b bytes ≤ 1000 → b ≤ 128.57 → 128
        assertThat(ParallelFit.maxBatch(b -> 100 + 7L * b, 1000, 1 << 20)).isEqualTo(128);
        assertThat(ParallelFit.maxBatch(b -> 2000, 1000, 1 << 20)).isZero();
        assertThat(ParallelFit.maxBatch(b -> 1, 1000, 50)).isEqualTo(50);
    }

    @Test
    void fewestGpusForTheZeroPaperModel() {
        // Ψ = 7.5e9, K = 12, ZeRO-3: 120e9/N ≤ 32e9 → N ≥ 3.75 → 4; with TP 2 (multiples of 2) → 4
        ModelStates states = ModelStates.zeroPaper(7_500_000_000L, 12);
        assertThat(ParallelFit.fewestGpus(n -> ParallelPlan.perGpu(states, 0, 0,
                new ParallelLayout(n, 1, Sharding.PARAMETERS, 8)).total(), 32_000_000_000L, 1)).isEqualTo(4);
        // ZeRO-2: 2Ψ + 14Ψ/N = 15e9 + 105e9/N ≤ 32e9 → N ≥ 6.18 → 7
        assertThat(ParallelFit.fewestGpus(n -> ParallelPlan.perGpu(states, 0, 0,
                new ParallelLayout(n, 1, Sharding.GRADIENTS, 8)).total(), 32_000_000_000L, 1)).isEqualTo(7);
        // DDP never fits 120e9 in 32e9
        assertThat(ParallelFit.fewestGpus(n -> ParallelPlan.perGpu(states, 0, 0,
                new ParallelLayout(n, 1, Sharding.NONE, 8)).total(), 32_000_000_000L, 1)).isZero();
    }
}
