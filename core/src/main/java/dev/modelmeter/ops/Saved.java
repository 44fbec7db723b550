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

    public enum Kind { INPUT, OUTPUT, EXTRA }

    public static Saved input(int i) {
        return new Saved(Kind.INPUT, i, null, 0, "input " + i);
    }

    public static Saved output(int i) {
        return new Saved(Kind.OUTPUT, i, null, 0, "output " + i);
    }

    public static Saved extra(DType dtype, long elements, String what) {
        return new Saved(Kind.EXTRA, -1, dtype, elements, what);
    }
}
