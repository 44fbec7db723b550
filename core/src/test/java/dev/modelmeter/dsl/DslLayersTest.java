package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.ShapeInference;
import dev.modelmeter.shapes.ShapedGraph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each layer type built alone: parameters, buffers and output shape (inferred by the shape engine from
 * the emitted graph) against formulas worked by hand.
 */
class DslLayersTest {

    /** One module as the whole network, called on an input of the given type. */
    static Network single(Module m, DType dtype, Shape in) {
        return single(m, dtype, in, false);
    }

    static Network single(Module m, DType dtype, Shape in, boolean training) {
        Network net = new Network("t").training(training);
        Tensor x = net.input("x", dtype, in);
        net.root(m);
        net.output("y", m.apply(x));
        net.build();
        return net;
    }

    static long count(Network net, InitializerRole role) {
        return net.build().graph().initializers().stream()
                .filter(t -> net.initializerRoles().get(t.name()) == role).mapToLong(TensorData::numel).sum();
    }

    /**
     * The output shape as the shape engine infers it from the graph alone (declarations ignored), after
     * checking that it agrees with the shape the DSL tracked while building.
     */
    static Shape out(Network net) {
        Model m = net.build();
        ShapedGraph shaped = ShapeInference.infer(m.graph(), m.opsets(), OpRegistry.standard(),
                new ShapeInference.Options(Map.of(), Map.of(), true));
        assertThat(shaped.unknownOps()).isEmpty();
        assertThat(shaped.warnings()).isEmpty();
        ValueInfo output = m.graph().outputs().get(0);
        TensorType inferred = shaped.tensor(output.name());
        assertThat(inferred).as("inferred vs DSL-tracked type").isEqualTo(output.type());
        return inferred.shape();
    }

    static List<String> ops(Network net) {
        return net.build().graph().nodes().stream().map(Node::opType).toList();
    }

    static Node node(Network net, String opType) {
        return net.build().graph().nodes().stream().filter(n -> n.opType().equals(opType)).findFirst().orElseThrow();
    }

    @Test
    void conv2dParamsAndOutputShape() {
        Network net = single(new Conv2d(3, 64, 3, 1, 1), DType.FLOAT, Network.shape("N", 3, 32, 32));
        // Co × (Kh·Kw·Cin + 1) = 64 × (3·3·3 + 1) = 64 × 28 = 1792
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(1792);
        // (32 + 2·1 − 3)/1 + 1 = 32; the symbolic batch passes through
        assertThat(out(net)).isEqualTo(Network.shape("N", 64, 32, 32));
        assertThat(ops(net)).containsExactly("Conv");
        assertThat(node(net, "Conv").intsAttr("pads")).containsExactly(1L, 1L, 1L, 1L);
        assertThat(node(net, "Conv").inputs()).containsExactly("x", "weight", "bias");
    }

    @Test
    void groupedStridedConvWithoutBias() {
        Network net = single(new Conv2d(32, 64, 3, 2, 1, 1, 4, false), DType.FLOAT, Shape.of(1, 32, 56, 56));
        // Co × Kh·Kw·Cin/groups = 64 × 9·32/4 = 64 × 72 = 4608, no bias
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(4608);
        // ⌊(56 + 2 − 3)/2⌋ + 1 = ⌊55/2⌋ + 1 = 28
        assertThat(out(net)).isEqualTo(Shape.of(1, 64, 28, 28));
        assertThat(node(net, "Conv").intAttr("group", 1)).isEqualTo(4);
    }

    @Test
    void dilatedConv() {
        Network net = single(new Conv2d(8, 8, 3, 1, 0, 2, 1, true), DType.FLOAT, Shape.of(1, 8, 20, 20));
        // ⌊(20 − 2·(3−1) − 1)/1⌋ + 1 = 16
        assertThat(out(net)).isEqualTo(Shape.of(1, 8, 16, 16));
        // 8 × (9·8 + 1) = 584
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(584);
    }

