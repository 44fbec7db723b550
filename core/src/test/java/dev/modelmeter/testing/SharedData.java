package dev.modelmeter.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates {@code ../shared} (fixtures and the ONNX suites). On a clone without it the tests that need
 * it are skipped with a visible message; in CI ({@code CI=true}) its absence is a failure.
 */
public final class SharedData {

    private SharedData() {
    }

    /** The shared folder, or a skipped/failed test when it is missing. */
    public static Path root() {
        String prop = System.getProperty("modelmeter.shared");
        Path p = prop != null ? Paths.get(prop) : Paths.get("..", "..", "shared");
        return require(p.normalize().toAbsolutePath());
    }

    /** A sub-path of the shared folder, e.g. {@code fixtures/resnet18/train.onnx}. */
    public static Path path(String relative) {
        return require(root().resolve(relative));
    }

    private static Path require(Path p) {
        if (!Files.exists(p)) {
            String message = "shared test data not found at " + p;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + " (CI=true: shared data must be present)");
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        return p;
    }
}
