package dev.modelmeter.fuzz;

import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fuzz target in regression mode, in every build: each committed reproducer of a past finding
 * (src/test/resources/fuzz, listed in its README) and every seed of {@code bin/fuzz} (the fixtures, ONNX's
 * model tests and every 8th of its node tests, from ../shared) goes through {@link ModelFuzzTarget#run}; the test fails on any
 * exception other than the documented {@code ModelMeterException}, which the target swallows.
 */
class FuzzRegressionTest {

    private static final long MAX_SEED_BYTES = 1 << 20;
    private static final int NODE_TEST_STEP = 8;

    @TestFactory
    Stream<DynamicTest> reproducersOfPastFindings() throws IOException {
        List<String> names;
        try (InputStream list = FuzzRegressionTest.class.getResourceAsStream("/fuzz/README.md")) {
            names = new String(list.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("- `")).map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        }
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            try (InputStream in = FuzzRegressionTest.class.getResourceAsStream("/fuzz/" + name)) {
                if (in == null) {
                    throw new AssertionError("README lists " + name + " but it is not in src/test/resources/fuzz");
                }
                ModelFuzzTarget.fuzzerTestOneInput(in.readAllBytes());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> seeds() {
        Path shared = SharedData.root();
        List<Path> seeds = new ArrayList<>();
        for (String dir : new String[] {"fixtures", "onnx-models", "onnx-node-tests"}) {
            Path d = shared.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(d)) {
                List<Path> found = files.filter(p -> p.toString().endsWith(".onnx")).filter(FuzzRegressionTest::small)
                        .sorted(Comparator.naturalOrder()).toList();
                // the 1,800 one-operator node tests: every 8th keeps the build fast (bin/fuzz takes them all;
                // ConformanceTest checks each one's shapes)
                int step = dir.equals("onnx-node-tests") ? NODE_TEST_STEP : 1;
                for (int i = 0; i < found.size(); i += step) {
                    seeds.add(found.get(i));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // read in place: the target only reads a file it is given
        return seeds.stream().map(p -> DynamicTest.dynamicTest(shared.relativize(p).toString(), () -> ModelFuzzTarget.run(p)));
    }

    private static boolean small(Path p) {
        try {
            return Files.size(p) < MAX_SEED_BYTES;
        } catch (IOException e) {
            return false;
        }
    }
}
