package dev.modelmeter.analysis;

import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.report.MemoryReport;
import dev.modelmeter.shapes.ShapedGraph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parameters are decided by the slot a stored tensor reaches, wherever it is stored (initializer,
 * Constant node, sub-graph) and through re-typing ops; the stored precision decides the memory plan's
 * weight bytes under each policy; a quantized graph gets no training figures. Every expected figure is
 * worked by hand below.
 */
class StoredWeightsTest {

    // ---- builders ---------------------------------------------------------------------------------

    private static TensorData stored(String name, DType dtype, long... dims) {
        return new TensorData(name, dtype, Arrays.stream(dims).boxed().toList(), null,
                new TensorData.PayloadLocation(null, 0, -1));
    }

    private static TensorData small(String name, DType dtype, long[] dims, double... values) {
        return new TensorData(name, dtype, Arrays.stream(dims).boxed().toList(), new TensorValue(dtype, dims, values),
                null);
    }

    private static Node node(String op, List<String> in, List<String> out, Attribute... attrs) {
        Map<String, Attribute> a = new HashMap<>();
        for (Attribute x : attrs) {
            a.put(x.name(), x);
        }
        return new Node(out.get(0) + "_node", op, "", in, out, a, Map.of(), "");
    }

    private static Node constant(String out, TensorData t) {
        return node("Constant", List.of(), List.of(out), Attribute.ofTensor("value", t));
    }

    private static ValueInfo value(String name, DType dtype, Object... dims) {
        List<Dim> d = new ArrayList<>();
        for (Object o : dims) {
            d.add(o instanceof String s ? Dim.symbol(s) : Dim.of(((Number) o).longValue()));
        }
        return new ValueInfo(name, new TensorType(dtype, new Shape(d)));
    }

    private static Model model(List<Node> nodes, List<ValueInfo> inputs, List<String> outputs, List<TensorData> inits) {
        Graph g = new Graph("g", nodes, inputs, outputs.stream().map(o -> new ValueInfo(o, null)).toList(), List.of(),
                inits);
        return new Model("test", 8, "test", Map.of("", 17), g, List.of(), Map.of());
    }

    private static ModelSummary summary(Model m) {
        return Analyzer.standard().summarize(m, AnalysisOptions.defaults(), LayerFolding.LEAVES);
    }

    private static MemoryPlan plan(Model m, TrainingSetup.Precision precision) {
        ShapedGraph shaped = Analyzer.standard().shape(m, AnalysisOptions.defaults(), new ArrayList<>());
        return MemoryPlanner.standard().plan(shaped, TrainingSetup.defaults(1).withPrecision(precision));
    }

    /** Conv(x [1,3,8,8], W [4,3,3,3], B [4]) → Relu, with W and B given by the caller's nodes. */
    private static Model conv(List<Node> weightNodes, String w, String b, DType x, List<TensorData> inits) {
        List<Node> nodes = new ArrayList<>(weightNodes);
        nodes.add(node("Conv", List.of("x", w, b), List.of("y"), Attribute.ofInts("pads", 1, 1, 1, 1)));
        nodes.add(node("Relu", List.of("y"), List.of("out")));
        return model(nodes, List.of(value("x", x, 1, 3, 8, 8)), List.of("out"), inits);
    }

    // ---- Constant-node weights --------------------------------------------------------------------

    @Test
    void weightsStoredAsConstantNodesAreParameters() {
        // a PaddlePaddle-style export: the conv's weight and bias are Constant nodes, beside a shape constant
        List<Node> nodes = new ArrayList<>(List.of(
                constant("W", stored("W", DType.FLOAT, 4, 3, 3, 3)),
                constant("B", stored("B", DType.FLOAT, 4)),
                node("Conv", List.of("x", "W", "B"), List.of("y"), Attribute.ofInts("pads", 1, 1, 1, 1)),
                constant("shape", small("shape", DType.INT64, new long[] {2}, 1, 256)),
                node("Reshape", List.of("y", "shape"), List.of("flat")),
                constant("half", small("half", DType.FLOAT, new long[] {}, 0.5)),
                node("Mul", List.of("flat", "half"), List.of("out"))));
        ModelSummary s = summary(model(nodes, List.of(value("x", DType.FLOAT, 1, 3, 8, 8)), List.of("out"), List.of()));
        // W: 4·3·3·3 = 108, B: 4 → 112 parameters, float32: 112 × 4 B = 448 B; the int64 shape and the
        // float scalar are constants
        assertThat(s.params().total()).isEqualTo(4 * 3 * 3 * 3 + 4);
        assertThat(s.params().bytes()).isEqualTo(112 * 4);
        assertThat(s.weightBytesByDtype()).containsExactly(Map.entry(DType.FLOAT, 448L));
        // MACs: out [1,4,8,8] × 3·3·3 = 256 × 27 = 6,912
        assertThat(s.macs()).isEqualTo(256L * 27);
        // the Constant nodes are stored data, not layers
        assertThat(s.layers()).extracting(l -> l.op()).doesNotContain("Constant");
    }

