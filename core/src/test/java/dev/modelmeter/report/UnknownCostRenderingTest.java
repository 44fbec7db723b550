package dev.modelmeter.report;

import dev.modelmeter.ModelMeter;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unknown is rendered as unknown, never as zero: {@code ?} in tables and Markdown, {@code null} in JSON,
 * an empty cell in CSV; a real zero stays {@code -} / 0; an upper bound is {@code ≤}. The model is
 * DFT (cost declared unknown) then MatMul [1,16,2] @ [2,4] (16·2·4 = 128 MACs), crafted by
 * {@code controlflow/make_models.py}.
 */
class UnknownCostRenderingTest {

    private static ModelSummary summary(String name) {
        try {
            String path = Path.of(UnknownCostRenderingTest.class.getResource("/controlflow/" + name + ".onnx").toURI())
                    .toString();
            return Analyzer.standard().summarize(ModelMeter.load(path), AnalysisOptions.defaults(), LayerFolding.LEAVES);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tableShowsAQuestionMarkForTheUnknownRowAndThePartialTotal() {
        String text = SummaryTable.render(summary("dft_then_matmul"));
        String dftRow = text.lines().filter(l -> l.startsWith("(DFT)")).findFirst().orElseThrow();
        assertThat(dftRow.trim()).endsWith("?");
        String matmulRow = text.lines().filter(l -> l.startsWith("(MatMul)")).findFirst().orElseThrow();
        assertThat(matmulRow.trim()).endsWith("128");
        assertThat(text).contains("MACs:                    128 (128) + ? (1 node(s) of unknown cost: partial)");
        assertThat(text).contains("PARTIAL");
    }

    @Test
    void markdownShowsAQuestionMark() {
        String md = SummaryMarkdown.render(summary("dft_then_matmul"));
        assertThat(md).contains("| (DFT) | DFT | [1, 16, 2] | 0 | ? |");
        assertThat(md).contains("| (MatMul) | MatMul | [1, 16, 4] | 8 | 128 |");
    }

    @Test
    void jsonHasNullForUnknownAndSaysPartialOnTheRowAndTheTotal() {
        JsonNode root = JsonMapper.builder().build().readTree(SummaryJson.render(summary("dft_then_matmul")));
        JsonNode dft = root.get("layers").get(0);
        assertThat(dft.get("op").asText()).isEqualTo("DFT");
        assertThat(dft.get("macs").isNull()).isTrue();
        assertThat(dft.get("flops").isNull()).isTrue();
        assertThat(dft.get("other_flops").isNull()).isTrue();
        assertThat(dft.get("partial").asBoolean()).isTrue();
        JsonNode matmul = root.get("layers").get(1);
        assertThat(matmul.get("macs").asLong()).isEqualTo(16 * 2 * 4);
        assertThat(matmul.get("partial").asBoolean()).isFalse();
        assertThat(root.get("macs").isNull()).isTrue();
        assertThat(root.get("flops").isNull()).isTrue();
        assertThat(root.get("known_macs").asLong()).isEqualTo(128);
        assertThat(root.get("partial").asBoolean()).isTrue();
    }

    @Test
    void csvLeavesUnknownCellsEmpty() {
        List<String> lines = SummaryCsv.render(summary("dft_then_matmul")).lines().toList();
        assertThat(lines.get(0)).endsWith(",macs,flops,other_flops,output_bytes,cost");
        // DFT output [1,16,2] float32 = 32 × 4 = 128 bytes
        assertThat(lines.get(1)).isEqualTo("(DFT),DFT,0,1x16x2,0,0,,,,128,unknown");
        // MatMul: 128 MACs, 256 FLOPs, output [1,16,4] float32 = 256 bytes
        assertThat(lines.get(2)).isEqualTo("(MatMul),MatMul,0,1x16x4,8,0,128,256,0,256,exact");
    }

    @Test
    void memoryOfControlFlowIsApproximateInEveryFormat() throws URISyntaxException {
        String path = Path.of(getClass().getResource("/controlflow/if_known.onnx").toURI()).toString();
        var shaped = Analyzer.standard().shape(ModelMeter.load(path), AnalysisOptions.defaults(), new java.util.ArrayList<>());
        var plan = dev.modelmeter.analysis.memory.MemoryPlanner.standard().plan(shaped,
                dev.modelmeter.analysis.memory.TrainingSetup.defaults(2));
        JsonNode root = MemoryReport.tree("m", plan, null, List.of());
        assertThat(root.get("approximate").asBoolean()).isTrue();
        assertThat(root.get("partial").asBoolean()).isFalse();
        assertThat(root.get("warnings").toString()).contains("bodies are not simulated");
        assertThat(MemoryReport.csv(plan)).contains("approximate,true,true");
        assertThat(MemoryReport.table("m", plan, null)).contains("APPROXIMATE");
        // the summary's inference peak comes from the same planner: marked too
        JsonNode summary = JsonMapper.builder().build().readTree(SummaryJson.render(summary("if_known")));
        assertThat(summary.get("inference").get("approximate").asBoolean()).isTrue();
        JsonNode plain = JsonMapper.builder().build().readTree(SummaryJson.render(summary("dft_then_matmul")));
        assertThat(plain.get("inference").get("approximate").asBoolean()).isFalse();
    }

    @Test
    void aRealZeroStaysADashAndAnUpperBoundIsMarked() {
        assertThat(Format.cost(0, true, false)).isEqualTo("-");
        assertThat(Format.cost(0, false, false)).isEqualTo("?");
        assertThat(Format.cost(1024, false, false)).isEqualTo("1,024 + ?");
        assertThat(Format.cost(1024, true, true)).isEqualTo("≤1,024");
        // If on a runtime flag: then 2·16·32 = 1,024 MACs, else 2·16·8 + 2·8·32 = 768: the larger, marked
        ModelSummary s = summary("if_unknown");
        String text = SummaryTable.render(s);
        assertThat(text.lines().filter(l -> l.startsWith("(If)")).findFirst().orElseThrow().trim()).endsWith("≤1,024");
        assertThat(text).contains("APPROXIMATE");
        JsonNode root = JsonMapper.builder().build().readTree(SummaryJson.render(s));
        assertThat(root.get("approximate").asBoolean()).isTrue();
        assertThat(root.get("layers").get(0).get("approximate").asBoolean()).isTrue();
        assertThat(Arrays.asList(SummaryCsv.render(s).split("\n")).get(1)).endsWith(",approximate");
    }
}
