package dev.modelmeter.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** TensorProto files: the ONNX node tests' input_N.pb, and hand-written encodings of each payload kind. */
class TensorFileTest {

    @TempDir
    Path tmp;

    /** dtype and shape of every tensor input file equal what expected.json says (read by the onnx package). */
    @Test
    void nodeTestInputsHaveTheExpectedTypes() throws IOException {
        Path suite = SharedData.path("onnx-node-tests");
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        int withValue = 0;
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(suite)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                JsonNode expected = json.readTree(Files.readString(dir.resolve("expected.json")));
                for (JsonNode in : expected.get("inputs")) {
                    if (in.get("file").isNull() || in.get("dtype").isNull()) {
                        continue; // not copied, or a sequence / optional
                    }
                    TensorData t = OnnxReader.readTensorFile(dir.resolve(in.get("file").asString()));
                    List<Long> shape = new ArrayList<>();
                    in.get("shape").forEach(d -> shape.add(d.asLong()));
                    checked++;
                    if (!t.dtype().name().equals(in.get("dtype").asString()) || !t.dims().equals(shape)) {
                        wrong.add(dir.getFileName() + "/" + in.get("file").asString() + ": " + t.dtype() + t.dims());
                    }
                    if (t.value() != null) {
                        withValue++;
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).isGreaterThan(3000);
        // all copied inputs are under 64 KiB; all but strings and the exotic types decode
        assertThat(withValue).isGreaterThan(checked * 9 / 10);
    }

    /** Sequence and optional input files read back as the types expected.json gives their contents. */
    @Test
    void sequenceAndOptionalInputsHaveTheExpectedTypes() throws IOException {
        Path suite = SharedData.path("onnx-node-tests");
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(suite)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                JsonNode expected = json.readTree(Files.readString(dir.resolve("expected.json")));
                List<JsonNode> nonTensor = new ArrayList<>();
                expected.get("inputs").forEach(in -> {
                    if (in.get("dtype").isNull() && in.get("file").isString()) {
                        nonTensor.add(in);
                    }
                });
                if (nonTensor.isEmpty()) {
                    continue;
                }
                Model model = OnnxReader.read(dir.resolve("model.onnx"));
                for (JsonNode in : nonTensor) {
                    ValueType declared = model.graph().inputs().stream()
                            .filter(v -> v.name().equals(in.get("name").asString())).findFirst().orElseThrow().type();
                    ValueType actual = OnnxReader.readValueFile(dir.resolve(in.get("file").asString()), declared);
                    ValueType want = expectedType(in, declared);
                    checked++;
                    if (!want.equals(actual)) {
                        wrong.add(dir.getFileName() + "/" + in.get("name").asString() + ": " + actual + " != " + want);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).isGreaterThan(20);
    }

    /** The type expected.json describes: sequence elements merged (dims where they differ unknown). */
    private static ValueType expectedType(JsonNode e, ValueType declared) {
        switch (e.path("kind").asString("tensor")) {
            case "sequence" -> {
                List<ValueType> elements = new ArrayList<>();
                e.get("elements").forEach(el -> elements.add(expectedType(el, null)));
                if (elements.isEmpty()) {
                    return declared;
                }
                return new ValueType.SequenceType(ValueProtoReader.merge(elements));
            }
            case "optional" -> {
                if (!e.get("has_value").asBoolean() || e.get("value").isNull()) {
                    return declared;
                }
                ValueType inner = declared instanceof ValueType.OptionalType o ? o.element() : null;
                return new ValueType.OptionalType(expectedType(e.get("value"), inner));
            }
            default -> {
                List<Long> shape = new ArrayList<>();
                e.get("shape").forEach(d -> shape.add(d.asLong()));
                return new TensorType(DType.valueOf(e.get("dtype").asString()), Shape.of(shape));
            }
        }
    }

    /** The int64 input of test_reshape_reordered_all_dims is the target shape [4, 2, 3]. */
    @Test
    void reshapeTargetValue() {
        Path dir = SharedData.path("onnx-node-tests/test_reshape_reordered_all_dims");
        TensorData shape = OnnxReader.readTensorFile(dir.resolve("input_1.pb"));
        assertThat(shape.dtype()).isEqualTo(DType.INT64);
        assertThat(shape.value().asLongs()).containsExactly(4, 2, 3);
    }

    @Test
    void rawFloat16AndBfloat16() throws IOException {
        // 1.0 in half precision is 0x3C00, -2.0 is 0xC000; bfloat16 1.0 is 0x3F80, 0.5 is 0x3F00
        ByteBuffer half = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00).putShort((short) 0xC000);
        assertThat(read(tensor(DType.FLOAT16, new long[] {2}, out -> out.writeBytes(9, ByteString.copyFrom(half.array())))).value().data())
                .containsExactly(1.0, -2.0);
        ByteBuffer bf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80).putShort((short) 0x3F00);
        assertThat(read(tensor(DType.BFLOAT16, new long[] {2}, out -> out.writeBytes(9, ByteString.copyFrom(bf.array())))).value().data())
                .containsExactly(1.0, 0.5);
    }

