package dev.modelmeter.ops;

import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.List;

import static dev.modelmeter.ops.MemoryFacts.Autocast.LOWER_PRECISION;

/**
 * Matrix products: Gemm, MatMul, MatMulInteger, QLinearMatMul (Einsum is in {@link EinsumOp}).
 *
 * <p>MACs follow FlopCounterMode's {@code mm}/{@code addmm}/{@code bmm} formulas divided by 2:
 * {@code batch × M × N × K}, the bias add of Gemm not included (it is in {@code otherFlops}, one per
 * output element). PyTorch runs a matrix-vector product ({@code [.., M, K] @ [K]}) and a dot product
 * as {@code aten.mv}/{@code aten.dot}, for which FlopCounterMode has no formula: those count 0 MACs
 * here too, and the formula says so and gives the arithmetic. A vector on the left ({@code [K] @ [K, N]})
 * runs as {@code mm} and is counted.
 *
 * <p>Autograd: Gemm and MatMul (mm/addmm/matmul) save each operand only when the <em>other</em> one needs
 * a grad (separate formulas in derivatives.yaml): a Linear saves its input; Q·Kᵀ saves both. Gemm's bias
 * is not needed for backward.
 */
final class MatMulOps {

    private MatMulOps() {
    }

    static void register(OpRegistry r) {
        r.add(
                // B (the Linear weight, [K, N] or [N, K] with transB) and C (the bias) are the layer's weights.
                OpDef.op("Gemm").shape(MatMulOps::gemm).cost(MatMulOps::gemmCost).explain(Explanations::linear).params(1, 2)
                        .saves(Saves.eachOperandForTheOther()).autocast(LOWER_PRECISION, LOWER_PRECISION),
                // a stored operand (a Linear weight exported as MatMul) is a trainable parameter.
                OpDef.op("MatMul")
                        .shape(ctx -> ctx.output(0, ctx.input(0).dtype(), matmul(ctx, 0, 1)))
                        .cost(c -> matmulCost(c, 0, 1))
                        .saves(Saves.eachOperandForTheOther())
                        .autocast(LOWER_PRECISION, LOWER_PRECISION).foldsBatchedOperands(),
                // B is the (int8/uint8) weight; the zero points are quantization constants.
                OpDef.op("MatMulInteger").savesNotModelled("integer/quantized kernel: inference only, no autograd formula")
                        .shape(ctx -> ctx.output(0, DType.INT32, matmul(ctx, 0, 1)))
                        .cost(c -> matmulCost(c, 0, 1))
                        .params(1)
                        .constants(2, 3),
                // b (input 3) is the weight; scales and zero points are quantization constants.
                OpDef.op("QLinearMatMul").savesNotModelled("integer/quantized kernel: inference only, no autograd formula")
                        .shape(ctx -> ctx.output(0, ConvOps.outputTypeOf(ctx, 7, 0), matmul(ctx, 0, 3)))
                        .cost(c -> matmulCost(c, 0, 3))
                        .params(3)
                        .constants(1, 2, 4, 5, 6, 7));
        EinsumOp.register(r);
    }

    private static Shape matmul(InferenceContext ctx, int a, int b) {
        Shape sa = ctx.input(a).shape();
        Shape sb = ctx.input(b).shape();
        return sa == null || sb == null ? null : Shapes.matmul(ctx, sa, sb);
    }

    /** {@code [M, N]}: M from A (its dim 1 with transA), N from B (its dim 0 with transB). */
    private static void gemm(InferenceContext ctx) {
        TensorType at = ctx.input(0);
        Shape a = at.shape();
        Shape b = ctx.input(1).shape();
        boolean transA = ctx.intAttr("transA", 0) != 0;
        boolean transB = ctx.intAttr("transB", 0) != 0;
        if ((a != null && a.rank() != 2) || (b != null && b.rank() != 2)) {
            throw ctx.fail("A and B must be matrices, got " + a + " and " + b);
        }
        Dim m = a == null ? Dim.unknown() : a.dim(transA ? 1 : 0);
        Dim ka = a == null ? Dim.unknown() : a.dim(transA ? 0 : 1);
        Dim kb = b == null ? Dim.unknown() : b.dim(transB ? 1 : 0);
        Dim n = b == null ? Dim.unknown() : b.dim(transB ? 0 : 1);
        if (ka.isKnown() && kb.isKnown() && ka.value() != kb.value()) {
            throw ctx.fail("inner sizes differ: A " + a + (transA ? "ᵀ" : "") + ", B " + b + (transB ? "ᵀ" : ""));
        }
        ctx.output(0, at.dtype(), new Shape(List.of(m, n)));
    }

    private static Cost gemmCost(CostContext c) {
        long[] a = CostText.sizes(c.input(0));
        long[] y = CostText.sizes(c.output(0));
        if (a == null || y == null) {
            return CostText.unknown("Gemm");
        }
        long k = c.node().intAttr("transA", 0) != 0 ? a[0] : a[1];
        long macs = Math.multiplyExact(Math.multiplyExact(y[0], y[1]), k);
        long bias = c.input(2) != null ? Counts.mul(y[0], y[1]) : 0;
        return new Cost(macs, bias, "macs = M×N×K = " + y[0] + "×" + y[1] + "×" + k + " = " + CostText.num(macs)
                + (bias > 0 ? "; bias adds " + CostText.num(bias) + " flops" : ""));
    }

    private static Cost matmulCost(CostContext c, int aSlot, int bSlot) {
        long[] a = CostText.sizes(c.input(aSlot));
        long[] b = CostText.sizes(c.input(bSlot));
        long[] y = CostText.sizes(c.output(0));
        if (a == null || b == null || y == null) {
            return CostText.unknown(c.node().opType());
        }
        long k = a[a.length - 1];
        long macs = Math.multiplyExact(CostText.product(y), k);
        String math = CostText.dims(y) + " × " + k;
        if (b.length == 1) {
            return Cost.macs(0, "macs = 0: PyTorch runs this as " + (a.length == 1 ? "aten.dot" : "aten.mv")
                    + ", which FlopCounterMode does not count (the arithmetic is " + math + " = " + CostText.num(macs) + ")");
        }
        return Cost.macs(macs, "macs = output " + math + " (K) = " + CostText.num(macs));
    }
}
