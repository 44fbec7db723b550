package dev.modelmeter.testing;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ONNX ModelProto files field by field (numbers from onnx.proto), so that tests can craft
 * the hostile models a real exporter would never produce: absurd sizes, NaN scales, bad external data.
 *
 * <pre>{@code
 * byte[] m = new OnnxBytes().input("x", OnnxBytes.FLOAT, 1L << 40, 1L << 40)
 *         .node("Relu", List.of("x"), List.of("y")).output("y").bytes();
 * }</pre>
 */
public final class OnnxBytes {

    /** TensorProto.DataType FLOAT. */
    public static final int FLOAT = 1;
    /** TensorProto.DataType INT64. */
    public static final int INT64 = 7;

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private int opset = 17;

    /** An attribute of a node. */
    public record Attr(byte[] bytes) {
        /** An INT attribute. */
        public static Attr ofInt(String name, long v) {
            return new Attr(concat(str(1, name), varint(3, v), varint(20, 2)));
        }

        /** An INTS attribute. */
        public static Attr ofInts(String name, long... v) {
            byte[][] parts = new byte[v.length + 2][];
            parts[0] = str(1, name);
            for (int i = 0; i < v.length; i++) {
                parts[i + 1] = varint(8, v[i]);
            }
            parts[v.length + 1] = varint(20, 7);
            return new Attr(concat(parts));
        }

        /** A STRING attribute. */
        public static Attr ofString(String name, String v) {
            return new Attr(concat(str(1, name), str(4, v), varint(20, 3)));
        }

        /** A GRAPH attribute (a Loop or If body). */
        public static Attr ofGraph(String name, OnnxBytes body) {
            return new Attr(concat(str(1, name), field(6, body.graph()), varint(20, 5)));
        }
    }

    /** Sets the default-domain opset. */
    public OnnxBytes opset(int version) {
        this.opset = version;
        return this;
    }

    /** A graph input with known sizes. */
    public OnnxBytes input(String name, int dtype, long... dims) {
        inputs.add(valueInfo(name, dtype, dims));
        return this;
    }

    /** A graph output without a declared type. */
    public OnnxBytes output(String name) {
        outputs.add(field(1, name.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** A graph output with a declared type. */
    public OnnxBytes output(String name, int dtype, long... dims) {
        outputs.add(valueInfo(name, dtype, dims));
        return this;
    }

    /** A node of the default domain. */
    public OnnxBytes node(String op, List<String> in, List<String> out, Attr... attrs) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.forEach(s -> b.writeBytes(str(1, s)));
        out.forEach(s -> b.writeBytes(str(2, s)));
        b.writeBytes(str(3, op + "_" + nodes.size()));
        b.writeBytes(str(4, op));
        for (Attr a : attrs) {
            b.writeBytes(field(5, a.bytes()));
        }
        nodes.add(b.toByteArray());
        return this;
    }

    /** An int64 initializer holding {@code values} (a shape, sizes, a trip count). */
    public OnnxBytes int64s(String name, long[] dims, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        initializers.add(concat(dims(dims), varint(2, INT64), str(8, name), field(9, raw.array())));
        return this;
    }

    /** A float initializer holding {@code values}. */
    public OnnxBytes floats(String name, long[] dims, float... values) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        initializers.add(concat(dims(dims), varint(2, FLOAT), str(8, name), field(9, raw.array())));
        return this;
    }

    /** A float weight whose payload is declared to lie in an external file at {@code offset}, {@code length}. */
    public OnnxBytes external(String name, long[] dims, String location, long offset, long length) {
        initializers.add(concat(dims(dims), varint(2, FLOAT), str(8, name),
                field(13, concat(str(1, "location"), str(2, location))),
                field(13, concat(str(1, "offset"), str(2, Long.toString(offset)))),
                field(13, concat(str(1, "length"), str(2, Long.toString(length)))),
                varint(14, 1)));
        return this;
    }

    /** The GraphProto's bytes. */
    public byte[] graph() {
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        nodes.forEach(n -> g.writeBytes(field(1, n)));
        g.writeBytes(str(2, "crafted"));
        initializers.forEach(t -> g.writeBytes(field(5, t)));
        inputs.forEach(v -> g.writeBytes(field(11, v)));
        outputs.forEach(v -> g.writeBytes(field(12, v)));
        return g.toByteArray();
    }

    /** The ModelProto's bytes. */
    public byte[] bytes() {
        return concat(varint(1, 8), str(2, "modelmeter-test"), field(7, graph()),
                field(8, concat(str(1, ""), varint(2, opset))));
    }

    /** Writes the model to {@code file}. */
    public Path write(Path file) {
        try {
            return Files.write(file, bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] valueInfo(String name, int dtype, long... dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (long d : dims) {
            shape.writeBytes(field(1, varint(1, d)));
        }
        byte[] tensorType = concat(varint(1, dtype), field(2, shape.toByteArray()));
        return concat(str(1, name), field(2, field(1, tensorType)));
    }

    private static byte[] dims(long[] dims) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long d : dims) {
            b.writeBytes(varint(1, d));
        }
        return b.toByteArray();
    }

    /** A length-delimited field. */
    public static byte[] field(int number, byte[] payload) {
        return write(out -> out.writeByteArray(number, payload));
    }

    /** A string field. */
    public static byte[] str(int number, String s) {
        return field(number, s.getBytes(StandardCharsets.UTF_8));
    }

    /** A varint field. */
    public static byte[] varint(int number, long v) {
        return write(out -> out.writeInt64(number, v));
    }

    /** The parts one after the other. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] write(Writer w) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            w.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
