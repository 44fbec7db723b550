package dev.modelmeter.onnx;

import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ScopeNamesTest {

    @Test
    void legacyNamesDropTheOpAndMergeSequentialChildren() {
        assertThat(ScopeNames.fromLegacyName("/layer1/layer1.0/conv1/Conv")).isEqualTo("layer1.0.conv1");
        assertThat(ScopeNames.fromLegacyName("/features/features.0/Conv")).isEqualTo("features.0");
        assertThat(ScopeNames.fromLegacyName("//encoder/layer.0/attention/self/query/MatMul"))
                .isEqualTo("encoder.layer.0.attention.self.query");
        assertThat(ScopeNames.fromLegacyName("/conv1/Conv")).isEqualTo("conv1");
        assertThat(ScopeNames.fromLegacyName("/Flatten")).isEqualTo("");
        assertThat(ScopeNames.fromLegacyName("Conv_0")).isEqualTo("");
        assertThat(ScopeNames.fromLegacyName("")).isEqualTo("");
    }

    @Test
    void dynamoNameScopesGiveTheDeepestModule() {
        assertThat(ScopeNames.fromNameScopes("['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'convolution']"))
                .isEqualTo("layer1.0.conv1");
        assertThat(ScopeNames.fromNameScopes("['', 'transformer', 'transformer.h.0', 'transformer.h.0.ln_1', 'layer_norm']"))
                .isEqualTo("transformer.h.0.ln_1");
        assertThat(ScopeNames.fromNameScopes("['', 'relu', 'relu']")).isEqualTo("relu");
        assertThat(ScopeNames.fromNameScopes("['', 'view']")).isEqualTo("");
        assertThat(ScopeNames.fromNameScopes("garbage")).isEqualTo("");
    }

    @Test
    void metadataWinsOverTheName() {
        assertThat(ScopeNames.of("node_Conv_3", "Conv", List.of("x", "w"),
                Map.of(ScopeNames.NAME_SCOPES_KEY, "['', 'conv1', 'convolution']"))).isEqualTo("conv1");
        assertThat(ScopeNames.of("/conv1/Conv", "Conv", List.of(), Map.of())).isEqualTo("conv1");
    }

    @Test
    void legacyAliasPathsYieldToTheParameterName() {
        // vgg16_seed: block layer1 is also registered as conv.0 and called through conv
        assertThat(ScopeNames.of("/conv/layer1/layer1.0/Conv", "Conv", List.of("x", "layer1.0.weight", "layer1.0.bias"),
                Map.of())).isEqualTo("layer1.0");
        // a tied weight used by another module does not move the node
        assertThat(ScopeNames.of("/lm_head/MatMul", "MatMul", List.of("h", "transformer.wte.weight"), Map.of()))
                .isEqualTo("lm_head");
        assertThat(ScopeNames.of("/layer1/layer1.0/conv1/Conv", "Conv", List.of("x", "onnx::Conv_193"), Map.of()))
                .isEqualTo("layer1.0.conv1");
    }

    private static Node legacy(String name, String op, String... inputs) {
        List<String> in = List.of(inputs);
        return new Node(name, op, "", in, List.of(name + "_out"), Map.of(), Map.of(), ScopeNames.of(name, op, in, Map.of()));
    }

    @Test
    void repeatedCallsOfOneModuleShareItsName() {
        // torchvision BasicBlock calls self.relu twice: the exporter writes relu and relu_1
        List<Node> nodes = ScopeNames.refine(List.of(
                legacy("/layer1/layer1.0/relu/Relu", "Relu", "a"),
                legacy("/layer1/layer1.0/relu_1/Relu", "Relu", "b"),
                legacy("/layer1/layer1.0/conv/Conv", "Conv", "c", "layer1.0.conv.weight"),
                // a module really named conv_1 owns its parameters, so it is not a second call of conv
                legacy("/layer1/layer1.0/conv_1/Conv", "Conv", "d", "layer1.0.conv_1.weight")),
                Set.of("layer1.0.conv.weight", "layer1.0.conv_1.weight"));
        assertThat(nodes).extracting(Node::scope)
                .containsExactly("layer1.0.relu", "layer1.0.relu", "layer1.0.conv", "layer1.0.conv_1");
    }

    @Test
    void aliasLearnedFromAParameterRenamesItsSiblings() {
        List<Node> nodes = ScopeNames.refine(List.of(
                legacy("/conv/layer1/layer1.0/Conv", "Conv", "x", "layer1.0.weight"),
                legacy("/conv/layer1/layer1.2/Relu", "Relu", "y"),
                legacy("/classifier/classifier.1/Relu", "Relu", "z")), Set.of("layer1.0.weight"));
        assertThat(nodes).extracting(Node::scope).containsExactly("layer1.0", "layer1.2", "classifier.1");
    }

    @Test
    void aConvThatAbsorbedABatchNormTakesItsScopeFromTheWeightName() {
        Map<String, String> bnMetadata = Map.of(
                ScopeNames.NAME_SCOPES_KEY, "['', 'layer1', 'layer1.0', 'layer1.0.bn1', '_native_batch_norm_legit_no_training_1']",
                ScopeNames.CLASS_HIERARCHY_KEY, "['torchvision.models.resnet.ResNet', 'torch.nn.modules.container.Sequential', "
                        + "'torchvision.models.resnet.Bottleneck', 'torch.nn.modules.batchnorm.BatchNorm2d', "
                        + "'aten._native_batch_norm_legit_no_training.default']");
        assertThat(ScopeNames.of("node_Conv_755", "Conv", List.of("x", "layer1.0.conv1.weight", "layer1.0.conv1.weight_bias"),
                bnMetadata)).isEqualTo("layer1.0.conv1");
        // the same metadata on another op is taken as written
        assertThat(ScopeNames.of("n", "Relu", List.of("x"), bnMetadata)).isEqualTo("layer1.0.bn1");
    }

    /**
     * Every Conv and Gemm of a fixture belongs to a leaf module that truth.json lists in {@code layers[]}
     * (the module names PyTorch's forward hooks saw) with a Conv / Linear class, for both exporters.
     */
    @TestFactory
    Stream<DynamicTest> convAndGemmScopesAreModuleNamesFromTruth() throws IOException {
        Path fixtures = SharedData.path("fixtures");
        ObjectMapper json = new ObjectMapper();
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(fixtures)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                JsonNode truth = json.readTree(Files.readString(dir.resolve("truth.json")));
                Map<String, String> layerClass = new HashMap<>();
                truth.get("layers").forEach(l -> layerClass.put(l.get("name").asString(), l.get("class").asString()));
                for (String file : List.of("model.onnx", "train.onnx")) {
                    if (dir.getFileName().toString().equals("vgg16_seed") && file.equals("model.onnx")) {
                        // registers every block twice (layerN and conv.N-1); the dynamo exporter names both
                        // modules and parameters by the alias the forward pass used (conv.0.0), and nothing in
                        // the file maps that back to PyTorch's first-registered name (layer1.0)
                        continue;
                    }
                    tests.add(DynamicTest.dynamicTest(dir.getFileName() + "/" + file, () -> {
                        Model m = OnnxReader.read(dir.resolve(file));
                        List<String> misses = new ArrayList<>();
                        int checked = 0;
                        for (Node n : m.graph().nodes()) {
                            if (n.opType().equals("Conv") || n.opType().equals("Gemm")) {
                                checked++;
                                String cls = layerClass.getOrDefault(n.scope(), "none");
                                boolean fits = n.opType().equals("Conv") ? cls.startsWith("Conv")
                                        : cls.equals("Linear") || cls.equals("Conv1D");
                                if (!fits) {
                                    misses.add(n.name() + " -> '" + n.scope() + "' (" + cls + ")");
                                }
                            }
                        }
                        assertThat(misses).as(checked + " Conv/Gemm nodes").isEmpty();
                        // and every node's scope is a module PyTorch knows: a leaf from layers[] or an ancestor
                        Set<String> modules = new HashSet<>();
                        for (String layer : layerClass.keySet()) {
                            String[] parts = layer.split("\\.");
                            String acc = "";
                            for (String part : parts) {
                                acc = acc.isEmpty() ? part : acc + "." + part;
                                modules.add(acc);
                            }
                        }
                        List<String> unknown = m.graph().nodes().stream()
                                .filter(n -> !n.scope().isEmpty() && !modules.contains(n.scope()))
                                .map(n -> n.name() + " -> '" + n.scope() + "'").toList();
                        assertThat(unknown).as("scopes that are no module").isEmpty();
                    }));
                }
            }
        }
        return tests.stream();
    }
}
