package dev.modelmeter.docs;

import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.graph.Model;
import dev.modelmeter.ops.AutogradContext;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.shapes.ShapedGraph;
import dev.modelmeter.testing.Truth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes docs/ACCURACY.md: for every fixture, each memory figure PyTorch measured, modelmeter's
 * prediction and its error, beside what the usual rules of thumb would have said. Run it with
 * {@code mvn -pl core test -Dtest=AccuracyReportTest}; the suite runs it too, so the page never goes stale.
 */
class AccuracyReportTest {

    private record Row(String model, int batch, String figure, long truth, long ours, String rule, long ruleValue) {
    }

    @Test
    void writeAccuracyPage() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Truth t : Truth.all()) {
            Model model = OnnxReader.read(t.file("train.onnx"));
            long params = t.at("params.total").asLong();
            long leafOutputs = t.at("activations.activations_sum_leaf_outputs_bytes").asLong();
            for (int batch : new int[] {1, 8}) {
                ShapedGraph shaped = Analyzer.standard().shape(model, t.options(batch), new ArrayList<>());
                TrainingSetup setup = TrainingSetup.defaults(batch).withBackend(AutogradContext.Backend.CPU);
                MemoryPlan adamw = MemoryPlanner.standard().plan(shaped, setup);
                JsonNode saved = t.at("saved_for_backward.fp32_batch" + batch + ".bytes");
                if (saved != null) {
                    rows.add(new Row(t.name(), batch, "saved for backward", saved.asLong(), adamw.savedBytes(),
                            "torchsummary: 2 × sum of layer outputs", 2 * leafOutputs * batch));
                }
                JsonNode steps = t.at("train_step_peak.batch" + batch + "_AdamW.steps");
                if (steps != null && steps.size() > 1) {
                    rows.add(new Row(t.name(), batch, "AdamW step peak (2nd step)", steps.get(1).get("peak_bytes").asLong(),
                            adamw.steadyStep().peakBytes(), "4 × params × 4 B (weights, grads, 2 Adam states)",
                            16 * params));
                }
                JsonNode sgd = t.at("train_step_peak.batch" + batch + "_SGD.steps");
                if (sgd != null && sgd.size() > 1) {
                    MemoryPlan plan = MemoryPlanner.standard().plan(shaped,
                            setup.withOptimizer(TrainingSetup.Optimizer.SGD_MOMENTUM));
                    rows.add(new Row(t.name(), batch, "SGD-momentum step peak (2nd step)",
                            sgd.get(1).get("peak_bytes").asLong(), plan.steadyStep().peakBytes(),
                            "3 × params × 4 B (weights, grads, momentum)", 12 * params));
                }
                JsonNode inf = t.at("inference_peak.batch" + batch + ".peak_beyond_params_buffers_bytes");
                if (inf != null) {
                    rows.add(new Row(t.name(), batch, "inference peak beyond weights", inf.asLong(),
                            adamw.inference().peakBeyondWeightsBytes(), "sum of layer outputs", leafOutputs * batch));
                }
            }
        }
        Path root = Path.of(System.getProperty("modelmeter.root", "../"));
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/ACCURACY.md"), render(rows));
    }

    private static String render(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Accuracy against PyTorch's own measurements\n\n");
        sb.append("Written by `mvn -pl core test -Dtest=AccuracyReportTest` (it runs with the whole suite too) from\n");
        sb.append("`../shared/fixtures/*/truth.json`: PyTorch on CPU, fp32, `train.onnx`, modelmeter with `--backend cpu`.\n");
        sb.append("Error = (modelmeter − truth) / truth. Beside each figure: what a common rule of thumb says,\n");
        sb.append("and how far off that is. MiB = 1024² bytes.\n\n");
        sb.append("| model | batch | figure | PyTorch | modelmeter | error | rule of thumb | says | its error |\n");
        sb.append("|---|---:|---|---:|---:|---:|---|---:|---:|\n");
        double worst = 0;
        for (Row r : rows) {
            double err = (r.ours() - r.truth()) / (double) r.truth();
            worst = Math.max(worst, Math.abs(err));
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %+.1f%% | %s | %s | %+.0f%% |%n", r.model(), r.batch(),
                    r.figure(), mib(r.truth()), mib(r.ours()), 100 * err, r.rule(), mib(r.ruleValue()),
                    100 * (r.ruleValue() - r.truth()) / (double) r.truth()));
        }
        sb.append(String.format(Locale.ROOT, "%nLargest modelmeter error: %.1f%% over %d figures.%n", 100 * worst, rows.size()));
        return sb.toString();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
