package dev.modelmeter.onnx;

import com.google.protobuf.CodedOutputStream;
import dev.modelmeter.ModelMeterException;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind of bad file is a one-line {@link ModelMeterException} naming the file. */
class OnnxReaderBadInputTest {

    @TempDir
    Path tmp;

    private static void assertRejected(Path file, String expectedFragment) {
        assertThatThrownBy(() -> OnnxReader.read(file))
                .isExactlyInstanceOf(ModelMeterException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(expectedFragment)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void missingFile() {
        assertRejected(tmp.resolve("nope.onnx"), "no such file");
    }

    @Test
    void directory() {
        assertRejected(tmp, "is a directory");
    }

    @Test
    void emptyFile() throws IOException {
        assertRejected(write("empty.onnx", new byte[0]), "file is empty");
    }

    @Test
    void randomBytes() throws IOException {
        Random r = new Random(42);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[1 + r.nextInt(4096)];
            r.nextBytes(junk);
            assertRejected(write("junk" + i + ".onnx", junk), "not a valid ONNX file");
        }
    }

    @Test
    void textFile() throws IOException {
        assertRejected(write("readme.onnx", "hello world\nthis is not a model\n".getBytes(StandardCharsets.UTF_8)),
                "not a valid ONNX file");
        assertRejected(write("json.onnx", "{\"graph\": {\"node\": []}}".getBytes(StandardCharsets.UTF_8)),
                "not a valid ONNX file");
    }

    @Test
    void truncatedFixture() throws IOException {
        for (String fixture : new String[] {"resnet18/model.onnx", "gpt2/model.onnx", "squeezenet1_1/model.onnx"}) {
            byte[] full = Files.readAllBytes(SharedData.path("fixtures/" + fixture));
            Path cut = write(fixture.replace('/', '_'), Arrays.copyOf(full, full.length / 2));
            assertRejected(cut, "truncated");
        }
    }

    @Test
    void graphFieldWithWrongWireType() throws IOException {
        // ModelProto field 7 (graph) must be length-delimited; here it is a varint: tag (7 << 3) | 0
        assertRejected(write("wire.onnx", new byte[] {0x08, 0x08, 0x38, 0x01}), "ModelProto.graph has wire type 0");
    }

    @Test
    void absurdLength() throws IOException {
        // field 7, wire type 2, declared length 2^31 - 1 in a 7-byte file
        assertRejected(write("len.onnx", new byte[] {0x3A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x00}),
                "exceeds");
    }

    @Test
    void modelWithoutGraph() throws IOException {
        // ir_version = 8 and nothing else: valid protobuf, not a model
        assertRejected(write("nograph.onnx", new byte[] {0x08, 0x08}), "no graph");
    }

    @Test
    void deeplyNestedSubgraphs() throws IOException {
        // a graph whose node has a graph attribute whose node has a graph attribute ... 200 deep
        byte[] graph = new byte[0];
        for (int i = 0; i < 200; i++) {
            byte[] attr = concat(field(1, "body".getBytes(StandardCharsets.UTF_8)), field(6, graph), new byte[] {(byte) 0xA0, 0x01, 0x05});
            byte[] node = concat(field(4, "If".getBytes(StandardCharsets.UTF_8)), field(5, attr));
            graph = field(1, node);
        }
        assertRejected(write("deep.onnx", field(7, graph)), "nested");
    }

    /** A model whose one node is {@code Custom} with a string attribute of {@code attrBytes} bytes, named {@code name}. */
    private static byte[] modelWithStringAttribute(String nodeName, int attrBytes) throws IOException {
        byte[] value = new byte[attrBytes];
        Arrays.fill(value, (byte) 'x');
        byte[] attr = concat(field(1, "engine".getBytes(StandardCharsets.UTF_8)), field(4, value),
                new byte[] {(byte) 0xA0, 0x01, 0x03}); // type = STRING
        byte[] node = concat(field(3, nodeName.getBytes(StandardCharsets.UTF_8)),
                field(4, "Custom".getBytes(StandardCharsets.UTF_8)), field(5, attr));
        return field(7, field(1, node));
    }

    @Test
    void hugeStringAttributeIsSkippedNotHeld() throws IOException {
        // compiled engines in custom-op attributes can be hundreds of MB; a 17 MiB one stands in
        Path p = write("engine.onnx", modelWithStringAttribute("n", 17 << 20));
        assertThat(OnnxReader.read(p).graph().nodes().get(0).stringAttr("engine", "absent")).isEqualTo("absent");
    }

    @Test
    void hugeNameIsRejected() throws IOException {
        String name = "n".repeat(17 << 20);
        assertRejected(write("name.onnx", modelWithStringAttribute(name, 1)), "MiB limit");
    }

    @Test
    void absurdRankIsRejected() throws IOException {
        // a TensorProto whose packed dims hold 100,000 ones: field 1, wire type 2
        byte[] ones = new byte[100_000];
        Arrays.fill(ones, (byte) 1);
        Path p = write("rank.pb", field(1, ones));
        assertThatThrownBy(() -> OnnxReader.readTensorFile(p)).isExactlyInstanceOf(ModelMeterException.class)
                .hasMessageContaining("more than 1024");
    }

    @Test
    void tensorFileErrorsNameTheFile() throws IOException {
        Path p = write("input_0.pb", new byte[] {0x0A, 0x7F});
        assertThatThrownBy(() -> OnnxReader.readTensorFile(p))
                .isExactlyInstanceOf(ModelMeterException.class)
                .hasMessageContaining(p.toString());
    }

    @Test
    void inputFileIsNeverWritten() throws IOException {
        Path p = SharedData.path("fixtures/resnet18/model.onnx");
        long before = Files.getLastModifiedTime(p).toMillis();
        byte[] bytes = Files.readAllBytes(p);
        OnnxReader.read(p);
        assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(before);
        assertThat(Files.readAllBytes(p)).isEqualTo(bytes);
    }

    /** A length-delimited field. */
    static byte[] field(int number, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(number, payload);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
