package dev.modelmeter.graph;

import java.util.HashMap;
import java.util.Map;

/**
 * Element types, numbered as ONNX's {@code TensorProto.DataType}. The bit width is what a tensor of
 * this type occupies per element in memory (sub-byte types are packed, so their byte size rounds up).
 */
public enum DType {
    UNDEFINED(0, 0, false, false),
    FLOAT(1, 32, true, false),
    UINT8(2, 8, false, true),
    INT8(3, 8, false, true),
    UINT16(4, 16, false, true),
    INT16(5, 16, false, true),
    INT32(6, 32, false, true),
    INT64(7, 64, false, true),
    STRING(8, 0, false, false),
    BOOL(9, 8, false, false),
    FLOAT16(10, 16, true, false),
    DOUBLE(11, 64, true, false),
    UINT32(12, 32, false, true),
    UINT64(13, 64, false, true),
    COMPLEX64(14, 64, false, false),
    COMPLEX128(15, 128, false, false),
    BFLOAT16(16, 16, true, false),
    FLOAT8E4M3FN(17, 8, true, false),
    FLOAT8E4M3FNUZ(18, 8, true, false),
    FLOAT8E5M2(19, 8, true, false),
    FLOAT8E5M2FNUZ(20, 8, true, false),
    UINT4(21, 4, false, true),
    INT4(22, 4, false, true),
    FLOAT4E2M1(23, 4, true, false),
    FLOAT8E8M0(24, 8, true, false),
    UINT2(25, 2, false, true),
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

    /** The ONNX {@code TensorProto.DataType} number. */
    public int code() {
        return code;
    }

    /** Bits per element in memory; 0 for types without a fixed size (strings, undefined). */
    public int bits() {
        return bits;
    }

    /** True for IEEE-like floating types (float, half, bfloat16, double, float8/4 variants). */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** True for signed and unsigned integer types (not bool). */
    public boolean isInteger() {
        return integer;
    }

    /** Bytes that {@code elements} elements of this type occupy, packed sub-byte types rounded up. */
    public long bytesFor(long elements) {
        return (elements * bits + 7) / 8;
    }

    /** The type with this ONNX code, or {@link #UNDEFINED} for a code we do not know. */
    public static DType fromCode(int code) {
        return BY_CODE.getOrDefault(code, UNDEFINED);
    }

    /** Lower-case short name as PyTorch users read it: float32, int64, bfloat16. */
    public String displayName() {
        return switch (this) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case FLOAT16 -> "float16";
            default -> name().toLowerCase();
        };
    }
}
