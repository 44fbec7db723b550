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
        /**
         * The entry of one dim: a number when it is known.
         *
         * @param d the dim
         * @return the entry
         */
        public static Entry of(Dim d) {
            return d.isKnown() ? new Entry(d.value(), null) : new Entry(0, d);
        }

        /**
         * Whether this entry is a plain number.
         *
         * @return true when {@code dim} is null
         */
        public boolean isNumber() {
            return dim == null;
        }

        /**
         * As a dimension: the number when it is one (must not be negative), else the dim.
         *
         * @return the dim
         */
        public Dim asDim() {
            return dim != null ? dim : Dim.of(number);
        }
    }

    /**
     * Copies the entries.
     *
     * @param scalar  rank 0 rather than rank 1
     * @param entries the entries, in order
     */
    public ShapeVector {
        entries = List.copyOf(entries);
    }

    /**
     * The vector of a shape's dims.
     *
     * @param s the shape
     * @return one entry per dim
     */
    public static ShapeVector of(Shape s) {
        List<Entry> e = new ArrayList<>();
        s.dims().forEach(d -> e.add(Entry.of(d)));
        return new ShapeVector(false, e);
    }

    /**
     * A known int64 value of rank 0 or 1 as a vector, or null for other ranks.
     *
     * @param v the value
     * @return the vector, or null
     */
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

    /**
     * The number of entries.
     *
     * @return the count
     */
    public int size() {
        return entries.size();
    }

    /**
     * One entry.
     *
     * @param i its position
     * @return the entry
     */
    public Entry get(int i) {
        return entries.get(i);
    }

    /**
     * Whether every entry is a number, so that the vector can become a plain {@link TensorValue}.
     *
     * @return whether no entry is symbolic or unknown
     */
    public boolean allNumbers() {
        return entries.stream().allMatch(Entry::isNumber);
    }

    /**
     * The value when every entry is a number.
     *
     * @param dtype the value's element type (int64 for shape arithmetic)
     * @return the value, of rank 0 or 1 like this vector
     */
    public TensorValue toValue(DType dtype) {
        long[] n = entries.stream().mapToLong(Entry::number).toArray();
        return TensorValue.ofLongs(dtype, scalar ? new long[0] : new long[] {n.length}, n);
    }
}
