package dev.modelmeter.zoo;

import dev.modelmeter.dsl.ModuleCall;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each zoo model against the PyTorch measurements of its fixture (truth.json): parameter count,
 * BatchNorm running-statistics buffers, and every leaf-module call (name, class, call index, output
 * shape) in execution order, using the shapes the DSL tracked while building.
 */
class ZooTruthTest {

    private static JsonNode truth(String fixture) {
        File f = SharedData.path("fixtures/" + fixture + "/truth.json").toFile();
        return new ObjectMapper().readTree(f);
    }

    static long elements(Network net, InitializerRole role) {
        long n = 0;
        for (TensorData t : net.build().graph().initializers()) {
            if (net.initializerRoles().get(t.name()) == role) {
                n += t.numel();
            }
        }
        return n;
    }

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
    void paramsBuffersAndLeafCallsMatchTruth(String zooName, String fixture) {
        JsonNode truth = truth(fixture);
        Network net = Zoo.network(zooName, false);

        assertThat(elements(net, InitializerRole.PARAMETER)).as("params.total")
                .isEqualTo(truth.get("params").get("total").asLong());

        // running_mean + running_var; num_batches_tracked is not emitted (no operator reads it)
        JsonNode kinds = truth.get("buffers").get("by_kind");
        long bnStats = 0;
        for (String k : List.of("running_mean", "running_var")) {
            if (kinds.has(k)) {
                bnStats += kinds.get(k).get("elements").asLong();
            }
        }
        assertThat(elements(net, InitializerRole.BUFFER)).as("BatchNorm running statistics").isEqualTo(bnStats);

        List<String> expected = new ArrayList<>();
        for (JsonNode layer : truth.get("layers")) {
            expected.add(layer.get("name").asString() + " " + layer.get("class").asString() + " #"
                    + layer.get("call_index").asInt() + " -> " + layer.get("output_shapes").toString()
                    .replace(",", ", "));
        }
        List<String> actual = new ArrayList<>();
        for (ModuleCall c : net.calls()) {
            if (c.leaf()) {
                actual.add(c.path() + " " + c.typeName() + " #" + c.callIndex() + " -> "
                        + c.outputTypes().get(0).shape().toListString());
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "vgg16-cifar, vgg16_seed",
        "gpt2, gpt2",
    })
    void tiedOrSharedParametersAppearOnce(String zooName, String fixture) {
        JsonNode truth = truth(fixture);
        Network net = Zoo.network(zooName, false);
        List<String> names = net.build().graph().initializers().stream().map(TensorData::name).toList();
        for (JsonNode group : truth.get("params").get("tied_or_shared")) {
            long present = 0;
            for (JsonNode n : group.get("names")) {
                present += names.contains(n.asString()) ? 1 : 0;
            }
            assertThat(present).as("initializers among %s", group.get("names")).isEqualTo(1);
        }
        assertThat(truth.get("params").get("count_tensors").asInt()).as("parameter tensors")
                .isEqualTo((int) names.stream().filter(n -> net.initializerRoles().get(n) == InitializerRole.PARAMETER)
                        .count());
    }

    @org.junit.jupiter.api.Test
    void inputsFollowTheFixturesInputSpec() {
        JsonNode truth = truth("bert_base_uncased");
        var inputs = Zoo.build("bert-base").graph().inputs();
        assertThat(inputs).hasSize(truth.get("input_spec").size());
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode spec = truth.get("input_spec").get(i);
            assertThat(inputs.get(i).name()).isEqualTo(spec.get("name").asString());
            assertThat(inputs.get(i).type().toString()).isEqualTo(spec.get("dtype").asString()
                    + spec.get("shape").toString().replace(",", ", "));
        }
    }

    /**
     * The train-mode graph has the operators of the fixture's train.onnx, written by the legacy exporter
     * with {@code training=TRAINING} (BatchNormalization and Dropout kept). Constant nodes are left out:
     * the DSL stores constants as initializers.
     */
    @ParameterizedTest
    @CsvSource({
        "vgg16-cifar, vgg16_seed",
        "vgg16-bn, vgg16_bn",
        "resnet18, resnet18",
        "resnet50, resnet50",
        "mobilenet-v2, mobilenet_v2",
        "mobilenet-v3-small, mobilenet_v3_small",
        "alexnet, alexnet",
    })
    void trainGraphHasTheLegacyTrainExportsOperators(String zooName, String fixture) {
        JsonNode counts = truth(fixture).get("onnx").get("train.onnx").get("op_counts");
        java.util.Map<String, Long> expected = new java.util.TreeMap<>();
        for (var e : counts.properties()) {
            if (!e.getKey().equals("Constant")) {
                expected.put(e.getKey(), e.getValue().asLong());
            }
        }
        java.util.Map<String, Long> actual = new java.util.TreeMap<>();
        for (var n : Zoo.network(zooName, true).build().graph().nodes()) {
            actual.merge(n.opType(), 1L, Long::sum);
        }
        assertThat(actual).isEqualTo(expected);
    }
}
