package dev.modelmeter.shapes;

import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The small vocabulary of shape arithmetic that operator rules share: broadcasting, axis
 * normalisation, products of dimensions, and the convolution/pooling output-size formula.
 */
public final class Shapes {

    private Shapes() {
    }

    /**
     * Numpy-style multidirectional broadcast; fails on two known sizes that differ and neither is 1.
     *
     * @param ctx the node (for the error)
     * @param a   one shape
     * @param b   the other
     * @return the broadcast shape
     */
    public static Shape broadcast(InferenceContext ctx, Shape a, Shape b) {
        return broadcast(a, b, ctx::fail);
    }

    /**
     * The same broadcast for callers without a node (the DSL while it builds).
     *
     * @param a    one shape
     * @param b    the other
     * @param fail makes the exception for a mismatch from its message
     * @return the broadcast shape
     */
    public static Shape broadcast(Shape a, Shape b, Function<String, ? extends RuntimeException> fail) {
        int rank = Math.max(a.rank(), b.rank());
        List<Dim> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            Dim da = ia >= 0 ? a.dim(ia) : Dim.of(1);
            Dim db = ib >= 0 ? b.dim(ib) : Dim.of(1);
            out.add(broadcastDim(fail, da, db));
        }
        return new Shape(out);
    }

    /**
     * Broadcasts any number of shapes.
     *
     * @param ctx    the node (for the error)
     * @param shapes at least one shape
     * @return the broadcast shape
     */
    public static Shape broadcast(InferenceContext ctx, List<Shape> shapes) {
        Shape acc = shapes.get(0);
        for (int i = 1; i < shapes.size(); i++) {
            acc = broadcast(ctx, acc, shapes.get(i));
        }
        return acc;
    }

    private static Dim broadcastDim(Function<String, ? extends RuntimeException> fail, Dim a, Dim b) {
        if (a.isKnown() && b.isKnown()) {
            long x = a.value();
            long y = b.value();
            if (x == y || y == 1) {
                return a;
            }
            if (x == 1) {
                return b;
            }
            throw fail.apply("cannot broadcast " + x + " with " + y);
        }
        if (a.isKnown() && a.value() == 1) {
            return b;
        }
        if (b.isKnown() && b.value() == 1) {
            return a;
        }
        if (a.equals(b)) {
            return a;
        }
        if (a.isKnown()) {
            return a; // a symbolic size broadcast with a known size > 1 must equal it
        }
        if (b.isKnown()) {
            return b;
        }
        return Dim.unknown();
    }

    /**
     * Maps a possibly negative axis into [0, rank); fails when out of range.
     *
     * @param ctx  the node (for the error)
     * @param axis the axis, from {@code -rank} to {@code rank - 1}
     * @param rank the rank
     * @return the axis in [0, rank)
     */
    public static int axis(InferenceContext ctx, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw ctx.fail("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /**
     * Product of dims [from, to): known when all are known, else unknown (or the symbol when it is the only factor > 1).
     *
     * @param shape the shape
     * @param from  first axis, included
     * @param to    last axis, excluded
     * @return the product
     */
    public static Dim product(Shape shape, int from, int to) {
        long known = 1;
        Dim symbolic = null;
        int unknownCount = 0;
        for (int i = from; i < to; i++) {
            Dim d = shape.dim(i);
            if (d.isKnown()) {
                known *= d.value();
            } else {
                unknownCount++;
                symbolic = d;
            }
        }
        if (unknownCount == 0) {
            return Dim.of(known);
        }
        if (unknownCount == 1 && known == 1) {
            return symbolic;
        }
        if (known == 0) {
            return Dim.of(0);
        }
        return Dim.unknown();
    }

    /**
     * Output size of a convolution or pooling window along one axis:
     * {@code floor((in + padBegin + padEnd - dilation*(kernel-1) - 1) / stride) + 1}, or with ceil.
     *
     * @param in        input size
     * @param kernel    kernel size
     * @param stride    stride
     * @param padBegin  padding before
     * @param padEnd    padding after
     * @param dilation  dilation
     * @param ceilMode  round up instead of down
     * @return the output size, or -1 when the window is larger than the padded input
     */
    public static long windowOutput(long in, long kernel, long stride, long padBegin, long padEnd, long dilation,
                                    boolean ceilMode) {
        long effective = dilation * (kernel - 1) + 1;
        long span = in + padBegin + padEnd - effective;
        if (span < 0) {
            return -1;
        }
        long out = ceilMode ? Math.floorDiv(span + stride - 1, stride) + 1 : Math.floorDiv(span, stride) + 1;
        // with ceil mode the last window must start inside the input or left padding (PyTorch/ONNX rule)
        if (ceilMode && (out - 1) * stride >= in + padBegin) {
            out--;
        }
        return out;
    }

    // ---- convolution, pooling and matrix-product shapes (used by NnOps) ----

    /**
     * Spatial output sizes of a sliding window (convolution or pooling) over {@code x}'s axes 2..rank,
     * reading the node's {@code strides}, {@code dilations}, {@code pads} and {@code auto_pad}
     * attributes (ONNX defaults: 1, 1, 0, NOTSET). {@code kernel} may hold unknown dims; an unknown
     * input size or kernel size gives an unknown output size. SAME_UPPER/SAME_LOWER give
     * {@code ceil(in / stride)}, VALID pads nothing, NOTSET uses {@code pads}.
     *
     * @param ctx      the node (its attributes, and for errors)
     * @param x        the input shape: batch, channels, then spatial axes
     * @param kernel   the kernel's spatial sizes
     * @param ceilMode round up instead of down (pooling's {@code ceil_mode})
     * @return one size per spatial axis
     */
    public static List<Dim> windowOutputs(InferenceContext ctx, Shape x, List<Dim> kernel, boolean ceilMode) {
        int n = x.rank() - 2;
        if (kernel.size() != n) {
            throw ctx.fail("kernel has " + kernel.size() + " spatial dims but the input has " + n);
        }
        long[] strides = attrOrFill(ctx, "strides", n, 1);
        long[] dilations = attrOrFill(ctx, "dilations", n, 1);
        long[] pads = attrOrFill(ctx, "pads", 2 * n, 0);
        String autoPad = ctx.stringAttr("auto_pad", "NOTSET");
        List<Dim> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (strides[i] < 1 || dilations[i] < 1) {
                throw ctx.fail("strides and dilations must be positive");
            }
            Dim in = x.dim(2 + i);
            Dim k = kernel.get(i);
            if (k.isKnown() && k.value() < 1) {
                throw ctx.fail("kernel sizes must be positive, got " + kernel);
            }
            if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
                out.add(in.isKnown() ? Dim.of(Math.floorDiv(in.value() + strides[i] - 1, strides[i])) : Dim.unknown());
                continue;
            }
            if (!in.isKnown() || !k.isKnown()) {
                out.add(Dim.unknown());
                continue;
            }
            boolean valid = autoPad.equals("VALID");
            long size = windowOutput(in.value(), k.value(), strides[i], valid ? 0 : pads[i], valid ? 0 : pads[i + n],
                    dilations[i], ceilMode);
            if (size < 0) {
                throw ctx.fail("window of size " + k.value() + " (dilation " + dilations[i]
                        + ") is larger than the padded input " + in.value() + " on spatial axis " + i);
            }
            out.add(Dim.of(size));
        }
        return out;
    }

    /**
     * A list attribute of exactly {@code n} ints, or {@code n} copies of {@code fill} when absent.
     *
     * @param ctx  the node
     * @param name the attribute name
     * @param n    how many ints it must have
     * @param fill the value of each when absent
     * @return the ints
     */
    public static long[] attrOrFill(InferenceContext ctx, String name, int n, long fill) {
        long[] v = ctx.intsAttr(name);
        if (v == null || v.length == 0) {
            long[] out = new long[n];
            java.util.Arrays.fill(out, fill);
            return out;
        }
        if (v.length != n) {
            throw ctx.fail("attribute " + name + " has " + v.length + " values, expected " + n);
        }
        return v;
    }

    /**
     * Output shape of numpy-style {@code matmul(a, b)}: a 1-D operand is promoted to a matrix (a row for
     * {@code a}, a column for {@code b}) and that dim is dropped from the result; the batch dims
     * broadcast. Fails when the two known contraction sizes differ.
     *
     * @param ctx the node (for the error)
     * @param a   the left operand's shape
     * @param b   the right operand's shape
     * @return the result's shape
     */
    public static Shape matmul(InferenceContext ctx, Shape a, Shape b) {
        return matmul(a, b, ctx::fail);
    }

    /**
     * The same matmul shape for callers without a node (the DSL while it builds).
     *
     * @param a    the left operand's shape
     * @param b    the right operand's shape
     * @param fail makes the exception for impossible operands from its message
     * @return the product's shape
     */
    public static Shape matmul(Shape a, Shape b, Function<String, ? extends RuntimeException> fail) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw fail.apply("matmul operands must have rank >= 1, got " + a + " and " + b);
        }
        Dim ka = a.dim(a.rank() - 1);
        Dim kb = b.rank() == 1 ? b.dim(0) : b.dim(b.rank() - 2);
        if (ka.isKnown() && kb.isKnown() && ka.value() != kb.value()) {
            throw fail.apply("matmul contraction sizes differ: " + a + " and " + b);
        }
        Shape batchA = new Shape(a.dims().subList(0, Math.max(0, a.rank() - 2)));
        Shape batchB = new Shape(b.dims().subList(0, Math.max(0, b.rank() - 2)));
        List<Dim> out = new ArrayList<>(broadcast(batchA, batchB, fail).dims());
        if (a.rank() >= 2) {
            out.add(a.dim(a.rank() - 2));
        }
        if (b.rank() >= 2) {
            out.add(b.dim(b.rank() - 1));
        }
        return new Shape(out);
    }

    // ---- end of NnOps helpers ----
}
