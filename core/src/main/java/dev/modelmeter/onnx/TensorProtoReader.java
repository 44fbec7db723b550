package dev.modelmeter.onnx;

import com.google.protobuf.WireFormat;
import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorValue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one {@code TensorProto}. Payloads larger than {@link #CAP_BYTES} are skipped and only located;
 * small numeric payloads are kept and decoded into a {@link TensorValue} when the tensor has at most
 * {@link TensorValue#MAX_ELEMENTS} elements; so are the strings of a small string tensor. On the wire, {@code dims} and {@code data_type} may come
 * after the payload, so the keep-or-skip decision is made from the payload's own length prefix.
 */
final class TensorProtoReader {

    /** The largest payload kept: MAX_ELEMENTS elements of the widest element type we decode (8 bytes). */
    static final int CAP_BYTES = 8 * TensorValue.MAX_ELEMENTS;

    private static final int DATA_LOCATION_EXTERNAL = 1;

    private String name = "";
    private int dataType;
    private final List<Long> dims = new ArrayList<>();
    private int dataLocation;
    private String externalFile;
    private long externalOffset;
    private long externalLength = -1;

    private long payloadOffset = -1;
    private long payloadEnd = -1;
    private byte[] raw;
    private double[] typed = new double[16];
    private int typedCount;
    private boolean typedIsInt32;
    private boolean payloadTooLarge;
    private final List<String> strings = new ArrayList<>();
    private long stringBytes;
    private boolean stringsTooLarge;

    private TensorProtoReader() {
    }

    /** Reads the fields of a TensorProto up to the end of the current message (or of the file). */
    static TensorData read(ProtoInput in) throws IOException {
        TensorProtoReader t = new TensorProtoReader();
        t.readFields(in);
        return t.build();
    }

    private void readFields(ProtoInput in) throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> readInt64s(in, tag, "TensorProto.dims", dims, MAX_RANK);
                case 2 -> {
                    in.expect(tag, WireFormat.WIRETYPE_VARINT, "TensorProto.data_type");
                    dataType = (int) in.readVarint();
                }
                case 4 -> readFloats(in, tag);
                case 5 -> readVarintValues(in, tag, "TensorProto.int32_data", Kind.INT32);
                case 6 -> readString(in, tag);
                case 7 -> readVarintValues(in, tag, "TensorProto.int64_data", Kind.INT64);
                case 8 -> {
                    in.expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TensorProto.name");
                    name = in.readString();
                }
                case 9 -> readRaw(in, tag);
                case 10 -> readDoubles(in, tag);
                case 11 -> readVarintValues(in, tag, "TensorProto.uint64_data", Kind.UINT64);
                case 13 -> {
                    in.expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TensorProto.external_data");
                    String[] kv = readStringEntry(in);
                    externalEntry(kv[0], kv[1]);
                }
                case 14 -> {
                    in.expect(tag, WireFormat.WIRETYPE_VARINT, "TensorProto.data_location");
                    dataLocation = (int) in.readVarint();
                }
                default -> in.skip(tag);
            }
        }
    }

    /**
     * One element of {@code string_data}. Small string tensors are kept (StringSplit and
     * StringNormalizer sizes depend on their contents), up to {@link #CAP_BYTES} bytes in all.
     */
    private void readString(ProtoInput in, int tag) throws IOException {
        in.expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TensorProto.string_data");
        long start = in.position();
        int length = in.readLength();
        stringBytes += length;
        if (stringBytes > CAP_BYTES || strings.size() == TensorValue.MAX_ELEMENTS) {
            in.skipBytes(length);
            stringsTooLarge = true;
        } else {
            strings.add(new String(in.readBytes(length), java.nio.charset.StandardCharsets.UTF_8));
        }
        notePayload(start, in.position());
    }

    /** Reads a {@code StringStringEntryProto} as {key, value} (missing fields are empty strings). */
    static String[] readStringEntry(ProtoInput in) throws IOException {
        String key = "";
        String value = "";
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> {
                    in.expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "StringStringEntryProto.key");
                    key = in.readString();
                }
                case 2 -> {
                    in.expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "StringStringEntryProto.value");
                    value = in.readString();
                }
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        return new String[] {key, value};
    }

    /** No real tensor comes near this rank; a longer dims list is corruption, not worth boxing. */
    static final int MAX_RANK = 1024;

    /** Reads a repeated int64 field, packed or not, into {@code out}, which may hold at most {@code max}. */
    static void readInt64s(ProtoInput in, int tag, String what, List<Long> out, int max) throws IOException {
        if (ProtoInput.wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int token = in.pushLimit(in.readLength());
            while (!in.atEnd()) {
                add(out, in.readVarint(), what, max);
            }
            in.popLimit(token);
        } else {
            in.expect(tag, WireFormat.WIRETYPE_VARINT, what);
            add(out, in.readVarint(), what, max);
        }
    }

    private static void add(List<Long> out, long v, String what, int max) {
        if (out.size() >= max) {
            throw new ModelMeterException(what + " holds more than " + max + " values");
        }
        out.add(v);
    }

    private void externalEntry(String key, String value) {
        switch (key) {
            case "location" -> externalFile = value;
            case "offset" -> externalOffset = parseLong(value, 0);
            case "length" -> externalLength = parseLong(value, -1);
            default -> { }
        }
    }

    private static long parseLong(String s, long fallback) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private enum Kind { INT32, INT64, UINT64 }

    private void readRaw(ProtoInput in, int tag) throws IOException {
        in.expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TensorProto.raw_data");
        int length = in.readLength();
        long start = in.position();
        if (length > capBytes(in)) {
            in.skipBytes(length);
            payloadTooLarge = true;
        } else {
            raw = in.readBytes(length);
        }
        notePayload(start, in.position());
    }

    private void readFloats(ProtoInput in, int tag) throws IOException {
        readRepeated(in, tag, WireFormat.WIRETYPE_FIXED32, "TensorProto.float_data",
                () -> Float.intBitsToFloat(in.readFixed32()));
    }

    private void readDoubles(ProtoInput in, int tag) throws IOException {
        readRepeated(in, tag, WireFormat.WIRETYPE_FIXED64, "TensorProto.double_data",
                () -> Double.longBitsToDouble(in.readFixed64()));
    }

    private void readVarintValues(ProtoInput in, int tag, String what, Kind kind) throws IOException {
        typedIsInt32 |= kind == Kind.INT32;
        readRepeated(in, tag, WireFormat.WIRETYPE_VARINT, what, () -> varintValue(in.readVarint(), kind));
    }

    /** Reads one element of a repeated numeric field. */
    private interface Element {
        double read() throws IOException;
    }

    /**
     * A repeated numeric field, packed (one length-delimited run, skipped whole when over the cap) or
     * not (one element per tag); its position is noted as the payload's.
     */
    private void readRepeated(ProtoInput in, int tag, int elementWireType, String what, Element element)
            throws IOException {
        if (ProtoInput.wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int length = in.readLength();
            long start = in.position();
            if (!skipIfLarge(in, length)) {
                int token = in.pushLimit(length);
                while (!in.atEnd()) {
                    addValue(element.read());
                }
                in.popLimit(token);
            }
            notePayload(start, in.position());
        } else {
            in.expect(tag, elementWireType, what);
            long start = in.position();
            addValue(element.read());
            notePayload(start, in.position());
        }
    }

    private static double varintValue(long v, Kind kind) {
        return switch (kind) {
            case INT32 -> (int) v;
            case INT64 -> v;
            case UINT64 -> unsignedToDouble(v);
        };
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : ((double) (v >>> 1)) * 2.0;
    }

    /**
     * The largest payload kept: floating-point tensors under the input's float cap (a model's weights
     * are never read), others under {@link #CAP_BYTES}. Exporters write data_type before the payload;
     * when they did not, the general cap applies.
     */
    private int capBytes(ProtoInput in) {
        DType known = DType.fromCode(dataType);
        if (!known.isFloatingPoint()) {
            return CAP_BYTES;
        }
        long capBytes = known.bytesFor(in.floatCapElements());
        return (int) Math.min(CAP_BYTES, capBytes);
    }

    private boolean skipIfLarge(ProtoInput in, int length) throws IOException {
        if (length > capBytes(in)) {
            in.skipBytes(length);
            payloadTooLarge = true;
            return true;
        }
        return false;
    }

    private void addValue(double v) {
        if (payloadTooLarge) {
            return;
        }
        if (typedCount == TensorValue.MAX_ELEMENTS) {
            payloadTooLarge = true;
            return;
        }
        if (typedCount == typed.length) {
            typed = Arrays.copyOf(typed, Math.min(typed.length * 2, TensorValue.MAX_ELEMENTS));
        }
        typed[typedCount++] = v;
    }

    private void notePayload(long start, long end) {
        if (payloadOffset < 0) {
            payloadOffset = start;
        }
        payloadEnd = Math.max(payloadEnd, end);
    }

    private TensorData build() {
        DType dtype = DType.fromCode(dataType);
        long numel = 1;
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = dims.get(i);
            if (d < 0) {
                throw new ModelMeterException("tensor '" + name + "' has negative dimension " + d);
            }
            shape[i] = d;
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException e) {
                throw new ModelMeterException("tensor '" + name + "' has dims " + dims + " whose product overflows");
            }
        }
        boolean external = dataLocation == DATA_LOCATION_EXTERNAL;
        TensorData.PayloadLocation location;
        if (external) {
            location = new TensorData.PayloadLocation(externalFile == null ? "" : externalFile, externalOffset,
                    externalLength);
        } else if (payloadOffset >= 0) {
            location = new TensorData.PayloadLocation(null, payloadOffset, payloadEnd - payloadOffset);
        } else {
            location = null;
        }
        TensorValue value = null;
        if (dtype == DType.STRING) {
            if (!external && !stringsTooLarge && strings.size() == numel) {
                value = TensorValue.ofStrings(shape, strings);
            }
        } else if (!external && !payloadTooLarge && numel <= TensorValue.MAX_ELEMENTS) {
            double[] data = raw != null ? decodeRaw(dtype, raw, (int) numel) : decodeTyped(dtype, (int) numel);
            value = data == null ? null : new TensorValue(dtype, shape, data);
        }
        return new TensorData(name, dtype, dims, value, location);
    }

    /** The typed-field values, or null when their count does not match the dims or the type has no value. */
    private double[] decodeTyped(DType dtype, int numel) {
        if (typedCount != numel || !isDecodable(dtype)) {
            return null;
        }
        double[] data = Arrays.copyOf(typed, numel);
        if (typedIsInt32 && (dtype == DType.FLOAT16 || dtype == DType.BFLOAT16)) {
            // int32_data holds the 16-bit patterns of half-precision values
            for (int i = 0; i < numel; i++) {
                int bits = (int) data[i] & 0xFFFF;
                data[i] = dtype == DType.FLOAT16 ? halfToFloat(bits) : Float.intBitsToFloat(bits << 16);
            }
        }
        return data;
    }

    private static boolean isDecodable(DType dtype) {
        return switch (dtype) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16, BOOL, INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, UINT64 -> true;
            default -> false;
        };
    }

    /** Little-endian raw bytes decoded as doubles, or null when the length does not match. */
    private static double[] decodeRaw(DType dtype, byte[] bytes, int numel) {
        if (!isDecodable(dtype) || (long) numel * dtype.bits() / 8 != bytes.length) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[numel];
        for (int i = 0; i < numel; i++) {
            out[i] = switch (dtype) {
                case FLOAT -> b.getFloat();
                case DOUBLE -> b.getDouble();
                case FLOAT16 -> halfToFloat(b.getShort() & 0xFFFF);
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
                case BOOL -> b.get() != 0 ? 1 : 0;
                case INT8 -> b.get();
                case UINT8 -> b.get() & 0xFF;
                case INT16 -> b.getShort();
                case UINT16 -> b.getShort() & 0xFFFF;
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xFFFFFFFFL;
                case INT64 -> b.getLong();
                case UINT64 -> unsignedToDouble(b.getLong());
                default -> throw new IllegalStateException("not decodable: " + dtype);
            };
        }
        return out;
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
