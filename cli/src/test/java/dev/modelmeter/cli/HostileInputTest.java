package dev.modelmeter.cli;

import dev.modelmeter.testing.OnnxBytes;
import dev.modelmeter.testing.OnnxBytes.Attr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.modelmeter.testing.OnnxBytes.FLOAT;
import static dev.modelmeter.testing.OnnxBytes.INT64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defects of the hostile-input audit (issue 10), each with a crafted file: exit status 1 and one
 * line on stderr, {@code modelmeter: FILE: problem}, never a stack trace or an internal error.
 */
class HostileInputTest {

    @TempDir
    Path dir;

    private static final long TWO_40 = 1L << 40;
    private static final long TWO_62 = 1L << 62;

    /** Exit 1, nothing on stdout, one line on stderr of the form "modelmeter: FILE: ...problem...". */
    static void assertOneLine(CliRun run, Path file, String problem) {
        assertThat(run.exit()).as(run.err()).isEqualTo(Main.MODEL_ERROR);
        assertThat(run.out()).as(run.out()).isEmpty();
        List<String> lines = run.err().strip().lines().toList();
        assertThat(lines).as(run.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("modelmeter: " + file + ": ").contains(problem)
                .doesNotContain("internal error").doesNotContain("Exception");
    }

    private Path write(String name, OnnxBytes model) {
        return model.write(dir.resolve(name));
    }

    @Test
    void inputOfTwoToThe80ElementsIsCountOverflow() {
        // 2^40 * 2^40 = 2^80 elements: more than a long holds (2^63 - 1)
        Path f = write("huge-input.onnx", new OnnxBytes().input("x", FLOAT, TWO_40, TWO_40)
                .node("Relu", List.of("x"), List.of("y")).output("y"));
        for (String command : new String[] {"summary", "memory"}) {
            assertOneLine(CliRun.of(command, f.toString()), f, "exceed what can be counted");
        }
    }

    @Test
    void elementsThatFitButBytesThatDoNotAreCountOverflow() {
        // 2^61 float32 elements: the count fits in a long, its 4 * 2^61 = 2^63 bytes do not
        Path f = write("bytes.onnx", new OnnxBytes().input("x", FLOAT, 1L << 61)
                .node("Relu", List.of("x"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f,
                "tensor 'x': 2305843009213693952 elements of float32 take more bytes than can be counted");
    }

    @Test
    void loopOfTwoToThe62TripsIsCountOverflow() {
        // each of the 2^62 iterations emits a [2] scan output: 2^63 elements, one more than a long holds
        OnnxBytes body = new OnnxBytes().input("i", INT64).input("c", 9)
                .node("Identity", List.of("c"), List.of("c_out")).node("Identity", List.of("x"), List.of("s"))
                .output("c_out", 9).output("s", FLOAT, 2);
        Path f = write("loop.onnx", new OnnxBytes().input("x", FLOAT, 2).int64s("trips", new long[0], TWO_62)
                .node("Loop", List.of("trips", ""), List.of("y"), Attr.ofGraph("body", body)).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f, "exceed what can be counted");
        assertOneLine(CliRun.of("memory", f.toString()), f, "exceed what can be counted");
    }

    @Test
    void resizeToTwoToThe62IsCountOverflow() {
        // sizes [1, 1, 2^62, 2^62]: 2^124 elements
        Path f = write("resize.onnx", new OnnxBytes().input("x", FLOAT, 1, 1, 2, 2)
                .int64s("sizes", new long[] {4}, 1, 1, TWO_62, TWO_62)
                .node("Resize", List.of("x", "", "", "sizes"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f, "exceed what can be counted");
        assertOneLine(CliRun.of("memory", f.toString()), f, "exceed what can be counted");
    }

    @Test
    void expandToTwoToThe80IsCountOverflow() {
        Path f = write("expand.onnx", new OnnxBytes().input("x", FLOAT, 1)
                .int64s("shape", new long[] {2}, TWO_40, TWO_40)
                .node("Expand", List.of("x", "shape"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f, "exceed what can be counted");
        assertOneLine(CliRun.of("memory", f.toString()), f, "exceed what can be counted");
    }

    @Test
    void tileAndPadOverflowIsCountOverflowNotNegativeDimension() {
        // Tile [2^40] by 2^40: a size of 2^80; plain arithmetic wrapped it to 0 or a negative number
        Path tile = write("tile.onnx", new OnnxBytes().input("x", FLOAT, TWO_40)
                .int64s("repeats", new long[] {1}, TWO_40)
                .node("Tile", List.of("x", "repeats"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", tile.toString()), tile, "the product 1099511627776 × 1099511627776 exceeds what can be counted");
        // Pad [1] by 2^62 on each side: 1 + 2^63 passes Long.MAX_VALUE
        Path pad = write("pad.onnx", new OnnxBytes().input("x", FLOAT, 1)
                .int64s("pads", new long[] {2}, TWO_62, TWO_62)
                .node("Pad", List.of("x", "pads"), List.of("y")).output("y"));
        CliRun run = CliRun.of("summary", pad.toString());
        assertOneLine(run, pad, "exceed");
        assertThat(run.err()).doesNotContain("negative");
    }

    @Test
    void macsBeyondSixtyFourBitsAreCountOverflow() {
        // [2^21, 2^21] @ [2^21, 2^21]: each tensor 2^42 elements (countable), 2^21 * 2^21 * 2^21 = 2^63 MACs (not)
        long n = 1L << 21;
        Path f = write("matmul.onnx", new OnnxBytes().input("a", FLOAT, n, n).input("b", FLOAT, n, n)
                .node("MatMul", List.of("a", "b"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f, "MatMul 'MatMul_0': MACs or FLOPs exceed what can be counted");
    }

    @Test
    void attentionScoresBeyondSixtyFourBitsAreNotWrappedToZero() {
        // q, k, v [1, 1, 2^32, 1]: 2^32 elements each, but s_q × s_kv = 2^64 scores, which wrapped to 0 MACs
        long s = 1L << 32;
        Path f = write("attention.onnx", new OnnxBytes().opset(23).input("q", FLOAT, 1, 1, s, 1)
                .input("k", FLOAT, 1, 1, s, 1).input("v", FLOAT, 1, 1, s, 1)
                .node("Attention", List.of("q", "k", "v"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f,
                "Attention 'Attention_0': MACs or FLOPs: the product 1 × 1 × 4294967296 × 4294967296 exceeds what can be counted");
    }

    @Test
    void memorySumsBeyondSixtyFourBitsAreCountOverflow() {
        // two inputs of 2^60 float32 = 2^62 bytes each: each countable, together 2^63 bytes, one past Long.MAX_VALUE
        Path f = write("sum.onnx", new OnnxBytes().input("a", FLOAT, 1, 1L << 60).input("b", FLOAT, 1, 1L << 60)
                .node("Add", List.of("a", "b"), List.of("y")).output("y"));
        for (String command : new String[] {"summary", "memory"}) {
            assertOneLine(CliRun.of(command, f.toString()), f, "exceeds what can be counted");
        }
    }

    @Test
    void convWithoutOutputsAndExporterNamedWeightIsNoCrash() {
        // a Conv whose result nobody names, its weight named the way torch.onnx names anonymous weights
        Path f = write("conv.onnx", new OnnxBytes().input("x", FLOAT, 1, 3, 8, 8)
                .floats("onnx::Conv_1", new long[] {4, 3, 3, 3}, new float[4 * 3 * 3 * 3])
                .floats("onnx::Conv_2", new long[] {4}, 0f, 0f, 0f, 0f)
                .node("Conv", List.of("x", "onnx::Conv_1", "onnx::Conv_2"), List.of())
                .node("Relu", List.of("x"), List.of("y")).output("y"));
        for (String command : new String[] {"summary", "memory"}) {
            CliRun run = CliRun.of(command, f.toString());
            if (run.exit() != Main.OK) {
                assertOneLine(run, f, "");
            }
        }
        CliRun fit = CliRun.of("fit", f.toString(), "--gpu", "t4");
        if (fit.exit() != Main.OK) {
            assertOneLine(fit, f, "");
        }
    }

    @Test
    void batchBeyondThirtyTwoBitsIsNotCut() {
        // 4,294,967,301 = 2^32 + 5: cut to an int it would plan "batch 5"
        Path f = write("relu.onnx", new OnnxBytes().input("x", FLOAT, 1, 3)
                .node("Relu", List.of("x"), List.of("y")).output("y"));
        CliRun run = CliRun.of("memory", f.toString(), "--input", "4294967301x3");
        assertThat(run.out()).doesNotContain("batch 5");
        assertOneLine(run, f, "batch 4294967301");
    }

    @Test
    void cycleNamesTheFile() {
        Path f = write("cycle.onnx", new OnnxBytes().input("x", FLOAT, 2)
                .node("Add", List.of("x", "b"), List.of("a")).node("Relu", List.of("a"), List.of("b")).output("b"));
        assertOneLine(CliRun.of("summary", f.toString()), f, "cycle");
        assertOneLine(CliRun.of("memory", f.toString()), f, "cycle");
    }

    @Test
    void shapeRejectionNamesTheFile() {
        // [2] + [3] cannot broadcast
        Path f = write("broadcast.onnx", new OnnxBytes().input("x", FLOAT, 2).input("z", FLOAT, 3)
                .node("Add", List.of("x", "z"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f, "Add");
    }

    @Test
    void nanResizeScaleIsAnError() {
        Path f = write("nan-scale.onnx", new OnnxBytes().input("x", FLOAT, 1, 1, 4, 4)
                .floats("scales", new long[] {4}, 1f, 1f, Float.NaN, 2f)
                .node("Resize", List.of("x", "", "scales"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f, "NaN");
    }

    @Test
    void infiniteResizeScaleIsAnError() {
        Path f = write("inf-scale.onnx", new OnnxBytes().input("x", FLOAT, 1, 1, 4, 4)
                .floats("scales", new long[] {4}, 1f, 1f, Float.POSITIVE_INFINITY, 2f)
                .node("Resize", List.of("x", "", "scales"), List.of("y")).output("y"));
        assertOneLine(CliRun.of("summary", f.toString()), f, "Infinity");
    }
}
