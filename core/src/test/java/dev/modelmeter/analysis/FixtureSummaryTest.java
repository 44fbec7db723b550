package dev.modelmeter.analysis;

import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.testing.Truth;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2's acceptance on the PyTorch-measured fixtures: parameters exactly, buffers apart, MACs
 * within 0.5% (attention products counted), and per-layer output shapes equal where a layer is in both.
 */
class FixtureSummaryTest {

    @TestFactory
    Stream<DynamicTest> fixtures() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Truth t : Truth.all()) {
            for (String file : List.of("train.onnx", "model.onnx")) {
                tests.add(DynamicTest.dynamicTest(t.name() + "/" + file, () -> check(t, file)));
                tests.add(DynamicTest.dynamicTest(t.name() + "/" + file + " at batch 8",
                        () -> checkBatch8(t, file)));
            }
        }
        return tests.stream();
    }

    private void check(Truth t, String file) {
        Model model = OnnxReader.read(t.file(file));
        ModelSummary s = Analyzer.standard().summarize(model, t.options(null), LayerFolding.LEAVES);
        assertThat(s.unknownOps()).as("operators without a rule").isEmpty();
        if (file.equals("train.onnx")) {
            assertThat(s.params().total()).as("params.total").isEqualTo(t.at("params.total").asLong());
            // train.onnx stores BatchNorm running mean/var (not num_batches_tracked): those are the buffers
            long runningStats = 0;
            for (String kind : List.of("running_mean", "running_var")) {
                JsonNode k = t.at("buffers.by_kind." + kind + ".elements");
                runningStats += k == null ? 0 : k.asLong();
            }
            assertThat(s.buffers()).as("buffers, reported apart from parameters").isEqualTo(runningStats);
        }
        assertThat((double) s.macs()).as("MACs vs truth").isCloseTo((double) t.macs(),
                org.assertj.core.data.Percentage.withPercentage(0.5));

        Map<String, JsonNode> truthLayers = new HashMap<>();
        for (JsonNode l : t.json().get("layers")) {
            truthLayers.putIfAbsent(l.get("name").asString(), l);
        }
        int compared = 0;
        List<String> mismatches = new ArrayList<>();
        for (Layer l : s.layers()) {
            JsonNode want = truthLayers.remove(l.name());
            if (want == null || l.outputShapes().isEmpty()) {
                continue;
            }
            JsonNode shape = want.get("output_shapes");
            if (shape.size() > 0 && shape.get(0).isArray()) {
                shape = shape.get(0); // a tuple output: compare its first tensor
            }
            compared++;
            String ours = dims(l.outputShapes().get(0));
            if (!ours.equals(shape.toString())) {
                mismatches.add(l.name() + ": ours " + ours + ", truth " + shape);
            }
        }
        System.out.printf("%s/%s: params %d, MACs %d (truth %d), %d layer shapes compared%n", t.name(), file,
                s.params().total(), s.macs(), t.macs(), compared);
        assertThat(mismatches).as("layer output shapes").isEmpty();
    }

    /**
     * Every counted op is linear in the batch, so batch 8 costs 8 × truth's batch-1 MACs — also for
     * files exported at a fixed batch of 1, whose reshape constants must be rebatched.
     */
    private void checkBatch8(Truth t, String file) {
        Model model = OnnxReader.read(t.file(file));
        ModelSummary s = Analyzer.standard().summarize(model, t.options(8), LayerFolding.LEAVES);
        assertThat((double) s.macs()).as("MACs at batch 8 vs 8 × truth").isCloseTo(8.0 * t.macs(),
                org.assertj.core.data.Percentage.withPercentage(0.5));
        assertThat(s.outputs().values()).allSatisfy(o -> assertThat(o.shape().dim(0).value()).isEqualTo(8));
    }

    private static String dims(TensorType t) {
        if (t.shape() == null) {
            return "?";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < t.shape().rank(); i++) {
            Dim d = t.shape().dim(i);
            sb.append(i == 0 ? "" : ",").append(d.isKnown() ? Long.toString(d.value()) : "\"" + d + "\"");
        }
        return sb.append("]").toString();
    }
}
