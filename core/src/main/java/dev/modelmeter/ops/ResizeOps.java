package dev.modelmeter.ops;

import dev.modelmeter.graph.CountOverflowException;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * Resize and its predecessor Upsample. Where the scales and sizes live changed with the opset:
 * Upsample 7 (scales attribute), Upsample 9 and Resize 10 (scales input 1), Resize 11+ (roi,
 * scales, sizes as inputs 1–3, unused ones empty or omitted), Resize 18+ (axes attribute and a
 * keep_aspect_ratio_policy for sizes). A scaled dim is {@code floor(d · scale)}. Registered by
 * {@link TensorOps}; interpolation saves nothing for backward but sizes.
 *
 * <p>Other FLOPs: each output element is a weighted sum of its taps, a multiply and an add per tap:
 * nearest copies (0), linear reads 2^k taps and cubic 4^k, k being the number of axes whose size changes.
 */
final class ResizeOps {

    private ResizeOps() {
    }

    static void register(OpRegistry r) {
        r.add(
                OpDef.op("Resize").shape(ResizeOps::resize).cost(ResizeOps::cost).constants(1, 2, 3)
                        .saves(AutogradRule.NOTHING),
                OpDef.op("Upsample").shape(ResizeOps::upsample).cost(ResizeOps::cost).constants(1)
                        .saves(AutogradRule.NOTHING));
    }

    private static void upsample(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        double[] scales;
        if (ctx.opset() < 9) {
            List<Double> attr = ctx.node().attribute("scales").map(a -> a.floats()).orElse(null);
            scales = attr == null ? null : attr.stream().mapToDouble(Double::doubleValue).toArray();
        } else {
            TensorValue v = ctx.inputValue(1);
            scales = v == null ? null : v.data();
        }
        ctx.output(0, in.dtype(), scaled(ctx, in.shape(), scales, null));
    }

    private static void resize(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        if (s == null) {
            ctx.output(0, in.dtype(), null);
            return;
        }
        int scalesInput = ctx.opset() < 11 ? 1 : 2;
        int[] axes = axes(ctx, s.rank());
        TensorValue sizes = ctx.opset() < 11 ? null : ctx.inputValue(3);
        TensorValue scales = ctx.inputValue(scalesInput);
        boolean sizesGiven = ctx.opset() >= 11 && ctx.hasInput(3) && !(sizes != null && sizes.size() == 0);
        boolean scalesGiven = ctx.hasInput(scalesInput) && !(scales != null && scales.size() == 0);
        if (sizesGiven) {
            if (sizes == null) {
                ctx.output(0, in.dtype(), Shape.unknownDims(s.rank()));
                return;
            }
            ctx.output(0, in.dtype(), sized(ctx, s, sizes.asLongs(), axes));
        } else if (scalesGiven) {
            ctx.output(0, in.dtype(), scaled(ctx, s, scales == null ? null : scales.data(), axes));
        } else {
            throw ctx.fail("needs scales or sizes");
        }
    }

    /** The resized axes: the {@code axes} attribute (opset 18+), else all. */
    private static int[] axes(InferenceContext ctx, int rank) {
        long[] attr = ctx.opset() >= 18 ? ctx.intsAttr("axes") : null;
        int[] axes = new int[attr == null ? rank : attr.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = attr == null ? i : Shapes.axis(ctx, attr[i], rank);
        }
        return axes;
    }

