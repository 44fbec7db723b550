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

/**
 * Pooling: MaxPool, AveragePool, LpPool, the global pools, MaxRoiPool, RoiAlign, MaxUnpool. None has
 * weights, and FlopCounterMode counts none of them, so their MACs are 0. {@code otherFlops} estimates:
 * a windowed pool does one compare or add per window element ({@code out_numel × prod(kernel)}; LpPool
 * two, for the power), a global pool one per input element, RoiAlign four per bilinear sample
 * ({@code out_numel × samples² × 4}, one sample per bin when {@code sampling_ratio} is adaptive),
 * MaxUnpool one write per input element; MaxRoiPool's bins depend on ROI values and are not estimated.
 *
 * <p>Autograd: MaxPool saves its input and int64 indices of its output's size; AveragePool saves its
 * input; GlobalAveragePool nothing (PyTorch runs adaptive_avg_pool2d to 1×1 as mean(), which keeps only
 * sizes: mobilenet_v2's fixture saves nothing at its functional pooling). The other pools have no rule.
 */
final class PoolOps {

    private PoolOps() {
    }

    static void register(OpRegistry r) {
        r.add(
                OpDef.op("MaxPool").shape(PoolOps::windowPool).cost(c -> windowCost(c, 1)).explain(Explanations::pool)
                        .saves(ctx -> List.of(Saved.input(0),
                                Saved.extra(DType.INT64, Saves.numel(ctx.output(0)), "indices")))
                        // indices asked as output 1 are the saved ones; without grad max_pool2d still runs
                        // max_pool2d_with_indices and drops its int64 indices
                        .exportOnlyOutputsFrom(1).transientIndices(DType.INT64),
                OpDef.op("AveragePool").shape(PoolOps::windowPool).cost(c -> windowCost(c, 1))
                        .explain(Explanations::pool).saves(Saves.inputsAlways(0)),
                OpDef.op("LpPool").savesNotModelled("lp_pool is pow-avg_pool-pow in PyTorch; its intermediate saves are not modelled").shape(PoolOps::windowPool).cost(c -> windowCost(c, 2)),
                OpDef.op("GlobalAveragePool").shape(PoolOps::globalPool).cost(PoolOps::globalCost)
                        .saves(AutogradRule.NOTHING),
                OpDef.op("GlobalMaxPool").savesNotModelled("adaptive_max_pool saves its input and int64 indices; not modelled yet").shape(PoolOps::globalPool).cost(PoolOps::globalCost),
                OpDef.op("GlobalLpPool").savesNotModelled("lp_pool is pow-avg_pool-pow in PyTorch; its intermediate saves are not modelled").shape(PoolOps::globalPool).cost(PoolOps::globalCost),
                OpDef.op("MaxRoiPool").savesNotModelled("torchvision's roi_pool/roi_align backward needs the rois and argmax; not modelled").shape(PoolOps::maxRoiPool)
                        .cost(c -> Cost.other(0, "MaxRoiPool: bin sizes depend on the ROI values, not estimated"))
                        .constants(1),
                OpDef.op("RoiAlign").savesNotModelled("torchvision's roi_pool/roi_align backward needs the rois and argmax; not modelled").shape(PoolOps::roiAlign).cost(PoolOps::roiAlignCost).constants(1, 2),
                OpDef.op("MaxUnpool").autocast(MemoryFacts.Autocast.UNLISTED, MemoryFacts.Autocast.FP32).savesNotModelled("max_unpool saves its indices; not modelled yet").shape(PoolOps::maxUnpool)
                        .cost(PoolOps::maxUnpoolCost)
                        .constants(1, 2));
    }

