package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.memory.TrainingSetup.AttentionMode;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.ops.AutogradContext.Backend;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.ShapedGraph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Written-out kernels planned as PyTorch ran them; figures worked by hand. */
class ExportPatternsTest {

    private final MemoryPlanner planner = new MemoryPlanner(OpRegistry.standard());

    @Test
    void erfGeluIsOneKernelSavingItsInput() {
        // x[2,8] → Gemm(W[8,8]) → h; y = h · (1 + erf(h / √2)) · 0.5, as the legacy exporter writes nn.GELU
        ShapedGraph g = new MemoryPlannerTest.G().input("x", 2, 8).weight("W", 8, 8)
                .weight("sqrt2", 1).weight("one", 1).weight("half", 1)
                .node("Gemm", "fc", List.of("x", "W"), "h", 2, 8)
                .node("Div", "act", List.of("h", "sqrt2"), "d", 2, 8)
                .node("Erf", "act", List.of("d"), "e", 2, 8)
                .node("Add", "act", List.of("e", "one"), "a", 2, 8)
                .node("Mul", "act", List.of("h", "a"), "m", 2, 8)
                .node("Mul", "act", List.of("m", "half"), "y", 2, 8)
                .output("y").shaped();
        MemoryPlan plan = planner.plan(g, TrainingSetup.defaults(2).withBackend(Backend.CPU));
        // the gemm saves x (2·8·4 = 64); GELU saves h (64). The pieces would save d, h and a: 192.
        assertThat(plan.savedBytes()).isEqualTo(64 + 64);
        assertThat(plan.savedByModule()).containsEntry("act", 64L);
    }

    /**
     * x[1,2,4,8]; q, k, v = x·wq, x·wk, x·wv (parameters of 8); scores = q·kᵀ / c; p = softmax; out = p·v.
     */
    private static ShapedGraph attention() {
        return new MemoryPlannerTest.G().input("x", 1, 2, 4, 8)
                .weight("wq", 8).weight("wk", 8).weight("wv", 8).weight("c", 1)
                .node("Mul", "q", List.of("x", "wq"), "q", 1, 2, 4, 8)
                .node("Mul", "k", List.of("x", "wk"), "k", 1, 2, 4, 8)
                .node("Mul", "v", List.of("x", "wv"), "v", 1, 2, 4, 8)
                .node("Transpose", "attn", List.of("k"), List.of("kT"),
                        Map.of("perm", Attribute.ofInts("perm", List.of(0L, 1L, 3L, 2L))),
                        TensorType.of(DType.FLOAT, 1, 2, 8, 4))
                .node("MatMul", "attn", List.of("q", "kT"), "s", 1, 2, 4, 4)
                .node("Div", "attn", List.of("s", "c"), "d", 1, 2, 4, 4)
                .node("Softmax", "attn", List.of("d"), "p", 1, 2, 4, 4)
                .node("MatMul", "attn", List.of("p", "v"), "o", 1, 2, 4, 8)
                .output("o").shaped();
    }

    @Test
    void fusedAttentionWithoutDropoutOnCpu() {
        MemoryPlan plan = planner.plan(attention(), TrainingSetup.defaults(1).withBackend(Backend.CPU));
        // the three Muls save x (1·2·4·8·4 = 256, once); flash attention saves q, k, v and its output
        // (4 · 256) and a float log-sum-exp per row (1·2·4·4 = 32)
        assertThat(plan.savedBytes()).isEqualTo(256 + 4 * 256 + 32);
    }

    @Test
    void mathAttention() {
        MemoryPlan plan = planner.plan(attention(),
                TrainingSetup.defaults(1).withBackend(Backend.CPU).withAttention(AttentionMode.MATH));
        // x 256; q·kᵀ saves q and kᵀ (512); the division by a constant nothing; softmax its output
        // (1·2·4·4·4 = 128); p·v saves p (counted) and v (256)
        assertThat(plan.savedBytes()).isEqualTo(256 + 512 + 128 + 256);
    }

    @Test
    void attentionDropoutTheExportDropped() {
        TrainingSetup setup = new TrainingSetup(1, null, null, null, null, Backend.CPU, AttentionMode.FUSED, null, true);
        MemoryPlan plan = planner.plan(attention(), setup);
        // with dropout PyTorch's CPU kernel falls back to the math path: as above, plus the dropout's float
        // mask (128) and the dropped probabilities p·v saves instead of p (128)
        assertThat(plan.savedBytes()).isEqualTo(256 + 512 + 128 + 128 + 128 + 256);
        // CUDA keeps the fused kernel (flash attention supports dropout)
        MemoryPlan cuda = planner.plan(attention(), setup.withBackend(Backend.CUDA));
        assertThat(cuda.savedBytes()).isEqualTo(256 + 4 * 256 + 32);
    }
}
