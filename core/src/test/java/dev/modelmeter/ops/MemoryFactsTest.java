package dev.modelmeter.ops;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.modelmeter.ops.MemoryFacts.Autocast.FP32;
import static dev.modelmeter.ops.MemoryFacts.Autocast.LOWER_PRECISION;
import static dev.modelmeter.ops.MemoryFacts.Autocast.UNLISTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks the whole registry: every operator states what the memory plan needs to know about it, so an
 * operator added without its memory facts fails here rather than being planned silently wrong.
 */
class MemoryFactsTest {

    private static String name(OpDef d) {
        return (d.domain().isEmpty() ? "" : d.domain() + ":") + d.opType();
    }

    @Test
    void everyOperatorDeclaresWhatItSavesOrWhyItIsNotModelled() {
        List<String> undeclared = new ArrayList<>();
        for (OpDef d : OpRegistry.standard().all()) {
            if (d.autograd() == null && d.memory().savesNotModelled() == null) {
                undeclared.add(name(d));
            }
        }
        // .saves(rule), .saves(AutogradRule.NOTHING) with a comment, .notDifferentiable(reason) or
        // .savesNotModelled(reason) on the registration
        assertThat(undeclared).as("operators with no declared saves").isEmpty();
    }

    @Test
    void aNonDifferentiableOperatorSavesNothingAndSaysWhy() {
        for (OpDef d : OpRegistry.standard().all()) {
            String why = d.memory().notDifferentiable();
            if (why != null) {
                assertThat(why).as(name(d)).isNotBlank();
                assertThat(d.autograd()).as(name(d)).isSameAs(AutogradRule.NOTHING);
                assertThat(d.memory().gradientPassesThrough()).as(name(d)).isEmpty();
            }
            if (d.memory().savesNotModelled() != null) {
                assertThat(d.autograd()).as(name(d) + " declares saves and says they are not modelled").isNull();
            }
        }
    }

    @Test
    void everyViewSaysHowItsStridesFollowAndOnlyViewsDo() {
        for (OpDef d : OpRegistry.standard().all()) {
            assertThat(d.memory().viewLayout() != null).as(name(d)).isEqualTo(d.view());
        }
    }

    @Test
    void theGradientPassesThroughOnlyWhereTheBackwardIsTheIdentity() {
        // views whose backward is a view of the output's gradient (reshape, transpose), and add/sub's
        // "grad_output" operands in derivatives.yaml (self: grad, other: grad / -grad for sub)
        Map<String, List<Integer>> expected = new LinkedHashMap<>();
        for (String view : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity")) {
            expected.put(view, List.of(0));
        }
        expected.put("Add", List.of(0, 1));
        expected.put("Sub", List.of(0));
        Map<String, List<Integer>> declared = new LinkedHashMap<>();
        for (OpDef d : OpRegistry.standard().all()) {
            if (!d.memory().gradientPassesThrough().isEmpty()) {
                declared.put(name(d), d.memory().gradientPassesThrough().stream().sorted().toList());
            }
        }
        assertThat(declared).containsExactlyInAnyOrderEntriesOf(expected);
    }

    /**
     * PyTorch's autocast op lists (aten/src/ATen/autocast_mode.cpp, later autocast_mode.h):
     * AT_FORALL_LOWER_PRECISION_FP (CUDA), AT_FORALL_FP32 and AT_FORALL_FP32_SET_OPT_DTYPE (CUDA), and the
     * AutocastCPU block's lower_precision_fp and fp32 kernels, mapped to the ONNX ops that export them.
     * Every other registered op is in no list (or the promote list, which is type promotion as usual).
     */
    @Test
    void autocastCategoriesAreThoseOfPyTorchsLists() {
        Map<String, MemoryFacts.Autocast[]> lists = new LinkedHashMap<>();
        // conv1d/2d/3d, conv_transpose*, matmul, addmm/linear, prelu: both lists
        for (String op : List.of("Conv", "ConvTranspose", "MatMul", "Gemm", "PRelu")) {
            lists.put(op, new MemoryFacts.Autocast[] {LOWER_PRECISION, LOWER_PRECISION});
        }
        lists.put("Einsum", new MemoryFacts.Autocast[] {LOWER_PRECISION, UNLISTED}); // einsum: CUDA list only
        // CUDA fp32: acos asin cosh exp log reciprocal sinh tan pow softplus layer_norm group_norm
        // frobenius_norm logsumexp; fp32_set_opt_dtype: softmax log_softmax cumsum sum (prod is also CPU fp32)
        for (String op : List.of("Acos", "Asin", "Cosh", "Exp", "Log", "Reciprocal", "Sinh", "Tan", "Pow",
                "Softplus", "LayerNormalization", "GroupNormalization", "ReduceL2", "ReduceLogSumExp", "Softmax",
                "LogSoftmax", "CumSum", "ReduceSum")) {
            lists.put(op, new MemoryFacts.Autocast[] {FP32, UNLISTED});
        }
        lists.put("ReduceProd", new MemoryFacts.Autocast[] {FP32, FP32});
        // nll_loss is fp32 on both; cross_entropy_loss on CPU, log_softmax + nll_loss (both fp32) on CUDA
        lists.put("NegativeLogLikelihoodLoss", new MemoryFacts.Autocast[] {FP32, FP32});
        lists.put("SoftmaxCrossEntropyLoss", new MemoryFacts.Autocast[] {FP32, FP32});
        // grid_sampler: CUDA promote, CPU fp32; max_unpool2d/3d: CPU fp32
        lists.put("GridSample", new MemoryFacts.Autocast[] {UNLISTED, FP32});
        lists.put("MaxUnpool", new MemoryFacts.Autocast[] {UNLISTED, FP32});
        for (OpDef d : OpRegistry.standard().all()) {
            MemoryFacts.Autocast[] want = d.domain().isEmpty() ? lists.remove(d.opType()) : null;
            if (want == null) {
                want = new MemoryFacts.Autocast[] {UNLISTED, UNLISTED};
            }
            assertThat(new MemoryFacts.Autocast[] {d.memory().autocastCuda(), d.memory().autocastCpu()})
                    .as(name(d)).containsExactly(want);
        }
        assertThat(lists).as("listed ops with no registration").isEmpty();
    }

    @Test
    void exportOnlyOutputsAreThoseOfTheNormsDropoutAndMaxPool() {
        List<String> declared = new ArrayList<>();
        for (OpDef d : OpRegistry.standard().all()) {
            if (d.memory().exportOnly(1)) {
                declared.add(name(d));
                assertThat(d.memory().exportOnly(0)).as(name(d) + ": output 0 is real").isFalse();
            }
        }
        // BatchNorm's running stats are updated in place; Dropout's mask, MaxPool's indices and LayerNorm's
        // statistics are the node's saved tensors (counted by its autograd rule), not model values
        assertThat(declared).containsExactlyInAnyOrder("BatchNormalization", "Dropout", "MaxPool",
                "LayerNormalization");
    }
}
