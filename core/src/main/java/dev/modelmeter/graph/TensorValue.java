package dev.modelmeter.graph;

import java.util.Arrays;
import java.util.List;

/**
 * The contents of a small tensor known at analysis time: shape constants, Constant nodes, values
 * propagated through Shape → Gather → Concat chains. Elements are stored as doubles in row-major
 * order; integer values beyond 2^53 lose precision, which only matters for sentinels such as
 * INT64_MAX, and those saturate back to themselves when cast to long. A string tensor keeps its
 * elements in {@code strings} instead (its {@code data} is zeros).
 */
public record TensorValue(DType dtype, long[] shape, double[] data, List<String> strings) {

    /** The cap on elements a reader or a shape rule keeps as a value (bigger tensors are not tracked). */
    public static final int MAX_ELEMENTS = 65_536;

    /**
     * @param strings the elements of a string tensor (StringSplit and StringNormalizer sizes depend on
     *                them), null for every other tensor; {@code data} then holds zeros
     * @param dtype the element type
     * @param shape the sizes; their product must equal the number of elements
     * @param data  the elements in row-major order
     */
    public TensorValue {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, data has " + data.length);
        }
        if (strings != null && strings.size() != n) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, strings has " + strings.size());
        }
        strings = strings == null ? null : List.copyOf(strings);
    }

    /**
     * A numeric tensor.
     *
     * @param dtype the element type
     * @param shape the sizes; their product must equal {@code data.length}
     * @param data  the elements in row-major order
     */
    public TensorValue(DType dtype, long[] shape, double[] data) {
        this(dtype, shape, data, null);
    }

    /**
     * A string tensor.
     *
     * @param shape  the sizes
     * @param values the elements in row-major order
     * @return the value
     */
    public static TensorValue ofStrings(long[] shape, List<String> values) {
        return new TensorValue(DType.STRING, shape, new double[values.size()], values);
    }

    /**
     * True when this value holds the strings of a string tensor.
     *
     * @return whether {@code strings} is set
     */
    public boolean hasStrings() {
        return strings != null;
    }

    /**
     * An integer tensor.
     *
     * @param dtype  the element type
     * @param shape  the sizes
     * @param values the elements in row-major order
     * @return the value
     */
    public static TensorValue ofLongs(DType dtype, long[] shape, long[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return new TensorValue(dtype, shape, d);
    }

    /**
     * A 1-D int64 tensor.
     *
     * @param values the elements
     * @return the value
     */
    public static TensorValue vector(long... values) {
        return ofLongs(DType.INT64, new long[] {values.length}, values);
    }

    /**
     * A 0-D int64 tensor.
     *
     * @param value the element
     * @return the value
     */
    public static TensorValue scalar(long value) {
        return ofLongs(DType.INT64, new long[0], new long[] {value});
    }

    /**
     * The number of elements.
     *
     * @return the count
     */
    public int size() {
        return data.length;
    }

    /**
     * One element as an integer (truncated toward zero).
     *
     * @param i its row-major index
     * @return the element
     */
    public long getLong(int i) {
        return (long) data[i];
    }

    /**
     * One element.
     *
     * @param i its row-major index
     * @return the element
     */
    public double get(int i) {
        return data[i];
    }

    /**
     * Every element as an integer (truncated toward zero).
     *
     * @return the elements in row-major order
     */
    public long[] asLongs() {
        long[] out = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (long) data[i];
        }
        return out;
    }

    /**
     * Its tensor type, whose shape is fully known.
     *
     * @return the type
     */
    public TensorType type() {
        return new TensorType(dtype, Shape.of(shape));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorValue v && v.dtype == dtype && Arrays.equals(v.shape, shape)
                && Arrays.equals(v.data, data) && java.util.Objects.equals(v.strings, strings);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data) + java.util.Objects.hashCode(strings);
    }

    @Override
    public String toString() {
        if (strings != null) {
            return dtype.displayName() + Arrays.toString(shape) + "=" + (strings.size() > 16 ? strings.subList(0, 16) : strings);
        }
        return dtype.displayName() + Arrays.toString(shape) + "=" + Arrays.toString(data.length > 16
                ? Arrays.copyOf(data, 16) : data);
    }
}
