package dev.modelmeter.shapes;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorValue;

import java.util.ArrayList;
import java.util.List;

/**
 * A small int64 shape-arithmetic tensor (rank 0 or 1) some of whose entries are dims that are not
 * numbers: {@code Shape(x)} of an {@code x} with a symbolic batch is {@code [batch, 128]}. It rides beside
 * the type where a {@link TensorValue} cannot, so that {@code Shape → Gather → Unsqueeze → Concat →
 * Reshape} chains keep the symbol instead of losing the whole shape.
 *
 * @param scalar  rank 0 (one entry) rather than rank 1
 * @param entries each a number (any sign: Reshape's -1 and 0 stay numbers) or a symbolic/unknown dim
 */
public record ShapeVector(boolean scalar, List<Entry> entries) {

    /** A number when {@code dim} is null, else that (symbolic or unknown) dim. */
    public record Entry(long number, Dim dim) {
        public static Entry of(Dim d) {
            return d.isKnown() ? new Entry(d.value(), null) : new Entry(0, d);
        }

        public boolean isNumber() {
            return dim == null;
        }

        /** As a dimension: the number when it is one (must not be negative), else the dim. */
        public Dim asDim() {
            return dim != null ? dim : Dim.of(number);
        }
    }

    public ShapeVector {
        entries = List.copyOf(entries);
    }

    /** The vector of a shape's dims. */
    public static ShapeVector of(Shape s) {
        List<Entry> e = new ArrayList<>();
        s.dims().forEach(d -> e.add(Entry.of(d)));
        return new ShapeVector(false, e);
    }

    /** A known int64 value of rank 0 or 1 as a vector, or null for other ranks. */
    public static ShapeVector of(TensorValue v) {
        if (v.shape().length > 1) {
            return null;
        }
        List<Entry> e = new ArrayList<>();
        for (long n : v.asLongs()) {
            e.add(new Entry(n, null));
        }
        return new ShapeVector(v.shape().length == 0, e);
    }

    public int size() {
        return entries.size();
    }

    public Entry get(int i) {
        return entries.get(i);
    }

    public boolean allNumbers() {
        return entries.stream().allMatch(Entry::isNumber);
    }

    /** The value when every entry is a number. */
    public TensorValue toValue(DType dtype) {
        long[] n = entries.stream().mapToLong(Entry::number).toArray();
        return TensorValue.ofLongs(dtype, scalar ? new long[0] : new long[] {n.length}, n);
    }
}
