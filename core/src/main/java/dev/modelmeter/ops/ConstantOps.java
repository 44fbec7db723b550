package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.ShapeVector;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules that make tensors: Constant, ConstantOfShape, Range (their small values are kept), and the
 * block rearrangements DepthToSpace / SpaceToDepth. Registered by {@link TensorOps}.
 */
final class ConstantOps {

    private ConstantOps() {
    }

    // ---- construction ----

    /** Constant: a tensor attribute, or one of the value_* shorthands. Small values are kept. */
    static void constant(InferenceContext ctx) {
        Map<String, Attribute> attrs = new HashMap<>(ctx.node().attributes());
        Attribute a;
        if ((a = attrs.get("value")) != null || (a = attrs.get("sparse_value")) != null) {
            TensorData t = a.t();
            if (t == null) {
                // a sparse tensor the reader does not keep: a valid model whose constant we cannot tell
                ctx.warn("Constant '" + ctx.node().name() + "': attribute '" + a.name() + "' not read; its shape is unknown");
                ctx.output(0, null);
                return;
            }
            if (t.value() != null && t.value().size() <= TensorValue.MAX_ELEMENTS) {
                ctx.outputValue(0, t.value());
            } else {
                ctx.output(0, t.type());
            }
        } else if ((a = attrs.get("value_int")) != null) {
            ctx.outputValue(0, TensorValue.scalar(a.i()));
        } else if ((a = attrs.get("value_ints")) != null) {
            ctx.outputValue(0, TensorValue.vector(a.ints().stream().mapToLong(Long::longValue).toArray()));
        } else if ((a = attrs.get("value_float")) != null) {
            ctx.outputValue(0, new TensorValue(DType.FLOAT, new long[0], new double[] {a.f()}));
        } else if ((a = attrs.get("value_floats")) != null) {
            double[] d = a.floats().stream().mapToDouble(Double::doubleValue).toArray();
            ctx.outputValue(0, new TensorValue(DType.FLOAT, new long[] {d.length}, d));
        } else if (attrs.containsKey("value_string")) {
            ctx.output(0, DType.STRING, Shape.SCALAR);
        } else if ((a = attrs.get("value_strings")) != null) {
            ctx.output(0, DType.STRING, Shape.of(a.strings().size()));
        } else {
            throw ctx.fail("has no value attribute");
        }
    }

    static void constantOfShape(InferenceContext ctx) {
        Attribute a = ctx.attr("value");
        TensorData fill = a == null ? null : a.t();
        DType dtype = fill == null ? DType.FLOAT : fill.dtype();
        double fillValue = fill != null && fill.value() != null && fill.value().size() > 0 ? fill.value().get(0) : 0;
        IntsArg shape = IntsArg.fromInput(ctx, 0);
        ShapeVector symbolic = ctx.inputVector(0);
        if (!shape.known() && symbolic != null && !symbolic.scalar()) {
            ctx.output(0, dtype, TensorOps.shapeOf(ctx, symbolic));
            return;
        }
        if (!shape.known()) {
            ctx.output(0, dtype, shape.count() >= 0 ? Shape.unknownDims(shape.count()) : null);
            return;
        }
        for (long d : shape.values()) {
            if (d < 0) {
                throw ctx.fail("negative dimension " + d);
            }
        }
        Shape out = Shape.of(shape.values());
        TensorOps.outputMaybeValue(ctx, 0, dtype, out, Values.fill(dtype, shape.values(), fillValue));
    }

    /** Range: {@code max(ceil((limit - start) / delta), 0)} elements of start's type. */
    static void range(InferenceContext ctx) {
        DType dtype = ctx.input(0).dtype();
        TensorValue start = ctx.inputValue(0);
        TensorValue limit = ctx.inputValue(1);
        TensorValue delta = ctx.inputValue(2);
        if (start == null || limit == null || delta == null) {
            // range(0, n, 1) of a symbolic n has n elements (position ids over a symbolic sequence)
            ShapeVector n = ctx.inputVector(1);
            boolean countsUp = start != null && delta != null && start.size() == 1 && delta.size() == 1
                    && start.get(0) == 0 && delta.get(0) == 1;
            Dim length = countsUp && n != null && n.size() == 1 && !n.get(0).isNumber() ? n.get(0).dim() : Dim.unknown();
            ctx.output(0, dtype, new Shape(List.of(length)));
            return;
        }
        double s = start.get(0);
        double l = limit.get(0);
        double d = delta.get(0);
        if (d == 0) {
            throw ctx.fail("delta is 0");
        }
        long n;
        if (dtype.isInteger()) {
            long span = (long) l - (long) s;
            long step = (long) d;
            n = Math.max(0, Math.floorDiv(span + step - (step > 0 ? 1 : -1), step));
        } else {
            n = (long) Math.max(0, Math.ceil((l - s) / d));
        }
        if (n > TensorValue.MAX_ELEMENTS) {
            ctx.output(0, dtype, Shape.of(n));
            return;
        }
        double[] out = new double[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = s + i * d;
        }
        ctx.outputValue(0, new TensorValue(dtype, new long[] {n}, out));
    }

    /** DepthToSpace [N, C/b², H·b, W·b]; SpaceToDepth the inverse. */
    static void spaceDepth(InferenceContext ctx, boolean toSpace) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        if (s == null) {
            ctx.output(0, in.dtype(), Shape.unknownDims(4));
            return;
        }
        if (s.rank() != 4) {
            throw ctx.fail("expects a 4-D input, got " + s);
        }
        long b = ctx.intAttr("blocksize", 0);
        if (b <= 0) {
            throw ctx.fail("blocksize must be positive");
        }
        Dim c = s.dim(1);
        Dim h = s.dim(2);
        Dim w = s.dim(3);
        Dim outC = toSpace ? divide(ctx, c, b * b) : multiply(c, b * b);
        Dim outH = toSpace ? multiply(h, b) : divide(ctx, h, b);
        Dim outW = toSpace ? multiply(w, b) : divide(ctx, w, b);
        ctx.output(0, in.dtype(), new Shape(List.of(s.dim(0), outC, outH, outW)));
    }

    static Dim multiply(Dim d, long factor) {
        return d.isKnown() ? Dim.of(d.value() * factor) : factor == 1 ? d : Dim.unknown();
    }

    static Dim divide(InferenceContext ctx, Dim d, long divisor) {
        if (!d.isKnown()) {
            return divisor == 1 ? d : Dim.unknown();
        }
        if (d.value() % divisor != 0) {
            throw ctx.fail("dimension " + d + " is not divisible by " + divisor);
        }
        return Dim.of(d.value() / divisor);
    }
}
