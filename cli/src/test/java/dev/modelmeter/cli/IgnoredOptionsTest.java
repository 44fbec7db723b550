package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An option that would have no effect is a usage error (exit 2, one line), never silently dropped. */
class IgnoredOptionsTest {

    private static void usageError(String expected, String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.exit()).as(run.err()).isEqualTo(Main.USAGE_ERROR);
        assertThat(run.err()).contains(expected);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void reserveWithoutGpu() {
        usageError("--reserve needs --gpu", "memory", "zoo:resnet18", "--reserve", "1GiB");
    }

    @Test
    void explainOutsideTheTable() {
        usageError("--explain", "summary", "zoo:resnet18", "--explain", "--format", "json");
        usageError("--explain", "summary", "zoo:resnet18", "--explain", "--by-op");
    }

    @Test
    void styleOutsideTheTable() {
        usageError("--style torchsummary", "summary", "zoo:resnet18", "--style", "torchsummary", "--format", "csv");
    }

    @Test
    void flatWithDepth() {
        usageError("--flat and --depth", "summary", "zoo:resnet18", "--flat", "--depth", "2");
    }
}