    @Test
    void constantNodeWeightsGetGradientsAndOptimizerState() {
        Model m = conv(List.of(constant("W", stored("W", DType.FLOAT, 4, 3, 3, 3)),
                constant("B", stored("B", DType.FLOAT, 4))), "W", "B", DType.FLOAT, List.of());
        MemoryPlan p = plan(m, TrainingSetup.Precision.FP32);
        // 112 float32 parameters: 448 B of weights, all trainable (448 B of gradients)
        assertThat(p.statics().params()).isEqualTo(448);
        assertThat(p.statics().trainableParams()).isEqualTo(448);
        // AdamW: exp_avg and exp_avg_sq, 2 × 4 B per fp32 parameter = 896 B, plus a 4 B step per tensor (2)
        assertThat(p.steadyStep().breakdown().optimizerState()).isEqualTo(2 * 4 * 112 + 2 * 4);
        assertThat(p.trainingMeaningful()).isTrue();
    }

    @Test
    void weightsReachingTheirSlotThroughCastIdentityTransposeAndDequantizeLinearAreParameters() {
        List<Node> nodes = List.of(
                // fp16 weight → Cast(float) → Conv W
                constant("W16", stored("W16", DType.FLOAT16, 4, 3, 3, 3)),
                node("Cast", List.of("W16"), List.of("W"), Attribute.ofInt("to", DType.FLOAT.code())),
                node("Conv", List.of("x", "W"), List.of("y"), Attribute.ofInts("pads", 1, 1, 1, 1)),
                node("Reshape", List.of("y", "shape"), List.of("flat")),
                // [8,256] → Identity → Transpose → MatMul operand [256,8]
                node("Identity", List.of("Wfc"), List.of("Wfc_id")),
                node("Transpose", List.of("Wfc_id"), List.of("Wfc_t")),
                node("MatMul", List.of("flat", "Wfc_t"), List.of("h")),
                // int8 [8,8] → DequantizeLinear(scale, zero point: scalars) → MatMul operand
                node("DequantizeLinear", List.of("Wq", "scale", "zp"), List.of("Wdq")),
                node("MatMul", List.of("h", "Wdq"), List.of("out")));
        List<TensorData> inits = List.of(small("shape", DType.INT64, new long[] {2}, 1, 256),
                stored("Wfc", DType.FLOAT, 8, 256), stored("Wq", DType.INT8, 8, 8),
                small("scale", DType.FLOAT, new long[] {}, 0.1), small("zp", DType.INT8, new long[] {}, 0));
        ModelSummary s = summary(model(nodes, List.of(value("x", DType.FLOAT, 1, 3, 8, 8)), List.of("out"), inits));
        // 108 (fp16 conv weight) + 2,048 (fc, 8·256) + 64 (int8, 8·8) = 2,220 parameters
        assertThat(s.params().total()).isEqualTo(108 + 8 * 256 + 64);
        // stored bytes: 108 × 2 + 2,048 × 4 + 64 × 1 = 216 + 8,192 + 64 = 8,472
        assertThat(s.params().bytes()).isEqualTo(108 * 2 + 2048 * 4 + 64);
        assertThat(s.weightBytesByDtype()).containsEntry(DType.FLOAT16, 216L).containsEntry(DType.INT8, 64L)
                .containsEntry(DType.FLOAT, 8192L);
    }

    // ---- sub-graphs -------------------------------------------------------------------------------

