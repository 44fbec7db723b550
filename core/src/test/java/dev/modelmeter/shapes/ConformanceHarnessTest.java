package dev.modelmeter.shapes;

import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness itself: a right rule passes, a wrong one fails, a missing one fails with its reason. */
class ConformanceHarnessTest {

    private static ConformanceHarness.Outcome run(String test, ShapeRuleLookup rules) throws IOException {
        Path dir = SharedData.path("onnx-node-tests/" + test);
        JsonNode expected = new ObjectMapper().readTree(Files.readString(dir.resolve("expected.json")));
        return ConformanceHarness.run(test, dir.resolve("model.onnx"), expected.get("inputs"), expected.get("outputs"), rules);
    }

    /** Abs keeps its input's type: the rule everyone agrees on. */
    private static final ShapeRule SAME_AS_INPUT = ctx -> ctx.output(0, ctx.input(0));

    @Test
    void correctRulePasses() throws IOException {
        assertThat(run("test_abs", (node, opset) -> node.opType().equals("Abs") ? SAME_AS_INPUT : null).passed()).isTrue();
    }

    @Test
    void wrongShapeFails() throws IOException {
        ShapeRule dropLastDim = ctx -> {
            TensorType in = ctx.input(0);
            ctx.output(0, in.withShape(new Shape(in.shape().dims().subList(0, in.shape().rank() - 1))));
        };
        ConformanceHarness.Outcome o = run("test_abs", (node, opset) -> dropLastDim);
        assertThat(o.passed()).isFalse();
        assertThat(o.reason()).contains("expected FLOAT[3,4,5]");
    }

    @Test
    void declaredOutputTypesAreNotUsed() throws IOException {
        // no rule at all: the model declares y as FLOAT[3,4,5], which must not make the test pass
        ConformanceHarness.Outcome o = run("test_abs", (node, opset) -> null);
        assertThat(o.passed()).isFalse();
        assertThat(o.reason()).contains("no shape rule for [Abs]");
        assertThat(o.foreign()).isNull();
    }
}
