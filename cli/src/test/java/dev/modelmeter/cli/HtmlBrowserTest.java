package dev.modelmeter.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The HTML report opened in a real browser (Debian's headless Chromium, network off): its script runs
 * without an error, the console stays clean, the charts hold one bar per layer, and a screenshot is
 * not blank. Skipped, with a message, when no chromium is installed outside CI; under CI=true a
 * missing chromium fails (.ci/run installs it).
 */
class HtmlBrowserTest {

    private static final Path SHARED = Path.of(System.getProperty("modelmeter.shared", "../../shared"));

    static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true but no chromium on PATH: .ci/run installs Debian's chromium package");
        }
        System.err.println("HtmlBrowserTest SKIPPED: no chromium on PATH (apt-get install chromium to run it)");
        Assumptions.abort("no chromium on PATH");
        return null;
    }

    /** Runs headless Chromium with the network off; returns stdout, with stderr appended to {@code log}. */
    static String browser(String chromium, Path dir, List<String> log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--disable-extensions", "--disable-sync",
                "--proxy-server=127.0.0.1:9", "--user-data-dir=" + dir.resolve("profile"),
                "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 120 s");
        }
        log.addAll(Files.readAllLines(err, StandardCharsets.UTF_8));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void resnet50MemoryReportRendersInChromium(@TempDir Path dir) throws Exception {
        String chromium = chromium();
        Path model = SHARED.resolve("fixtures/resnet50/train.onnx");
        CliRun run = CliRun.of("memory", model.toString(), "--batch", "64", "--format", "html");
        assertThat(run.exit()).as(run.err()).isZero();
        // self-contained: no address to fetch, no external script, stylesheet or image
        assertThat(run.out()).doesNotContainPattern("(?i)(https?:|src=|<link(?![^>]*href=\"data:))");
        Path page = dir.resolve("r.html");
        Files.writeString(page, run.out(), StandardCharsets.UTF_8);

        List<String> log = new ArrayList<>();
        String dom = browser(chromium, dir, log, "--dump-dom", page.toUri().toString());
        List<String> console = log.stream().filter(l -> l.contains("CONSOLE")).toList();
        assertThat(console).as("console messages").isEmpty();
        assertThat(dom).doesNotContain("data-error=");
        Matcher m = Pattern.compile("data-rendered=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as("the page's script ran and recorded its charts").isTrue();
        JsonNode counts = JsonMapper.builder().build().readTree(m.group(1).replace("&quot;", "\""));

        // torchvision's ResNet-50 calls 158 leaf modules (truth.json "layers", PyTorch's own hooks); the
        // summary also has a row for each Bottleneck's residual add, 3 + 4 + 6 + 3 = 16 blocks, and one for
        // the torch.flatten that ResNet.forward calls outside any module: 158 + 16 + 1 = 175 bars.
        JsonNode truth = JsonMapper.builder().build().readTree(SHARED.resolve("fixtures/resnet50/truth.json").toFile());
        int leafCalls = truth.get("layers").size();
        assertThat(leafCalls).isEqualTo(158);
        int bars = leafCalls + (3 + 4 + 6 + 3) + 1;
        assertThat(counts.get("params").asInt()).isEqualTo(bars);
        assertThat(counts.get("macs").asInt()).isEqualTo(bars);
        assertThat(counts.get("output_bytes").asInt()).isEqualTo(bars);
        // operator types in the export: Conv, BatchNormalization, Relu, MaxPool, Add, GlobalAveragePool,
        // Flatten, Gemm
        assertThat(counts.get("macs_by_op").asInt()).isEqualTo(8);
        // the timeline has one point per event of the two steps; the JSON report lists the same events
        JsonNode memory = JsonMapper.builder().build().readTree(
                CliRun.of("memory", model.toString(), "--batch", "64", "--format", "json").out());
        assertThat(counts.get("timeline").asInt()).isEqualTo(memory.get("training").get("timeline").size());
        // the module tree has every one of those rows as a leaf under its modules
        assertThat(Pattern.compile("data-leaf=\"true\"").matcher(dom).results().count()).isEqualTo(bars);

        // the other page kind, diff's, loads as cleanly
        Path diffPage = dir.resolve("d.html");
        Files.writeString(diffPage, CliRun.of("diff", "zoo:resnet18", "zoo:resnet50", "--no-memory", "--format", "html").out(),
                StandardCharsets.UTF_8);
        List<String> diffLog = new ArrayList<>();
        String diffDom = browser(chromium, dir, diffLog, "--dump-dom", diffPage.toUri().toString());
        assertThat(diffLog.stream().filter(l -> l.contains("CONSOLE"))).isEmpty();
        assertThat(diffDom).contains("data-rendered=").doesNotContain("data-error=");

        Path png = dir.resolve("shot.png");
        browser(chromium, dir, log, "--hide-scrollbars", "--window-size=1400,2000", "--screenshot=" + png,
                page.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as("distinct colours in the screenshot").isGreaterThan(20);
    }
}
