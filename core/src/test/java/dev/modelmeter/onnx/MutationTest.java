package dev.modelmeter.onnx;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Model;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.ShapeInference;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Robustness: 1,000 randomly damaged copies of small fixture files (bytes flipped, cut short, junk
 * inserted, a span duplicated) go through the reader and the shape engine. Nothing but
 * {@link ModelMeterException} may escape, and no single file may take 2 seconds. The test JVM runs with
 * {@code -Xmx512m} (the parent pom's surefire argLine), so no run can need more than 512 MiB of heap.
 */
class MutationTest {

    private static final int RUNS = 1000;
    private static final long SEED = 20261127L;
    private static final long MAX_MILLIS = 2000;

    private static final String[] SOURCES = {
        "fixtures/alexnet/model.onnx", "fixtures/vgg16_bn/model.onnx", "fixtures/resnet18/model.onnx",
        "fixtures/resnet18/train.onnx", "fixtures/vgg16_seed/train.onnx",
        "onnx-node-tests/test_if_seq/model.onnx", "onnx-node-tests/test_loop11/model.onnx",
        "onnx-node-tests/test_scan9_sum/model.onnx", "onnx-node-tests/test_reshape_reordered_all_dims/model.onnx",
    };

    @TempDir
    Path tmp;

    @Test
    void damagedFilesFailOnlyWithOurError() throws IOException {
        List<byte[]> originals = new ArrayList<>();
        for (String s : SOURCES) {
            Path p = SharedData.root().resolve(s);
            if (Files.exists(p)) {
                originals.add(Files.readAllBytes(p));
            }
        }
        assertThat(originals).isNotEmpty();
        OpRegistry registry = OpRegistry.standard();
        Random random = new Random(SEED);
        List<String> escaped = new ArrayList<>();
        List<String> slow = new ArrayList<>();
        int rejected = 0;
        Path file = tmp.resolve("mutant.onnx");
        for (int run = 0; run < RUNS; run++) {
            byte[] original = originals.get(random.nextInt(originals.size()));
            String how = mutationName(run);
            byte[] mutant = mutate(original, run % 4, random);
            Files.write(file, mutant);
            long start = System.nanoTime();
            try {
                Model m = OnnxReader.read(file);
                ShapeInference.infer(m.graph(), m.opsets(), registry, ShapeInference.Options.defaults());
            } catch (ModelMeterException e) {
                rejected++;
                assertThat(e.getMessage()).doesNotContain("\n");
            } catch (Throwable t) {
                escaped.add("run " + run + " (" + how + "): " + t);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > MAX_MILLIS) {
                slow.add("run " + run + " (" + how + "): " + millis + " ms");
            }
        }
        System.out.println("MutationTest: " + RUNS + " mutants, " + rejected + " rejected with ModelMeterException, "
                + escaped.size() + " foreign exceptions, " + slow.size() + " slow");
        assertThat(escaped).isEmpty();
        assertThat(slow).isEmpty();
    }

    private static String mutationName(int run) {
        return switch (run % 4) {
            case 0 -> "flip";
            case 1 -> "truncate";
            case 2 -> "insert";
            default -> "duplicate";
        };
    }

    private static byte[] mutate(byte[] original, int kind, Random r) {
        byte[] b = original.clone();
        switch (kind) {
            case 0 -> {
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                }
                return b;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 2 -> {
                int at = r.nextInt(b.length + 1);
                byte[] junk = new byte[1 + r.nextInt(32)];
                r.nextBytes(junk);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(b, 0, at);
                out.writeBytes(junk);
                out.write(b, at, b.length - at);
                return out.toByteArray();
            }
            default -> {
                int from = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(256, b.length - from));
                int at = r.nextInt(b.length + 1);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(b, 0, at);
                out.write(b, from, len);
                out.write(b, at, b.length - at);
                return out.toByteArray();
            }
        }
    }
}
