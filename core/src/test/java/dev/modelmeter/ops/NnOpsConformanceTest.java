package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.shapes.ShapeInference;
import dev.modelmeter.shapes.ShapedGraph;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ONNX backend node tests of NnOps' operators (direct tests: one node of the operator): every
 * output's dtype and shape must equal the suite's expected output, inferred from the inputs alone (the
 * model's declared output types are ignored; the test's small input values are fed, as a model's
 * constants would be).
 */
class NnOpsConformanceTest {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    /** Operators NnOps registers that the suite tests directly. */
    private static final Set<String> OPS = Set.of("Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv",
            "MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "MaxRoiPool",
            "RoiAlign", "MaxUnpool", "BatchNormalization", "InstanceNormalization", "LayerNormalization",
            "GroupNormalization", "RMSNormalization", "LRN", "MeanVarianceNormalization", "Gemm", "MatMul",
            "MatMulInteger", "QLinearMatMul", "Einsum", "Dropout", "Attention", "RotaryEmbedding", "RNN", "GRU",
            "LSTM", "NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss", "GridSample", "NonMaxSuppression");

    /**
     * Outputs whose size depends on input values no shape rule can know: NonMaxSuppression's selected
     * boxes (left unknown, which is the right answer, so these tests count as passing when the dim is
     * unknown and the rest matches).
     */
    private static final Set<String> DATA_DEPENDENT = Set.of("NonMaxSuppression");

    @Test
    void directNodeTestsOfNnOperators() throws IOException {
        Path root = SharedData.path("onnx-node-tests");
        Map<String, int[]> perOp = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path expectedFile = dir.resolve("expected.json");
                if (!Files.isRegularFile(expectedFile) || dir.getFileName().toString().contains("_expanded")) {
                    continue;
                }
                JsonNode expected = MAPPER.readTree(expectedFile.toFile());
                JsonNode opTypes = expected.get("op_types");
                if (opTypes.size() != 1 || !OPS.contains(opTypes.get(0).asString())) {
                    continue;
                }
                String op = opTypes.get(0).asString();
                int[] counts = perOp.computeIfAbsent(op, k -> new int[2]);
                counts[1]++;
                String problem = run(dir, expected, DATA_DEPENDENT.contains(op));
                if (problem == null) {
                    counts[0]++;
                } else {
                    failures.add(dir.getFileName() + ": " + problem);
                }
            }
        }
        int pass = 0;
        int total = 0;
        for (var e : perOp.entrySet()) {
            System.out.printf("%-28s %3d / %3d%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
            pass += e.getValue()[0];
            total += e.getValue()[1];
        }
        System.out.printf("NnOps direct node tests: %d / %d pass%n", pass, total);
        failures.forEach(f -> System.out.println("  FAIL " + f));
        assertThat(failures).isEmpty();
    }

    /** Null when every output matches, else what differs. */
    private static String run(Path dir, JsonNode expected, boolean dataDependent) {
        try {
            Model model = OnnxReader.read(dir.resolve("model.onnx"));
            Map<String, ValueType> types = new HashMap<>();
            Map<String, TensorValue> values = new HashMap<>();
            for (JsonNode in : expected.get("inputs")) {
                String name = in.get("name").asString();
                JsonNode file = in.get("file");
                if (file != null && !file.isNull()) {
                    TensorData t = OnnxReader.readTensorFile(dir.resolve(file.asString()));
                    types.put(name, t.type());
                    if (t.value() != null) {
                        values.put(name, t.value());
                    }
                } else if (in.get("dtype") != null && !in.get("dtype").isNull()) {
                    types.put(name, new TensorType(DType.valueOf(in.get("dtype").asString()), shape(in.get("shape"))));
                }
            }
            ShapedGraph shaped = ShapeInference.infer(model.graph(), model.opsets(), OpRegistry.standard(),
                    new ShapeInference.Options(types, values, true));
            List<String> diffs = new ArrayList<>();
            List<ValueInfo> outs = model.graph().outputs();
            JsonNode want = expected.get("outputs");
            for (int i = 0; i < outs.size(); i++) {
                JsonNode w = want.get(i);
                if (w.get("dtype") == null || w.get("dtype").isNull()) {
                    continue; // sequences and optionals: none among these operators
                }
                TensorType got = shaped.tensor(outs.get(i).name());
                String wantText = w.get("dtype").asString() + shape(w.get("shape"));
                if (got == null || got.shape() == null) {
                    diffs.add(outs.get(i).name() + ": got " + got + ", want " + wantText);
                    continue;
                }
                dev.modelmeter.graph.Shape ws = shape(w.get("shape"));
                boolean shapeOk = got.shape().rank() == ws.rank();
                for (int d = 0; shapeOk && d < ws.rank(); d++) {
                    var g = got.shape().dim(d);
                    shapeOk = g.isKnown() ? g.value() == ws.dim(d).value() : dataDependent;
                }
                if (!shapeOk || !got.dtype().name().equals(w.get("dtype").asString())) {
                    diffs.add(outs.get(i).name() + ": got " + got.dtype().name() + got.shape() + ", want " + wantText);
                }
            }
            return diffs.isEmpty() ? null : String.join("; ", diffs);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static dev.modelmeter.graph.Shape shape(JsonNode dims) {
        List<Long> sizes = new ArrayList<>();
        dims.forEach(d -> sizes.add(d.asLong()));
        return dev.modelmeter.graph.Shape.of(sizes);
    }
}
