package dev.modelmeter.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** fit agrees with memory --gpu: the answer fits the budget, one more sample does not. */
class FitConsistencyTest {

    private static JsonNode json(CliRun run) {
        assertThat(run.exit()).as(run.err()).isZero();
        return JsonMapper.builder().build().readTree(run.out());
    }

    @Test
    void maxBatchFitsAndOneMoreDoesNot() {
        String[] common = {"zoo:resnet18", "--gpu", "3GiB", "--optimizer", "adamw", "--format", "json"};
        JsonNode fit = json(CliRun.of(concat(new String[] {"fit"}, common)));
        int max = fit.get("max_batch").asInt();
        long budget = fit.get("budget_bytes").asLong();
        assertThat(max).isPositive();
        // 3 GiB = 3 × 1024³ bytes, no reserve
        assertThat(budget).isEqualTo(3L * 1024 * 1024 * 1024);

        JsonNode atMax = json(CliRun.of(concat(new String[] {"memory"}, common, "--batch", Integer.toString(max))));
        JsonNode beyond = json(CliRun.of(concat(new String[] {"memory"}, common, "--batch", Integer.toString(max + 1))));
        assertThat(atMax.get("device").get("peak_bytes").asLong()).isLessThanOrEqualTo(budget);
        assertThat(beyond.get("device").get("peak_bytes").asLong()).isGreaterThan(budget);
        assertThat(atMax.get("batch").asInt()).isEqualTo(max);
    }

    private static String[] concat(String[] a, String[] b, String... c) {
        String[] out = new String[a.length + b.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
