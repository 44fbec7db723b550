package dev.modelmeter.ops;

import dev.modelmeter.ModelMeter;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.graph.Model;
import dev.modelmeter.shapes.ShapedGraph;
import dev.modelmeter.testing.OnnxBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.modelmeter.testing.OnnxBytes.FLOAT;
import static dev.modelmeter.testing.OnnxBytes.INT64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fixed-batch export whose Resize sizes were folded into a constant ({@code [1, 3, 8, 8]} written for
 * batch 1), analysed at batch 4: like a Reshape target, the size of axis 0 that is the input's batch ÷ the
 * rebatch factor is the exported batch and is scaled, with a warning; the spatial sizes are taken as written.
 */
class ResizeRebatchTest {

    private static Model model(Path dir) {
        Path f = new OnnxBytes().opset(13).input("x", FLOAT, 1, 3, 4, 4)
                .int64s("sizes", new long[] {4}, 1, 3, 8, 8)
                .node("Resize", List.of("x", "", "", "sizes"), List.of("y"), OnnxBytes.Attr.ofString("mode", "nearest"))
                .output("y").write(dir.resolve("resize.onnx"));
        return ModelMeter.load(f.toString());
    }

    @Test
    void aBakedBatchInResizeSizesFollowsTheBatchAskedFor(@TempDir Path dir) {
        List<String> warnings = new ArrayList<>();
        ShapedGraph g = Analyzer.standard().shape(model(dir), AnalysisOptions.defaults().withBatch(4), warnings);
        // batch 4 = 1 (baked) × 4 (rebatch factor); 3 × 8 × 8 as written in the sizes
        assertThat(g.tensor("y").shape().toString()).isEqualTo("4x3x8x8");
        assertThat(String.join("\n", warnings) + String.join("\n", g.warnings())).contains("resize sizes");
    }

    @Test
    void atTheExportedBatchNothingIsScaled(@TempDir Path dir) {
        List<String> warnings = new ArrayList<>();
        ShapedGraph g = Analyzer.standard().shape(model(dir), AnalysisOptions.defaults(), warnings);
        assertThat(g.tensor("y").shape().toString()).isEqualTo("1x3x8x8");
        assertThat(String.join("\n", warnings) + String.join("\n", g.warnings())).doesNotContain("resize sizes");
    }
}
