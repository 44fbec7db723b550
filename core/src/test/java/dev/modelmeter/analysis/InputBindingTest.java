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

    /** A recurrent cell's inputs: x [batch, 4] and a state h declared [2, batch, 64] (layers × batch × hidden). */
    private static Model recurrentState(Object xLead, Object hBatch) {
        TensorType x = new TensorType(DType.FLOAT, new Shape(List.of(dim(xLead), Dim.of(4))));
        TensorType h = new TensorType(DType.FLOAT, new Shape(List.of(Dim.of(2), dim(hBatch), Dim.of(64))));
        Graph g = new Graph("g", List.of(
                new Node("a", "Identity", "", List.of("x"), List.of("y"), Map.of(), Map.of(), ""),
                new Node("b", "Identity", "", List.of("h"), List.of("hn"), Map.of(), Map.of(), "")),
                List.of(new ValueInfo("x", x), new ValueInfo("h", h)),
                List.of(new ValueInfo("y", null), new ValueInfo("hn", null)), List.of(), List.of());
        return new Model("test", 8, "test", Map.of("", 17), g, List.of(), Map.of());
    }

    private static Dim dim(Object o) {
        return o instanceof String s ? Dim.symbol(s) : Dim.of(((Number) o).longValue());
    }

    private static ModelSummary bind(Model m, Integer batch, Map<String, Shape> inputs) {
        return Analyzer.standard().summarize(m, new AnalysisOptions(batch, inputs, false, null), LayerFolding.LEAVES);
    }

    @Test
    void batchBindsTheBatchSymbolWhereverItIsNotTheLeadingAxis() {
        ModelSummary s = bind(recurrentState("batch", "batch"), 8, Map.of());
        // the state's leading 2 is its layer count: only the 'batch' axis becomes 8
        assertThat(s.inputs().get("x").shape()).isEqualTo(Shape.of(8, 4));
        assertThat(s.inputs().get("h").shape()).isEqualTo(Shape.of(2, 8, 64));
        assertThat(s.warnings()).noneMatch(w -> w.contains("'h'"));
    }

    @Test
    void aSymbolSharedByTheInputsIsTheBatchWhateverItsName() {
        // tf2onnx-style names: 'unk__7' leads x and is shared with h, so it is the batch
        ModelSummary s = bind(recurrentState("unk__7", "unk__7"), 3, Map.of());
        assertThat(s.inputs().get("h").shape()).isEqualTo(Shape.of(2, 3, 64));
    }

    @Test
    void anExplicitInputWinsOverBatchAndTheConflictNamesIt() {
        ModelSummary s = bind(recurrentState("batch", "batch"), 8, Map.of("h", Shape.of(2, 3, 64)));
        // h as given; its 'batch' = 3 binds x too, so the shapes agree
        assertThat(s.inputs().get("h").shape()).isEqualTo(Shape.of(2, 3, 64));
        assertThat(s.inputs().get("x").shape()).isEqualTo(Shape.of(3, 4));
        assertThat(s.warnings()).anyMatch(w -> w.contains("--input h=") && w.contains("--batch asks 8")
                && w.contains("wins"));
    }

    @Test
    void theFitsProbedBatchSetsTheBatchAxisOfAGivenShapeAndKeepsItsOtherSizes() {
        AnalysisOptions o = new AnalysisOptions(null, Map.of("h", Shape.of(2, 3, 64)), false, null).withProbedBatch(16);
        ModelSummary s = Analyzer.standard().summarize(recurrentState("batch", "batch"), o, LayerFolding.LEAVES);
        assertThat(s.inputs().get("h").shape()).isEqualTo(Shape.of(2, 16, 64));
        assertThat(s.inputs().get("x").shape()).isEqualTo(Shape.of(16, 4));
    }

    @Test
    void aFixedBatchExportRebatchesTheFirstAxisButNotAStateWhoseLeadingSizeDiffers() {
        // exported at batch 1: x [1, 4], h [2, 1, 64]; no symbol says where the batch is
        ModelSummary s = bind(recurrentState(1, 1), 8, Map.of());
        assertThat(s.inputs().get("x").shape()).isEqualTo(Shape.of(8, 4));
        // h's leading 2 is not the first input's batch 1: left as declared, and said so
        assertThat(s.inputs().get("h").shape()).isEqualTo(Shape.of(2, 1, 64));
        assertThat(s.warnings()).anyMatch(w -> w.contains("input 'h'") && w.contains("not the batch"));
    }

    @Test
    void anExplicitInputOnAFixedBatchExportWinsWithAWarning() {
        ModelSummary s = bind(recurrentState(1, 1), 8, Map.of("x", Shape.of(2, 4)));
        assertThat(s.inputs().get("x").shape()).isEqualTo(Shape.of(2, 4));
        assertThat(s.warnings()).anyMatch(w -> w.contains("--input x=") && w.contains("wins"));
    }
}
