package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.TensorType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.modelmeter.graph.DType.BOOL;
import static dev.modelmeter.graph.DType.FLOAT;
import static dev.modelmeter.graph.DType.INT64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the neural-network operators' registrations say autograd saves, worked by hand from PyTorch's
 * derivatives.yaml and the kernels' saved statistics (the fixtures' measurements agree).
 */
class NnAutogradTest {

    private static final AutogradContext.Backend CUDA = AutogradContext.Backend.CUDA;

    private static List<Saved> saved(OpRuleHarness h, List<TensorType> ins, List<TensorType> outs,
                                     List<Boolean> requiresGrad, List<Boolean> isWeight,
                                     AutogradContext.Backend backend) {
        var node = h.node();
        return OpRegistry.standard().find(node).autograd()
                .saved(new AutogradContext(node, ins, outs, requiresGrad, isWeight, backend));
    }

    @Test
    void convSavesInputAndWeightEvenWhenTheInputNeedsNoGrad() {
        TensorType x = TensorType.of(FLOAT, 1, 3, 8, 8);
        TensorType w = TensorType.of(FLOAT, 4, 3, 3, 3);
        TensorType y = TensorType.of(FLOAT, 1, 4, 6, 6);
        // the model input of a first conv needs no grad; convolution_backward still keeps it
        assertThat(saved(OpRuleHarness.of("Conv").in(x).in(w), List.of(x, w), List.of(y),
                List.of(false, true), List.of(false, true), CUDA))
                .containsExactly(Saved.input(0), Saved.input(1));
    }

    @Test
    void matmulSavesEachOperandForTheOthersGrad() {
        TensorType a = TensorType.of(FLOAT, 2, 4);
        TensorType b = TensorType.of(FLOAT, 4, 5);
        TensorType c = TensorType.of(FLOAT, 2, 5);
        // Q·Kᵀ: both need a grad, both saved (grad a = g·bᵀ needs b, grad b = aᵀ·g needs a)
        assertThat(saved(OpRuleHarness.of("MatMul").in(a).in(b), List.of(a, b), List.of(c),
                List.of(true, true), List.of(false, false), CUDA))
                .containsExactlyInAnyOrder(Saved.input(0), Saved.input(1));
        // a Linear on the model input: only the weight needs a grad, so only the input is kept
        assertThat(saved(OpRuleHarness.of("Gemm").in(a).in(b), List.of(a, b), List.of(c),
                List.of(false, true), List.of(false, true), CUDA))
                .containsExactly(Saved.input(0));
    }

    @Test
    void normsSaveInputAndFloatStatistics() {
        TensorType x = TensorType.of(FLOAT, 2, 8, 4, 4);
        // BatchNorm: mean and invstd per channel, 2 × 8 = 16 floats
        assertThat(saved(OpRuleHarness.of("BatchNormalization").in(x), List.of(x), List.of(x),
                List.of(true), List.of(false), CUDA))
                .containsExactly(Saved.input(0), Saved.extra(FLOAT, 16, "mean+invstd"));
        // GroupNorm, 4 groups: mean and rstd per (sample, group), 2 × 2·4 = 16 floats
        assertThat(saved(OpRuleHarness.of("GroupNormalization").attr(Attribute.ofInt("num_groups", 4)).in(x),
                List.of(x), List.of(x), List.of(true), List.of(false), CUDA))
                .containsExactly(Saved.input(0), Saved.extra(FLOAT, 16, "mean+rstd"));
        // InstanceNorm: per (sample, channel), 2 × 2·8 = 32 floats
        assertThat(saved(OpRuleHarness.of("InstanceNormalization").in(x), List.of(x), List.of(x),
                List.of(true), List.of(false), CUDA))
                .containsExactly(Saved.input(0), Saved.extra(FLOAT, 32, "mean+rstd"));
        // LayerNorm over the last axis of [2, 5, 8]: 2·5 = 10 rows, 2 × 10 = 20 floats
        TensorType seq = TensorType.of(FLOAT, 2, 5, 8);
        assertThat(saved(OpRuleHarness.of("LayerNormalization").in(seq), List.of(seq), List.of(seq),
                List.of(true), List.of(false), CUDA))
                .containsExactly(Saved.input(0), Saved.extra(FLOAT, 20, "mean+rstd"));
    }

    @Test
    void poolsAndDropout() {
        TensorType x = TensorType.of(FLOAT, 1, 2, 4, 4);
        TensorType pooled = TensorType.of(FLOAT, 1, 2, 2, 2);
        // max_pool2d_with_indices: the input and int64 indices of the output's size, 1·2·2·2 = 8
        assertThat(saved(OpRuleHarness.of("MaxPool").in(x), List.of(x), List.of(pooled),
                List.of(true), List.of(false), CUDA))
                .containsExactly(Saved.input(0), Saved.extra(INT64, 8, "indices"));
        assertThat(saved(OpRuleHarness.of("GlobalAveragePool").in(x), List.of(x),
                List.of(TensorType.of(FLOAT, 1, 2, 1, 1)), List.of(true), List.of(false), CUDA)).isEmpty();
        // dropout's mask has the input's 1·2·4·4 = 32 elements: bool on CUDA, the input's dtype on CPU
        assertThat(saved(OpRuleHarness.of("Dropout").in(x), List.of(x), List.of(x),
                List.of(true), List.of(false), CUDA))
                .containsExactly(Saved.extra(BOOL, 32, "dropout mask"));
        assertThat(saved(OpRuleHarness.of("Dropout").in(x), List.of(x), List.of(x),
                List.of(true), List.of(false), AutogradContext.Backend.CPU))
                .containsExactly(Saved.extra(FLOAT, 32, "dropout mask"));
    }
}
