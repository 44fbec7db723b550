package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** torchinfo's layout: the module tree with a depth, chosen columns, a width no line passes. */
class TableLayoutTest {

    private static final Path SHARED = Path.of(System.getProperty("modelmeter.shared", "../../shared"));

    private static List<String> rows(String out) {
        List<String> lines = out.lines().toList();
        int rule = lines.indexOf(lines.stream().filter(l -> l.matches("-{10,}")).findFirst().orElseThrow());
        return lines.subList(rule + 1, lines.indexOf(""));
    }

    @Test
    void treeAtDepthTwoSumsTheBottlenecksAsPyTorchCountsThem() {
        Path model = SHARED.resolve("fixtures/resnet50/model.onnx");
        CliRun run = CliRun.of("summary", model.toString(), "--tree", "--depth", "2", "--width", "0");
        assertThat(run.exit()).as(run.err()).isZero();
        List<String> rows = rows(run.out());
        // top level: conv1, relu, maxpool, layer1..4, avgpool, the flatten ResNet.forward calls, fc = 10;
        // under layer1..4 the Bottlenecks: 3 + 4 + 6 + 3 = 16
        assertThat(rows).hasSize(10 + 16);
        assertThat(rows.stream().filter(r -> r.startsWith("  ") && r.contains("Bottleneck"))).hasSize(16);
        // MACs per module from PyTorch's FlopCounterMode (truth.json macs_by_module)
        JsonNode macs = JsonMapper.builder().build().readTree(model.resolveSibling("truth.json").toFile())
                .get("macs").get("macs_by_module");
        String layer1 = rows.stream().filter(r -> r.startsWith("layer1 ")).findFirst().orElseThrow();
        assertThat(layer1).contains("Sequential").endsWith(String.format("%,d", macs.get("layer1").asLong()));
        String block = rows.get(rows.indexOf(layer1) + 1);
        assertThat(block).startsWith("  0 ").endsWith(String.format("%,d", macs.get("layer1.0").asLong()));
    }

    @Test
    void noLinePassesTheWidth() {
        CliRun run = CliRun.of("summary", SHARED.resolve("fixtures/gpt2/model.onnx").toString(), "--width", "72",
                "--columns", "type,input_size,output_size,num_params,mult_adds");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(72));
        assertThat(run.out()).contains("…");
        String header = run.out().lines().skip(1).findFirst().orElseThrow();
        assertThat(header.split("\\s{2,}")).containsExactly("Layer", "Type", "Input shape", "Output shape", "Params", "MACs");
        // numbers are never cut: GPT-2's c_attn, 768 × 2304 + 2304 parameters
        assertThat(run.out()).contains(String.format("%,d", 768 * 2304 + 2304));
    }

    @Test
    void unknownColumnIsAUsageError() {
        CliRun run = CliRun.of("summary", "zoo:resnet18", "--columns", "params,kernel_size");
        assertThat(run.exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(run.err()).contains("unknown column 'kernel_size'");
    }
}
