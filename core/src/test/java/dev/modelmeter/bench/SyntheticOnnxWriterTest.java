package dev.modelmeter.bench;

import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.onnx.OnnxReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's generator writes files the reader reads back exactly (a small instance). */
class SyntheticOnnxWriterTest {

    @TempDir
    Path tmp;

    @Test
    void embeddedAndExternalVariantsReadBack() throws IOException {
        // 2 layers of width 300: weights 300*300 = 90,000 elements (> MAX_ELEMENTS, skipped), biases 300
        Path embedded = tmp.resolve("e.onnx");
        Path external = tmp.resolve("x.onnx");
        SyntheticOnnxWriter.write(embedded, 2, 300, false);
        SyntheticOnnxWriter.write(external, 2, 300, true);
        for (Path p : new Path[] {embedded, external}) {
            Model m = OnnxReader.read(p);
            assertThat(m.graph().nodes()).extracting(n -> n.opType()).containsExactly("Gemm", "Relu", "Gemm", "Relu");
            assertThat(m.graph().initializers()).extracting(TensorData::numel).containsExactly(90_000L, 300L, 90_000L, 300L);
            TensorData w = m.graph().initializers().get(0);
            assertThat(w.value()).isNull();
            assertThat(w.location().length()).isEqualTo(4L * 90_000);
            assertThat(w.location().isExternal()).isEqualTo(p == external);
        }
        // embedded: the weight payload lies inside the file; the file is a bit more than the 2 * 361,200 payload bytes
        TensorData w = OnnxReader.read(embedded).graph().initializers().get(0);
        assertThat(w.location().offset() + w.location().length()).isLessThan(Files.size(embedded));
        assertThat(Files.size(embedded)).isGreaterThan(2L * (4 * 90_000 + 4 * 300));
        // external: a bias of 300 floats starts where the 90,000-float weight before it ends
        assertThat(OnnxReader.read(external).graph().initializers().get(1).location().offset()).isEqualTo(4L * 90_000);
    }
}