    /** {@code floor(d · scale)} on each scaled axis; unknown scales leave the rank only. */
    private static Shape scaled(InferenceContext ctx, Shape s, double[] scales, int[] axes) {
        if (s == null) {
            return null;
        }
        if (scales == null) {
            return Shape.unknownDims(s.rank());
        }
        if (axes == null) {
            axes = new int[s.rank()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        if (scales.length != axes.length) {
            throw ctx.fail(scales.length + " scales for " + axes.length + " axes");
        }
        List<Dim> out = new ArrayList<>(s.dims());
        for (int i = 0; i < axes.length; i++) {
            Dim d = s.dim(axes[i]);
            if (!Double.isFinite(scales[i]) || scales[i] <= 0) {
                // NaN would floor to a dimension of 0, Infinity to Long.MAX_VALUE: neither is a size
                throw ctx.fail("scale " + scales[i] + " is not a positive finite number");
            }
            // scales are float32: multiply in float as the reference does
            float product = (float) (d.isKnown() ? d.value() : 0) * (float) scales[i];
            if (product >= 0x1p63f) {
                throw new CountOverflowException("axis " + axes[i] + ": " + d + " × scale " + scales[i]
                        + " exceeds what can be counted");
            }
            out.set(axes[i], d.isKnown() ? Dim.of((long) Math.floor(product))
                    : scales[i] == 1.0 ? d : Dim.unknown());
        }
        return new Shape(out);
    }

    /**
     * Sizes on the resized axes. With keep_aspect_ratio_policy not_larger / not_smaller (opset 18+)
     * one scale, the min / max of size/d over the axes, applies to all of them, rounded to nearest.
     */
    private static Shape sized(InferenceContext ctx, Shape s, long[] sizes, int[] axes) {
        if (sizes.length != axes.length) {
            throw ctx.fail(sizes.length + " sizes for " + axes.length + " axes");
        }
        String policy = ctx.opset() >= 18 ? ctx.stringAttr("keep_aspect_ratio_policy", "stretch") : "stretch";
        List<Dim> out = new ArrayList<>(s.dims());
        if (policy.equals("stretch")) {
            for (int i = 0; i < axes.length; i++) {
                out.set(axes[i], Dim.of(rebatchedSize(ctx, s, axes[i], sizes[i])));
            }
            return new Shape(out);
        }
        boolean notLarger = policy.equals("not_larger");
        if (!notLarger && !policy.equals("not_smaller")) {
            throw ctx.fail("unknown keep_aspect_ratio_policy '" + policy + "'");
        }
        double scale = notLarger ? Double.MAX_VALUE : 0;
        for (int i = 0; i < axes.length; i++) {
            Dim d = s.dim(axes[i]);
            if (!d.isKnown()) {
                for (int a : axes) {
                    out.set(a, Dim.unknown());
                }
                return new Shape(out);
            }
            double ratio = (double) sizes[i] / d.value();
            scale = notLarger ? Math.min(scale, ratio) : Math.max(scale, ratio);
        }
        for (int a : axes) {
            out.set(a, Dim.of(Math.round(scale * s.dim(a).value())));
        }
        return new Shape(out);
    }

    /**
     * A fixed-batch export analysed at another batch (as for Reshape targets, docs/DESIGN.md): a size for
     * axis 0 that is the input's batch divided by exactly the rebatch factor had the exported batch baked in
     * (sizes folded into a constant); scale it, and say so. Any other size is taken as written.
     */
    private static long rebatchedSize(InferenceContext ctx, Shape s, int axis, long size) {
        long f = ctx.rebatchFactor();
        if (axis != 0 || f <= 1 || size <= 0 || !s.dim(0).isKnown() || s.dim(0).value() != size * f) {
            return size;
        }
        ctx.warn("the file fixes the batch its resize sizes were written for; they were scaled by " + f
                + " to the batch asked for");
        return Math.multiplyExact(size, f);
    }

    /** Interpolation arithmetic: 2 FLOPs per tap per output element (see the class comment). */
    private static Cost cost(CostContext ctx) {
        String mode = ctx.node().stringAttr("mode", "nearest");
        TensorType in = ctx.input(0);
        TensorType out = ctx.output(0);
        if (mode.equals("nearest")) {
            return Cost.ZERO; // nearest copies one tap: no arithmetic
        }
        if (in == null || out == null || !in.isFullyKnown() || !out.isFullyKnown()) {
            return CostText.unknown("Resize");
        }
        int changed = 0;
        for (int i = 0; i < in.shape().rank() && i < out.shape().rank(); i++) {
            if (in.shape().dim(i).value() != out.shape().dim(i).value()) {
                changed++;
            }
        }
        long taps = 1L << ((mode.equals("cubic") ? 2 : 1) * changed);
        long elements = out.numel().getAsLong();
        return Cost.other(2 * taps * elements, "2 x " + taps + " taps x " + elements + " outputs (" + mode + ")");
    }
}
