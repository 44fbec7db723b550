package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code summary --by-op} against truth.json: ONNX op counts of the file, PyTorch's FLOPs by aten op. */
class ByOpTest {

    private static final Path SHARED = Path.of(System.getProperty("modelmeter.shared", "../../shared"));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void resnet50TotalsByOperatorMatchTheExportAndPyTorch() {
        Path dir = SHARED.resolve("fixtures/resnet50");
        JsonNode truth = JSON.readTree(dir.resolve("truth.json").toFile());
        for (String file : new String[] {"model.onnx", "train.onnx"}) {
            CliRun run = CliRun.of("summary", dir.resolve(file).toString(), "--by-op", "--format", "json");
            assertThat(run.exit()).as(run.err()).isZero();
            JsonNode out = JSON.readTree(run.out());
            assertThat(out.get("schema").asString()).isEqualTo("modelmeter.by-op/1");
            Map<String, JsonNode> ops = new HashMap<>();
            out.get("ops").forEach(o -> ops.put(o.get("op").asString(), o));
            // every operator type the file holds, as many times as onnx.load counts them
            JsonNode counts = truth.get("onnx").get(file).get("op_counts");
            assertThat(ops.keySet()).containsExactlyInAnyOrderElementsOf(counts.propertyNames());
            counts.properties().forEach(e -> assertThat(ops.get(e.getKey()).get("count").asInt()).as(file + " " + e.getKey())
                    .isEqualTo(e.getValue().asInt()));
            // FlopCounterMode by aten op, FLOPs = 2 × MACs: convolutions are the Conv nodes, addmm is fc's Gemm
            JsonNode flops = truth.get("macs").get("flops_by_op");
            assertThat(ops.get("Conv").get("macs").asLong()).isEqualTo(flops.get("aten.convolution").asLong() / 2);
            assertThat(ops.get("Gemm").get("macs").asLong()).isEqualTo(flops.get("aten.addmm").asLong() / 2);
            // fc: 2048 × 1000 weights + 1000 biases
            assertThat(ops.get("Gemm").get("params").asLong()).isEqualTo(2048L * 1000 + 1000);
            long params = 0;
            long macs = 0;
            for (JsonNode o : out.get("ops")) {
                params += o.get("params").asLong();
                macs += o.get("macs").asLong();
            }
            assertThat(macs).isEqualTo(truth.get("macs").get("total_macs").asLong());
            if (file.equals("train.onnx")) { // model.onnx has BatchNorm folded into Conv
                assertThat(params).isEqualTo(truth.get("params").get("total").asLong());
            }
        }
    }

    @Test
    void everyFormatHasOneRowPerOperatorType() {
        // zoo:resnet18 in eval mode: Conv, BatchNormalization, Relu, MaxPool, Add, GlobalAveragePool,
        // Flatten, Gemm — 8 types
        String table = CliRun.of("summary", "zoo:resnet18", "--by-op").out();
        assertThat(table.lines().filter(l -> l.matches("^(Conv|BatchNormalization|Relu|MaxPool|Add|GlobalAveragePool|Flatten|Gemm) .*")))
                .hasSize(8);
        String csv = CliRun.of("summary", "zoo:resnet18", "--by-op", "--format", "csv").out();
        assertThat(csv.lines().count()).isEqualTo(1 + 8);
        String md = CliRun.of("summary", "zoo:resnet18", "--by-op", "--format", "md").out();
        assertThat(md.lines().filter(l -> l.startsWith("| ")).count()).isEqualTo(1 + 8);
        // ResNet-18: 1 stem conv + 8 basic blocks × 2 + 3 downsample convs = 20
        assertThat(csv).contains("\nConv,20,");
    }
}
