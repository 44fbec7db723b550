package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.ShapeException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shape rules of NnOps that the ONNX node tests do not reach (operators without tests, symbolic dims,
 * older opsets). Expected shapes are worked from the ONNX operator spec in the comments.
 */
class NnShapeTest {

    private static List<ValueType> infer(String op, int opset, int outputs, List<TensorType> inputs, Attribute... attrs) {
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            in.add(inputs.get(i) == null ? "" : "in" + i);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add("out" + i);
        }
        Map<String, Attribute> a = new HashMap<>();
        for (Attribute at : attrs) {
            a.put(at.name(), at);
        }
        Node node = new Node("n", op, "", in, out, a, Map.of(), "");
        InferenceContext ctx = new InferenceContext(node, opset, new ArrayList<ValueType>(inputs),
                Arrays.asList(new TensorValue[inputs.size()]), null);
        OpRegistry.standard().find(node).shape().infer(ctx);
        return ctx.outputTypes();
    }

    private static TensorType f(long... dims) {
        return TensorType.of(DType.FLOAT, dims);
    }

    private static TensorType sym(String first, long... rest) {
        List<Dim> dims = new ArrayList<>();
        dims.add(Dim.symbol(first));
        for (long r : rest) {
            dims.add(Dim.of(r));
        }
        return new TensorType(DType.FLOAT, new Shape(dims));
    }

    @Test
    void maxRoiPoolGivesOneMapPerRoi() {
        // X [1,8,20,20], rois [5,5], pooled_shape 3×4 → [num_rois 5, C 8, 3, 4]
        assertThat(infer("MaxRoiPool", 1, 1, List.of(f(1, 8, 20, 20), f(5, 5)), Attribute.ofInts("pooled_shape", 3, 4)))
                .containsExactly(f(5, 8, 3, 4));
    }

    @Test
    void globalLpPoolKeepsBatchAndChannels() {
        // [2,3,7,9] → [2,3,1,1]
        assertThat(infer("GlobalLpPool", 2, 1, List.of(f(2, 3, 7, 9)))).containsExactly(f(2, 3, 1, 1));
    }

    @Test
    void symbolicBatchFlowsThroughConvPoolGemmAndRnn() {
        // Conv1d SAME_LOWER stride 2 over 11: ceil(11/2) = 6; batch stays symbolic
        assertThat(infer("Conv", 17, 1, List.of(sym("N", 4, 11), f(8, 4, 3)),
                Attribute.ofString("auto_pad", "SAME_LOWER"), Attribute.ofInts("strides", 2)))
                .containsExactly(sym("N", 8, 6));
        // MaxPool 3, stride 2, ceil_mode over 8: ceil((8-3)/2)+1 = 4; indices int64
        assertThat(infer("MaxPool", 12, 2, List.of(sym("N", 4, 8)), Attribute.ofInts("kernel_shape", 3),
                Attribute.ofInts("strides", 2), Attribute.ofInt("ceil_mode", 1)))
                .containsExactly(sym("N", 4, 4), sym("N", 4, 4).withDType(DType.INT64));
        // Gemm [N,16] × [16,10]ᵀ? no transB: B [16,10] → [N,10]
        assertThat(infer("Gemm", 13, 1, List.of(sym("N", 16), f(16, 10)))).containsExactly(sym("N", 10));
        // LSTM layout 1: X [N, seq 5, I 3], hidden 7, bidirectional → Y [N,5,2,7], Y_h/Y_c [N,2,7]
        assertThat(infer("LSTM", 14, 3, List.of(sym("N", 5, 3), f(2, 28, 3), f(2, 28, 7)),
                Attribute.ofInt("layout", 1), Attribute.ofString("direction", "bidirectional")))
                .containsExactly(sym("N", 5, 2, 7), sym("N", 2, 7), sym("N", 2, 7));
    }

    @Test
    void batchNormBeforeOpset14HasFourStatisticsOutputs() {
        // opset 9: Y, mean, var, saved_mean, saved_var; the statistics are [C]
        assertThat(infer("BatchNormalization", 9, 5, List.of(f(2, 3, 4, 4), f(3), f(3), f(3), f(3))))
                .containsExactly(f(2, 3, 4, 4), f(3), f(3), f(3), f(3));
    }

    @Test
    void attentionWithPastKeysGrowsTheSequence() {
        // Q [2,4,5,8] K [2,2,3,8] V [2,2,3,6], past_key [2,2,7,8], past_value [2,2,7,6]:
        // Y [2,4,5,6]; present_key [2,2,10,8]; present_value [2,2,10,6]; qk [2,4,5,10]
        assertThat(infer("Attention", 23, 4, Arrays.asList(f(2, 4, 5, 8), f(2, 2, 3, 8), f(2, 2, 3, 6), null,
                f(2, 2, 7, 8), f(2, 2, 7, 6))))
                .containsExactly(f(2, 4, 5, 6), f(2, 2, 10, 8), f(2, 2, 10, 6), f(2, 4, 5, 10));
    }

    @Test
    void convTransposeWithGroupsMultipliesOutputChannels() {
        // X [1,4,5,5], W [4, 3, 3, 3], group 2 → Cout = 3·2 = 6; stride 2, pads 1: 2·4 + 3 − 2 = 9
        assertThat(infer("ConvTranspose", 11, 1, List.of(f(1, 4, 5, 5), f(4, 3, 3, 3)), Attribute.ofInt("group", 2),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 1, 1, 1, 1)))
                .containsExactly(f(1, 6, 9, 9));
    }

    @Test
    void badAttributesAreShapeExceptions() {
        assertThatThrownBy(() -> infer("MaxPool", 12, 1, List.of(f(1, 1, 4, 4)), Attribute.ofInts("kernel_shape", 0, 2)))
                .isInstanceOf(ShapeException.class);
        assertThatThrownBy(() -> infer("Conv", 11, 1, List.of(f(1, 1, 4, 4), f(1, 1, 2, 2)), Attribute.ofInts("strides", 0, 1)))
                .isInstanceOf(ShapeException.class);
        assertThatThrownBy(() -> infer("Conv", 11, 1, List.of(f(1, 1, 4, 4), f(1, 1, 2, 2)), Attribute.ofInts("strides", 1)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("strides");
        assertThatThrownBy(() -> infer("Attention", 23, 1, List.of(f(2, 5, 8), f(2, 3, 8), f(2, 3, 8))))
                .isInstanceOf(ShapeException.class).hasMessageContaining("num_heads");
        assertThatThrownBy(() -> infer("Einsum", 12, 1, List.of(f(2, 3)), Attribute.ofString("equation", "i$->i")))
                .isInstanceOf(ShapeException.class);
    }
}