    @Test
    void conv2dRejectsWrongChannels() {
        assertThatThrownBy(() -> single(new Conv2d(3, 8, 3), DType.FLOAT, Shape.of(1, 4, 8, 8)))
                .isInstanceOf(ModelMeterException.class).hasMessageContaining("3 input channels");
    }

    @Test
    void batchNormEvalGraph() {
        Network net = single(new BatchNorm2d(64), DType.FLOAT, Network.shape("N", 64, 8, 8));
        // 2 × C parameters (weight, bias) and 2 × C buffers (running mean, var): 128 and 128
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(128);
        assertThat(count(net, InitializerRole.BUFFER)).isEqualTo(128);
        Node bn = node(net, "BatchNormalization");
        assertThat(bn.inputs()).containsExactly("x", "weight", "bias", "running_mean", "running_var");
        assertThat(bn.outputs()).hasSize(1);
        assertThat(bn.attributes()).doesNotContainKey("training_mode");
        assertThat(bn.floatAttr("momentum", 0)).isEqualTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(out(net)).isEqualTo(Network.shape("N", 64, 8, 8));
    }

    @Test
    void batchNormTrainGraph() {
        Network net = single(new BatchNorm2d(16), DType.FLOAT, Shape.of(2, 16, 4, 4), true);
        Node bn = node(net, "BatchNormalization");
        assertThat(bn.intAttr("training_mode", 0)).isEqualTo(1);
        assertThat(bn.outputs()).hasSize(3);
    }

    @Test
    void reluRecordsInPlace() {
        Network inplace = single(new ReLU(true), DType.FLOAT, Shape.of(1, 4));
        Network copy = single(new ReLU(), DType.FLOAT, Shape.of(1, 4));
        assertThat(node(inplace, "Relu").metadata()).containsEntry(Network.INPLACE, "true");
        assertThat(node(copy, "Relu").metadata()).doesNotContainKey(Network.INPLACE);
        assertThat(out(inplace)).isEqualTo(Shape.of(1, 4));
    }

    @Test
    void relu6IsClipZeroSix() {
        Network net = single(new ReLU6(true), DType.FLOAT, Shape.of(1, 4, 2, 2));
        Node clip = node(net, "Clip");
        TensorData min = init(net, clip.input(1));
        TensorData max = init(net, clip.input(2));
        assertThat(min.value().get(0)).isEqualTo(0.0);
        assertThat(max.value().get(0)).isEqualTo(6.0);
        assertThat(count(net, InitializerRole.PARAMETER)).isZero();
    }

