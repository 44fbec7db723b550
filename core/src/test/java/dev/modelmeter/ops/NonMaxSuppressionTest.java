package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With known boxes and scores the number of selected boxes is computed as the ONNX reference does. */
class NonMaxSuppressionTest {

    // boxes [y1, x1, y2, x2]: A = unit square, B = A shifted 0.1 right, C far away
    private static final TensorValue BOXES = new TensorValue(DType.FLOAT, new long[] {1, 3, 4},
            new double[] {0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, 10, 1, 11});
    private static final TensorValue SCORES = new TensorValue(DType.FLOAT, new long[] {1, 1, 3}, new double[] {0.9, 0.8, 0.7});

    private static TensorType run(long maxPerClass) {
        return OpRuleHarness.of("NonMaxSuppression").opset(11).value(BOXES).value(SCORES)
                .value(TensorValue.vector(maxPerClass)).value(new TensorValue(DType.FLOAT, new long[] {1}, new double[] {0.5}))
                .type(0);
    }

    @Test
    void overlappingBoxIsSuppressed() {
        // IoU(A, B) = (0.9·1) / (1 + 1 − 0.9) = 0.818 > 0.5: B goes; C does not overlap: A and C stay → [2, 3]
        assertThat(run(3)).isEqualTo(TensorType.of(DType.INT64, 2, 3));
        // at most one box per class → [1, 3]
        assertThat(run(1)).isEqualTo(TensorType.of(DType.INT64, 1, 3));
    }

    @Test
    void unknownScoresLeaveTheCountUnknown() {
        TensorType t = OpRuleHarness.of("NonMaxSuppression").opset(11).value(BOXES).in(DType.FLOAT, 1, 1, 3).type(0);
        assertThat(t.shape().rank()).isEqualTo(2);
        assertThat(t.shape().dim(0).isKnown()).isFalse();
        assertThat(t.shape().dim(1)).isEqualTo(Shape.of(3).dim(0));
    }
}
