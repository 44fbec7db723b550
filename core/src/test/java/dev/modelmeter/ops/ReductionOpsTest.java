package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.ShapeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.modelmeter.graph.DType.FLOAT;
import static dev.modelmeter.graph.DType.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected shapes and values worked from the ONNX operator specification. */
class ReductionOpsTest {

    @ParameterizedTest
    @ValueSource(strings = {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
            "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"})
    void axesAttributeBefore18InputFrom18(String op) {
        // [2,3,4] reduced over axis 1: keepdims=1 → [2,1,4]; keepdims=0 → [2,4]
        assertThat(OpRuleHarness.of(op).opset(13).attr(Attribute.ofInts("axes", 1)).in(FLOAT, 2, 3, 4).type(0))
                .isEqualTo(TensorType.of(FLOAT, 2, 1, 4));
        assertThat(OpRuleHarness.of(op).opset(18).attr(Attribute.ofInt("keepdims", 0)).in(FLOAT, 2, 3, 4)
                .value(TensorValue.vector(-2)).type(0)).isEqualTo(TensorType.of(FLOAT, 2, 4));
    }

    @Test
    void reduceSumTakesAxesAsInputFrom13() {
        assertThat(OpRuleHarness.of("ReduceSum").opset(13).in(FLOAT, 2, 3, 4).value(TensorValue.vector(0, 2)).type(0))
                .isEqualTo(TensorType.of(FLOAT, 1, 3, 1));
        assertThat(OpRuleHarness.of("ReduceSum").opset(11).attr(Attribute.ofInts("axes", 0, 2)).in(FLOAT, 2, 3, 4)
                .type(0)).isEqualTo(TensorType.of(FLOAT, 1, 3, 1));
    }

    @Test
    void emptyAxesReduceAllOrNothing() {
        // no axes: everything reduced, keepdims → [1,1,1]
        assertThat(OpRuleHarness.of("ReduceSum").opset(13).in(FLOAT, 2, 3, 4).type(0))
                .isEqualTo(TensorType.of(FLOAT, 1, 1, 1));
        // noop_with_empty_axes=1: identity
        assertThat(OpRuleHarness.of("ReduceMean").opset(18).attr(Attribute.ofInt("noop_with_empty_axes", 1))
                .in(FLOAT, 2, 3, 4).type(0)).isEqualTo(TensorType.of(FLOAT, 2, 3, 4));
    }

    @Test
    void unknownAxesKeepTheRankWithKeepdims() {
        assertThat(OpRuleHarness.of("ReduceMax").opset(18).in(FLOAT, 2, 3, 4).in(INT64, 1).type(0))
                .isEqualTo(new TensorType(FLOAT, Shape.unknownDims(3)));
        // keepdims=0 and two axes: rank 3 − 2 = 1
        assertThat(OpRuleHarness.of("ReduceMax").opset(18).attr(Attribute.ofInt("keepdims", 0))
                .in(FLOAT, 2, 3, 4).in(INT64, 2).type(0)).isEqualTo(new TensorType(FLOAT, Shape.unknownDims(1)));
    }

    @Test
    void reduceProdOfAShapeIsItsElementCount() {
        // prod([2,3,4]) = 24, keepdims=0 → a scalar
        assertThat(OpRuleHarness.of("ReduceProd").opset(13).attr(Attribute.ofInt("keepdims", 0))
                .value(TensorValue.vector(2, 3, 4)).run().outputValue(0)).isEqualTo(TensorValue.scalar(24));
    }

    @Test
    void outOfRangeAxisIsAShapeError() {
        assertThatThrownBy(() -> OpRuleHarness.of("ReduceSum").opset(13).in(FLOAT, 2, 3).value(TensorValue.vector(2)).run())
                .isInstanceOf(ShapeException.class);
    }

    @Test
    void argMaxGivesInt64() {
        // [2,3,4] along axis 1: keepdims → [2,1,4], without → [2,4]
        assertThat(OpRuleHarness.of("ArgMax").attr(Attribute.ofInt("axis", 1)).in(FLOAT, 2, 3, 4).type(0))
                .isEqualTo(TensorType.of(INT64, 2, 1, 4));
        assertThat(OpRuleHarness.of("ArgMin").attr(Attribute.ofInt("axis", -2)).attr(Attribute.ofInt("keepdims", 0))
                .in(FLOAT, 2, 3, 4).type(0)).isEqualTo(TensorType.of(INT64, 2, 4));
    }

    @Test
    void softmaxKeepsShape() {
        for (String op : List.of("Softmax", "LogSoftmax", "Hardmax", "LpNormalization")) {
            assertThat(OpRuleHarness.of(op).in(FLOAT, 2, 3, 4).type(0)).isEqualTo(TensorType.of(FLOAT, 2, 3, 4));
        }
        assertThatThrownBy(() -> OpRuleHarness.of("Softmax").attr(Attribute.ofInt("axis", 3)).in(FLOAT, 2, 3, 4).run())
                .isInstanceOf(ShapeException.class);
    }

    @Test
    void cumSumValues() {
        // [1,2,3]: inclusive [1,3,6]; exclusive reverse: [2+3, 3, 0] = [5,3,0]
        assertThat(OpRuleHarness.of("CumSum").value(TensorValue.vector(1, 2, 3)).value(TensorValue.scalar(0))
                .run().outputValue(0)).isEqualTo(TensorValue.vector(1, 3, 6));
        assertThat(OpRuleHarness.of("CumSum").attr(Attribute.ofInt("exclusive", 1)).attr(Attribute.ofInt("reverse", 1))
                .value(TensorValue.vector(1, 2, 3)).value(TensorValue.scalar(0)).run().outputValue(0))
                .isEqualTo(TensorValue.vector(5, 3, 0));
    }

    @Test
    void topKCutsTheAxisToK() {
        // [3,4], k=2 along the last axis → values [3,2] float, indices [3,2] int64
        OpRuleHarness h = OpRuleHarness.of("TopK").outputs(2).opset(11).in(FLOAT, 3, 4).value(TensorValue.vector(2));
        assertThat(h.type(0)).isEqualTo(TensorType.of(FLOAT, 3, 2));
        assertThat(h.type(1)).isEqualTo(TensorType.of(INT64, 3, 2));
        // opset 1: k is an attribute
        assertThat(OpRuleHarness.of("TopK").outputs(2).opset(1).attr(Attribute.ofInt("k", 3)).in(FLOAT, 3, 4).type(1))
                .isEqualTo(TensorType.of(INT64, 3, 3));
    }
}