    @Test
    void parametersInsideIfBranchesAndLoopBodiesCountOnceEach() {
        // then: Conv 3x3 with its own weight; else: Conv 1x1 with its own; both use the outer bias
        Graph then = new Graph("then", List.of(node("Conv", List.of("x", "Wt", "Bout"), List.of("yt"),
                Attribute.ofInts("pads", 1, 1, 1, 1))), List.of(), List.of(value("yt", DType.FLOAT, 1, 4, 8, 8)),
                List.of(), List.of(stored("Wt", DType.FLOAT, 4, 3, 3, 3)));
        Graph otherwise = new Graph("else", List.of(node("Conv", List.of("x", "We", "Bout"), List.of("ye"))),
                List.of(), List.of(value("ye", DType.FLOAT, 1, 4, 8, 8)), List.of(),
                List.of(stored("We", DType.FLOAT, 4, 3, 1, 1)));
        // a Loop body: h = h @ Wl, three iterations, Wl stored once in the body
        Graph body = new Graph("body", List.of(
                node("Identity", List.of("cond_in"), List.of("cond_out")),
                node("MatMul", List.of("h_in", "Wl"), List.of("h_out"))),
                List.of(value("i", DType.INT64), value("cond_in", DType.BOOL), value("h_in", DType.FLOAT, 1, 8)),
                List.of(value("cond_out", DType.BOOL), value("h_out", DType.FLOAT, 1, 8)), List.of(),
                List.of(stored("Wl", DType.FLOAT, 8, 8)));
        List<Node> nodes = List.of(
                node("If", List.of("c"), List.of("y"), Attribute.ofGraph("then_branch", then),
                        Attribute.ofGraph("else_branch", otherwise)),
                node("Loop", List.of("trips", "", "h0"), List.of("h"), Attribute.ofGraph("body", body)));
        List<TensorData> inits = List.of(stored("Bout", DType.FLOAT, 4),
                small("trips", DType.INT64, new long[] {}, 3));
        Model m = model(nodes, List.of(value("x", DType.FLOAT, 1, 3, 8, 8), value("c", DType.BOOL),
                value("h0", DType.FLOAT, 1, 8)), List.of("y", "h"), inits);
        ModelSummary s = summary(m);
        // then 4·3·3·3 = 108, else 4·3·1·1 = 12, the shared outer bias 4 (once), the loop's 8·8 = 64 (once,
        // not per iteration): 188
        assertThat(s.params().total()).isEqualTo(108 + 12 + 4 + 64);
        assertThat(s.params().bytes()).isEqualTo(188 * 4);
        // five stored tensors, and the memory plan holds them as weights (188 × 4 B), whichever branch runs
        ShapedGraph shaped = Analyzer.standard().shape(m, AnalysisOptions.defaults(), new ArrayList<>());
        assertThat(WeightRoles.assign(shaped.graph(), shaped.order(), dev.modelmeter.ops.OpRegistry.standard())
                .weights()).hasSize(5);
        assertThat(plan(m, TrainingSetup.Precision.FP32).statics().params()).isEqualTo(188 * 4);
    }

    @Test
    void aSubGraphInputShadowsAnOuterTensorOfTheSameName() {
        // the body's "W" is its own input (a carried value), not the outer initializer "W"
        Graph body = new Graph("body", List.of(
                node("Identity", List.of("cond_in"), List.of("cond_out")),
                node("MatMul", List.of("W", "K"), List.of("W_out"))),
                List.of(value("i", DType.INT64), value("cond_in", DType.BOOL), value("W", DType.FLOAT, 8, 8)),
                List.of(value("cond_out", DType.BOOL), value("W_out", DType.FLOAT, 8, 8)), List.of(),
                List.of(stored("K", DType.FLOAT, 8, 8)));
        Model m = model(List.of(node("Loop", List.of("trips", "", "x"), List.of("y"), Attribute.ofGraph("body", body)),
                node("Add", List.of("y", "W"), List.of("out"))), List.of(value("x", DType.FLOAT, 8, 8)),
                List.of("out"), List.of(small("trips", DType.INT64, new long[] {}, 2), stored("W", DType.FLOAT, 8, 8)));
        // K 64 (the body's weight) + W 64 (the outer one, used by Add) — each once
        assertThat(summary(m).params().total()).isEqualTo(64 + 64);
    }

    // ---- stored precision ---------------------------------------------------------------------------

    private static Model fp16Conv() {
        return conv(List.of(), "W", "B", DType.FLOAT16,
                List.of(stored("W", DType.FLOAT16, 4, 3, 3, 3), stored("B", DType.FLOAT16, 4)));
    }

