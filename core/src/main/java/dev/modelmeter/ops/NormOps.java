package dev.modelmeter.ops;

import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

import static dev.modelmeter.ops.MemoryFacts.Autocast.FP32;
import static dev.modelmeter.ops.MemoryFacts.Autocast.UNLISTED;

/**
 * Normalisations: BatchNormalization, InstanceNormalization, LayerNormalization, GroupNormalization,
 * RMSNormalization, LRN, MeanVarianceNormalization. Their outputs have the input's shape. FlopCounterMode
 * counts none of them (MACs 0). {@code otherFlops} per input element, as written here:
 * <ul>
 *   <li>BatchNormalization in eval: 2 (its statistics fold into one scale and one shift); in training
 *       ({@code training_mode=1}, or a node with the statistics outputs): 4 (+1 for the mean, +1
 *       multiply-add for the variance);</li>
 *   <li>Instance/Layer/GroupNormalization: 5 (mean 1, variance 2, normalise 1, affine 1);</li>
 *   <li>MeanVarianceNormalization: 4 (mean 1, variance 2, normalise 1);</li>
 *   <li>RMSNormalization: 3 (square-accumulate, scale by the reciprocal root, weight);</li>
 *   <li>LRN: {@code size + 2} (the window's squares, then scale and divide).</li>
 * </ul>
 *
 * <p>Autograd: BatchNormalization (training) saves its input and fp32 mean and invstd per channel;
 * LayerNormalization saves its input and fp32 mean and rstd per row (elements before the normalised
 * axis); GroupNormalization and InstanceNormalization save their input and fp32 mean and rstd per
 * (sample, group) and per (sample, channel). The scale and bias a rule names are parameters, which the
 * memory plan drops (they live anyway). RMSNormalization, LRN and MeanVarianceNormalization have no rule.
 */
final class NormOps {

    private NormOps() {
    }

    static void register(OpRegistry r) {
        r.add(
                // scale (1) and B (2) are trainable [C]; input_mean (3) and input_var (4) are running-statistics buffers.
                OpDef.op("BatchNormalization").shape(NormOps::batchNorm).cost(NormOps::batchNormCost)
                        .explain(Explanations::batchNorm)
                        .saves(ctx -> List.of(Saved.input(0),
                                Saved.extra(DType.FLOAT, 2 * channels(ctx.input(0)), "mean+invstd")))
                        .params(1, 2).buffers(3, 4)
                        // the running stats (outputs 1, 2) are updated in place in PyTorch's buffers
                        .resultTypeOfInput0().exportOnlyOutputsFrom(1),
                // scale (1) and B (2) are trainable [C].
                OpDef.op("InstanceNormalization").shape(NormOps::sameAsInput).cost(c -> perElement(c, 5)).params(1, 2)
                        .resultTypeOfInput0()
                        .saves(ctx -> List.of(Saved.input(0), Saved.extra(DType.FLOAT,
                                2 * batchTimes(ctx.input(0), channels(ctx.input(0))), "mean+rstd"))),
                // Scale (1) and B (2) are trainable, of the normalised dims' shape.
                OpDef.op("LayerNormalization").shape(NormOps::layerNorm).cost(c -> perElement(c, 5))
                        .explain(Explanations::layerNorm).params(1, 2)
                        // mean and inverse deviation (outputs 1, 2) are what it saves, counted there
                        .autocast(FP32, UNLISTED).resultTypeOfInput0().exportOnlyOutputsFrom(1)
                        .saves(ctx -> List.of(Saved.input(0), Saved.extra(DType.FLOAT,
                                2 * rows(ctx.input(0), ctx.node().intAttr("axis", -1)), "mean+rstd"))),
                // scale (1) and bias (2) are trainable: [num_groups] in opset 18, [C] from opset 21.
                OpDef.op("GroupNormalization").shape(NormOps::sameAsInput).cost(c -> perElement(c, 5)).params(1, 2)
                        .autocast(FP32, UNLISTED).resultTypeOfInput0()
                        .saves(ctx -> List.of(Saved.input(0), Saved.extra(DType.FLOAT,
                                2 * batchTimes(ctx.input(0), ctx.node().intAttr("num_groups", 1)), "mean+rstd"))),
                // scale (1) is trainable, of the normalised dims' shape.
                OpDef.op("RMSNormalization").savesNotModelled("rms_norm's saves depend on how it is written (fused kernel or Python ops); not modelled yet").shape(NormOps::sameAsInput).cost(c -> perElement(c, 3)).params(1),
                // no weights.
                OpDef.op("LRN").savesNotModelled("local_response_norm is a chain of Python ops in PyTorch; not modelled").shape(NormOps::sameAsInput)
                        .cost(c -> perElement(c, c.node().intAttr("size", 1) + 2)),
                // no weights.
                OpDef.op("MeanVarianceNormalization").savesNotModelled("a chain of reductions in PyTorch; not modelled").shape(NormOps::sameAsInput).cost(c -> perElement(c, 4)));
    }

