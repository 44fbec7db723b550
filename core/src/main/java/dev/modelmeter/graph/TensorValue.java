package dev.modelmeter.graph;

import java.util.Arrays;

/**
 * The contents of a small tensor known at analysis time: shape constants, Constant nodes, values
 * propagated through Shape → Gather → Concat chains. Elements are stored as doubles in row-major
 * order; integer values beyond 2^53 lose precision, which only matters for sentinels such as
 * INT64_MAX, and those saturate back to themselves when cast to long.
 */
public record TensorValue(DType dtype, long[] shape, double[] data) {

    /** The cap on elements a reader or a shape rule keeps as a value (bigger tensors are not tracked). */
    public static final int MAX_ELEMENTS = 65_536;

    public TensorValue {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, data has " + data.length);
        }
    }

    public static TensorValue ofLongs(DType dtype, long[] shape, long[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return new TensorValue(dtype, shape, d);
    }

    /** A 1-D int64 tensor. */
    public static TensorValue vector(long... values) {
        return ofLongs(DType.INT64, new long[] {values.length}, values);
    }

    /** A 0-D int64 tensor. */
    public static TensorValue scalar(long value) {
        return ofLongs(DType.INT64, new long[0], new long[] {value});
    }

    public int size() {
        return data.length;
    }

    public long getLong(int i) {
        return (long) data[i];
    }

    public double get(int i) {
        return data[i];
    }

    public long[] asLongs() {
        long[] out = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (long) data[i];
        }
        return out;
    }

    public TensorType type() {
        return new TensorType(dtype, Shape.of(shape));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorValue v && v.dtype == dtype && Arrays.equals(v.shape, shape)
                && Arrays.equals(v.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return dtype.displayName() + Arrays.toString(shape) + "=" + Arrays.toString(data.length > 16
                ? Arrays.copyOf(data, 16) : data);
    }
}
