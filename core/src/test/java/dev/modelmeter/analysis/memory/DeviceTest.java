package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.memory.TrainingSetup.Optimizer;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.ShapedGraph;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The allocator rounding and the batch fit, against figures worked by hand. */
class DeviceTest {

    @Test
    void cachingAllocatorBlocks() {
        // kMinBlockSize 512; above kSmallSize (1 MiB) segments round to kRoundLarge (2 MiB)
        assertThat(Device.blockBytes(1)).isEqualTo(512);
        assertThat(Device.blockBytes(512)).isEqualTo(512);
        assertThat(Device.blockBytes(513)).isEqualTo(1024);
        assertThat(Device.blockBytes(Device.MIB)).isEqualTo(Device.MIB);
        assertThat(Device.blockBytes(Device.MIB + 1)).isEqualTo(2 * Device.MIB);
        assertThat(Device.blockBytes(3 * Device.MIB)).isEqualTo(4 * Device.MIB);
    }

    @Test
    void catalogue() {
        assertThat(Device.named("A100-80GB").memoryBytes()).isEqualTo(80 * Device.GIB);
        assertThat(Device.named("t4").memoryBytes()).isEqualTo(15 * Device.GIB);
        assertThat(Device.catalogue()).containsKeys("rtx3090", "rtx4090", "a100-40gb", "h100-80gb", "v100-16gb", "l4");
    }

    /** y = x · w with x[b, 256], w[256] a parameter; cross-entropy over y; plain SGD. */
    private static ShapedGraph scale(int b) {
        return new MemoryPlannerTest.G().input("x", b, 256).weight("w", 256)
                .node("Mul", "m", List.of("x", "w"), "y", b, 256).output("y").shaped();
    }

    @Test
    void largestBatchThatFits() {
        // Device peak at batch b (every tensor a multiple of 512 bytes while b·1024 ≤ 1 MiB), reached in the
        // loss backward: x, y, log_softmax output, nll grad and logits grad (5 · 1024·b), the loss (4 → 512),
        // the int64 target (8·b → 512·⌈b/64⌉) and w (1024): 5120·b + 512·⌈b/64⌉ + 1536.
        // b = 100 → 514,560; b = 101 → 519,680. With 517,000 bytes and no context/workspace: 100.
        Device d = new Device("test", 517_000, 0, 0, 0, "hand-made");
        TrainingSetup setup = TrainingSetup.defaults(1).withOptimizer(Optimizer.SGD);
        FitSolver.Fit fit = new FitSolver(new MemoryPlanner(OpRegistry.standard())).solve(DeviceTest::scale, setup, d);
        assertThat(fit.maxBatch()).isEqualTo(100);
        assertThat(fit.atMax().totalBytes()).isEqualTo(514_560);
        assertThat(fit.table()).extracting(FitSolver.Probe::batch).containsExactly(1, 2, 4, 8, 16, 32, 64, 100, 128);
        assertThat(fit.table().get(fit.table().size() - 1).memory().fits()).isFalse();
        // the same function memory --gpu reports
        assertThat(d.training(new MemoryPlanner(OpRegistry.standard()), scale(101), setup.withBatch(101)).totalBytes())
                .isEqualTo(519_680);
    }

    @Test
    void nothingFits() {
        Device d = new Device("tiny", 1_000, 0, 0, 0, "hand-made");
        FitSolver.Fit fit = new FitSolver(new MemoryPlanner(OpRegistry.standard()))
                .solve(DeviceTest::scale, TrainingSetup.defaults(1), d);
        assertThat(fit.maxBatch()).isZero();
    }
}
