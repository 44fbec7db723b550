package dev.modelmeter.analysis.memory;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.analysis.memory.MemoryPlan.Phase;
import dev.modelmeter.analysis.memory.TrainingSetup.Optimizer;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.ops.AutogradContext.Backend;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.ShapedGraph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The step simulation on small graphs built by hand; every expected figure is worked out in a comment. */
class MemoryPlannerTest {

    private final MemoryPlanner planner = new MemoryPlanner(OpRegistry.standard());

    /** A tiny graph builder: nodes with their output types, initializers, one input. */
    static final class G {
        final List<Node> nodes = new ArrayList<>();
        final Map<String, ValueType> types = new LinkedHashMap<>();
        final List<TensorData> inits = new ArrayList<>();
        final List<ValueInfo> inputs = new ArrayList<>();
        final List<ValueInfo> outputs = new ArrayList<>();

        G input(String name, long... dims) {
            TensorType t = TensorType.of(DType.FLOAT, dims);
            types.put(name, t);
            inputs.add(new ValueInfo(name, t));
            return this;
        }

        G weight(String name, long... dims) {
            List<Long> d = new ArrayList<>();
            for (long x : dims) {
                d.add(x);
            }
            TensorData t = new TensorData(name, DType.FLOAT, d, null, null);
            inits.add(t);
            types.put(name, t.type());
            return this;
        }

        G node(String op, String scope, List<String> ins, String out, long... dims) {
            return node(op, scope, ins, List.of(out), Map.of(), TensorType.of(DType.FLOAT, dims));
        }

        G node(String op, String scope, List<String> ins, List<String> outs, Map<String, Attribute> attrs,
               TensorType... outTypes) {
            nodes.add(new Node(scope + "/" + op, op, "", ins, outs, attrs, Map.of(), scope));
            for (int i = 0; i < outs.size(); i++) {
                types.put(outs.get(i), outTypes[Math.min(i, outTypes.length - 1)]);
            }
            return this;
        }

        G output(String name) {
            outputs.add(new ValueInfo(name, types.get(name)));
            return this;
        }

        ShapedGraph shaped() {
            Graph g = new Graph("test", nodes, inputs, outputs, List.of(), inits);
            return new ShapedGraph(g, Map.of("", 17), nodes, types, Map.of(), Map.of(), List.of());
        }
    }

    /**
     * Conv(3→16, 3×3, pad 1) → BN → ReLU → MaxPool 2×2 → Flatten → Gemm(4096→10) at batch 8, fp32.
     */
    private static ShapedGraph convChain() {
        TensorType bnOut = TensorType.of(DType.FLOAT, 8, 16, 32, 32);
        TensorType stat = TensorType.of(DType.FLOAT, 16);
        return new G().input("x", 8, 3, 32, 32)
                .weight("conv.w", 16, 3, 3, 3).weight("conv.b", 16)
                .weight("bn.w", 16).weight("bn.b", 16).weight("bn.mean", 16).weight("bn.var", 16)
                .weight("fc.w", 10, 4096).weight("fc.b", 10)
                .node("Conv", "conv", List.of("x", "conv.w", "conv.b"), "c", 8, 16, 32, 32)
                .node("BatchNormalization", "bn", List.of("c", "bn.w", "bn.b", "bn.mean", "bn.var"),
                        List.of("b", "rm", "rv"), Map.of("training_mode", Attribute.ofInt("training_mode", 1)),
                        bnOut, stat, stat)
                .node("Relu", "relu", List.of("b"), "r", 8, 16, 32, 32)
                .node("MaxPool", "pool", List.of("r"), "p", 8, 16, 16, 16)
                .node("Flatten", "", List.of("p"), "f", 8, 4096)
                .node("Gemm", "fc", List.of("f", "fc.w", "fc.b"), "y", 8, 10)
                .output("y")
                .shaped();
    }

    @Test
    void savedActivationsOfConvBnReluPoolLinear() {
        MemoryPlan plan = planner.plan(convChain(), TrainingSetup.defaults(8).withBackend(Backend.CPU));
        // conv saves its input, the model input:          8·3·32·32·4  =  98,304
        // bn saves its input (conv out) + fp32 mean/invstd: 8·16·32·32·4 = 524,288 + 2·16·4 = 128
        // relu (in place on bn's output) saves its output:                524,288
        // maxpool saves its input (relu's output, counted) + int64 indices 8·16·16·16·8 = 262,144
        // gemm saves its input: the pooled output through a Flatten view  8·4096·4   = 131,072
        long expected = 98_304 + 524_288 + 128 + 524_288 + 262_144 + 131_072;
        assertThat(plan.savedBytes()).isEqualTo(expected);
        assertThat(plan.savedByModule()).containsEntry("conv", 98_304L).containsEntry("bn", 524_416L)
                .containsEntry("relu", 524_288L).containsEntry("pool", 262_144L).containsEntry("fc", 131_072L);
        assertThat(plan.savedByDType()).containsEntry("int64", 262_144L);
    }

