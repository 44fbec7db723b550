package dev.modelmeter.analysis.memory;

import dev.modelmeter.ops.AutogradContext.Backend;
import dev.modelmeter.ops.KernelCatalogue;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.ShapedGraph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exporter decompositions planned as the kernel PyTorch ran ({@link KernelCatalogue}); every expected
 * figure is worked by hand from derivatives.yaml in a comment.
 */
class KernelCatalogueTest {

    private final MemoryPlanner planner = new MemoryPlanner(OpRegistry.standard());
    private static final TrainingSetup CPU = TrainingSetup.defaults(2).withBackend(Backend.CPU);

    @Test
    void everyEntryCitesTheExporterAndDerivativesYaml() {
        assertThat(KernelCatalogue.all()).isNotEmpty();
        for (KernelCatalogue.Kernel k : KernelCatalogue.all()) {
            assertThat(k.source()).as(k.name()).contains("derivatives.yaml").containsPattern("symbolic_opset|torch_lib");
            assertThat(k.saves()).as(k.name()).isNotNull();
        }
    }

    /** x[2,8] → Gemm(W[8,8]) → h; y = h · sigmoid(h), as torch.onnx writes nn.SiLU. */
    private static ShapedGraph silu(boolean swapOperands) {
        return new MemoryPlannerTest.G().input("x", 2, 8).weight("W", 8, 8)
                .node("Gemm", "fc", List.of("x", "W"), "h", 2, 8)
                .node("Sigmoid", "act", List.of("h"), "s", 2, 8)
                .node("Mul", "act", swapOperands ? List.of("s", "h") : List.of("h", "s"), "y", 2, 8)
                .output("y").shaped();
    }

    @Test
    void siluWrittenAsXTimesSigmoidSavesItsInputOnce() {
        for (boolean swapped : List.of(false, true)) {
            MemoryPlan plan = planner.plan(silu(swapped), CPU);
            // derivatives.yaml silu: self: silu_backward(grad, self) — the kernel keeps h only: 2·8·4 = 64.
            // The gemm keeps x for W's gradient: 64. The pieces would keep s (sigmoid: result) and h, s (mul:
            // each operand for the other's gradient): 64 + 64 more.
            assertThat(plan.savedBytes()).as("operands swapped: " + swapped).isEqualTo(64 + 64);
            assertThat(plan.savedByModule()).containsEntry("act", 64L);
        }
    }

    @Test
    void aSqueezeExcitationGateIsNotSilu() {
        // x[2,8] → Gemm(W) → h; g = Gemm(h, V[8,8]); y = h · sigmoid(g): the sigmoid gates another tensor
        ShapedGraph gate = new MemoryPlannerTest.G().input("x", 2, 8).weight("W", 8, 8).weight("V", 8, 8)
                .node("Gemm", "fc", List.of("x", "W"), "h", 2, 8)
                .node("Gemm", "se", List.of("h", "V"), "g", 2, 8)
                .node("Sigmoid", "gate", List.of("g"), "s", 2, 8)
                .node("Mul", "gate", List.of("h", "s"), "y", 2, 8)
                .output("y").shaped();
        MemoryPlan plan = planner.plan(gate, CPU);
        // fc keeps x (64), se keeps h (64); sigmoid keeps s (64); mul keeps h (counted) and s (counted)
        assertThat(plan.savedBytes()).isEqualTo(64 + 64 + 64);
    }

    @Test
    void siluUnderBf16AutocastSavesTheGemmsBf16Output() {
        MemoryPlan plan = planner.plan(silu(false), CPU.withPrecision(TrainingSetup.Precision.BF16_MIXED));
        // gemm (lower_precision_fp) keeps x cast to bf16: 2·8·2 = 32, and writes h in bf16; silu is in no
        // autocast list, so it runs in h's type and keeps h: 2·8·2 = 32
        assertThat(plan.savedBytes()).isEqualTo(32 + 32);
    }
}