    @Test
    void aFloat16ModelCountsItsStoredBytesAndEachPolicyPlansItsOwnTypes() {
        ModelSummary s = summary(fp16Conv());
        // 112 parameters stored as float16: 224 B
        assertThat(s.params().total()).isEqualTo(112);
        assertThat(s.weightBytesByDtype()).containsExactly(Map.entry(DType.FLOAT16, 224L));

        MemoryPlan fp32 = plan(fp16Conv(), TrainingSetup.Precision.FP32);
        // model.float(): 112 × 4 = 448 B weights, 448 B gradients, AdamW 2 × 448 + 2 steps × 4 B = 904
        assertThat(fp32.stored().label()).isEqualTo("float16");
        assertThat(fp32.statics().params()).isEqualTo(448);
        assertThat(fp32.statics().trainableParams()).isEqualTo(448);
        assertThat(fp32.steadyStep().breakdown().optimizerState()).isEqualTo(2 * 448 + 2 * 4);
        assertThat(fp32.warnings()).anyMatch(w -> w.contains("stored as float16") && w.contains("--precision fp16"));

        MemoryPlan mixed = plan(fp16Conv(), TrainingSetup.Precision.FP16_MIXED);
        // autocast keeps an fp32 master copy and fp32 state: the same 448 B and 904 B
        assertThat(mixed.statics().params()).isEqualTo(448);
        assertThat(mixed.steadyStep().breakdown().optimizerState()).isEqualTo(2 * 448 + 2 * 4);

        MemoryPlan pure = plan(fp16Conv(), TrainingSetup.Precision.FP16);
        // model.half(), the file as stored: 112 × 2 = 224 B weights, state 2 × 224 + 2 × 4 = 456 B
        assertThat(pure.statics().params()).isEqualTo(224);
        assertThat(pure.steadyStep().breakdown().optimizerState()).isEqualTo(2 * 224 + 2 * 4);
        // the fp16 input [1,3,8,8] is 192 × 2 = 384 B as stored, 768 B once upcast
        assertThat(pure.statics().inputs()).isEqualTo(384);
        assertThat(fp32.statics().inputs()).isEqualTo(768);
    }

    private static Model int8Conv() {
        return conv(List.of(node("DequantizeLinear", List.of("Wq", "scale", "zp"), List.of("W"))), "W", "B",
                DType.FLOAT, List.of(stored("Wq", DType.INT8, 4, 3, 3, 3), small("scale", DType.FLOAT, new long[] {}, 0.02),
                        small("zp", DType.INT8, new long[] {}, 0), stored("B", DType.FLOAT, 4)));
    }

    @Test
    void aQuantizedGraphCountsItsIntegerWeightsAndGetsNoTrainingFigures() {
        ModelSummary s = summary(int8Conv());
        // 108 int8 weights (108 B) + 4 float32 biases (16 B); the scale and zero point are constants
        assertThat(s.params().total()).isEqualTo(108 + 4);
        assertThat(s.params().bytes()).isEqualTo(108 + 16);

        MemoryPlan p = plan(int8Conv(), TrainingSetup.Precision.FP32);
        assertThat(p.trainingMeaningful()).isFalse();
        assertThat(p.stored().notTrainable()).contains("quantized").contains("108").contains("int8");
        // inference figures stay: the input [1,3,8,8] fp32 is 768 B of the inference peak
        assertThat(p.inference().inputBytes()).isEqualTo(768);

        String table = MemoryReport.table("m.onnx", p, null);
        assertThat(table).contains("Training: not meaningful as stored").doesNotContain("Optimizer state")
                .contains("Inference peak");
        String csv = MemoryReport.csv(p);
        assertThat(csv).contains("gradients,,\n").contains("optimizer_state,,\n").contains("peak,,\n")
                .contains("training not meaningful");
        var json = MemoryReport.tree("m.onnx", p, null, List.of());
        assertThat(json.get("training").get("meaningful").asBoolean()).isFalse();
        assertThat(json.get("training").has("peak_bytes")).isFalse();
        assertThat(json.get("inference").get("inputs_bytes").asLong()).isEqualTo(768);
        assertThat(Analyzer.standard().storedPrecision(Analyzer.standard().shape(int8Conv(), AnalysisOptions.defaults(),
                new ArrayList<>())).trainable()).isFalse();
    }
}
