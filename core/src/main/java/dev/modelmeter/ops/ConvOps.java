package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

import static dev.modelmeter.ops.MemoryFacts.Autocast.LOWER_PRECISION;

/**
 * Convolutions: Conv, ConvTranspose, ConvInteger, QLinearConv, DeformConv.
 *
 * <p>MACs follow {@code torch.utils.flop_counter.conv_flop_count} divided by 2. A convolution does
 * {@code out_numel × (Cin/groups) × prod(kernel)} multiply-accumulates; the bias add is not a MAC (it is
 * counted in {@code otherFlops}, one per output element). A transposed convolution is counted by
 * FlopCounterMode over its <em>input</em> positions: {@code in_numel × (Cout/groups) × prod(kernel)},
 * which ignores padding and output cropping just as PyTorch does. The integer and quantized variants
 * count the same products (FlopCounterMode has no formula for them; the arithmetic is the same).
 *
 * <p>Autograd: Conv and ConvTranspose save their input and weight even when the input needs no grad (the
 * first conv of every fixture saves the model input; under bf16 autocast the weight copy is saved too).
 * The integer, quantized and deformable variants are not trained and have no rule.
 */
final class ConvOps {

    private ConvOps() {
    }

    static void register(OpRegistry r) {
        r.add(
                // W [Cout, Cin/groups, k...] and optional bias B [Cout] are the layer's weights.
                OpDef.op("Conv")
                        .shape(ctx -> convShape(ctx, 0, 1, ctx.input(0).dtype()))
                        .cost(c -> convCost(c, 0, 1, 2))
                        .explain(Explanations::conv)
                        .saves(Saves.inputsAlways(0, 1))
                        .params(1, 2)
                        .autocast(LOWER_PRECISION, LOWER_PRECISION),
                // W [Cin, Cout/groups, k...] and optional bias B [Cout] are the layer's weights.
                OpDef.op("ConvTranspose")
                        .shape(ConvOps::convTransposeShape)
                        .cost(ConvOps::convTransposeCost)
                        .saves(Saves.inputsAlways(0, 1))
                        .params(1, 2)
                        .autocast(LOWER_PRECISION, LOWER_PRECISION),
                // W (int8/uint8) is the weight; the zero points are quantization constants.
                OpDef.op("ConvInteger").savesNotModelled("integer/quantized kernel: inference only, no autograd formula")
                        .shape(ctx -> convShape(ctx, 0, 1, DType.INT32))
                        .cost(c -> convCost(c, 0, 1, -1))
                        .params(1)
                        .constants(2, 3),
                // w (input 3) and bias B (input 8, int32) are the weights; scales and zero points are constants.
                OpDef.op("QLinearConv").savesNotModelled("integer/quantized kernel: inference only, no autograd formula")
                        .shape(ctx -> convShape(ctx, 0, 3, outputTypeOf(ctx, 7, 0)))
                        .cost(c -> convCost(c, 0, 3, 8))
                        .params(3, 8)
                        .constants(1, 2, 4, 5, 6, 7),
                // W [Cout, Cin/groups, kh, kw] and bias B (input 3) are the weights; offset and mask are activations.
                OpDef.op("DeformConv").savesNotModelled("torchvision's deform_conv2d saves its input, offsets, mask and weight; not modelled yet")
                        .shape(ctx -> convShape(ctx, 0, 1, ctx.input(0).dtype()))
                        .cost(c -> convCost(c, 0, 1, 3))
                        .params(1, 3));
    }

    /** The dtype of input {@code slot} when given, else of input {@code fallback} (QLinear ops' y_zero_point). */
    static DType outputTypeOf(InferenceContext ctx, int slot, int fallback) {
        TensorType t = ctx.inputOrNull(slot);
        return t != null ? t.dtype() : ctx.input(fallback).dtype();
    }

    /** The kernel's spatial sizes: the {@code kernel_shape} attribute, else W's dims 2.., else unknown. */
    private static List<Dim> kernel(InferenceContext ctx, Shape w, int spatial) {
        long[] attr = ctx.intsAttr("kernel_shape");
        List<Dim> k = new ArrayList<>(spatial);
        for (int i = 0; i < spatial; i++) {
            if (attr != null && attr.length == spatial) {
                k.add(Dim.of(attr[i]));
            } else if (w != null && w.rank() == spatial + 2) {
                k.add(w.dim(2 + i));
            } else {
                k.add(Dim.unknown());
            }
        }
        return k;
    }

