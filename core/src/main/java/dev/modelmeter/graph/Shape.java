package dev.modelmeter.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** A tensor shape of known rank; each dimension may be known, symbolic or unknown. */
public record Shape(List<Dim> dims) {

    /** The rank-0 shape of a scalar. */
    public static final Shape SCALAR = new Shape(List.of());

    /**
     * Copies the dims.
     *
     * @param dims one per axis
     */
    public Shape {
        dims = List.copyOf(dims);
    }

    /**
     * A shape of known sizes.
     *
     * @param sizes one per axis, not negative
     * @return the shape
     */
    public static Shape of(long... sizes) {
        List<Dim> dims = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            dims.add(Dim.of(s));
        }
        return new Shape(dims);
    }

    /**
     * A shape of known sizes.
     *
     * @param sizes one per axis, not negative
     * @return the shape
     */
    public static Shape of(List<Long> sizes) {
        return of(sizes.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * A shape of the given rank whose dimensions are all unknown.
     *
     * @param rank the rank
     * @return the shape
     */
    public static Shape unknownDims(int rank) {
        List<Dim> dims = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            dims.add(Dim.unknown());
        }
        return new Shape(dims);
    }

    /**
     * The number of axes.
     *
     * @return the rank
     */
    public int rank() {
        return dims.size();
    }

    /**
     * One dimension.
     *
     * @param axis from 0 to rank - 1
     * @return the dimension
     */
    public Dim dim(int axis) {
        return dims.get(axis);
    }

    /**
     * Whether every dimension is a known size.
     *
     * @return whether all are known
     */
    public boolean isFullyKnown() {
        return dims.stream().allMatch(Dim::isKnown);
    }

    /**
     * Number of elements, when every dimension is known.
     *
     * @return the product of the sizes, or empty when a dimension is not known
     * @throws CountOverflowException when the product exceeds what a {@code long} holds
     */
    public OptionalLong numel() {
        long[] sizes = new long[dims.size()];
        for (int i = 0; i < sizes.length; i++) {
            if (!dims.get(i).isKnown()) {
                return OptionalLong.empty();
            }
            sizes[i] = dims.get(i).value();
        }
        return OptionalLong.of(Counts.numel(sizes));
    }

    /**
     * The known sizes; throws if any dimension is not known.
     *
     * @return one size per axis
     */
    public long[] sizes() {
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i).value();
        }
        return out;
    }

    /**
     * This shape with one dimension replaced.
     *
     * @param axis from 0 to rank - 1
     * @param dim  the new dimension
     * @return a new shape
     */
    public Shape withDim(int axis, Dim dim) {
        List<Dim> copy = new ArrayList<>(dims);
        copy.set(axis, dim);
        return new Shape(copy);
    }

    /** {@code 1x3x224x224}; a scalar prints as {@code []}. */
    @Override
    public String toString() {
        if (dims.isEmpty()) {
            return "[]";
        }
        return dims.stream().map(Dim::toString).collect(Collectors.joining("x"));
    }

    /**
     * {@code [1, 3, 224, 224]}, the way PyTorch prints a size.
     *
     * @return the string
     */
    public String toListString() {
        return dims.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * A shape of known sizes, copying the array.
     *
     * @param sizes one per axis, not negative
     * @return the shape
     */
    public static Shape fromArray(long[] sizes) {
        return of(Arrays.copyOf(sizes, sizes.length));
    }
}
