package dev.modelmeter.analysis.memory;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorType;
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

    /**
     * RMSNorm as transformers writes it (LlamaRMSNorm, fp32 model): variance = h.pow(2).mean(-1, keepdim);
     * n = h * torch.rsqrt(variance + eps); y = weight * n; exported with rsqrt as Reciprocal(Sqrt(.)).
     * x[2,8] → Gemm(W[8,8]) → h, so h needs a gradient.
     */
    @Test
    void rmsNormSavesWhatEachOfItsPythonOpsSaves() {
        ShapedGraph rms = new MemoryPlannerTest.G().input("x", 2, 8).weight("W", 8, 8)
                .weight("two", 1).weight("eps", 1).weight("gamma", 8)
                .node("Gemm", "fc", List.of("x", "W"), "h", 2, 8)
                .node("Pow", "norm", List.of("h", "two"), "p", 2, 8)
                .node("ReduceMean", "norm", List.of("p"), List.of("m"),
                        Map.of("axes", Attribute.ofInts("axes", List.of(-1L))), TensorType.of(DType.FLOAT, 2, 1))
                .node("Add", "norm", List.of("m", "eps"), "a", 2, 1)
                .node("Sqrt", "norm", List.of("a"), "s", 2, 1)
                .node("Reciprocal", "norm", List.of("s"), "r", 2, 1)
                .node("Mul", "norm", List.of("h", "r"), "n", 2, 8)
                .node("Mul", "norm", List.of("gamma", "n"), "y", 2, 8)
                .output("y").shaped();
        MemoryPlan plan = planner.plan(rms, CPU);
        // derivatives.yaml, fp32 (4 B): gemm keeps x for W's grad                         2·8·4 = 64
        //   pow.Tensor_Scalar: self                      → h                              2·8·4 = 64
        //   mean, add: nothing (sizes only)
        //   rsqrt: result                                → r                              2·1·4 =  8
        //   mul(h, r): other for self's grad, self for other's → r, h (both counted above)
        //   mul(gamma, n): n for gamma's grad (gamma is a parameter, never counted)       2·8·4 = 64
        // Sqrt then Reciprocal piece by piece would keep sqrt's result too (8 more).
        assertThat(plan.savedBytes()).isEqualTo(64 + 64 + 8 + 64);
        assertThat(plan.savedByModule()).containsEntry("norm", 64L + 8 + 64);
    }

    /**
     * timm's drop_path: mask = x.new_empty([B, 1, 1]).bernoulli_(keep) / keep; y = x * mask, exported as
     * ConstantOfShape → RandomUniformLike → Less → Cast → Div → Mul (the shape [B, 1, 1] is given whole here). These are Python-level ops, so the pieces are what PyTorch
     * ran: nothing to fuse, and the random source stops the gradient.
     */
    @Test
    void dropPathKeepsOnlyItsPerSampleMask() {
        TensorType mask = TensorType.of(DType.FLOAT, 2, 1, 1);
        ShapedGraph dropPath = new MemoryPlannerTest.G().input("x", 2, 4, 8).weight("W", 8, 8)
                .weight("keep", 1)
                .node("MatMul", "fc", List.of("x", "W"), "h", 2, 4, 8)
                .node("Shape", "drop", List.of("h"), List.of("shp"), Map.of(), TensorType.of(DType.INT64, 3))
                .node("ConstantOfShape", "drop", List.of("shp"), List.of("e"), Map.of(), mask)
                .node("RandomUniformLike", "drop", List.of("e"), List.of("u"), Map.of(), mask)
                .node("Less", "drop", List.of("u", "keep"), List.of("b"), Map.of(), TensorType.of(DType.BOOL, 2, 1, 1))
                .node("Cast", "drop", List.of("b"), List.of("c"), Map.of("to", Attribute.ofInt("to", 1)), mask)
                .node("Div", "drop", List.of("c", "keep"), List.of("mk"), Map.of(), mask)
                .node("Mul", "drop", List.of("h", "mk"), "y", 2, 4, 8)
                .output("y").shaped();
        MemoryPlan plan = planner.plan(dropPath, CPU);
        // matmul keeps x for W's grad: 2·4·8·4 = 256. mul(h, mask): mask for h's grad (2·1·1·4 = 8); h only for
        // the mask's grad, which needs none (derived from bernoulli_). Less, Cast, Div: no gradient flows.
        assertThat(plan.savedBytes()).isEqualTo(256 + 8);
        assertThat(plan.savedByModule()).containsEntry("drop", 8L);
    }
}
