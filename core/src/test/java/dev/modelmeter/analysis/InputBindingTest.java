package dev.modelmeter.analysis;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How --batch and --input bind symbolic input dimensions. */
class InputBindingTest {

    /** Two inputs [batch, seq] added together, as token ids and a mask are used. */
    private static Model twoInputs() {
        TensorType t = new TensorType(DType.FLOAT, new Shape(List.of(Dim.symbol("batch"), Dim.symbol("seq"))));
        Graph g = new Graph("g", List.of(new Node("add", "Add", "", List.of("ids", "mask"), List.of("y"), Map.of(),
                Map.of(), "")), List.of(new ValueInfo("ids", t), new ValueInfo("mask", t)),
                List.of(new ValueInfo("y", null)), List.of(), List.of());
        return new Model("test", 8, "test", Map.of("", 17), g, List.of(), Map.of());
    }

    @Test
    void aSymbolBoundOnOneInputBindsItOnTheOthers() {
        ModelSummary s = Analyzer.standard().summarize(twoInputs(),
                new AnalysisOptions(null, Map.of("ids", Shape.of(8, 128)), false, null), LayerFolding.LEAVES);
        // batch = 8 and seq = 128 come from ids=8x128; mask shares both symbols
        assertThat(s.inputs().get("mask").shape()).isEqualTo(Shape.of(8, 128));
        assertThat(s.outputs().get("y").shape()).isEqualTo(Shape.of(8, 128));
        assertThat(s.partial()).isFalse();
    }

    @Test
    void anUnboundSymbolIsReportedAndMakesThePartialResultExplicit() {
        ModelSummary s = Analyzer.standard().summarize(twoInputs(), AnalysisOptions.defaults().withBatch(4),
                LayerFolding.LEAVES);
        assertThat(s.inputs().get("ids").shape().dim(0)).isEqualTo(Dim.of(4));
        assertThat(s.warnings()).anyMatch(w -> w.contains("'ids'") && w.contains("--input"));
        assertThat(s.partial()).isTrue();
    }
}
