package dev.modelmeter.graph;

import java.util.List;
import java.util.OptionalLong;

/**
 * A stored tensor (an initializer, a Constant's value, a tensor attribute): its name, element type and
 * dims, where its payload lies, and its contents only when it is small enough to matter for shape
 * arithmetic ({@link TensorValue#MAX_ELEMENTS}). Weight payloads are never read.
 *
 * @param value    the contents, or null when the payload was skipped (large, external, or not numeric)
 * @param location where the payload lies, or null when it was absent
 */
public record TensorData(String name, DType dtype, List<Long> dims, TensorValue value, PayloadLocation location) {

    /**
     * Copies the dims.
     *
     * @param name     the tensor's name
     * @param dtype    its element type
     * @param dims     its sizes
     * @param value    the contents, or null when the payload was skipped
     * @param location where the payload lies, or null
     */
    public TensorData {
        dims = List.copyOf(dims);
    }

    /**
     * The number of elements.
     *
     * @return the product of the dims
     */
    public long numel() {
        return Counts.numel(dims.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * What the payload occupies, packed sub-byte types rounded up.
     *
     * @return the bytes
     */
    public long bytes() {
        return dtype.bytesFor(numel());
    }

    /**
     * Its type, with the fully known shape of its dims.
     *
     * @return the type
     */
    public TensorType type() {
        return new TensorType(dtype, Shape.of(dims));
    }

    /**
     * Where a payload lies: inside the model file ({@code externalFile} null) at a byte offset, or in an
     * external data file named by the model, which may be absent — we never need to open it.
     */
    public record PayloadLocation(String externalFile, long offset, long length) {
        /**
         * Whether the payload is in an external data file.
         *
         * @return whether {@code externalFile} is set
         */
        public boolean isExternal() {
            return externalFile != null;
        }

        /**
         * The payload's length, when the model tells it.
         *
         * @return the length in bytes, or empty when unknown
         */
        public OptionalLong knownLength() {
            return length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
        }
    }
}
