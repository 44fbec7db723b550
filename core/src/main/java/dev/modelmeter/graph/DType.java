package dev.modelmeter.graph;

import java.util.HashMap;
import java.util.Map;

/**
 * Element types, numbered as ONNX's {@code TensorProto.DataType}. The bit width is what a tensor of
 * this type occupies per element in memory (sub-byte types are packed, so their byte size rounds up).
 */
public enum DType {
    /** No type given (also what an unknown ONNX code reads as). */
    UNDEFINED(0, 0, false, false),
    /** 32-bit IEEE float (PyTorch float32). */
    FLOAT(1, 32, true, false),
    /** Unsigned 8-bit integer. */
    UINT8(2, 8, false, true),
    /** Signed 8-bit integer. */
    INT8(3, 8, false, true),
    /** Unsigned 16-bit integer. */
    UINT16(4, 16, false, true),
    /** Signed 16-bit integer. */
    INT16(5, 16, false, true),
    /** Signed 32-bit integer. */
    INT32(6, 32, false, true),
    /** Signed 64-bit integer (ONNX's type for shapes and indices). */
    INT64(7, 64, false, true),
    /** Variable-length string; no fixed size per element. */
    STRING(8, 0, false, false),
    /** Boolean, one byte per element. */
    BOOL(9, 8, false, false),
    /** 16-bit IEEE half float. */
    FLOAT16(10, 16, true, false),
    /** 64-bit IEEE float (PyTorch float64). */
    DOUBLE(11, 64, true, false),
    /** Unsigned 32-bit integer. */
    UINT32(12, 32, false, true),
    /** Unsigned 64-bit integer. */
    UINT64(13, 64, false, true),
    /** Complex of two 32-bit floats. */
    COMPLEX64(14, 64, false, false),
    /** Complex of two 64-bit floats. */
    COMPLEX128(15, 128, false, false),
    /** 16-bit brain float (8-bit exponent). */
    BFLOAT16(16, 16, true, false),
    /** 8-bit float, 4-bit exponent, 3-bit mantissa, finite only. */
    FLOAT8E4M3FN(17, 8, true, false),
    /** 8-bit float E4M3, finite only, no negative zero. */
    FLOAT8E4M3FNUZ(18, 8, true, false),
    /** 8-bit float, 5-bit exponent, 2-bit mantissa. */
    FLOAT8E5M2(19, 8, true, false),
    /** 8-bit float E5M2, finite only, no negative zero. */
    FLOAT8E5M2FNUZ(20, 8, true, false),
    /** Unsigned 4-bit integer, two per byte. */
    UINT4(21, 4, false, true),
    /** Signed 4-bit integer, two per byte. */
    INT4(22, 4, false, true),
    /** 4-bit float (2-bit exponent, 1-bit mantissa), two per byte. */
    FLOAT4E2M1(23, 4, true, false),
    /** 8-bit exponent-only float (a scale for block formats). */
    FLOAT8E8M0(24, 8, true, false),
    /** Unsigned 2-bit integer, four per byte. */
    UINT2(25, 2, false, true),
    /** Signed 2-bit integer, four per byte. */
    INT2(26, 2, false, true);

    private static final Map<Integer, DType> BY_CODE = new HashMap<>();
    static {
        for (DType t : values()) {
            BY_CODE.put(t.code, t);
        }
    }

    private final int code;
    private final int bits;
    private final boolean floatingPoint;
    private final boolean integer;

    DType(int code, int bits, boolean floatingPoint, boolean integer) {
        this.code = code;
        this.bits = bits;
        this.floatingPoint = floatingPoint;
        this.integer = integer;
    }

    /**
     * The ONNX {@code TensorProto.DataType} number.
     *
     * @return the code
     */
    public int code() {
        return code;
    }

    /**
     * Bits per element in memory; 0 for types without a fixed size (strings, undefined).
     *
     * @return the bits
     */
    public int bits() {
        return bits;
    }

    /**
     * True for IEEE-like floating types (float, half, bfloat16, double, float8/4 variants).
     *
     * @return whether it is a floating type
     */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /**
     * True for signed and unsigned integer types (not bool).
     *
     * @return whether it is an integer type
     */
    public boolean isInteger() {
        return integer;
    }

    /**
     * Bytes that {@code elements} elements of this type occupy, packed sub-byte types rounded up.
     *
     * @param elements how many elements
     * @return the bytes
     */
    public long bytesFor(long elements) {
        return Counts.bytes(elements, bits);
    }

    /**
     * The type with this ONNX code, or {@link #UNDEFINED} for a code we do not know.
     *
     * @param code the ONNX code
     * @return the type
     */
    public static DType fromCode(int code) {
        return BY_CODE.getOrDefault(code, UNDEFINED);
    }

    /**
     * Lower-case short name as PyTorch users read it: float32, int64, bfloat16.
     *
     * @return the name
     */
    public String displayName() {
        return switch (this) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case FLOAT16 -> "float16";
            default -> name().toLowerCase();
        };
    }
}
