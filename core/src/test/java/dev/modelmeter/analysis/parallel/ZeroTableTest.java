package dev.modelmeter.analysis.parallel;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: per-GPU model states reproduce Table 1 of Rajbhandari et al. 2020 ("ZeRO: Memory
 * Optimizations Toward Training Trillion Parameter Models"): Ψ = 7.5 B, K = 12, N_d = 64 →
 * 120 GB (baseline), 31.4 GB (P_os), 16.6 GB (P_os+g), 1.88 GB (P_os+g+p); GB = 10⁹ bytes as in the
 * paper. And DeepSpeed's estimators reproduce their published printouts.
 */
class ZeroTableTest {

    private static final long PSI = 7_500_000_000L;
    private static final ModelStates STATES = ModelStates.zeroPaper(PSI, 12);

    private static double gb(Sharding s) {
        return ParallelPlan.perGpu(STATES, 0, 0, new ParallelLayout(64, 1, s, 8)).modelStates() / 1e9;
    }

    @Test
    void zeroPaperTable1() {
        // (2 + 2 + K)Ψ = 16 × 7.5e9 = 120e9
        assertThat(gb(Sharding.NONE)).isEqualTo(120.0);
        // 2Ψ + 2Ψ + KΨ/N = 30e9 + 90e9/64 = 31.40625e9 → "31.4 GB"
        assertThat(gb(Sharding.OPTIMIZER)).isCloseTo(31.4, Offset.offset(0.05));
        assertThat(gb(Sharding.OPTIMIZER)).isEqualTo(30 + 90 / 64.0);
        // 2Ψ + (2 + K)Ψ/N = 15e9 + 105e9/64 = 16.640625e9 → "16.6 GB"
        assertThat(gb(Sharding.GRADIENTS)).isEqualTo(15 + 105 / 64.0);
        assertThat(gb(Sharding.GRADIENTS)).isCloseTo(16.6, Offset.offset(0.05));
        // (2 + 2 + K)Ψ/N = 120e9/64 = 1.875e9 → "1.88 GB"
        assertThat(gb(Sharding.PARAMETERS)).isEqualTo(120 / 64.0);
        assertThat(gb(Sharding.PARAMETERS)).isCloseTo(1.88, Offset.offset(0.005));
    }

    @Test
    void hybridShardsWithinANode() {
        // 64 GPUs in nodes of 8: states sharded 8 ways, replicated across the 8 nodes: 120e9/8
        PerGpuMemory m = ParallelPlan.perGpu(STATES, 0, 0, new ParallelLayout(64, 1, Sharding.HYBRID, 8));
        assertThat(m.modelStates()).isEqualTo(120_000_000_000L / 8);
    }

    @Test
    void gatheredUnitAndActivationsAddOnTop() {
        // ZeRO-3 over 4 GPUs of states 16·1000 bytes: 4000 per GPU, + a 300-byte gathered unit, + 50 activations
        PerGpuMemory m = ParallelPlan.perGpu(ModelStates.zeroPaper(1000, 12), 50, 300,
                new ParallelLayout(4, 1, Sharding.PARAMETERS, 4));
        assertThat(m.modelStates()).isEqualTo(16_000 / 4 + 300);
        assertThat(m.total()).isEqualTo(16_000 / 4 + 300 + 50);
    }

    @Test
    void deepSpeedZero2And3SameSetup() {
        // stage_1_and_2.py: 4Ψ + int(16Ψ/N) = 30e9 + 1.875e9
        assertThat(DeepSpeedEstimate.zero2(PSI, 8, 8, false).gpuBytes()).isEqualTo(30_000_000_000L + 1_875_000_000L);
        // optimizer offload: 2Ψ on the GPU
        assertThat(DeepSpeedEstimate.zero2(PSI, 8, 8, true).gpuBytes()).isEqualTo(15_000_000_000L);
        // stage3.py: 4L + int(18Ψ/N), L = 0 here: 18 × 7.5e9 / 64 = 2.109375e9
        assertThat(DeepSpeedEstimate.zero3(PSI, 0, 8, 8, false, false).gpuBytes()).isEqualTo(2_109_375_000L);
    }

    @Test
    void deepSpeedPrintoutOfTheTransformersDocs() {
        // transformers' DeepSpeed guide, bigscience/T0_3B on 1 GPU: "SW: Model with 2783M total params, 65M largest
        // layer params." per CPU | per GPU: 70.00GB | 0.25GB (offload both), 62.23GB | 5.43GB (optimizer offload),
        // 0.37GB | 46.91GB (no offload); DeepSpeed prints bytes / 2**30. Inputs are the printed (rounded down) millions,
        // so allow 0.02 GiB.
        long psi = 2_783_000_000L;
        long largest = 65_000_000L;
        double gib = 1L << 30;
        assertThat(DeepSpeedEstimate.zero3(psi, largest, 1, 1, false, false).gpuBytes() / gib)
                .isCloseTo(46.91, Offset.offset(0.02));
        assertThat(DeepSpeedEstimate.zero3(psi, largest, 1, 1, true, false).gpuBytes() / gib)
                .isCloseTo(5.43, Offset.offset(0.02));
        assertThat(DeepSpeedEstimate.zero3(psi, largest, 1, 1, true, false).cpuBytes() / gib)
                .isCloseTo(62.23, Offset.offset(0.1));
        assertThat(DeepSpeedEstimate.zero3(psi, largest, 1, 1, true, true).cpuBytes() / gib)
                .isCloseTo(70.00, Offset.offset(0.1));
    }
}
