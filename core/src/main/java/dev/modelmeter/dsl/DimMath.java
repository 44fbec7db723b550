package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape arithmetic the DSL needs while it builds: a module must know its input's shape to choose
 * its ONNX form (Gemm for 2-D Linear input, an AveragePool kernel for an adaptive pool) and to write a
 * faithful Reshape. The shape engine re-derives every shape from the finished graph independently,
 * so the tests can compare the two.
 */
final class DimMath {

    private DimMath() {
    }

    /** Numpy broadcast of two shapes (the shape engine's rule); a mismatch of two known sizes is a user error. */
    static Shape broadcast(Shape a, Shape b) {
        return Shapes.broadcast(a, b, message -> new ModelMeterException("cannot broadcast shapes " + a + " and "
                + b + ": " + message));
    }

    /** Matrix product shape with numpy batch broadcasting (both operands of rank ≥ 2), the shape engine's rule. */
    static Shape matmul(Shape a, Shape b) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new ModelMeterException("matmul needs operands of rank 2 or more, got " + a + " and " + b);
        }
        return Shapes.matmul(a, b, message -> new ModelMeterException("matmul of " + a + " and " + b + ": " + message));
    }

    /** Product of dims [from, to), as the shape engine computes it. */
    static Dim product(Shape s, int from, int to) {
        return Shapes.product(s, from, to);
    }

    /**
     * The result of {@code x.view(dims)} with PyTorch's rule: at most one -1, inferred so that the element
     * count is kept. With a symbolic input the -1 resolves when the known sizes cancel out and a single
     * symbol remains; otherwise it is unknown.
     */
    static Shape view(Shape in, long[] dims) {
        int inferred = -1;
        long knownTarget = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (inferred >= 0) {
                    throw new ModelMeterException("view: only one dimension can be -1");
                }
                inferred = i;
            } else if (dims[i] <= 0) {
                throw new ModelMeterException("view: invalid size " + dims[i]);
            } else {
                knownTarget = Math.multiplyExact(knownTarget, dims[i]);
            }
        }
        long knownIn = 1;
        List<Dim> symbols = new ArrayList<>();
        boolean unknown = false;
        for (Dim d : in.dims()) {
            if (d.isKnown()) {
                knownIn = Math.multiplyExact(knownIn, d.value());
            } else if (d instanceof Dim.Symbolic) {
                symbols.add(d);
            } else {
                unknown = true;
            }
        }
        List<Dim> out = new ArrayList<>();
        for (long d : dims) {
            out.add(d == -1 ? Dim.unknown() : Dim.of(d));
        }
        if (inferred < 0) {
            if (symbols.isEmpty() && !unknown && knownIn != knownTarget) {
                throw new ModelMeterException("view: shape " + in + " is invalid for size " + knownTarget);
            }
            return new Shape(out);
        }
        if (unknown) {
            return new Shape(out);
        }
        if (symbols.isEmpty()) {
            if (knownIn % knownTarget != 0) {
                throw new ModelMeterException("view: shape " + in + " cannot be viewed as "
                        + java.util.Arrays.toString(dims));
            }
            out.set(inferred, Dim.of(knownIn / knownTarget));
        } else if (symbols.size() == 1 && knownIn == knownTarget) {
            out.set(inferred, symbols.get(0));
        }
        return new Shape(out);
    }

    /** Output size of a conv/pool window on a known dim; a symbolic spatial dim stays unknown. */
    static Dim window(Dim in, long kernel, long stride, long pad, long dilation, boolean ceil) {
        if (!in.isKnown()) {
            return Dim.unknown();
        }
        long out = Shapes.windowOutput(in.value(), kernel, stride, pad, pad, dilation, ceil);
        if (out <= 0) {
            throw new ModelMeterException("window of " + kernel + " (dilation " + dilation + ", padding " + pad
                    + ") does not fit an input of size " + in.value());
        }
        return Dim.of(out);
    }

    /** Normalises a possibly negative axis. */
    static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new ModelMeterException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }
}
