package dev.modelmeter.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A quantized graph (an int8 conv weight behind DequantizeLinear): memory gives inference figures and
 * says training is not meaningful in every format; fit answers the largest inference batch and says why.
 */
class QuantizedModelTest {

    @TempDir
    Path dir;

    private static byte[] field(int number, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(number, payload);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] varint(int number, long v) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeInt64(number, v);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] text(int number, String s) throws IOException {
        return field(number, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** TensorProto initializer: name, dims, data_type, raw_data of {@code bytes} bytes. */
    private static byte[] tensor(String name, int dataType, int bytes, long... dims) throws IOException {
        byte[] d = new byte[0];
        for (long x : dims) {
            d = cat(d, varint(1, x));
        }
        return cat(d, varint(2, dataType), text(8, name), field(9, new byte[bytes]));
    }

    private static byte[] floatValue(String name, long... dims) throws IOException {
        byte[] shape = new byte[0];
        for (long d : dims) {
            shape = cat(shape, field(1, varint(1, d)));
        }
        return cat(text(1, name), field(2, field(1, cat(varint(1, 1), field(2, shape)))));
    }

    private Path model() throws IOException {
        byte[] dq = cat(text(1, "Wq"), text(1, "scale"), text(1, "zp"), text(2, "W"), text(3, "dq"),
                text(4, "DequantizeLinear"));
        byte[] conv = cat(text(1, "x"), text(1, "W"), text(2, "y"), text(3, "conv"), text(4, "Conv"));
        byte[] graph = cat(field(1, dq), field(1, conv), text(2, "g"),
                // int8 (3) weight [4,3,3,3] = 108 B; float (1) scale; int8 zero point
                field(5, tensor("Wq", 3, 108, 4, 3, 3, 3)), field(5, tensor("scale", 1, 4)),
                field(5, tensor("zp", 3, 1)),
                field(11, floatValue("x", 1, 3, 8, 8)), field(12, floatValue("y", 1, 4, 6, 6)));
        byte[] model = cat(varint(1, 8), field(8, cat(text(1, ""), varint(2, 19))), field(7, graph));
        return Files.write(dir.resolve("quantized.onnx"), model);
    }

    @Test
    void memorySaysTrainingIsNotMeaningfulInEveryFormat() throws IOException {
        Path m = model();
        CliRun table = CliRun.of("memory", m.toString());
        assertThat(table.exit()).as(table.err()).isEqualTo(Main.OK);
        assertThat(table.out()).contains("Stored parameters: int8").contains("Training: not meaningful as stored")
                .doesNotContain("Gradients");
        CliRun csv = CliRun.of("memory", m.toString(), "--format", "csv");
        assertThat(csv.out()).contains("weights,108,108").contains("gradients,,").contains("peak,,");
        CliRun json = CliRun.of("memory", m.toString(), "--format", "json");
        assertThat(json.out()).contains("\"meaningful\" : false").doesNotContain("\"peak_bytes\"");
        CliRun md = CliRun.of("memory", m.toString(), "--format", "md");
        assertThat(md.out()).contains("Training: not meaningful as stored");
    }

    @Test
    void fitAnswersAnInferenceBatchAndSaysWhy() throws IOException {
        Path m = model();
        CliRun fit = CliRun.of("fit", m.toString(), "--gpu", "600MiB", "--format", "json");
        assertThat(fit.exit()).as(fit.err()).isZero();
        JsonNode f = new ObjectMapper().readTree(fit.out());
        assertThat(f.get("step").asText()).isEqualTo("inference");
        assertThat(f.get("warnings").toString()).contains("not meaningful");
        int b = f.get("max_batch").asInt();
        assertThat(b).isPositive();
        assertThat(CliRun.of("fit", m.toString(), "--gpu", "600MiB").out()).contains("INFERENCE");
        // the same answer as memory --gpu: its inference device peak fits at b and not at b + 1
        JsonNode at = new ObjectMapper().readTree(CliRun.of("memory", m.toString(), "--gpu", "600MiB", "--batch",
                Integer.toString(b), "--format", "json").out());
        assertThat(at.at("/device/fits").asBoolean()).isTrue();
        if (!f.get("max_batch_is_lower_bound").asBoolean()) {
            JsonNode above = new ObjectMapper().readTree(CliRun.of("memory", m.toString(), "--gpu", "600MiB", "--batch",
                    Integer.toString(b + 1), "--format", "json").out());
            assertThat(above.at("/device/fits").asBoolean()).isFalse();
        }
    }
}
