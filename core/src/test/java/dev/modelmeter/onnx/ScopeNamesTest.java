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
                if (dir.getFileName().toString().equals("vgg16_seed")) {
                    // registers every block twice (layerN and conv.N-1); the files name the alias the
                    // forward pass used, which no rule can map back to PyTorch's first-registered name
                    continue;
                }
                for (String file : List.of("model.onnx", "train.onnx")) {
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
                    }));
                }
            }
        }
        return tests.stream();
    }
}
