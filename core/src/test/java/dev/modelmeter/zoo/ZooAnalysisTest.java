package dev.modelmeter.zoo;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.dsl.ModuleCall;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each zoo model through the same analysis an ONNX file gets (shape engine, weight roles from the
 * operator registry, cost rules) against the fixture's PyTorch measurements: params exact, BatchNorm
 * buffers, MACs within 0.5% of FlopCounterMode (the figure that counts the attention matmuls), and every
 * leaf module's output shape as the shape engine infers it.
 */
class ZooAnalysisTest {

    @ParameterizedTest
    @CsvSource({
        "vgg16-cifar, vgg16_seed",
        "vgg16-bn, vgg16_bn",
        "resnet18, resnet18",
        "resnet50, resnet50",
        "mobilenet-v2, mobilenet_v2",
        "mobilenet-v3-small, mobilenet_v3_small",
        "squeezenet-1.1, squeezenet1_1",
        "alexnet, alexnet",
        "bert-base, bert_base_uncased",
        "gpt2, gpt2",
    })
    void analysisMatchesTruth(String zooName, String fixture) {
        JsonNode truth = new ObjectMapper().readTree(SharedData.path("fixtures/" + fixture + "/truth.json").toFile());
        Network net = Zoo.network(zooName, false);
        ModelSummary s = Analyzer.standard().summarize(net.build(), AnalysisOptions.defaults(), LayerFolding.LEAVES);

        assertThat(s.partial()).as("operators without rules: %s", s.unknownOps()).isFalse();
        assertThat(s.warnings()).isEmpty();
        assertThat(s.params().total()).isEqualTo(truth.get("params").get("total").asLong());
        // the DSL emits BatchNorm's running mean and variance (not num_batches_tracked): truth's by_kind
        long runningStats = 0;
        for (String kind : List.of("running_mean", "running_var")) {
            JsonNode k = truth.get("buffers").get("by_kind").get(kind);
            runningStats += k == null ? 0 : k.get("elements").asLong();
        }
        assertThat(s.buffers()).as("buffers").isEqualTo(runningStats);

        JsonNode macs = truth.get("macs");
        long expected = (macs.has("total_macs_including_cpu_sdpa") ? macs.get("total_macs_including_cpu_sdpa")
                : macs.get("total_macs")).asLong();
        assertThat((double) s.macs()).isCloseTo(expected, within(expected * 0.005));

        List<String> want = new ArrayList<>();
        for (JsonNode layer : truth.get("layers")) {
            want.add(layer.get("name").asString() + " #" + layer.get("call_index").asInt() + " "
                    + layer.get("output_shapes").toString().replace(",", ", "));
        }
        List<String> got = new ArrayList<>();
        for (ModuleCall c : net.calls()) {
            if (c.leaf()) {
                TensorType t = s.shaped().tensor(c.outputs().get(0));
                got.add(c.path() + " #" + c.callIndex() + " " + (t == null ? "?" : t.shape().toListString()));
            }
        }
        assertThat(got).containsExactlyElementsOf(want);
    }

    /** The shapes the DSL tracked while building agree with what the shape engine infers from the graph. */
    @ParameterizedTest
    @ValueSource(strings = {"vgg16", "resnet50", "mobilenet-v2", "bert-base", "gpt2"})
    void dslShapesAgreeWithShapeEngine(String zooName) {
        for (boolean training : new boolean[] {false, true}) {
            Network net = Zoo.network(zooName, training);
            ModelSummary s = Analyzer.standard().summarize(net.build(), AnalysisOptions.defaults(),
                    LayerFolding.LEAVES);
            assertThat(s.partial()).isFalse();
            for (ModuleCall c : net.calls()) {
                for (int i = 0; i < c.outputs().size(); i++) {
                    assertThat(s.shaped().tensor(c.outputs().get(i))).as("%s output %d", c.path(), i)
                            .isEqualTo(c.outputTypes().get(i));
                }
            }
        }
    }

    /** The CIFAR VGG's faithful {@code view(-1, 512)} lets the analysis spot a wrong input size. */
    @org.junit.jupiter.api.Test
    void viewOnTooLargeInputIsReported() {
        AnalysisOptions big = new AnalysisOptions(null, java.util.Map.of("", dev.modelmeter.graph.Shape.of(1, 3, 64, 64)),
                false, null);
        ModelSummary s = Analyzer.standard().summarize(Zoo.build("vgg16-cifar"), big, LayerFolding.LEAVES);
        // five 2×2 pools: 64 / 2^5 = 2, so the view sees [1, 512, 2, 2] and makes 1·512·2·2 / 512 = 4 rows
        assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("[1, 512, 2, 2]").contains("[4, 512]"));
        assertThat(s.outputs().get("output").shape().toListString()).isEqualTo("[4, 10]");
    }
}
