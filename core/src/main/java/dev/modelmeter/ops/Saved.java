package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;

/**
 * One tensor autograd keeps from a node's forward for its backward: one of the node's inputs or
 * outputs (shared storage: deduplicated by the memory plan), or a tensor of its own (BatchNorm's
 * per-channel statistics, MaxPool's indices, a dropout mask).
 *
 * @param elements for {@link Kind#EXTRA}: element count; ignored otherwise
 * @param what     a short description for reports ("mask", "indices", "mean+invstd")
 */
public record Saved(Kind kind, int index, DType dtype, long elements, String what) {

    /** Where the saved tensor comes from. */
    public enum Kind {
        /** One of the node's inputs, at {@code index}. */
        INPUT,
        /** One of the node's outputs, at {@code index}. */
        OUTPUT,
        /** A tensor of the node's own, of {@code elements} elements of {@code dtype}. */
        EXTRA
    }

    /**
     * Input {@code i} itself is saved (its storage is shared, not copied).
     *
     * @param i the input's position
     * @return the reference
     */
    public static Saved input(int i) {
        return new Saved(Kind.INPUT, i, null, 0, "input " + i);
    }

    /**
     * Output {@code i} itself is saved (its storage is shared, not copied).
     *
     * @param i the output's position
     * @return the reference
     */
    public static Saved output(int i) {
        return new Saved(Kind.OUTPUT, i, null, 0, "output " + i);
    }

    /**
     * A tensor of the node's own (statistics, indices, a mask).
     *
     * @param dtype    its element type
     * @param elements its element count
     * @param what     a short description for reports
     * @return the saved tensor
     */
    public static Saved extra(DType dtype, long elements, String what) {
        return new Saved(Kind.EXTRA, -1, dtype, elements, what);
    }
}
