package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorValue;

import java.util.List;

/**
 * Arithmetic on small known tensors, for the shape rules that propagate values (Shape → Gather →
 * Concat → Reshape chains). Every result is built by one primitive, {@link #remap}: for each output
 * element, the flat index of the input element it copies. Results over
 * {@link TensorValue#MAX_ELEMENTS} are not built (null): such tensors are not shape arithmetic.
 */
final class Values {

    private Values() {
    }

    /** Maps an output multi-index to the flat index of the source element. */
    @FunctionalInterface
    interface SourceIndex {
        long of(long[] outIndex);
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** Row-major strides of a shape. */
    static long[] strides(long[] shape) {
        long[] st = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= shape[i];
        }
        return st;
    }

    /** A tensor of {@code outShape} whose elements are copied from {@code src} as {@code index} says; null when too big. */
    static TensorValue remap(TensorValue src, DType dtype, long[] outShape, SourceIndex index) {
        long n = numel(outShape);
        if (n > TensorValue.MAX_ELEMENTS) {
            return null;
        }
        double[] out = new double[(int) n];
        long[] idx = new long[outShape.length];
        for (int i = 0; i < n; i++) {
            out[i] = src.data()[(int) index.of(idx)];
            for (int d = outShape.length - 1; d >= 0; d--) {
                if (++idx[d] < outShape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return new TensorValue(dtype, outShape.clone(), out);
    }

    /** The same elements under a new shape. */
    static TensorValue reshape(TensorValue v, long[] shape) {
        return new TensorValue(v.dtype(), shape.clone(), v.data());
    }

    /** A tensor of {@code shape} filled with {@code value}; null when too big. */
    static TensorValue fill(DType dtype, long[] shape, double value) {
        long n = numel(shape);
        if (n > TensorValue.MAX_ELEMENTS) {
            return null;
        }
        double[] d = new double[(int) n];
        java.util.Arrays.fill(d, value);
        return new TensorValue(dtype, shape.clone(), d);
    }

    /** Elements {@code start, start+step, …} ({@code count} of them) along each axis. */
    static TensorValue slice(TensorValue v, long[] starts, long[] steps, long[] counts) {
        long[] st = strides(v.shape());
        return remap(v, v.dtype(), counts, out -> {
            long flat = 0;
            for (int d = 0; d < out.length; d++) {
                flat += (starts[d] + out[d] * steps[d]) * st[d];
            }
            return flat;
        });
    }

    /** numpy.take along {@code axis}; indices already wrapped into range. */
    static TensorValue gather(TensorValue data, long[] indices, long[] indexShape, int axis) {
        long[] ds = data.shape();
        long[] outShape = new long[ds.length - 1 + indexShape.length];
        System.arraycopy(ds, 0, outShape, 0, axis);
        System.arraycopy(indexShape, 0, outShape, axis, indexShape.length);
        System.arraycopy(ds, axis + 1, outShape, axis + indexShape.length, ds.length - axis - 1);
        long[] st = strides(ds);
        long[] ist = strides(indexShape);
        int q = indexShape.length;
        return remap(data, data.dtype(), outShape, out -> {
            long flatIndex = 0;
            for (int j = 0; j < q; j++) {
                flatIndex += out[axis + j] * ist[j];
            }
            long flat = indices[(int) flatIndex] * st[axis];
            for (int d = 0; d < axis; d++) {
                flat += out[d] * st[d];
            }
            for (int d = axis + 1; d < ds.length; d++) {
                flat += out[d + q - 1] * st[d];
            }
            return flat;
        });
    }

    /** Concatenation along {@code axis}; all parts share the other dims. */
    static TensorValue concat(List<TensorValue> parts, int axis, DType dtype) {
        long[] outShape = parts.get(0).shape().clone();
        long total = 0;
        for (TensorValue p : parts) {
            total += p.shape()[axis];
        }
        outShape[axis] = total;
        long n = numel(outShape);
        if (n > TensorValue.MAX_ELEMENTS) {
            return null;
        }
        // rows before the axis, each made of the parts' blocks in order
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= outShape[d];
        }
        double[] out = new double[(int) n];
        int pos = 0;
        for (long o = 0; o < outer; o++) {
            for (TensorValue p : parts) {
                int block = (int) (p.size() / outer);
                System.arraycopy(p.data(), (int) (o * block), out, pos, block);
                pos += block;
            }
        }
        return new TensorValue(dtype, outShape, out);
    }

    /** Axes permuted: output axis i is input axis perm[i]. */
    static TensorValue transpose(TensorValue v, int[] perm) {
        long[] in = v.shape();
        long[] st = strides(in);
        long[] outShape = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            outShape[i] = in[perm[i]];
        }
        return remap(v, v.dtype(), outShape, out -> {
            long flat = 0;
            for (int i = 0; i < perm.length; i++) {
                flat += out[i] * st[perm[i]];
            }
            return flat;
        });
    }

    /**
     * {@code v} repeated to {@code outShape}: numpy broadcasting (a size-1 or missing leading axis
     * repeats) or, with {@code tile}, whole copies ({@code out % in}).
     */
    static TensorValue repeat(TensorValue v, long[] outShape, boolean tile) {
        long[] in = v.shape();
        long[] st = strides(in);
        int offset = outShape.length - in.length;
        return remap(v, v.dtype(), outShape, out -> {
            long flat = 0;
            for (int d = 0; d < in.length; d++) {
                long i = out[d + offset];
                flat += (tile ? i % in[d] : (in[d] == 1 ? 0 : i)) * st[d];
            }
            return flat;
        });
    }
}
