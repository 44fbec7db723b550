package dev.modelmeter.shapes;

import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * The small vocabulary of shape arithmetic that operator rules share: broadcasting, axis
 * normalisation, products of dimensions, and the convolution/pooling output-size formula.
 */
public final class Shapes {

    private Shapes() {
    }

    /** Numpy-style multidirectional broadcast; fails on two known sizes that differ and neither is 1. */
    public static Shape broadcast(InferenceContext ctx, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        List<Dim> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            Dim da = ia >= 0 ? a.dim(ia) : Dim.of(1);
            Dim db = ib >= 0 ? b.dim(ib) : Dim.of(1);
            out.add(broadcastDim(ctx, da, db));
        }
        return new Shape(out);
    }

    /** Broadcasts any number of shapes. */
    public static Shape broadcast(InferenceContext ctx, List<Shape> shapes) {
        Shape acc = shapes.get(0);
        for (int i = 1; i < shapes.size(); i++) {
            acc = broadcast(ctx, acc, shapes.get(i));
        }
        return acc;
    }

    private static Dim broadcastDim(InferenceContext ctx, Dim a, Dim b) {
        if (a.isKnown() && b.isKnown()) {
            long x = a.value();
            long y = b.value();
            if (x == y || y == 1) {
                return a;
            }
            if (x == 1) {
                return b;
            }
            throw ctx.fail("cannot broadcast " + x + " with " + y);
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

    /** Maps a possibly negative axis into [0, rank); fails when out of range. */
    public static int axis(InferenceContext ctx, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw ctx.fail("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** Product of dims [from, to): known when all are known, else unknown (or the symbol when it is the only factor > 1). */
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
}