    static TensorData init(Network net, String name) {
        return net.build().graph().initializers().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void maxPoolFloorAndCeil() {
        // ⌊(112 + 2·1 − 3)/2⌋ + 1 = ⌊111/2⌋ + 1 = 56
        assertThat(out(single(new MaxPool2d(3, 2, 1), DType.FLOAT, Shape.of(1, 64, 112, 112))))
                .isEqualTo(Shape.of(1, 64, 56, 56));
        // ceil: ⌈(14 − 3)/2⌉ + 1 = ⌈5.5⌉ + 1 = 7 (floor would give 6)
        assertThat(out(single(new MaxPool2d(3, 2, 0, 1, true), DType.FLOAT, Shape.of(1, 1, 14, 14))))
                .isEqualTo(Shape.of(1, 1, 7, 7));
    }

    @Test
    void avgPoolCountsPaddingLikeTorch() {
        Network net = single(new AvgPool2d(2), DType.FLOAT, Shape.of(1, 3, 8, 8));
        assertThat(out(net)).isEqualTo(Shape.of(1, 3, 4, 4)); // 8/2
        assertThat(node(net, "AveragePool").intAttr("count_include_pad", 0)).isEqualTo(1);
    }

    @Test
    void adaptiveAvgPool() {
        Network global = single(new AdaptiveAvgPool2d(1), DType.FLOAT, Network.shape("N", 512, 7, 7));
        assertThat(ops(global)).containsExactly("GlobalAveragePool");
        assertThat(out(global)).isEqualTo(Network.shape("N", 512, 1, 1));

        Network divisible = single(new AdaptiveAvgPool2d(7, 7), DType.FLOAT, Shape.of(1, 512, 14, 14));
        // kernel = stride = 14/7 = 2
        assertThat(node(divisible, "AveragePool").intsAttr("kernel_shape")).containsExactly(2L, 2L);
        assertThat(node(divisible, "AveragePool").intsAttr("strides")).containsExactly(2L, 2L);
        assertThat(out(divisible)).isEqualTo(Shape.of(1, 512, 7, 7));

        assertThatThrownBy(() -> single(new AdaptiveAvgPool2d(7, 7), DType.FLOAT, Shape.of(1, 8, 10, 10)))
                .isInstanceOf(ModelMeterException.class).hasMessageContaining("divisible");
    }

    @Test
    void linearOn2dIsGemm() {
        Network net = single(new Linear(512, 10), DType.FLOAT, Network.shape("N", 512));
        // (D1 + 1) × D2 = 513 × 10 = 5130
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(5130);
        assertThat(ops(net)).containsExactly("Gemm");
        assertThat(node(net, "Gemm").intAttr("transB", 0)).isEqualTo(1);
        assertThat(out(net)).isEqualTo(Network.shape("N", 10));
    }

    @Test
    void linearOn3dIsMatMulPlusAdd() {
        Network net = single(new Linear(768, 3072), DType.FLOAT, Network.shape("B", "S", 768));
        // 769 × 3072 = 2,362,368
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(2_362_368);
        assertThat(ops(net)).containsExactly("Transpose", "MatMul", "Add");
        assertThat(out(net)).isEqualTo(Network.shape("B", "S", 3072));
        assertThat(init(net, "weight").dims()).containsExactly(3072L, 768L); // torch layout [out, in]
    }

    @Test
    void dropoutEvalAndTrain() {
        Network eval = single(new Dropout(0.1), DType.FLOAT, Shape.of(1, 8));
        assertThat(node(eval, "Dropout").inputs()).hasSize(2);
        assertThat(node(eval, "Dropout").outputs()).hasSize(1);
        Network train = single(new Dropout(0.1), DType.FLOAT, Shape.of(1, 8), true);
        assertThat(node(train, "Dropout").inputs()).hasSize(3);
        assertThat(node(train, "Dropout").outputs()).hasSize(2);
        assertThat(init(train, node(train, "Dropout").input(1)).value().get(0)).isEqualTo(0.1);
    }

    @Test
    void flatten() {
        Network f1 = single(new Flatten(), DType.FLOAT, Network.shape("N", 512, 1, 1));
        assertThat(ops(f1)).containsExactly("Flatten");
        assertThat(out(f1)).isEqualTo(Network.shape("N", 512)); // 512·1·1
        Network f2 = single(new Flatten(2), DType.FLOAT, Shape.of(2, 3, 4, 5));
        assertThat(ops(f2)).containsExactly("Reshape");
        assertThat(out(f2)).isEqualTo(Shape.of(2, 3, 20)); // 4·5
    }

    @Test
    void viewIsAFaithfulReshape() {
        Network net = single(new View(-1, 512), DType.FLOAT, Network.shape("N", 512, 1, 1));
        assertThat(ops(net)).containsExactly("Reshape");
        TensorData target = init(net, node(net, "Reshape").input(1));
        assertThat(target.value()).isEqualTo(TensorValue.vector(-1, 512));
        assertThat(target.location()).isNull();
        assertThat(net.initializerRoles().get(target.name())).isEqualTo(InitializerRole.CONSTANT);
        // N·512·1·1 / 512 = N
        assertThat(out(net)).isEqualTo(Network.shape("N", 512));
        // a 2×2 map makes PyTorch's -1 absorb it into the batch: 2·512·2·2 / 512 = 8 rows
        assertThat(out(single(new View(-1, 512), DType.FLOAT, Shape.of(2, 512, 2, 2)))).isEqualTo(Shape.of(8, 512));
    }

    @Test
    void embedding() {
        Network net = single(new Embedding(30522, 768), DType.INT64, Shape.of(1, 128));
        // V × D = 30522 × 768 = 23,440,896
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(23_440_896);
        assertThat(ops(net)).containsExactly("Gather");
        assertThat(out(net)).isEqualTo(Shape.of(1, 128, 768));
    }

    @Test
    void layerNorm() {
        Network net = single(new LayerNorm(768, 1e-12), DType.FLOAT, Shape.of(1, 128, 768));
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(1536); // 2 × 768
        assertThat(node(net, "LayerNormalization").intAttr("axis", 0)).isEqualTo(-1);
        assertThat(out(net)).isEqualTo(Shape.of(1, 128, 768));
    }

    @Test
    void activationsKeepTheShape() {
        Shape s = Shape.of(2, 5, 7);
        assertThat(ops(single(new GELU(), DType.FLOAT, s))).containsExactly("Gelu");
        assertThat(node(single(new GELU("tanh"), DType.FLOAT, s), "Gelu").stringAttr("approximate", ""))
                .isEqualTo("tanh");
        assertThat(ops(single(new Tanh(), DType.FLOAT, s))).containsExactly("Tanh");
        Network softmax = single(new Softmax(-1), DType.FLOAT, s);
        assertThat(node(softmax, "Softmax").intAttr("axis", 0)).isEqualTo(-1);
        assertThat(out(softmax)).isEqualTo(s);
    }

    @Test
    void sequentialNumbersChildrenLikeTorchAndScopesNodes() {
        Sequential seq = new Sequential(new Conv2d(3, 8, 3), new ReLU(true)).add("head", new Flatten());
        Network net = single(seq, DType.FLOAT, Shape.of(1, 3, 10, 10));
        assertThat(seq.children().keySet()).containsExactly("0", "1", "head");
        List<Node> nodes = net.build().graph().nodes();
        assertThat(nodes).extracting(Node::scope).containsExactly("0", "1", "head");
        assertThat(net.build().graph().initializers()).extracting(TensorData::name).contains("0.weight", "0.bias");
        // 10 − 3 + 1 = 8; flatten 8·8·8 = 512
        assertThat(out(net)).isEqualTo(Shape.of(1, 512));
        assertThat(net.calls()).extracting(ModuleCall::path).containsExactly("0", "1", "head", "");
    }

    /** A block calling one ReLU twice around a residual addition, as torchvision's BasicBlock. */
    static final class Block extends Module {
        final Linear fc = register("fc", new Linear(4, 4));
        final ReLU relu = register("relu", new ReLU(true));

        @Override
        protected Tensor forward(Tensor x) {
            return relu.apply(relu.apply(fc.apply(x)).add(x));
        }
    }

    @Test
    void sharedModuleCalledTwiceAndResidual() {
        Network net = single(new Block(), DType.FLOAT, Shape.of(2, 4));
        assertThat(ops(net)).containsExactly("Gemm", "Relu", "Add", "Relu");
        assertThat(net.calls()).filteredOn(c -> c.path().equals("relu")).extracting(ModuleCall::callIndex)
                .containsExactly(0, 1);
        List<Node> nodes = net.build().graph().nodes();
        assertThat(nodes.stream().map(Node::name).distinct().count()).isEqualTo(nodes.size());
        assertThat(nodes.get(2).scope()).isEqualTo(""); // the addition runs in the block's own forward
        // fc: (4 + 1) × 4 = 20
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(20);
    }

    /** An embedding and a head sharing one weight. */
    static final class TiedLm extends Module {
        final Embedding wte = register("wte", new Embedding(100, 16));
        final Linear head = register("head", new Linear(16, 100, false).tieWeight(wte.weight()));

        @Override
        protected Tensor forward(Tensor ids) {
            return head.apply(wte.apply(ids));
        }
    }

    @Test
    void tiedWeightIsOneInitializer() {
        Network net = single(new TiedLm(), DType.INT64, Shape.of(1, 5));
        // 100 × 16 = 1600, counted once although two modules register it
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(1600);
        assertThat(net.build().graph().initializers()).extracting(TensorData::name).containsExactly("wte.weight");
        assertThat(out(net)).isEqualTo(Shape.of(1, 5, 100));
    }

    @Test
    void attentionCore() {
        Network net = new Network("attn");
        Tensor x = net.input("x", DType.FLOAT, Network.shape("B", 6, 32));
        Tensor q = Attention.splitHeads(x, 4);
        assertThat(q.shape()).isEqualTo(Network.shape("B", 4, 6, 8)); // 32 / 4 heads = 8
        Tensor ctx = Attention.scaledDotProduct(q, q, q, Attention.causalMask(net, 6), null);
        Tensor y = Attention.mergeHeads(ctx);
        net.output("y", y);
        Model m = net.build();
        assertThat(out(net)).isEqualTo(Network.shape("B", 6, 32));
        assertThat(m.graph().nodes().stream().filter(n -> n.opType().equals("MatMul")).count()).isEqualTo(2);
        assertThat(m.graph().nodes()).extracting(Node::opType).contains("Softmax", "Where", "Div");
    }

    @Test
    void moduleOutsideTheRootIsRejected() {
        Network net = new Network("t");
        Tensor x = net.input("x", DType.FLOAT, Shape.of(1, 4));
        net.root(new ReLU());
        assertThatThrownBy(() -> new Linear(4, 4).apply(x)).isInstanceOf(ModelMeterException.class)
                .hasMessageContaining("not reachable");
    }

    @Test
    void modelCarriesOpsetAndNoPayloads() {
        Model m = single(new Conv2d(3, 4, 1), DType.FLOAT, Shape.of(1, 3, 2, 2)).build();
        assertThat(m.defaultOpset(0)).isEqualTo(Network.OPSET);
        assertThat(m.graph().initializers()).allSatisfy(t -> {
            assertThat(t.location()).isNull();
            assertThat(t.value()).isNull();
        });
    }

    @Test
    void multiHeadSelfAttentionParamsShapeAndMacs() {
        Network net = single(new MultiHeadSelfAttention(64, 4, true, true, 0.1), DType.FLOAT, Shape.of(2, 10, 64));
        // 4 projections × (E + 1) × E = 4 × 65 × 64 = 16,640
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(16_640);
        assertThat(out(net)).isEqualTo(Shape.of(2, 10, 64));
        var summary = dev.modelmeter.analysis.Analyzer.standard().summarize(net.build(),
                dev.modelmeter.analysis.AnalysisOptions.defaults(), dev.modelmeter.analysis.LayerFolding.LEAVES);
        // projections 4·B·S·E² = 4·2·10·64·64 = 327,680; Q·Kᵀ and P·V 2·B·H·S·S·(E/H) = 2·2·4·10·10·16 = 25,600
        assertThat(summary.macs()).isEqualTo(327_680 + 25_600);
        assertThat(ops(net)).contains("Where").doesNotContain("Dropout"); // dropout only in a training graph
        Network train = single(new MultiHeadSelfAttention(64, 4, true, true, 0.1), DType.FLOAT, Shape.of(2, 10, 64),
                true);
        assertThat(ops(train)).contains("Dropout");
    }

    /** The example of docs/DSL.md. */
    @Test
    void documentedExample() {
        Network net = new Network("tiny");
        Tensor x = net.input("input", DType.FLOAT, Network.shape("batch", 3, 32, 32));
        Sequential model = net.root(new Sequential(
                new Conv2d(3, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(true), new MaxPool2d(2),
                new Flatten(), new Linear(16 * 16 * 16, 10)));
        net.output("logits", model.apply(x));
        // conv 16·(27 + 1) = 448, BN 2·16 = 32, Linear (4096 + 1)·10 = 40,970 → 41,450
        assertThat(count(net, InitializerRole.PARAMETER)).isEqualTo(41_450);
        assertThat(out(net)).isEqualTo(Network.shape("batch", 10));
    }

    @Test
    void badDescriptionsAreModelMeterExceptions() {
        Network net = new Network("bad");
        assertThatThrownBy(() -> net.input("x", DType.FLOAT, -1, 3)).isInstanceOf(ModelMeterException.class);
        assertThatThrownBy(() -> new Conv2d(0, 8, 3)).isInstanceOf(ModelMeterException.class);
        assertThatThrownBy(() -> new Linear(4, -2)).isInstanceOf(ModelMeterException.class);
        assertThatThrownBy(() -> new Conv2d(6, 8, 3, 1, 0, 1, 4, true)).isInstanceOf(ModelMeterException.class);
        Tensor x = net.input("x", DType.FLOAT, 2, 3, 4);
        assertThatThrownBy(() -> x.permute(0, 0, 1)).isInstanceOf(ModelMeterException.class);
        assertThatThrownBy(() -> x.view(-1, -1)).isInstanceOf(ModelMeterException.class);
        assertThatThrownBy(() -> x.view(5, 5)).isInstanceOf(ModelMeterException.class); // 24 elements
        assertThatThrownBy(() -> x.reshapeKeeping(0, 0, 0, 0)).isInstanceOf(ModelMeterException.class);
        assertThatThrownBy(() -> x.matmul(x)).isInstanceOf(ModelMeterException.class); // 4 vs 3
        assertThatThrownBy(() -> x.split(2, 1, 1)).isInstanceOf(ModelMeterException.class); // 2 ≠ 4
        assertThatThrownBy(() -> new ModuleList().get(0)).isInstanceOf(ModelMeterException.class);
        assertThatThrownBy(() -> new MaxPool2d(5).apply(x)).isInstanceOf(ModelMeterException.class) // no root
                .hasMessageContaining("not reachable");
        assertThatThrownBy(net::build).isInstanceOf(ModelMeterException.class).hasMessageContaining("no outputs");
    }

    @Test
    void inputExposedAsTwoOutputsGetsIdentityNodes() {
        Network net = new Network("passthrough");
        Tensor x = net.input("x", DType.FLOAT, Shape.of(2, 3));
        net.output("a", x).output("b", x);
        Model m = net.build();
        assertThat(m.graph().nodes()).extracting(Node::opType).containsExactly("Identity", "Identity");
        assertThat(m.graph().outputs()).extracting(ValueInfo::name).containsExactly("a", "b");
        ShapedGraph shaped = ShapeInference.infer(m.graph(), m.opsets(), OpRegistry.standard(),
                new ShapeInference.Options(Map.of(), Map.of(), true));
        assertThat(shaped.tensor("b").shape()).isEqualTo(Shape.of(2, 3));
    }

    @Test
    void hardActivationsAndConcat() {
        Network hs = single(new Hardswish(true), DType.FLOAT, Shape.of(1, 8, 4, 4));
        assertThat(ops(hs)).containsExactly("HardSwish");
        assertThat(node(hs, "HardSwish").metadata()).containsEntry(Network.INPLACE, "true");
        assertThat(out(hs)).isEqualTo(Shape.of(1, 8, 4, 4));
        Network sig = single(new Hardsigmoid(), DType.FLOAT, Shape.of(1, 8, 1, 1));
        // torch: relu6(x + 3) / 6, i.e. slope 1/6 and offset 0.5
        assertThat(node(sig, "HardSigmoid").floatAttr("alpha", 0)).isEqualTo(1.0 / 6);
        assertThat(node(sig, "HardSigmoid").floatAttr("beta", 0)).isEqualTo(0.5);

        Network net = new Network("cat");
        Tensor a = net.input("a", DType.FLOAT, Network.shape("N", 64, 55, 55));
        Tensor b = net.input("b", DType.FLOAT, Network.shape("N", 64, 55, 55));
        net.output("y", Tensor.cat(1, a, b));
        assertThat(out(net)).isEqualTo(Network.shape("N", 128, 55, 55)); // 64 + 64 channels
        assertThatThrownBy(() -> Tensor.cat(1, a, net.input("c", DType.FLOAT, 1, 64, 54, 55)))
                .isInstanceOf(ModelMeterException.class);
    }
}
