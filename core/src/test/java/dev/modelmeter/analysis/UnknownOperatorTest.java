package dev.modelmeter.analysis;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An operator without a rule gives a warning and a partial result: never a crash, never a wrong number. */
class UnknownOperatorTest {

    private static Node node(String name, String domain, String op, List<String> in, String out,
                             Map<String, Attribute> attrs) {
        return new Node(name, op, domain, in, List.of(out), attrs, Map.of(), name);
    }

    @Test
    void unknownOperatorMakesThePartialResultExplicit() {
        // input 1×3×8×8 → Conv(4 filters 3×3, pad 1) → com.example:Mystery → Flatten → Gemm(256 → 10)
        List<Node> nodes = List.of(
                node("conv", "", "Conv", List.of("x", "w"), "c", Map.of("pads", Attribute.ofInts("pads", 1, 1, 1, 1))),
                node("mystery", "com.example", "Mystery", List.of("c"), "m", Map.of()),
                node("flatten", "", "Flatten", List.of("m"), "f", Map.of()),
                node("fc", "", "Gemm", List.of("f", "fw"), "y", Map.of("transB", Attribute.ofInt("transB", 1))));
        Graph g = new Graph("g", nodes, List.of(new ValueInfo("x", TensorType.of(DType.FLOAT, 1, 3, 8, 8))),
                List.of(new ValueInfo("y", null)), List.of(),
                List.of(new TensorData("w", DType.FLOAT, List.of(4L, 3L, 3L, 3L), null, null),
                        new TensorData("fw", DType.FLOAT, List.of(10L, 256L), null, null)));
        Model model = new Model("test", 8, "test", Map.of("", 17, "com.example", 1), g, List.of(), Map.of());

        ModelSummary s = Analyzer.standard().summarize(model, AnalysisOptions.defaults(), LayerFolding.LEAVES);

        assertThat(s.partial()).isTrue();
        assertThat(s.unknownOps()).containsEntry("com.example:Mystery", 1);
        assertThat(s.warnings()).anyMatch(w -> w.contains("Mystery") && w.contains("partial"));
        // the conv is still counted: 4×8×8 outputs × 3 channels × 3×3 = 6,912 MACs; the Gemm after the
        // unknown op has no known input shape, so it adds nothing rather than a guess
        assertThat(s.macs()).isEqualTo(4L * 8 * 8 * 3 * 3 * 3);
        assertThat(s.nodes()).filteredOn(n -> n.node().name().equals("fc")).singleElement()
                .satisfies(n -> assertThat(n.costKnown()).isFalse());
        // parameters are known from the stored tensors whatever the shapes: 4×3×3×3 + 10×256
        assertThat(s.params().total()).isEqualTo(108 + 2_560);
        assertThat(s.outputs().get("y").shape()).isNull();
    }
}