    @Test
    void float16InInt32Data() throws IOException {
        // int32_data (field 5) carries the bit patterns: 0x4000 = 2.0, 0x3800 = 0.5
        TensorData t = read(tensor(DType.FLOAT16, new long[] {2}, out -> {
            out.writeInt32(5, 0x4000);
            out.writeInt32(5, 0x3800);
        }));
        assertThat(t.value().data()).containsExactly(2.0, 0.5);
    }

    @Test
    void packedAndUnpackedInt64AndDataTypeAfterPayload() throws IOException {
        // payload first, dims and data_type afterwards: the wire order ONNX does not forbid
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeTag(7, 2);
        out.writeUInt32NoTag(3); // three one-byte varints
        out.writeInt64NoTag(1);
        out.writeInt64NoTag(2);
        out.writeInt64NoTag(3);
        out.writeInt64(7, -1); // one more, unpacked; negative int64 is a 10-byte varint
        out.writeInt64(1, 4); // dims = [4]
        out.writeInt32(2, DType.INT64.code());
        out.flush();
        TensorData t = read(bytes.toByteArray());
        assertThat(t.dims()).containsExactly(4L);
        assertThat(t.value().asLongs()).containsExactly(1, 2, 3, -1);
        assertThat(t.location().isExternal()).isFalse();
    }

    @Test
    void floatDoubleBoolUint64() throws IOException {
        assertThat(read(tensor(DType.FLOAT, new long[] {2}, out -> {
            out.writeFloat(4, 1.5f);
            out.writeFloat(4, -3f);
        })).value().data()).containsExactly(1.5, -3.0);
        assertThat(read(tensor(DType.DOUBLE, new long[] {}, out -> out.writeDouble(10, 0.25))).value().data())
                .containsExactly(0.25);
        assertThat(read(tensor(DType.BOOL, new long[] {3}, out -> out.writeBytes(9, ByteString.copyFrom(new byte[] {1, 0, 1}))))
                .value().data()).containsExactly(1.0, 0.0, 1.0);
        // uint64 2^63 does not fit a long; it is 9.223372036854775808E18 as a double
        assertThat(read(tensor(DType.UINT64, new long[] {1}, out -> out.writeUInt64(11, Long.MIN_VALUE))).value().data())
                .containsExactly(9.223372036854775808E18);
    }

    @Test
    void smallStringTensorsKeepTheirStrings() throws IOException {
        TensorData t = read(tensor(DType.STRING, new long[] {2}, out -> {
            out.writeBytes(6, ByteString.copyFromUtf8("a"));
            out.writeBytes(6, ByteString.copyFromUtf8("bc"));
        }));
        assertThat(t.dims()).containsExactly(2L);
        assertThat(t.value().strings()).containsExactly("a", "bc");
    }

    @Test
    void largePayloadIsSkippedAndLocated() throws IOException {
        int n = TensorValue.MAX_ELEMENTS + 1;
        byte[] raw = new byte[n * 4];
        byte[] file = tensor(DType.FLOAT, new long[] {n}, out -> out.writeBytes(9, ByteString.copyFrom(raw)));
        TensorData t = read(file);
        assertThat(t.value()).isNull();
        assertThat(t.numel()).isEqualTo(n);
        assertThat(t.location().isExternal()).isFalse();
        assertThat(t.location().length()).isEqualTo(raw.length);
        // the payload is the last field, so it ends where the file ends
        assertThat(t.location().offset() + t.location().length()).isEqualTo(file.length);
    }

    @Test
    void externalDataIsNeverOpened() throws IOException {
        TensorData t = read(tensor(DType.FLOAT, new long[] {64, 3, 7, 7}, out -> {
            out.writeByteArray(13, entry("location", "weights.bin"));
            out.writeByteArray(13, entry("offset", "4096"));
            out.writeByteArray(13, entry("length", "37632"));
            out.writeEnum(14, 1);
        }));
        assertThat(t.numel()).isEqualTo(64 * 3 * 7 * 7);
        assertThat(t.value()).isNull();
        assertThat(t.location()).isEqualTo(new TensorData.PayloadLocation("weights.bin", 4096, 37632));
    }

    /** A StringStringEntryProto (key = 1, value = 2), written by hand: the project has no generated classes. */
    private static byte[] entry(String key, String value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, key);
        out.writeString(2, value);
        out.flush();
        return bytes.toByteArray();
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] tensor(DType dtype, long[] dims, Fields payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (long d : dims) {
            out.writeInt64(1, d);
        }
        out.writeInt32(2, dtype.code());
        out.writeString(8, "t");
        payload.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private TensorData read(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(tmp, "tensor", ".pb");
        Files.write(p, bytes);
        return OnnxReader.readTensorFile(p);
    }
}
