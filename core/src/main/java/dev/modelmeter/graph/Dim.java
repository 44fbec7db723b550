package dev.modelmeter.graph;

/**
 * One dimension of a shape: a known size, a named symbol ({@code batch}, {@code seq}) or unknown.
 * Symbols are bound to sizes before costs are computed (see {@code --batch} / {@code --input}).
 */
public sealed interface Dim permits Dim.Known, Dim.Symbolic, Dim.Unknown {

    /** A dimension whose size is known. */
    record Known(long value) implements Dim {
        public Known {
            if (value < 0) {
                throw new IllegalArgumentException("negative dimension " + value);
            }
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** A named dimension whose size is not fixed by the model ({@code dim_param} in ONNX). */
    record Symbolic(String name) implements Dim {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A dimension nothing is known about. */
    record Unknown() implements Dim {
        @Override
        public String toString() {
            return "?";
        }
    }

    Unknown UNKNOWN = new Unknown();

    static Dim of(long value) {
        return new Known(value);
    }

    static Dim symbol(String name) {
        return new Symbolic(name);
    }

    static Dim unknown() {
        return UNKNOWN;
    }

    default boolean isKnown() {
        return this instanceof Known;
    }

    /** The size of a known dimension; throws for symbolic or unknown ones. */
    default long value() {
        if (this instanceof Known k) {
            return k.value();
        }
        throw new IllegalStateException("dimension " + this + " is not known");
    }
}
