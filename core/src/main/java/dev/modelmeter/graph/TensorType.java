package dev.modelmeter.graph;

import java.util.OptionalLong;

/**
 * A tensor's element type and shape. {@code shape} is null when even the rank is unknown.
 */
public record TensorType(DType dtype, Shape shape) implements ValueType {

    public static TensorType of(DType dtype, long... sizes) {
        return new TensorType(dtype, Shape.of(sizes));
    }

    public boolean hasShape() {
        return shape != null;
    }

    public boolean isFullyKnown() {
        return shape != null && shape.isFullyKnown();
    }

    public OptionalLong numel() {
        return shape == null ? OptionalLong.empty() : shape.numel();
    }

    /** Bytes the tensor occupies, when its shape is fully known. */
    public OptionalLong bytes() {
        OptionalLong n = numel();
        return n.isPresent() ? OptionalLong.of(dtype.bytesFor(n.getAsLong())) : OptionalLong.empty();
    }

    public TensorType withShape(Shape newShape) {
        return new TensorType(dtype, newShape);
    }

    public TensorType withDType(DType newType) {
        return new TensorType(newType, shape);
    }

    @Override
    public String toString() {
        return dtype.displayName() + (shape == null ? "[?]" : shape.toListString());
    }
}
