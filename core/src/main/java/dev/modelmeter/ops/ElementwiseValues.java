package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorValue;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Computes the values of elementwise operators over small known tensors ({@link TensorValue}), with
 * numpy broadcasting: this is what resolves the shape arithmetic exporters write (Shape → Gather →
 * Mul → Concat → Reshape). Results are stored in the output's element type: integers truncated toward
 * zero and wrapped to their width, booleans as 0/1, float32 rounded to float precision.
 */
final class ElementwiseValues {

    private ElementwiseValues() {
    }

    /** An operation on one element of each input (after broadcasting). */
    @FunctionalInterface
    interface ElementFn {
        double apply(double[] args);
    }

    /** {@code f} applied to each element of {@code in}, stored as {@code outType}. */
    static TensorValue map(TensorValue in, DType outType, DoubleUnaryOperator f) {
        double[] out = new double[in.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = coerce(f.applyAsDouble(in.get(i)), outType);
        }
        return new TensorValue(outType, in.shape().clone(), out);
    }

    /**
     * {@code f} applied elementwise over the broadcast of {@code ins}; null when the result would hold
     * more than {@link TensorValue#MAX_ELEMENTS} elements or {@code f} throws ArithmeticException
     * (integer division by zero: the value is undefined, the shape is still known).
     */
    static TensorValue zip(List<TensorValue> ins, DType outType, ElementFn f) {
        int rank = 0;
        for (TensorValue v : ins) {
            rank = Math.max(rank, v.shape().length);
        }
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        for (TensorValue v : ins) {
            long[] s = v.shape();
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                if (shape[o] == 1) {
                    shape[o] = s[i];
                } else if (s[i] != 1 && s[i] != shape[o]) {
                    return null; // not broadcastable: the shape rule reports it
                }
            }
        }
        long total = 1;
        for (long d : shape) {
            total *= d;
        }
        if (total > TensorValue.MAX_ELEMENTS) {
            return null;
        }
        // strides of each input in the output's index space (0 along broadcast axes)
        long[][] strides = new long[ins.size()][rank];
        for (int k = 0; k < ins.size(); k++) {
            long[] s = ins.get(k).shape();
            long stride = 1;
            for (int i = s.length - 1; i >= 0; i--) {
                strides[k][rank - s.length + i] = s[i] == 1 ? 0 : stride;
                stride *= s[i];
            }
        }
        double[] out = new double[(int) total];
        double[] args = new double[ins.size()];
        long[] index = new long[rank];
        try {
            for (int e = 0; e < out.length; e++) {
                for (int k = 0; k < args.length; k++) {
                    long off = 0;
                    for (int i = 0; i < rank; i++) {
                        off += index[i] * strides[k][i];
                    }
                    args[k] = ins.get(k).get((int) off);
                }
                out[e] = coerce(f.apply(args), outType);
                for (int i = rank - 1; i >= 0; i--) {
                    if (++index[i] < shape[i]) {
                        break;
                    }
                    index[i] = 0;
                }
            }
        } catch (ArithmeticException e) {
            return null;
        }
        return new TensorValue(outType, shape, out);
    }

    /** {@code v} as an element of type {@code t} holds it. */
    static double coerce(double v, DType t) {
        if (t == DType.BOOL) {
            return v != 0 ? 1 : 0; // NaN != 0 is true, as numpy's bool(nan)
        }
        if (t.isInteger()) {
            if (Double.isNaN(v)) {
                return 0;
            }
            double truncated = v < 0 ? Math.ceil(v) : Math.floor(v);
            return switch (t) {
                case INT8 -> (byte) (long) truncated;
                case UINT8 -> ((long) truncated) & 0xFF;
                case INT16 -> (short) (long) truncated;
                case UINT16 -> ((long) truncated) & 0xFFFF;
                case INT32 -> (int) (long) truncated;
                case UINT32 -> ((long) truncated) & 0xFFFF_FFFFL;
                default -> truncated; // int64/uint64 (doubles hold them approximately), 4- and 2-bit kinds
            };
        }
        if (t == DType.FLOAT) {
            return (float) v;
        }
        return v;
    }

    /** True when values of this type are meaningful as doubles (not strings, complex, undefined). */
    static boolean numeric(DType t) {
        return t.isInteger() || t.isFloatingPoint() || t == DType.BOOL;
    }
}
