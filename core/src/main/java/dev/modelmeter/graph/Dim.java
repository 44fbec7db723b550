package dev.modelmeter.graph;

/**
 * One dimension of a shape: a known size, a named symbol ({@code batch}, {@code seq}) or unknown.
 * Symbols are bound to sizes before costs are computed (see {@code --batch} / {@code --input}).
 */
public sealed interface Dim permits Dim.Known, Dim.Symbolic, Dim.Unknown {

    /** A dimension whose size is known. */
    record Known(long value) implements Dim {
        /**
         * Checks the size.
         *
         * @param value the size; must not be negative
         */
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

    /** The one unknown dimension (all unknown dims are equal). */
    Unknown UNKNOWN = new Unknown();

    /**
     * A known size.
     *
     * @param value the size, not negative
     * @return the dimension
     */
    static Dim of(long value) {
        return new Known(value);
    }

    /**
     * A named size such as {@code batch}.
     *
     * @param name the symbol
     * @return the dimension
     */
    static Dim symbol(String name) {
        return new Symbolic(name);
    }

    /**
     * A dimension nothing is known about.
     *
     * @return {@link #UNKNOWN}
     */
    static Dim unknown() {
        return UNKNOWN;
    }

    /**
     * Whether the size is a number (not symbolic or unknown).
     *
     * @return whether this is {@link Known}
     */
    default boolean isKnown() {
        return this instanceof Known;
    }

    /**
     * The size of a known dimension; throws for symbolic or unknown ones.
     *
     * @return the size
     */
    default long value() {
        if (this instanceof Known k) {
            return k.value();
        }
        throw new IllegalStateException("dimension " + this + " is not known");
    }
}
