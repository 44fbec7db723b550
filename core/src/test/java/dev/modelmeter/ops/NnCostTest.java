package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
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
 * NnOps' cost rules on hand-built nodes. Every expected number is worked by hand in a comment, from
 * FlopCounterMode's formulas (divided by 2) or from a layer of a fixture's truth.json.
 */
class NnCostTest {

    private static final OpRegistry REGISTRY = OpRegistry.standard();

    /** Runs the op's shape rule on {@code inputs}, then its cost rule on the inferred outputs. */
    private static Cost cost(String op, int opset, List<TensorType> inputs, Attribute... attrs) {
        return costWithOutputs(op, opset, inputs, 1, attrs);
    }

    private static Cost costWithOutputs(String op, int opset, List<TensorType> inputs, int outputs, Attribute... attrs) {
        Node node = node(op, inputs.size(), outputs, attrs);
        InferenceContext ctx = new InferenceContext(node, opset, new ArrayList<ValueType>(inputs),
                Arrays.asList(new dev.modelmeter.graph.TensorValue[inputs.size()]), null);
        REGISTRY.find(node).shape().infer(ctx);
        List<TensorType> outs = new ArrayList<>();
        for (ValueType t : ctx.outputTypes()) {
            outs.add((TensorType) t);
        }
        return REGISTRY.find(node).cost().cost(new CostContext(node, opset, inputs, outs));
    }