    /** Output {@code [N, Cout, spatial...]}, Cout = W's dim 0. */
    private static void convShape(InferenceContext ctx, int xSlot, int wSlot, DType dtype) {
        Shape x = ctx.input(xSlot).shape();
        Shape w = ctx.input(wSlot).shape();
        if (x == null) {
            ctx.output(0, new TensorType(dtype, null));
            return;
        }
        if (x.rank() < 3) {
            throw ctx.fail("input must have rank >= 3 (N, C, spatial...), got " + x);
        }
        if (w != null && w.rank() != x.rank()) {
            throw ctx.fail("weight rank " + w.rank() + " differs from input rank " + x.rank());
        }
        long group = ctx.intAttr("group", 1);
        if (group < 1) {
            throw ctx.fail("group must be positive, got " + group);
        }
        if (w != null && x.dim(1).isKnown() && w.dim(1).isKnown() && x.dim(1).value() != w.dim(1).value() * group) {
            throw ctx.fail("input has " + x.dim(1) + " channels but weight " + w + " with group " + group
                    + " expects " + (w.dim(1).value() * group));
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(w == null ? Dim.unknown() : w.dim(0));
        out.addAll(Shapes.windowOutputs(ctx, x, kernel(ctx, w, x.rank() - 2), false));
        ctx.output(0, dtype, new Shape(out));
    }

    private static Cost convCost(CostContext c, int xSlot, int wSlot, int biasSlot) {
        long[] x = CostText.sizes(c.input(xSlot));
        long[] w = CostText.sizes(c.input(wSlot));
        long[] out = CostText.sizes(c.output(0));
        if (x == null || w == null || out == null) {
            return CostText.unknown(c.node().opType());
        }
        long groups = c.node().intAttr("group", 1);
        long outNumel = CostText.product(out);
        long kernel = CostText.product(w, 2, w.length);
        long macs = Math.multiplyExact(Math.multiplyExact(outNumel, w[1]), kernel);
        long bias = biasSlot >= 0 && c.input(biasSlot) != null ? outNumel : 0;
        String formula = "macs = " + CostText.dims(out) + " × (" + x[1] + "/" + groups + ") × "
                + CostText.dims(CostText.slice(w, 2, w.length)) + " = " + CostText.num(macs)
                + (bias > 0 ? "; bias adds " + CostText.num(bias) + " flops" : "");
        return new Cost(macs, bias, formula);
    }

    /**
     * Output {@code [N, W[1]·group, spatial...]}; spatial from {@code output_shape} when given, else
     * {@code stride·(in−1) + output_padding + dilation·(k−1) + 1 − pads}, with SAME_* auto padding giving
     * {@code in·stride} (the ONNX spec's rule).
     */
    private static void convTransposeShape(InferenceContext ctx) {
        TensorType xt = ctx.input(0);
        Shape x = xt.shape();
        Shape w = ctx.input(1).shape();
        if (x == null) {
            ctx.output(0, new TensorType(xt.dtype(), null));
            return;
        }
        if (x.rank() < 3) {
            throw ctx.fail("input must have rank >= 3 (N, C, spatial...), got " + x);
        }
        if (w != null && w.rank() != x.rank()) {
            throw ctx.fail("weight rank " + w.rank() + " differs from input rank " + x.rank());
        }
        int n = x.rank() - 2;
        long group = ctx.intAttr("group", 1);
        if (w != null && x.dim(1).isKnown() && w.dim(0).isKnown() && x.dim(1).value() != w.dim(0).value()) {
            throw ctx.fail("input has " + x.dim(1) + " channels but weight " + w + " expects " + w.dim(0));
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(w != null && w.dim(1).isKnown() ? Dim.of(w.dim(1).value() * group) : Dim.unknown());
        long[] outputShape = ctx.intsAttr("output_shape");
        if (outputShape != null && outputShape.length > 0) {
            if (outputShape.length != n && outputShape.length != n + 2) {
                throw ctx.fail("output_shape has " + outputShape.length + " values for " + n + " spatial dims");
            }
            for (int i = outputShape.length - n; i < outputShape.length; i++) {
                out.add(Dim.of(outputShape[i]));
            }
            ctx.output(0, xt.dtype(), new Shape(out));
            return;
        }
        List<Dim> k = kernel(ctx, w, n);
        long[] strides = Shapes.attrOrFill(ctx, "strides", n, 1);
        long[] dilations = Shapes.attrOrFill(ctx, "dilations", n, 1);
        long[] outputPadding = Shapes.attrOrFill(ctx, "output_padding", n, 0);
        String autoPad = ctx.stringAttr("auto_pad", "NOTSET");
        boolean same = autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER");
        long[] pads = autoPad.equals("NOTSET") ? Shapes.attrOrFill(ctx, "pads", 2 * n, 0) : new long[2 * n];
        for (int i = 0; i < n; i++) {
            Dim in = x.dim(2 + i);
            if (same) {
                out.add(in.isKnown() ? Dim.of(in.value() * strides[i]) : Dim.unknown());
            } else if (in.isKnown() && k.get(i).isKnown()) {
                long size = strides[i] * (in.value() - 1) + outputPadding[i] + dilations[i] * (k.get(i).value() - 1) + 1
                        - pads[i] - pads[i + n];
                if (size < 0) {
                    throw ctx.fail("pads " + pads[i] + "+" + pads[i + n] + " exceed the output on spatial axis " + i);
                }
                out.add(Dim.of(size));
            } else {
                out.add(Dim.unknown());
            }
        }
        ctx.output(0, xt.dtype(), new Shape(out));
    }

    private static Cost convTransposeCost(CostContext c) {
        long[] x = CostText.sizes(c.input(0));
        long[] w = CostText.sizes(c.input(1));
        long[] out = CostText.sizes(c.output(0));
        if (x == null || w == null || out == null) {
            return CostText.unknown("ConvTranspose");
        }
        long groups = c.node().intAttr("group", 1);
        long inNumel = CostText.product(x);
        long kernel = CostText.product(w, 2, w.length);
        long macs = Math.multiplyExact(Math.multiplyExact(inNumel, w[1]), kernel);
        long bias = c.input(2) != null ? CostText.product(out) : 0;
        String formula = "macs = input " + CostText.dims(x) + " × (" + (w[1] * groups) + "/" + groups + ") × "
                + CostText.dims(CostText.slice(w, 2, w.length)) + " = " + CostText.num(macs)
                + " (FlopCounterMode counts a transposed conv over its input positions)"
                + (bias > 0 ? "; bias adds " + CostText.num(bias) + " flops" : "");
        return new Cost(macs, bias, formula);
    }
}
