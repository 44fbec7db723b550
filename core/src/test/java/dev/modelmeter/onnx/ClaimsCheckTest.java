package dev.modelmeter.onnx;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.testing.OnnxBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.modelmeter.testing.OnnxBytes.FLOAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a file claims that cannot be true is a one-line error naming the file and the reason. */
class ClaimsCheckTest {

    @TempDir
    Path tmp;

    /** A MatMul by a [4, 4] float weight (4 * 4 * 4 B = 64 bytes) stored externally at offset, length. */
    private Path external(String name, long offset, long length) {
        return new OnnxBytes().input("x", FLOAT, 1, 4).external("w", new long[] {4, 4}, "w.bin", offset, length)
                .node("MatMul", List.of("x", "w"), List.of("y")).output("y").write(tmp.resolve(name));
    }

    private static void assertRejected(Path file, String fragment) {
        assertThatThrownBy(() -> OnnxReader.read(file)).isInstanceOf(ModelMeterException.class)
                .hasMessageStartingWith(file + ": ").hasMessageContaining(fragment)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void consistentExternalDataIsAccepted() throws IOException {
        Files.write(tmp.resolve("w.bin"), new byte[64]);
        assertThat(OnnxReader.read(external("ok.onnx", 0, 64)).graph().initializers()).hasSize(1);
        // no data file beside the model: weights are never read, so nothing is missing
        Files.delete(tmp.resolve("w.bin"));
        assertThat(OnnxReader.read(external("ok.onnx", 1L << 40, 64)).graph().initializers()).hasSize(1);
        assertThat(OnnxReader.read(external("unsized.onnx", 0, -1)).graph().initializers()).hasSize(1);
    }

    @Test
    void theDataFileIsNeverOpened() throws Exception {
        // a FIFO as the data file: opening it for reading would block until a writer came, which none does
        Path fifo = tmp.resolve("w.bin");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo unavailable");
        Path model = external("fifo.onnx", 0, 64);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> assertThat(OnnxReader.read(model).graph().initializers()).hasSize(1));
    }

    @Test
    void negativeOffsetOrLength() {
        assertRejected(external("neg-offset.onnx", -8, 64), "offset -8 is negative");
        assertRejected(external("neg-length.onnx", 0, -64), "length -64 is negative");
    }

    @Test
    void lengthThatDisagreesWithTheDims() {
        // the audit's offset 2^40, length 2^62: a [4, 4] float32 tensor is 64 bytes
        assertRejected(external("length.onnx", 1L << 40, 1L << 62), "length 4611686018427387904 disagrees with its dims");
    }

    @Test
    void payloadPastAnyPossibleFile() {
        // offset 2^63 - 8 plus 64 bytes passes 2^63 - 1, the largest offset a file can have
        assertRejected(external("end.onnx", Long.MAX_VALUE - 8, 64), "ends past the largest file");
    }

    @Test
    void payloadPastTheEndOfTheDataFile() throws IOException {
        Files.write(tmp.resolve("w.bin"), new byte[100]);
        // 40 + 64 = 104 > 100 bytes
        assertRejected(external("short.onnx", 40, 64), "lies past the end of w.bin (100 bytes)");
    }

    @Test
    void duplicateGraphOutput() throws IOException {
        Path f = new OnnxBytes().input("x", FLOAT, 2).node("Relu", List.of("x"), List.of("y"))
                .output("y").output("y").write(tmp.resolve("dup.onnx"));
        assertRejected(f, "graph output 'y' is listed twice");
    }

    @Test
    void lengthVarintOfTwoToThe62IsNotReadAsZero() throws IOException {
        // ModelProto.graph (field 7, wire type 2) with a 9-byte varint length of 2^62: its low 32 bits are 0
        byte[] bytes = {0x3A, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, 0x40, 0x08, 0x01};
        Path f = Files.write(tmp.resolve("varint.onnx"), bytes);
        assertRejected(f, "declared length 4611686018427387904 at byte 1 exceeds");
    }
}