    private static Node node(String op, int inputs, int outputs, Attribute... attrs) {
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            in.add("in" + i);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add("out" + i);
        }
        Map<String, Attribute> a = new HashMap<>();
        for (Attribute at : attrs) {
            a.put(at.name(), at);
        }
        return new Node("n", op, "", in, out, a, Map.of(), "");
    }

    private static TensorType f(long... dims) {
        return TensorType.of(DType.FLOAT, dims);
    }

    @Test
    void convCountsOutputTimesInputChannelsPerGroupTimesKernel() {
        // vgg16_seed layer1.0 (truth.json): 1×64×32×32 × (3/1) × 3×3 = 65,536 × 27 = 1,769,472
        Cost c = cost("Conv", 20, List.of(f(1, 3, 32, 32), f(64, 3, 3, 3), f(64)), Attribute.ofInts("pads", 1, 1, 1, 1));
        assertThat(c.macs()).isEqualTo(1_769_472L);
        assertThat(c.otherFlops()).as("bias adds, one per output").isEqualTo(65_536L);
        assertThat(c.formula()).isEqualTo("macs = 1×64×32×32 × (3/1) × 3×3 = 1,769,472; bias adds 65,536 flops");
    }

    @Test
    void depthwiseConvDividesChannelsByGroups() {
        // 1×32×112×112 output, 32 groups of 1 channel, 3×3: 401,408 × 1 × 9 = 3,612,672
        Cost c = cost("Conv", 17, List.of(f(1, 32, 112, 112), f(32, 1, 3, 3)),
                Attribute.ofInt("group", 32), Attribute.ofInts("pads", 1, 1, 1, 1));
        assertThat(c.macs()).isEqualTo(3_612_672L);
        assertThat(c.formula()).startsWith("macs = 1×32×112×112 × (32/32) × 3×3");
    }

    @Test
    void convTransposeCountsInputPositionsAsFlopCounterModeDoes() {
        // conv_flop_count(transposed): prod(x spatial) × prod(k) × N × W[0] × W[1] = 3·3 × 3·3 × 1 × 1 × 2 = 162
        Cost c = cost("ConvTranspose", 11, List.of(f(1, 1, 3, 3), f(1, 2, 3, 3)));
        assertThat(c.macs()).isEqualTo(162L);
    }

    @Test
    void gemmIsMTimesNTimesK() {
        // resnet18 fc: truth aten.addmm 1,024,000 flops / 2 = 512,000 = 1 × 1000 × 512
        Cost c = cost("Gemm", 17, List.of(f(1, 512), f(1000, 512), f(1000)), Attribute.ofInt("transB", 1));
        assertThat(c.macs()).isEqualTo(512_000L);
        assertThat(c.otherFlops()).isEqualTo(1000L);
    }

    @Test
    void batchedMatMulCountsEveryBatch() {
        // BERT scores: [1,12,128,64] @ [1,12,64,128]: 12 × 128 × 128 × 64 = 12,582,912
        assertThat(cost("MatMul", 17, List.of(f(1, 12, 128, 64), f(1, 12, 64, 128))).macs()).isEqualTo(12_582_912L);
        // broadcast batch: [2,1,3,4] @ [5,4,6] -> [2,5,3,6]: 2·5·3·6 × 4 = 720
        assertThat(cost("MatMul", 13, List.of(f(2, 1, 3, 4), f(5, 4, 6))).macs()).isEqualTo(720L);
        // GPT-2 lm_head: truth aten.mm 9,880,928,256 flops / 2 = 128 × 768 × 50257 = 4,940,464,128
        assertThat(cost("MatMul", 20, List.of(f(1, 128, 768), f(768, 50257))).macs()).isEqualTo(4_940_464_128L);
    }

    @Test
    void matrixVectorProductIsNotCountedLikeFlopCounterMode() {
        // [3,4] @ [4] runs as aten.mv: FlopCounterMode has no formula, 0; the arithmetic (12) is in the text
        Cost mv = cost("MatMul", 13, List.of(f(3, 4), f(4)));
        assertThat(mv.macs()).isZero();
        assertThat(mv.formula()).contains("aten.mv").contains("= 12");
        // [4] @ [4,5] runs as mm: 1 × 5 × 4 = 20
        assertThat(cost("MatMul", 13, List.of(f(4), f(4, 5))).macs()).isEqualTo(20L);
    }

    @Test
    void einsumCountsTheContractionAsBmm() {
        // bij,bjk->bik with b=2 i=3 j=4 k=5: 2·3·4·5 = 120
        Cost c = cost("Einsum", 12, List.of(f(2, 3, 4), f(2, 4, 5)), Attribute.ofString("equation", "bij,bjk->bik"));
        assertThat(c.macs()).isEqualTo(120L);
        // i,i-> sums i across both: 5
        assertThat(cost("Einsum", 12, List.of(f(5), f(5)), Attribute.ofString("equation", "i,i")).macs()).isEqualTo(5L);
        // i,j->ij (outer product) sums nothing: an elementwise multiply, 0
        assertThat(cost("Einsum", 12, List.of(f(3), f(4)), Attribute.ofString("equation", "i,j->ij")).macs()).isZero();
        // ...ij,...jk with batch 7: 7·2·3·4 = 168
        assertThat(cost("Einsum", 12, List.of(f(7, 2, 3), f(7, 3, 4)), Attribute.ofString("equation", "...ij,...jk"))
                .macs()).isEqualTo(168L);
    }

    @Test
    void attentionCountsScoresAndWeightedValues() {
        // sdpa_flop_count / 2: b·h·s_q·s_kv·(d + d_v) = 2·3·4·6·(8 + 10) = 2,592
        Cost c = cost("Attention", 23, List.of(f(2, 3, 4, 8), f(2, 3, 6, 8), f(2, 3, 6, 10)));
        assertThat(c.macs()).isEqualTo(2_592L);
        // 3-D with 3 query heads over 1 kv head (GQA): q [2,4,24] → d 8; v [2,6,10] → d_v 10; same 2,592
        Cost gqa = cost("Attention", 23, List.of(f(2, 4, 24), f(2, 6, 8), f(2, 6, 10)),
                Attribute.ofInt("q_num_heads", 3), Attribute.ofInt("kv_num_heads", 1));
        assertThat(gqa.macs()).isEqualTo(2_592L);
    }

    @Test
    void recurrentLayersCountInputAndHiddenProjections() {
        // LSTM X [seq 3, batch 2, I 5], R [1, 4·4, 4]: 1·3·2 × 4·4 × (5 + 4) = 6 × 16 × 9 = 864
        Cost lstm = cost("LSTM", 14, List.of(f(3, 2, 5), f(1, 16, 5), f(1, 16, 4)), Attribute.ofInt("hidden_size", 4));
        assertThat(lstm.macs()).isEqualTo(864L);
        // bidirectional GRU, same sizes with 3 gates: 2·3·2 × 3·4 × 9 = 1,296
        Cost gru = cost("GRU", 14, List.of(f(3, 2, 5), f(2, 12, 5), f(2, 12, 4)),
                Attribute.ofInt("hidden_size", 4), Attribute.ofString("direction", "bidirectional"));
        assertThat(gru.macs()).isEqualTo(1_296L);
    }

    @Test
    void poolingAndNormsHaveNoMacsButEstimatedFlops() {
        // MaxPool 2×2 stride 2 on 1×64×32×32 → 1×64×16×16 = 16,384 outputs × 4 compares = 65,536
        Cost pool = cost("MaxPool", 17, List.of(f(1, 64, 32, 32)),
                Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2));
        assertThat(pool.macs()).isZero();
        assertThat(pool.otherFlops()).isEqualTo(65_536L);
        // BatchNorm in eval: 2 per element, 1×64×32×32 = 65,536 → 131,072; training mode: 4 → 262,144
        List<TensorType> bn = List.of(f(1, 64, 32, 32), f(64), f(64), f(64), f(64));
        assertThat(cost("BatchNormalization", 15, bn).otherFlops()).isEqualTo(131_072L);
        assertThat(costWithOutputs("BatchNormalization", 15, bn, 3, Attribute.ofInt("training_mode", 1)).otherFlops())
                .isEqualTo(262_144L);
        // Dropout: 0 in eval (no mask output); training (mask requested): 2 per element, 10 → 20
        assertThat(cost("Dropout", 13, List.of(f(2, 5))).otherFlops()).isZero();
        assertThat(costWithOutputs("Dropout", 13, List.of(f(2, 5)), 2).otherFlops()).isEqualTo(20L);
        // the mode is read from the node, not the opset: a caller passing opset 0 gets the same answers
        Node evalDropout = node("Dropout", 1, 1);
        assertThat(REGISTRY.find(evalDropout).cost().cost(new CostContext(evalDropout, 0, List.of(f(2, 5)),
                List.of(f(2, 5)))).otherFlops()).isZero();
    }

    @Test
    void storedTensorsGetTheirPyTorchRoles() {
        Node bn = node("BatchNormalization", 5, 1);
        assertThat(REGISTRY.find(bn).inputRoles()).containsEntry(1, InitializerRole.PARAMETER)
                .containsEntry(2, InitializerRole.PARAMETER).containsEntry(3, InitializerRole.BUFFER)
                .containsEntry(4, InitializerRole.BUFFER);
        assertThat(REGISTRY.find(node("Gemm", 3, 1)).inputRoles()).containsEntry(1, InitializerRole.PARAMETER)
                .containsEntry(2, InitializerRole.PARAMETER);
        assertThat(REGISTRY.find(node("Dropout", 3, 2)).inputRoles()).containsEntry(1, InitializerRole.CONSTANT)
                .containsEntry(2, InitializerRole.CONSTANT);
    }

    @Test
    void impossibleShapesAreShapeExceptions() {
        // 3 input channels against a weight expecting 4
        assertThatThrownBy(() -> cost("Conv", 17, List.of(f(1, 3, 8, 8), f(2, 4, 3, 3))))
                .isInstanceOf(ShapeException.class).hasMessageContaining("channels");
        // a 5×5 window over a 3×3 input without padding
        assertThatThrownBy(() -> cost("MaxPool", 17, List.of(f(1, 1, 3, 3)), Attribute.ofInts("kernel_shape", 5, 5)))
                .isInstanceOf(ShapeException.class);
        // K mismatch
        assertThatThrownBy(() -> cost("MatMul", 13, List.of(f(2, 3), f(4, 5)))).isInstanceOf(ShapeException.class);
        assertThatThrownBy(() -> cost("Einsum", 12, List.of(f(2, 3)), Attribute.ofString("equation", "ij,jk->ik")))
                .isInstanceOf(ShapeException.class);
    }

    @Test
    void unknownShapesCountNothingAndSaySo() {
        TensorType unknownRank = new TensorType(DType.FLOAT, null);
        // unknown is never zero: the rule says its cost is unknown (the node is then partial)
        assertThatThrownBy(() -> cost("Conv", 17, List.of(unknownRank, f(8, 3, 3, 3))))
                .isInstanceOf(UnknownCostException.class).hasMessageContaining("not known");
        // a symbolic batch leaves the output's batch symbolic
        Node n = node("Conv", 2, 1);
        InferenceContext ctx = new InferenceContext(n, 17, List.of(new TensorType(DType.FLOAT,
                new Shape(List.of(dev.modelmeter.graph.Dim.symbol("batch"), dev.modelmeter.graph.Dim.of(3),
                        dev.modelmeter.graph.Dim.of(8), dev.modelmeter.graph.Dim.of(8)))), f(8, 3, 3, 3)),
                Arrays.asList(null, null), null);
        REGISTRY.find(n).shape().infer(ctx);
        assertThat(ctx.outputType(0).toString()).isEqualTo("float32[batch, 8, 6, 6]");
    }
}
