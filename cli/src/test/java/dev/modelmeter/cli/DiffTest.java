package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code diff}: deltas against truth.json, a second setup of one model, budgets as an exit status. */
class DiffTest {

    private static final Path SHARED = Path.of(System.getProperty("modelmeter.shared", "../../shared"));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode truth(String fixture) {
        return JSON.readTree(SHARED.resolve("fixtures/" + fixture + "/truth.json").toFile());
    }

    @Test
    void twoModelsDifferByWhatPyTorchCounts() {
        String a = SHARED.resolve("fixtures/resnet18/train.onnx").toString();
        String b = SHARED.resolve("fixtures/resnet50/train.onnx").toString();
        CliRun run = CliRun.of("diff", a, b, "--no-memory", "--format", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode out = JSON.readTree(run.out());
        GoldenTest.validate("diff", run.out());
        long p18 = truth("resnet18").get("params").get("total").asLong();
        long p50 = truth("resnet50").get("params").get("total").asLong();
        assertThat(out.get("totals").get("params").get("delta").asLong()).isEqualTo(p50 - p18);
        long m18 = truth("resnet18").get("macs").get("total_macs").asLong();
        long m50 = truth("resnet50").get("macs").get("total_macs").asLong();
        assertThat(out.get("totals").get("macs").get("delta").asLong()).isEqualTo(m50 - m18);
        // layer1 of each, as PyTorch counts it (macs_by_module)
        JsonNode layer1 = null;
        for (JsonNode m : out.get("modules")) {
            if (m.get("module").asString().equals("layer1")) {
                layer1 = m;
            }
        }
        assertThat(layer1).isNotNull();
        assertThat(layer1.get("macs_a").asLong()).isEqualTo(truth("resnet18").get("macs").get("macs_by_module").get("layer1").asLong());
        assertThat(layer1.get("macs_b").asLong()).isEqualTo(truth("resnet50").get("macs").get("macs_by_module").get("layer1").asLong());
    }

    @Test
    void oneModelAtTwoBatchesDoublesItsMacsAndKeepsItsParams() {
        String m = SHARED.resolve("fixtures/resnet18/train.onnx").toString();
        CliRun run = CliRun.of("diff", m + "@batch=4", m + "@batch=8", "--format", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode t = JSON.readTree(run.out()).get("totals");
        assertThat(t.get("params").get("delta").asLong()).isZero();
        // MACs scale with the batch: 8 / 4 = 2 × A; truth gives batch 1's MACs
        long macs1 = truth("resnet18").get("macs").get("total_macs").asLong();
        assertThat(t.get("macs").get("a").asLong()).isEqualTo(4 * macs1);
        assertThat(t.get("macs").get("b").asLong()).isEqualTo(8 * macs1);
        assertThat(t.get("training_peak_bytes").get("b").asLong()).isGreaterThan(t.get("training_peak_bytes").get("a").asLong());
    }

    @Test
    void aBrokenBudgetFailsWithExitStatusThree() {
        String a = SHARED.resolve("fixtures/resnet18/train.onnx").toString();
        String b = SHARED.resolve("fixtures/resnet50/train.onnx").toString();
        // ResNet-50 has 25,557,032 parameters (truth.json): over a 20M budget, within 30M
        CliRun over = CliRun.of("diff", a, b, "--no-memory", "--max-params", "20M");
        assertThat(over.exit()).isEqualTo(DiffCommand.OVER_BUDGET);
        assertThat(over.err()).contains("over budget").contains("25,557,032");
        CliRun within = CliRun.of("diff", a, b, "--no-memory", "--max-params", "30M");
        assertThat(within.exit()).as(within.err()).isZero();
    }

    @Test
    void theHtmlPageHasAPairOfBarsPerModule() {
        CliRun run = CliRun.of("diff", "zoo:resnet18", "zoo:resnet50", "--no-memory", "--format", "html");
        assertThat(run.exit()).as(run.err()).isZero();
        // torchvision's ResNet runs conv1, bn1, relu, maxpool, layer1..layer4, avgpool, fc and a flatten
        // outside any module: 11 rows at depth 1 on both sides, an A and a B bar each
        assertThat(run.out()).contains("data-chart=\"params_diff\" data-bars=\"" + 2 * 11 + "\"")
                .contains("data-chart=\"macs_diff\" data-bars=\"" + 2 * 11 + "\"");
        assertThat(java.util.regex.Pattern.compile("<rect class=\"bar\"").matcher(run.out()).results().count())
                .isEqualTo(2 * 2 * 11);
    }

    @Test
    void aBadSideIsAUsageError() {
        CliRun run = CliRun.of("diff", "zoo:resnet18", "zoo:resnet18@batchsize=2");
        assertThat(run.exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(run.err()).contains("keys");
    }
}
