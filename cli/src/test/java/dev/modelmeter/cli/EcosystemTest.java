package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** --version from the build, completion, the model on standard input, ASCII output under a C locale. */
class EcosystemTest {

    private static final Path SHARED = Path.of(System.getProperty("modelmeter.shared", "../../shared"));

    @Test
    void versionIsThePomsVersion() throws Exception {
        String pom = Files.readString(Path.of("../pom.xml"));
        Matcher m = Pattern.compile("<artifactId>modelmeter-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        CliRun run = CliRun.of("--version");
        assertThat(run.exit()).isZero();
        assertThat(run.out().strip()).isEqualTo("modelmeter " + m.group(1));
    }

    @Test
    void completionScriptCoversTheCommands() {
        CliRun run = CliRun.of("generate-completion");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("complete -F").contains("summary").contains("diff").contains("--by-op");
    }

    @Test
    void dashReadsTheModelFromStandardInput() throws Exception {
        Path model = SHARED.resolve("fixtures/resnet18/train.onnx"); // BatchNorm not folded: every parameter
        JsonNode truth = JsonMapper.builder().build().readTree(model.resolveSibling("truth.json").toFile());
        InputStream saved = System.in;
        try (InputStream in = Files.newInputStream(model)) {
            System.setIn(in);
            CliRun run = CliRun.of("summary", "-", "--format", "json");
            assertThat(run.exit()).as(run.err()).isZero();
            JsonNode out = JsonMapper.builder().build().readTree(run.out());
            assertThat(out.get("params").get("total").asLong()).isEqualTo(truth.get("params").get("total").asLong());
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void aCharsetWithoutTheBlocksGetsAsciiLookAlikes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter w = AsciiFallback.writer(bytes, StandardCharsets.US_ASCII);
        w.print("▁▄█ 3 ÷ 2 … ≥ 1");
        w.flush();
        assertThat(bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("_-# 3 / 2 ... >= 1");
        ByteArrayOutputStream utf = new ByteArrayOutputStream();
        PrintWriter u = AsciiFallback.writer(utf, StandardCharsets.UTF_8);
        u.print("▁▄█ ÷");
        u.flush();
        assertThat(utf.toString(StandardCharsets.UTF_8)).isEqualTo("▁▄█ ÷");
    }
}
