package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernels PyTorch ran that the exporters write out as several ONNX ops, beside the operators: per entry
 * the aten op, the ONNX pattern an exporter writes for it (with the exporter source that writes it), and
 * what the kernel saves for backward (with its line in {@code tools/autograd/derivatives.yaml}). The
 * memory planner's {@code ExportPatterns} recognises the patterns and puts one node of domain
 * {@link #DOMAIN} in their place; that node's saves and memory facts are the entry's.
 */
public final class KernelCatalogue {

    /** The domain of a node standing for a recognised kernel. */
    public static final String DOMAIN = "modelmeter";

    /**
     * One kernel.
     *
     * @param name       the synthetic node's op type
     * @param aten       the aten op PyTorch ran
     * @param exportedAs the ONNX pattern, as the exporter writes it
     * @param source     where the exporter writes it, and where derivatives.yaml says what it saves
     * @param saves      what it saves for backward
     * @param memory     its memory facts
     */
    public record Kernel(String name, String aten, String exportedAs, String source, AutogradRule saves,
                         MemoryFacts memory) {
    }

    private static final Map<String, Kernel> KERNELS = new LinkedHashMap<>();

    static {
        add(new Kernel("Gelu", "gelu(self, approximate='none')",
                "Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5) or its operand orders",
                "torch/onnx/symbolic_opset9.py gelu (approximate='none'); derivatives.yaml"
                        + " 'gelu(Tensor self, *, str approximate)': self: gelu_backward(grad, self, approximate)",
                Saves.inputsAlways(0), kernel("Gelu").resultTypeOfInput0().build().memory()));
        add(new Kernel("Silu", "silu(self)", "Mul(x, Sigmoid(x))",
                "torch/onnx/symbolic_opset9.py silu: g.op(\"Mul\", input, g.op(\"Sigmoid\", input)); onnxscript"
                        + " torch_lib ops/nn.py aten_silu: op.Mul(self, op.Sigmoid(self)); derivatives.yaml"
                        + " 'silu(Tensor self)': self: silu_backward(grad, self)",
                Saves.inputs(0), kernel("Silu").resultTypeOfInput0().build().memory()));
        add(new Kernel("Rsqrt", "rsqrt(self)", "Reciprocal(Sqrt(x)) or Div(1, Sqrt(x))",
                "onnxscript torch_lib ops/core.py aten_rsqrt: op.Reciprocal(op.Sqrt(self)); torch/onnx/symbolic_opset9.py"
                        + " rsqrt: Div(1, Sqrt(self)); derivatives.yaml 'rsqrt(Tensor self)':"
                        + " self: -0.5 * grad * result.pow(3).conj() (saves its result)",
                Saves.output(), kernel("Rsqrt").autocast(MemoryFacts.Autocast.FP32, MemoryFacts.Autocast.UNLISTED)
                        .resultTypeOfInput0().backwardReadsOutput().build().memory()));
        add(new Kernel("Attention", "_scaled_dot_product_flash_attention / _scaled_dot_product_efficient_attention",
                "MatMul → [scale] → [+mask] → Softmax → [IsNaN/Where] → [Dropout] → MatMul",
                "torch/onnx/symbolic_opset14.py scaled_dot_product_attention; derivatives.yaml"
                        + " '_scaled_dot_product_flash_attention': saves query, key, value, output, logsumexp",
                KernelCatalogue::attentionSaves,
                kernel("Attention").autocast(MemoryFacts.Autocast.LOWER_PRECISION,
                        MemoryFacts.Autocast.LOWER_PRECISION).build().memory()));
        add(new Kernel("Dropout", "native_dropout", "the dropout an exporter leaves out of SDPA",
                "torch/onnx/symbolic_opset14.py scaled_dot_product_attention (writes no training-mode dropout);"
                        + " derivatives.yaml 'native_dropout': saves the mask",
                TrainingOps::dropoutMask, kernel("Dropout").resultTypeOfInput0()
                        .identityUnlessTraining((n, known) -> true).build().memory()));
    }

    private KernelCatalogue() {
    }

    private static OpDef.Builder kernel(String name) {
        return OpDef.op(DOMAIN, name).shape(ctx -> { });
    }

    private static void add(Kernel k) {
        KERNELS.put(k.name(), k);
    }

    /**
     * The entry for a synthetic node's op type.
     *
     * @param name the op type
     * @return the kernel, or null when none has that name
     */
    public static Kernel find(String name) {
        return KERNELS.get(name);
    }

    /**
     * Every entry, in a fixed order.
     *
     * @return the entries
     */
    public static Collection<Kernel> all() {
        return List.copyOf(KERNELS.values());
    }

    /** Fused SDPA (flash / memory-efficient) saves q, k, v, its output and a float log-sum-exp per query row. */
    private static List<Saved> attentionSaves(AutogradContext ctx) {
        List<Saved> s = new ArrayList<>(List.of(Saved.input(0), Saved.input(1), Saved.input(2), Saved.output(0)));
        TensorType q = ctx.input(0);
        s.add(Saved.extra(DType.FLOAT, q != null && q.isFullyKnown() && q.shape().rank() >= 1
                ? Saves.numel(q) / q.shape().dim(q.shape().rank() - 1).value() : 0, "logsumexp"));
        return s;
    }
}
