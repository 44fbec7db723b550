package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fit says everything memory says: its warnings and flags in every format, "at least N" at the search
 * bound, the largest analysable batch with the reason, and exit status 3 when not even batch 1 fits.
 * The .onnx files are crafted by {@code fit/make_models.py}.
 */
class FitAnswersTest {

    private static String model(String name) {
        try {
            return Path.of(FitAnswersTest.class.getResource("/fit/" + name + ".onnx").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(CliRun run) {
        return JsonMapper.builder().build().readTree(run.out());
    }

    @Test
    void anUnknownOperatorIsSaidInEveryFormat() {
        CliRun table = CliRun.of("fit", model("unknown_operator"), "--gpu", "1GiB");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.err()).contains("warning: ").contains("Mystery");
        assertThat(table.out()).contains("PARTIAL").contains("APPROXIMATE");

        CliRun asJson = CliRun.of("fit", model("unknown_operator"), "--gpu", "1GiB", "--format", "json");
        JsonNode fit = json(asJson);
        assertThat(fit.get("partial").asBoolean()).isTrue();
        assertThat(fit.get("approximate").asBoolean()).isTrue();
        assertThat(fit.get("warnings").toString()).contains("Mystery");
        // the same warnings memory gives at that batch
        JsonNode memory = json(CliRun.of("memory", model("unknown_operator"), "--gpu", "1GiB", "--format", "json",
                "--batch", fit.get("max_batch").asText()));
        assertThat(fit.get("warnings")).isEqualTo(memory.get("warnings"));
    }

    @Test
    void nothingFitsExitsWithItsOwnStatus() {
        // resnet18's 11,689,512 fp32 parameters are 44.6 MiB; with gradients and AdamW's two moments
        // 4 × 44.6 = 178 MiB before any activation; a 600 MiB GPU keeps 600 − 500 (CUDA context) − 72.1
        // (workspaces) = 27.9 MiB for tensors (a GPU that leaves nothing at all is a usage error, exit 2)
        CliRun run = CliRun.of("fit", "zoo:resnet18", "--gpu", "600MiB");
        assertThat(run.exit()).isEqualTo(FitCommand.NOTHING_FITS).isEqualTo(3);
        assertThat(run.out()).contains("Not even batch 1 fits");
        JsonNode fit = json(CliRun.of("fit", "zoo:resnet18", "--gpu", "600MiB", "--format", "json"));
        assertThat(fit.get("fits").asBoolean()).isFalse();
        assertThat(fit.get("max_batch").asInt()).isZero();
    }

    @Test
    void theSearchBoundIsSaidNotHidden() {
        CliRun run = CliRun.of("fit", "zoo:resnet18", "--gpu", "80GiB", "--max-batch", "4");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("at least 4").contains("--max-batch 4");
        JsonNode fit = json(CliRun.of("fit", "zoo:resnet18", "--gpu", "80GiB", "--max-batch", "4", "--format", "json"));
        assertThat(fit.get("max_batch").asInt()).isEqualTo(4);
        assertThat(fit.get("max_batch_is_lower_bound").asBoolean()).isTrue();
        assertThat(fit.get("search_limit").asInt()).isEqualTo(4);
        assertThat(CliRun.of("fit", "zoo:resnet18", "--gpu", "80GiB", "--max-batch", "0").exit())
                .isEqualTo(Main.USAGE_ERROR);
    }

    @Test
    void aLargerBatchThatCannotBeAnalysedGivesTheLargestThatCan() {
        // Reshape to a built-in [1, 192] = 1×3×8×8: batch 2 (384 elements) cannot be reshaped
        CliRun run = CliRun.of("fit", model("batch_one_reshape"), "--gpu", "1GiB");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Largest analysable batch: 1").contains("batch 2 cannot be analysed")
                .contains("cannot reshape");
        JsonNode fit = json(CliRun.of("fit", model("batch_one_reshape"), "--gpu", "1GiB", "--format", "json"));
        assertThat(fit.get("max_batch").asInt()).isEqualTo(1);
        assertThat(fit.get("limit").asText()).contains("batch 2 cannot be analysed");
        assertThat(fit.get("max_batch_is_lower_bound").asBoolean()).isFalse();
    }
}
