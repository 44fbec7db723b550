package dev.modelmeter.onnx;

import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads every fixture file (model.onnx, train.onnx) and checks what the reader returns against the
 * figures the fixture generator wrote from the onnx Python package: {@code truth.json → onnx.<file>}.
 */
class OnnxReaderFixturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesTruth() throws IOException {
        Path fixtures = SharedData.path("fixtures");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(fixtures)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                JsonNode truth = JSON.readTree(Files.readString(dir.resolve("truth.json")));
                for (String file : List.of("model.onnx", "train.onnx")) {
                    JsonNode t = truth.path("onnx").path(file);
                    if (!Files.exists(dir.resolve(file)) || t.path("exported").asBoolean(true) == false) {
                        continue;
                    }
                    tests.add(DynamicTest.dynamicTest(dir.getFileName() + "/" + file,
                            () -> check(dir.resolve(file), t)));
                }
            }
        }
        assertThat(tests).isNotEmpty();
        return tests.stream();
    }

    private static void check(Path file, JsonNode t) {
        Model model = OnnxReader.read(file);
        Graph g = model.graph();

        assertThat(g.nodes()).as("graph_nodes").hasSize(t.get("graph_nodes").asInt());
        Map<String, Integer> ops = new TreeMap<>();
        for (Node n : g.nodes()) {
            ops.merge(n.opType(), 1, Integer::sum);
        }
        Map<String, Integer> expectedOps = new TreeMap<>();
        t.get("op_counts").properties().forEach(e -> expectedOps.put(e.getKey(), e.getValue().asInt()));
        assertThat(ops).as("op_counts").isEqualTo(expectedOps);

        assertThat(model.defaultOpset(-1)).as("opset").isEqualTo(t.get("opset").asInt());
        Map<String, Integer> expectedImports = new TreeMap<>();
        t.get("opset_imports").properties().forEach(e -> expectedImports.put(e.getKey(), e.getValue().asInt()));
        Map<String, Integer> imports = new TreeMap<>();
        model.opsets().forEach((d, v) -> imports.put(d.isEmpty() ? "ai.onnx" : d, v));
        assertThat(imports).as("opset_imports").isEqualTo(expectedImports);
        assertThat(model.irVersion()).as("ir_version").isEqualTo(t.get("ir_version").asLong());
        assertThat(model.producer()).as("producer").isEqualTo(t.get("producer").asString());
        assertThat(g.valueInfo()).as("value_info_entries").hasSize(t.get("value_info_entries").asInt());

        JsonNode init = t.get("initializers");
        long elements = 0;
        long external = 0;
        long externalElements = 0;
        for (TensorData d : g.initializers()) {
            elements += d.numel();
            if (d.location() != null && d.location().isExternal()) {
                external++;
                externalElements += d.numel();
                assertThat(d.value()).as("external tensors have no value").isNull();
            } else if (d.dtype().isFloatingPoint() && d.numel() > 64) {
                // a float tensor of more than 64 elements is a weight: never read
                assertThat(d.value()).as(d.name() + " is a weight: not read").isNull();
            } else if (d.numel() <= TensorValue.MAX_ELEMENTS) {
                // small embedded tensors (shape constants, scalars) keep their contents
                assertThat(d.value()).as(d.name() + " value").isNotNull();
                assertThat(d.value().size()).isEqualTo((int) d.numel());
            }
        }
        assertThat(g.initializers()).as("initializers.count").hasSize(init.get("count").asInt());
        assertThat(elements).as("initializers.elements").isEqualTo(init.get("elements").asLong());
        assertThat(external).as("initializers.external_count").isEqualTo(init.get("external_count").asLong());
        assertThat(externalElements).as("initializers.external_elements")
                .isEqualTo(init.get("external_elements").asLong());

        Set<String> initNames = new HashSet<>();
        g.initializers().forEach(d -> initNames.add(d.name()));
        List<ValueInfo> realInputs = g.inputs().stream().filter(v -> !initNames.contains(v.name())).toList();
        checkValues("inputs", realInputs, t.get("inputs"));
        checkValues("outputs", g.outputs(), t.get("outputs"));
    }

    private static void checkValues(String what, List<ValueInfo> actual, JsonNode expected) {
        assertThat(actual).as(what).hasSize(expected.size());
        for (int i = 0; i < actual.size(); i++) {
            ValueInfo v = actual.get(i);
            JsonNode e = expected.get(i);
            assertThat(v.name()).as(what + "[" + i + "].name").isEqualTo(e.get("name").asString());
            assertThat(v.type()).as(what + " " + v.name()).isInstanceOf(TensorType.class);
            TensorType tt = (TensorType) v.type();
            assertThat(tt.dtype().displayName()).as(v.name() + " dtype").isEqualTo(e.get("dtype").asString());
            List<String> dims = new ArrayList<>();
            for (Dim d : tt.shape().dims()) {
                dims.add(d.toString());
            }
            List<String> expectedDims = new ArrayList<>();
            e.get("shape").forEach(d -> expectedDims.add(d.isNumber() ? Long.toString(d.asLong()) : d.asString()));
            assertThat(dims).as(v.name() + " shape").isEqualTo(expectedDims);
        }
    }
}
