package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets one line on stderr naming the file and the problem, exit status 1, no stack trace. */
class BadInputTest {

    @TempDir
    Path dir;

    private static void assertOneLineError(CliRun run, Path file) {
        assertThat(run.exit()).as(run.err()).isEqualTo(Main.MODEL_ERROR);
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).contains(file.getFileName().toString()).doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.onnx");
        assertOneLineError(CliRun.of("summary", f.toString()), f);
    }

    @Test
    void directory() {
        assertOneLineError(CliRun.of("summary", dir.toString()), dir);
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.createFile(dir.resolve("empty.onnx"));
        assertOneLineError(CliRun.of("summary", f.toString()), f);
    }

    @Test
    void randomBytes() throws IOException {
        byte[] b = new byte[1 << 20];
        new Random(42).nextBytes(b);
        Path f = Files.write(dir.resolve("random.onnx"), b);
        assertOneLineError(CliRun.of("summary", f.toString()), f);
    }

    @Test
    void textFile() throws IOException {
        Path f = Files.writeString(dir.resolve("notes.txt"), "this is not an ONNX model\nbut a text file\n");
        assertOneLineError(CliRun.of("summary", f.toString()), f);
    }

    @Test
    void truncatedFixture() throws IOException {
        Path fixture = Path.of(System.getProperty("modelmeter.shared", "../../shared"), "fixtures", "resnet18", "train.onnx");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(fixture) || "true".equals(System.getenv("CI")),
                "SKIPPED: shared fixtures not found");
        byte[] all = Files.readAllBytes(fixture);
        Path f = Files.write(dir.resolve("half.onnx"), java.util.Arrays.copyOf(all, all.length / 2));
        assertOneLineError(CliRun.of("summary", f.toString()), f);
    }

    @Test
    void badUsageIsStatusTwo() {
        assertThat(CliRun.of("summary").exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(CliRun.of("summary", "x.onnx", "--input", "1xAx3").exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(CliRun.of("summary", "x.onnx", "--no-such-option").exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(CliRun.of("memory", "x.onnx", "--gpu", "no-such-gpu").exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(CliRun.of("memory", "x.onnx", "--freeze", "[").exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(CliRun.of("memory", "x.onnx", "--optimizer", "lion").exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(CliRun.of("fit", "x.onnx").exit()).as("fit needs --gpu").isEqualTo(Main.USAGE_ERROR);
    }
}
