package dev.modelmeter.onnx;

import com.google.protobuf.CodedOutputStream;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static dev.modelmeter.onnx.OnnxReaderBadInputTest.concat;
import static dev.modelmeter.onnx.OnnxReaderBadInputTest.field;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file written as Paddle2ONNX writes weights — every weight a {@code Constant} node — read from bytes:
 * the reader keeps the Constant's dims and dtype without decoding its float payload, and the analysis
 * counts it as a parameter.
 */
class ConstantWeightsFileTest {

    @TempDir
    Path tmp;

    private static byte[] text(int number, String s) throws IOException {
        return field(number, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] varint(int number, long v) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeInt64(number, v);
        out.flush();
        return bytes.toByteArray();
    }

    /** TensorProto: dims, data_type FLOAT (1), raw_data of numel × 4 non-zero bytes. */
    private static byte[] floatTensor(long... dims) throws IOException {
        long numel = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        byte[] raw = new byte[(int) numel * 4];
        Arrays.fill(raw, (byte) 0x3F);
        byte[] d = new byte[0];
        for (long x : dims) {
            d = concat(d, varint(1, x));
        }
        return concat(d, varint(2, 1), field(9, raw));
    }

    private static byte[] constantNode(String out, byte[] tensor) throws IOException {
        byte[] attr = concat(text(1, "value"), field(5, tensor), varint(20, 4)); // type = TENSOR
        return concat(text(2, out), text(3, out + "_node"), text(4, "Constant"), field(5, attr));
    }

    /** ValueInfoProto of a float tensor with the given dims. */
    private static byte[] floatValue(String name, long... dims) throws IOException {
        byte[] shape = new byte[0];
        for (long d : dims) {
            shape = concat(shape, field(1, varint(1, d)));
        }
        byte[] tensorType = concat(varint(1, 1), field(2, shape));
        return concat(text(1, name), field(2, field(1, tensorType)));
    }

    @Test
    void constantNodeWeightsAreReadAsStoredTensorsAndCountedAsParameters() throws IOException {
        byte[] conv = concat(text(1, "x"), text(1, "W"), text(1, "B"), text(2, "y"), text(3, "conv"),
                text(4, "Conv"));
        byte[] graph = concat(field(1, constantNode("W", floatTensor(16, 3, 3, 3))),
                field(1, constantNode("B", floatTensor(16))), field(1, conv), text(2, "g"),
                field(11, floatValue("x", 1, 3, 8, 8)), field(12, floatValue("y", 1, 16, 6, 6)));
        byte[] model = concat(varint(1, 8), field(8, concat(text(1, ""), varint(2, 17))), field(7, graph));
        Path file = tmp.resolve("paddle-style.onnx");
        Files.write(file, model);

        Model m = OnnxReader.read(file);
        Node w = m.graph().nodes().get(0);
        TensorData t = w.attributes().get("value").t();
        // dims and dtype kept; 432 floats are a weight's payload: not decoded
        assertThat(t.dims()).containsExactly(16L, 3L, 3L, 3L);
        assertThat(t.dtype()).isEqualTo(DType.FLOAT);
        assertThat(t.value()).isNull();

        ModelSummary s = Analyzer.standard().summarize(m, AnalysisOptions.defaults(), LayerFolding.LEAVES);
        // W 16·3·3·3 = 432 + B 16 = 448 parameters, 448 × 4 B = 1,792 B
        assertThat(s.params().total()).isEqualTo(16 * 27 + 16);
        assertThat(s.weightBytesByDtype()).isEqualTo(Map.of(DType.FLOAT, 448L * 4));
        // MACs: output [1,16,6,6] = 576 positions × 3·3·3 = 15,552
        assertThat(s.macs()).isEqualTo(576L * 27);
    }
}