    @Test
    void badSetupIsAModelMeterException() {
        assertThatThrownBy(() -> TrainingSetup.defaults(8).withFreeze("conv(")).isInstanceOf(ModelMeterException.class)
                .hasMessageContaining("--freeze");
        assertThatThrownBy(() -> TrainingSetup.defaults(0)).isInstanceOf(ModelMeterException.class);
    }

    @Test
    void frozenConvSavesNothing() {
        TrainingSetup setup = TrainingSetup.defaults(8).withBackend(Backend.CPU).withFreeze("conv\\..*");
        MemoryPlan plan = planner.plan(convChain(), setup);
        // the conv's weights are frozen and its input needs no grad: it is not in the autograd graph and
        // keeps nothing (98,304 fewer saved bytes); its parameters get no grads and no optimizer state
        assertThat(plan.savedBytes()).isEqualTo(524_416 + 524_288 + 262_144 + 131_072);
        assertThat(plan.statics().trainableParams()).isEqualTo(plan.statics().params() - (16 * 27 + 16) * 4);
    }

    @Test
    void checkpointedModuleKeepsOnlyItsInputs() {
        TensorType bnOut = TensorType.of(DType.FLOAT, 8, 16, 32, 32);
        TensorType stat = TensorType.of(DType.FLOAT, 16);
        ShapedGraph g = new G().input("x", 8, 3, 32, 32)
                .weight("conv.w", 16, 3, 3, 3).weight("bn.w", 16).weight("bn.b", 16)
                .weight("bn.mean", 16).weight("bn.var", 16).weight("fc.w", 10, 4096).weight("fc.b", 10)
                .node("Conv", "features.0", List.of("x", "conv.w"), "c", 8, 16, 32, 32)
                .node("BatchNormalization", "features.1", List.of("c", "bn.w", "bn.b", "bn.mean", "bn.var"),
                        List.of("b", "rm", "rv"), Map.of(), bnOut, stat, stat)
                .node("Relu", "features.2", List.of("b"), "r", 8, 16, 32, 32)
                .node("MaxPool", "features.3", List.of("r"), "p", 8, 16, 16, 16)
                .node("Flatten", "", List.of("p"), "f", 8, 4096)
                .node("Gemm", "fc", List.of("f", "fc.w", "fc.b"), "y", 8, 10)
                .output("y").shaped();
        TrainingSetup setup = TrainingSetup.defaults(8).withBackend(Backend.CPU).withCheckpoint("features");
        MemoryPlan plan = planner.plan(g, setup);
        // checkpoint(features) keeps its input x (8·3·32·32·4 = 98,304); inside nothing is kept; the gemm
        // outside saves its input, the pooled output (8·4096·4 = 131,072)
        assertThat(plan.savedBytes()).isEqualTo(98_304 + 131_072);
        assertThat(plan.savedByModule()).containsOnly(Map.entry("features", 98_304L), Map.entry("fc", 131_072L));
        MemoryPlan plain = planner.plan(g, setup.withCheckpoint(null));
        // without checkpointing the forward ends holding conv, bn, relu and pool's saved tensors
        assertThat(plain.savedBytes()).isEqualTo(98_304 + 524_416 + 524_288 + 262_144 + 131_072);
        // the forward ends lighter by what the module no longer keeps; its backward recomputes all of it
        // (one checkpointed module), so the step's peak cannot exceed the plain one
        assertThat(plan.steadyStep().peakByPhase().get(Phase.FORWARD))
                .isLessThan(plain.steadyStep().peakByPhase().get(Phase.FORWARD));
        assertThat(plan.steadyStep().peakBytes()).isLessThanOrEqualTo(plain.steadyStep().peakBytes());
    }

    @Test
    void inferencePeakOfConvChain() {
        MemoryPlan.InferencePeak inf = planner.inference(convChain(), TrainingSetup.defaults(8));
        // input 98,304 lives throughout; at BN both conv out and BN out (524,288 each) are alive:
        // 98,304 + 2·524,288 = 1,146,880; relu is in place, the pool output (131,072) comes after conv out is freed
        assertThat(inf.peakBeyondWeightsBytes()).isEqualTo(1_146_880L);
        assertThat(inf.inputBytes()).isEqualTo(98_304L);
        assertThat(inf.at()).isEqualTo("bn/BatchNormalization");
    }

    /** x[4,8] → Gemm(W[16,8] transB, b[16]) → y[4,16], cross-entropy, SGD with momentum, CPU. */
    private static ShapedGraph linear() {
        return new G().input("x", 4, 8).weight("W", 16, 8).weight("b", 16)
                .node("Gemm", "fc", List.of("x", "W", "b"), List.of("y"),
                        Map.of("transB", Attribute.ofInt("transB", 1)), TensorType.of(DType.FLOAT, 4, 16))
                .output("y").shaped();
    }

