package dev.modelmeter.graph;

/** The type of a value flowing along a graph edge: a tensor, a sequence of values, or an optional value. */
public sealed interface ValueType permits TensorType, ValueType.SequenceType, ValueType.OptionalType {

    /** A sequence whose elements all have (or are merged into) {@code element}. */
    record SequenceType(ValueType element) implements ValueType {
        @Override
        public String toString() {
            return "seq(" + element + ")";
        }
    }

    /** An optional value of type {@code element}. */
    record OptionalType(ValueType element) implements ValueType {
        @Override
        public String toString() {
            return "optional(" + element + ")";
        }
    }
}
