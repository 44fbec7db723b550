package dev.modelmeter.cli;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.bench.SyntheticOnnxWriter;
import dev.modelmeter.graph.CountOverflowException;
import dev.modelmeter.shapes.ShapeException;
import dev.modelmeter.testing.OnnxBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.modelmeter.testing.OnnxBytes.FLOAT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class of error, and the form of its line: {@code modelmeter: FILE: problem}, one line, exit
 * status 1 for the model, 2 for usage; never a stack trace.
 */
class ErrorLinesTest {

    @TempDir
    Path dir;

    /** One line naming the file, then a problem. */
    private static void assertLine(CliRun run, Path file) {
        assertThat(run.exit()).as(run.err()).isEqualTo(Main.MODEL_ERROR);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err().strip()).matches("modelmeter: " + Pattern.quote(file.toString()) + ": \\S.*")
                .doesNotContain("\tat ").doesNotContain("internal error");
    }

    private Path model(String name, OnnxBytes m) {
        return m.write(dir.resolve(name));
    }

    private Path relu() {
        return model("relu.onnx", new OnnxBytes().input("x", FLOAT, 2, 3).node("Relu", List.of("x"), List.of("y")).output("y"));
    }

    @Test
    void eachClassOfModelErrorIsOneLineNamingTheFile() throws IOException {
        // the file cannot be read
        Path missing = dir.resolve("missing.onnx");
        assertLine(CliRun.of("summary", missing.toString()), missing);
        // not ONNX
        Path text = Files.writeString(dir.resolve("text.onnx"), "not a model\n");
        assertLine(CliRun.of("memory", text.toString()), text);
        // a claim that cannot be true (the reader's checks)
        Path dup = model("dup.onnx", new OnnxBytes().input("x", FLOAT, 2).node("Relu", List.of("x"), List.of("y"))
                .output("y").output("y"));
        assertLine(CliRun.of("summary", dup.toString()), dup);
        // a shape rejection and a cycle (found during analysis)
        Path broadcast = model("broadcast.onnx", new OnnxBytes().input("x", FLOAT, 1, 2).input("z", FLOAT, 1, 3)
                .node("Add", List.of("x", "z"), List.of("y")).output("y"));
        assertLine(CliRun.of("memory", broadcast.toString()), broadcast);
        assertLine(CliRun.of("fit", broadcast.toString(), "--gpu", "t4"), broadcast);
        Path cycle = model("cycle.onnx", new OnnxBytes().input("x", FLOAT, 2)
                .node("Add", List.of("x", "b"), List.of("a")).node("Relu", List.of("a"), List.of("b")).output("b"));
        assertLine(CliRun.of("summary", cycle.toString(), "--format", "json"), cycle);
        // a count beyond 64 bits
        Path huge = model("huge.onnx", new OnnxBytes().input("x", FLOAT, 1L << 40, 1L << 40)
                .node("Relu", List.of("x"), List.of("y")).output("y"));
        assertLine(CliRun.of("summary", huge.toString()), huge);
    }

    @Test
    void theLineOfEachFailureKind() {
        // what Main prints for failures no crafted file should reach (they are bugs or the JVM's limits)
        assertThat(Main.naming("m.onnx", Main.problem(new ModelMeterException("bad"))))
                .isEqualTo("m.onnx: bad");
        assertThat(Main.naming("m.onnx", Main.problem(new ModelMeterException("m.onnx: bad"))))
                .as("a message that already names the file is not prefixed twice").isEqualTo("m.onnx: bad");
        assertThat(Main.naming("m.onnx", Main.problem(new ShapeException("Add 'a': cannot broadcast\n[2] and [3]"))))
                .isEqualTo("m.onnx: Add 'a': cannot broadcast [2] and [3]");
        assertThat(Main.naming("m.onnx", Main.problem(new CountOverflowException("tensor 'y': 2x3 elements exceed what can be counted"))))
                .isEqualTo("m.onnx: tensor 'y': 2x3 elements exceed what can be counted");
        assertThat(Main.naming("m.onnx", Main.problem(new ArithmeticException("long overflow"))))
                .isEqualTo("m.onnx: a figure exceeds what can be counted (64-bit overflow)");
        assertThat(Main.naming("m.onnx", Main.problem(new IllegalStateException("oops"))))
                .isEqualTo("m.onnx: internal error: java.lang.IllegalStateException: oops (please report it; --debug shows the trace)");
        assertThat(Main.naming("m.onnx", Main.problem(new OutOfMemoryError("Java heap space"))))
                .startsWith("m.onnx: out of memory: ").contains("JAVA_OPTS=-Xmx");
        assertThat(Main.naming("m.onnx", Main.problem(new StackOverflowError())))
                .startsWith("m.onnx: ").contains("JAVA_OPTS=-Xss");
        assertThat(Main.naming(null, "bad")).isEqualTo("bad");
    }

    @Test
    void impossibleGpuBudgetsAreUsageErrors() {
        Path f = relu();
        // 0 GiB less a 500 MiB CUDA context is negative
        CliRun zero = CliRun.of("memory", f.toString(), "--gpu", "0GiB");
        assertThat(zero.exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(zero.err().strip().lines()).hasSize(1);
        assertThat(zero.err()).contains("leaves no memory for tensors");
        // the audit's case: a reserve larger than the GPU (24 GiB rtx3090, 100 GiB kept free)
        CliRun reserve = CliRun.of("fit", f.toString(), "--gpu", "rtx3090", "--reserve", "100GiB");
        assertThat(reserve.exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(reserve.err()).contains("leaves no memory for tensors").doesNotContain("-76");
        assertThat(CliRun.of("memory", f.toString(), "--reserve", "1GiB").exit()).as("--reserve without --gpu")
                .isEqualTo(Main.USAGE_ERROR);
        // 10^10 GiB is more than 2^63 bytes
        assertThat(CliRun.of("memory", f.toString(), "--gpu", "10000000000GiB").exit()).isEqualTo(Main.USAGE_ERROR);
        assertThat(CliRun.of("memory", f.toString(), "--gpu", "24GiB", "--reserve", "1GiB").exit()).isEqualTo(Main.OK);
    }

    @Test
    void outOfMemoryIsOneLine() throws Exception {
        // a 100,000-node graph read under a 16 MiB heap, in a JVM of its own as a user would run it
        Path big = dir.resolve("big.onnx");
        SyntheticOnnxWriter.write(big, 50_000, 4, true);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx16m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "memory", big.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isEqualTo(Main.MODEL_ERROR);
        assertThat(err.strip().lines()).as(err).hasSize(1);
        assertThat(err.strip()).startsWith("modelmeter: " + big + ": out of memory: ").contains("JAVA_OPTS=-Xmx");
    }
}