    @Test
    void trainingStepsOfOneLinear() {
        TrainingSetup setup = TrainingSetup.defaults(4).withBackend(Backend.CPU).withOptimizer(Optimizer.SGD_MOMENTUM);
        MemoryPlan plan = planner.plan(linear(), setup);
        // statics: W 512 + b 64 = 576 params, x 4·8·4 = 128, target int64 4·8 = 32 → 736
        assertThat(plan.statics().params()).isEqualTo(576);
        assertThat(plan.statics().inputs()).isEqualTo(128);
        assertThat(plan.statics().target()).isEqualTo(32);
        // step 1: forward y 256, log_softmax output 256 (saved), loss 4 → 736 + 516 = 1,252;
        // loss backward: nll grad 256 + logits grad 256 → 1,764, then nll grad and log_softmax freed → 1,252;
        // gemm backward (x needs no grad): W grad 512 + b grad 64 → 1,828; logits grad freed → 1,572;
        // optimizer: momentum buffers cloned from the grads (+576) → 2,148, the step's peak
        assertThat(plan.firstStep().peakBytes()).isEqualTo(2_148);
        assertThat(plan.firstStep().phase()).isEqualTo(Phase.OPTIMIZER_STEP);
        assertThat(plan.firstStep().liveAtEnd()).isEqualTo(736 + 576 + 576);
        // step 2 starts at 1,888, zero_grad frees 576 → 1,312; forward + loss → 1,828; loss backward peaks at
        // 1,828 + 256 + 256 = 2,340; then 1,828 + 576 grads = 2,404 at the gemm's backward: the peak
        assertThat(plan.steadyStep().peakBytes()).isEqualTo(2_404);
        assertThat(plan.steadyStep().phase()).isEqualTo(Phase.BACKWARD);
        assertThat(plan.steadyStep().breakdown().gradients()).isEqualTo(576);
        assertThat(plan.steadyStep().breakdown().optimizerState()).isEqualTo(576);
        assertThat(plan.savedBytes()).as("the gemm saves the model input").isEqualTo(128);
    }

    @Test
    void dropoutMaskDependsOnTheBackend() {
        // x[4,8] → Gemm(W1) → h → Dropout (training: it has a mask output) → d → Gemm(W2) → y
        ShapedGraph g = new G().input("x", 4, 8).weight("W1", 8, 8).weight("W2", 8, 8)
                .node("Gemm", "fc1", List.of("x", "W1"), "h", 4, 8)
                .node("Dropout", "drop", List.of("h"), List.of("d", "mask"), Map.of(),
                        TensorType.of(DType.FLOAT, 4, 8), TensorType.of(DType.BOOL, 4, 8))
                .node("Gemm", "fc2", List.of("d", "W2"), "y", 4, 8)
                .output("y").shaped();
        // fc1 saves x (4·8·4 = 128), fc2 saves d (128); CPU's dropout keeps a float mask (128),
        // CUDA's fused kernel a bool mask (32)
        assertThat(planner.plan(g, TrainingSetup.defaults(4).withBackend(Backend.CPU)).savedBytes()).isEqualTo(384);
        assertThat(planner.plan(g, TrainingSetup.defaults(4).withBackend(Backend.CUDA)).savedBytes()).isEqualTo(288);
    }

    @Test
    void otherOptimizers() {
        TrainingSetup cpu = TrainingSetup.defaults(4).withBackend(Backend.CPU);
        // Adagrad fills its state (sum, 576, and a 4-byte step per tensor) when constructed: before step 1
        MemoryPlan adagrad = planner.plan(linear(), cpu.withOptimizer(Optimizer.ADAGRAD));
        assertThat(adagrad.firstStep().liveAtStart()).isEqualTo(736 + 576 + 8);
        // RMSprop: square_avg (576) + steps (8), created in the first step; grads 576
        MemoryPlan rmsprop = planner.plan(linear(), cpu.withOptimizer(Optimizer.RMSPROP));
        assertThat(rmsprop.firstStep().liveAtEnd()).isEqualTo(736 + 576 + 576 + 8);
        // CUDA's foreach AdamW: one temporary per parameter at once (576) on top of statics 736, grads 576,
        // state 1,160, y 256 and the loss 4
        MemoryPlan foreach = planner.plan(linear(), TrainingSetup.defaults(4).withOptimizer(Optimizer.ADAMW));
        assertThat(foreach.firstStep().peakBytes()).isEqualTo(736 + 576 + 1_160 + 260 + 576);
        // plain SGD keeps no state
        MemoryPlan sgd = planner.plan(linear(), cpu.withOptimizer(Optimizer.SGD));
        assertThat(sgd.firstStep().liveAtEnd()).isEqualTo(736 + 576);
    }

    @Test
    void adamWStateAndTemporaries() {
        TrainingSetup setup = TrainingSetup.defaults(4).withBackend(Backend.CPU).withOptimizer(Optimizer.ADAMW);
        MemoryPlan plan = planner.plan(linear(), setup);
        // end of step 1: statics 736 + grads 576 + state 2·576 + 2 step scalars of 4 bytes = 2,472;
        // while W is updated two W-sized temporaries (2·512) live with y (256) and the loss (4):
        // 2,472 + 1,024 + 260 = 3,756
        assertThat(plan.firstStep().liveAtEnd()).isEqualTo(2_472);
        assertThat(plan.firstStep().peakBytes()).isEqualTo(3_756);
        assertThat(plan.steadyStep().peakBytes()).isEqualTo(3_756);
    }
}
