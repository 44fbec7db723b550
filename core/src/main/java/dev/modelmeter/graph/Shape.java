package dev.modelmeter.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** A tensor shape of known rank; each dimension may be known, symbolic or unknown. */
public record Shape(List<Dim> dims) {

    public static final Shape SCALAR = new Shape(List.of());

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(long... sizes) {
        List<Dim> dims = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            dims.add(Dim.of(s));
        }
        return new Shape(dims);
    }

    public static Shape of(List<Long> sizes) {
        return of(sizes.stream().mapToLong(Long::longValue).toArray());
    }

    /** A shape of the given rank whose dimensions are all unknown. */
    public static Shape unknownDims(int rank) {
        List<Dim> dims = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            dims.add(Dim.unknown());
        }
        return new Shape(dims);
    }

    public int rank() {
        return dims.size();
    }

    public Dim dim(int axis) {
        return dims.get(axis);
    }

    public boolean isFullyKnown() {
        return dims.stream().allMatch(Dim::isKnown);
    }

    /** Number of elements, when every dimension is known. */
    public OptionalLong numel() {
        long n = 1;
        for (Dim d : dims) {
            if (!d.isKnown()) {
                return OptionalLong.empty();
            }
            n = Math.multiplyExact(n, d.value());
        }
        return OptionalLong.of(n);
    }

    /** The known sizes; throws if any dimension is not known. */
    public long[] sizes() {
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i).value();
        }
        return out;
    }

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

    /** {@code [1, 3, 224, 224]}, the way PyTorch prints a size. */
    public String toListString() {
        return dims.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    public static Shape fromArray(long[] sizes) {
        return of(Arrays.copyOf(sizes, sizes.length));
    }
}
