package dev.modelmeter.graph;

import java.util.OptionalLong;

/**
 * A tensor's element type and shape. {@code shape} is null when even the rank is unknown.
 */
public record TensorType(DType dtype, Shape shape) implements ValueType {

    /**
     * A tensor type of known sizes.
     *
     * @param dtype the element type
     * @param sizes one per axis
     * @return the type
     */
    public static TensorType of(DType dtype, long... sizes) {
        return new TensorType(dtype, Shape.of(sizes));
    }

    /**
     * Whether at least the rank is known.
     *
     * @return whether {@code shape} is not null
     */
    public boolean hasShape() {
        return shape != null;
    }

    /**
     * Whether the rank and every size are known.
     *
     * @return whether the shape is fully known
     */
    public boolean isFullyKnown() {
        return shape != null && shape.isFullyKnown();
    }

    /**
     * The number of elements, when the shape is fully known.
     *
     * @return the count, or empty
     */
    public OptionalLong numel() {
        return shape == null ? OptionalLong.empty() : shape.numel();
    }

    /**
     * Bytes the tensor occupies, when its shape is fully known.
     *
     * @return the bytes, or empty
     */
    public OptionalLong bytes() {
        OptionalLong n = numel();
        return n.isPresent() ? OptionalLong.of(dtype.bytesFor(n.getAsLong())) : OptionalLong.empty();
    }

    /**
     * This type with another shape.
     *
     * @param newShape the shape (null: rank unknown)
     * @return a new type
     */
    public TensorType withShape(Shape newShape) {
        return new TensorType(dtype, newShape);
    }

    /**
     * This type with another element type.
     *
     * @param newType the element type
     * @return a new type
     */
    public TensorType withDType(DType newType) {
        return new TensorType(newType, shape);
    }

    @Override
    public String toString() {
        return dtype.displayName() + (shape == null ? "[?]" : shape.toListString());
    }
}