    /**
     * MaxPool, AveragePool, LpPool: {@code [N, C, window outputs...]} with the {@code kernel_shape}
     * attribute; MaxPool's optional second output holds int64 indices of the same shape.
     */
    private static void windowPool(InferenceContext ctx) {
        TensorType xt = ctx.input(0);
        Shape x = xt.shape();
        if (x == null) {
            ctx.output(0, new TensorType(xt.dtype(), null));
            ctx.output(1, new TensorType(DType.INT64, null));
            return;
        }
        if (x.rank() < 3) {
            throw ctx.fail("input must have rank >= 3 (N, C, spatial...), got " + x);
        }
        long[] kernel = ctx.intsAttr("kernel_shape");
        if (kernel == null) {
            throw ctx.fail("attribute kernel_shape is required");
        }
        List<Dim> k = new ArrayList<>();
        for (long v : kernel) {
            k.add(Dim.of(v));
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(x.dim(1));
        out.addAll(Shapes.windowOutputs(ctx, x, k, ctx.intAttr("ceil_mode", 0) != 0));
        Shape s = new Shape(out);
        ctx.output(0, xt.dtype(), s);
        ctx.output(1, DType.INT64, s);
    }

    private static Cost windowCost(CostContext c, int perElement) {
        long[] out = CostText.sizes(c.output(0));
        List<Long> kernel = c.node().intsAttr("kernel_shape");
        if (out == null || kernel == null) {
            return CostText.unknown(c.node().opType());
        }
        long k = kernel.stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
        long flops = Counts.product(CostText.product(out), k, perElement);
        return Cost.other(flops, "flops = " + CostText.dims(out) + " × "
                + kernel.stream().map(String::valueOf).reduce((a, b) -> a + "×" + b).orElse("1")
                + (perElement > 1 ? " × " + perElement : "") + " = " + CostText.num(flops));
    }

    /** {@code [N, C, 1, 1, ...]}. */
    private static void globalPool(InferenceContext ctx) {
        TensorType xt = ctx.input(0);
        Shape x = xt.shape();
        if (x == null) {
            ctx.output(0, new TensorType(xt.dtype(), null));
            return;
        }
        if (x.rank() < 2) {
            throw ctx.fail("input must have rank >= 2 (N, C, spatial...), got " + x);
        }
        List<Dim> out = new ArrayList<>(x.dims().subList(0, 2));
        for (int i = 2; i < x.rank(); i++) {
            out.add(Dim.of(1));
        }
        ctx.output(0, xt.dtype(), new Shape(out));
    }

    private static Cost globalCost(CostContext c) {
        long n = c.inputNumel(0);
        return Cost.other(n, "flops = input elements " + CostText.num(n));
    }

    /** {@code [num_rois, C, pooled_h, pooled_w]}; rois is {@code [num_rois, 5]}. */
    private static void maxRoiPool(InferenceContext ctx) {
        TensorType xt = ctx.input(0);
        Shape x = xt.shape();
        Shape rois = ctx.input(1).shape();
        long[] pooled = ctx.intsAttr("pooled_shape");
        if (pooled == null || pooled.length != 2) {
            throw ctx.fail("attribute pooled_shape must hold 2 values");
        }
        if (x != null && x.rank() != 4) {
            throw ctx.fail("input must have rank 4, got " + x);
        }
        ctx.output(0, xt.dtype(), new Shape(List.of(rois == null ? Dim.unknown() : rois.dim(0),
                x == null ? Dim.unknown() : x.dim(1), Dim.of(pooled[0]), Dim.of(pooled[1]))));
    }

    /** {@code [num_rois, C, output_height, output_width]} (defaults 1). */
    private static void roiAlign(InferenceContext ctx) {
        TensorType xt = ctx.input(0);
        Shape x = xt.shape();
        Shape rois = ctx.input(1).shape();
        Shape batchIndices = ctx.input(2).shape();
        if (x != null && x.rank() != 4) {
            throw ctx.fail("input must have rank 4, got " + x);
        }
        Dim numRois = rois != null ? rois.dim(0) : batchIndices != null ? batchIndices.dim(0) : Dim.unknown();
        ctx.output(0, xt.dtype(), new Shape(List.of(numRois, x == null ? Dim.unknown() : x.dim(1),
                Dim.of(ctx.intAttr("output_height", 1)), Dim.of(ctx.intAttr("output_width", 1)))));
    }

    private static Cost roiAlignCost(CostContext c) {
        long[] out = CostText.sizes(c.output(0));
        if (out == null) {
            return CostText.unknown("RoiAlign");
        }
        long ratio = Math.max(1, c.node().intAttr("sampling_ratio", 0));
        long flops = Counts.product(CostText.product(out), ratio, ratio, 4);
        return Cost.other(flops, "flops = " + CostText.dims(out) + " × " + ratio + "×" + ratio + " samples × 4 = "
                + CostText.num(flops));
    }

    private static Cost maxUnpoolCost(CostContext c) {
        long[] in = CostText.sizes(c.input(0));
        if (in == null) {
            return CostText.unknown("MaxUnpool");
        }
        long n = CostText.product(in);
        return Cost.other(n, "flops = " + CostText.num(n) + " writes (one per input element)");
    }

    /**
     * The {@code output_shape} input's value when known; else {@code (in−1)·stride + kernel − pads} per
     * spatial axis.
     */
    private static void maxUnpool(InferenceContext ctx) {
        TensorType xt = ctx.input(0);
        if (ctx.hasInput(2)) {
            long[] target = ctx.inputLongs(2);
            if (target != null) {
                ctx.output(0, xt.dtype(), Shape.of(target));
                return;
            }
            Shape ts = ctx.input(2).shape();
            ctx.output(0, new TensorType(xt.dtype(), ts != null && ts.rank() == 1 && ts.dim(0).isKnown()
                    ? Shape.unknownDims((int) ts.dim(0).value()) : null));
            return;
        }
        Shape x = xt.shape();
        if (x == null) {
            ctx.output(0, new TensorType(xt.dtype(), null));
            return;
        }
        if (x.rank() < 3) {
            throw ctx.fail("input must have rank >= 3 (N, C, spatial...), got " + x);
        }
        int n = x.rank() - 2;
        long[] kernel = ctx.intsAttr("kernel_shape");
        if (kernel == null || kernel.length != n) {
            throw ctx.fail("attribute kernel_shape must hold " + n + " values");
        }
        long[] strides = Shapes.attrOrFill(ctx, "strides", n, 1);
        long[] pads = Shapes.attrOrFill(ctx, "pads", 2 * n, 0);
        List<Dim> out = new ArrayList<>(x.dims().subList(0, 2));
        for (int i = 0; i < n; i++) {
            Dim in = x.dim(2 + i);
            out.add(in.isKnown() ? Dim.of((in.value() - 1) * strides[i] + kernel[i] - pads[i] - pads[i + n])
                    : Dim.unknown());
        }
        ctx.output(0, xt.dtype(), new Shape(out));
    }
}