    /** Dim 1 of a tensor (the channels), 0 when unknown. */
    private static long channels(TensorType t) {
        if (t == null || t.shape() == null || t.shape().rank() < 2 || !t.shape().dim(1).isKnown()) {
            return 0;
        }
        return t.shape().dim(1).value();
    }

    /** The batch size times {@code k}, 0 when the batch is unknown. */
    private static long batchTimes(TensorType t, long k) {
        if (t == null || t.shape() == null || t.shape().rank() < 1 || !t.shape().dim(0).isKnown()) {
            return 0;
        }
        return Counts.mul(t.shape().dim(0).value(), k);
    }

    /** Elements before the normalised axis: one mean and one rstd each. */
    private static long rows(TensorType t, long axis) {
        if (t == null || !t.isFullyKnown()) {
            return 0;
        }
        int rank = t.shape().rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        long n = 1;
        for (int i = 0; i < a && i < rank; i++) {
            n *= t.shape().dim(i).value();
        }
        return n;
    }

    static void sameAsInput(InferenceContext ctx) {
        ctx.output(0, ctx.input(0));
    }

    static Cost perElement(CostContext c, long flopsPerElement) {
        long[] in = CostText.sizes(c.input(0));
        if (in == null) {
            return CostText.unknown(c.node().opType());
        }
        long n = CostText.product(in);
        long flops = Math.multiplyExact(n, flopsPerElement);
        return Cost.other(flops, "flops = " + CostText.num(n) + " elements × " + flopsPerElement + " = "
                + CostText.num(flops));
    }

    /**
     * Y has X's shape. Outputs 1..4 (running mean/var in training mode from opset 14; mean, var, saved
     * mean, saved var before) have the statistics' shape {@code [C]} and input_mean's element type.
     */
    private static void batchNorm(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        ctx.output(0, x);
        TensorType mean = ctx.inputOrNull(3);
        Shape statShape = mean != null && mean.shape() != null ? mean.shape()
                : x.shape() != null && x.shape().rank() >= 2 ? new Shape(List.of(x.shape().dim(1))) : null;
        DType statType = mean != null ? mean.dtype() : x.dtype();
        for (int i = 1; i < ctx.outputCount(); i++) {
            ctx.output(i, new TensorType(statType, statShape));
        }
    }

    /**
     * Training mode: {@code training_mode=1} (opset 14 on), or a node that requests the statistics
     * outputs (only training computes them, in every opset). Read from the node alone, so that it does
     * not depend on the opset the caller passes.
     */
    private static boolean training(CostContext c) {
        return c.node().intAttr("training_mode", 0) != 0
                || c.node().outputs().stream().skip(1).anyMatch(o -> !o.isEmpty());
    }

    private static Cost batchNormCost(CostContext c) {
        return perElement(c, training(c) ? 4 : 2);
    }

    /**
     * Y has X's shape; Mean and InvStdDev keep X's dims before {@code axis} and have 1 from it on, with
     * the element type {@code stash_type} (float by default).
     */
    private static void layerNorm(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        ctx.output(0, x);
        DType stash = DType.fromCode((int) ctx.intAttr("stash_type", DType.FLOAT.code()));
        if (x.shape() == null) {
            ctx.output(1, new TensorType(stash, null));
            ctx.output(2, new TensorType(stash, null));
            return;
        }
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", -1), x.shape().rank());
        List<Dim> stat = new ArrayList<>(x.shape().dims().subList(0, axis));
        for (int i = axis; i < x.shape().rank(); i++) {
            stat.add(Dim.of(1));
        }
        ctx.output(1, stash, new Shape(stat));
        ctx.output(2, stash, new Shape(stat));
    }
}
