package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.shapes.ShapeException;
import dev.modelmeter.shapes.ShapeInference;
import dev.modelmeter.shapes.ShapedGraph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tensor-manipulation rules against shapes worked from the ONNX operator spec (the arithmetic is in
 * each test's comments). Graphs are built by hand and run through the shape engine.
 */
class TensorOpsTest {

    private static final long INT64_MAX = Long.MAX_VALUE;

    /** A tiny graph builder: inputs, constants and nodes, run through the engine at one opset. */
    static final class G {
        final List<Node> nodes = new ArrayList<>();
        final List<ValueInfo> inputs = new ArrayList<>();
        final List<TensorData> inits = new ArrayList<>();
        int opset = 18;

        G input(String name, DType t, Dim... dims) {
            inputs.add(new ValueInfo(name, new TensorType(t, new Shape(List.of(dims)))));
            return this;
        }

        G input(String name, long... dims) {
            inputs.add(new ValueInfo(name, TensorType.of(DType.FLOAT, dims)));
            return this;
        }

        G ints(String name, long... values) {
            inits.add(new TensorData(name, DType.INT64, List.of((long) values.length),
                    TensorValue.vector(values), null));
            return this;
        }

        G scalar(String name, DType t, double v) {
            inits.add(new TensorData(name, t, List.of(), new TensorValue(t, new long[0], new double[] {v}), null));
            return this;
        }

        G node(String op, List<String> in, List<String> out, Attribute... attrs) {
            Map<String, Attribute> m = new java.util.HashMap<>();
            for (Attribute a : attrs) {
                m.put(a.name(), a);
            }
            nodes.add(new Node(op + nodes.size(), op, "", in, out, m, Map.of(), ""));
            return this;
        }

        Graph graph() {
            return new Graph("g", nodes, inputs, List.of(), List.of(), inits);
        }

        ShapedGraph run() {
            return ShapeInference.infer(graph(), Map.of("", opset), OpRegistry.standard(),
                    new ShapeInference.Options(Map.of(), Map.of(), true));
        }
    }

    private static Shape shape(ShapedGraph g, String name) {
        return g.tensor(name).shape();
    }

    @Test
    void reshapeCopiesZeroAndSolvesMinusOne() {
        // [2,3,4] → [0,-1]: 0 copies 2; -1 = 24 / 2 = 12
        ShapedGraph g = new G().input("x", 2, 3, 4).ints("s", 0, -1)
                .node("Reshape", List.of("x", "s"), List.of("y")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(2, 12));
    }

    @Test
    void reshapeKeepsSymbolicBatch() {
        // [N,12,64] → [0,-1]: N copied, N cancels, -1 = 12*64 = 768
        ShapedGraph g = new G().input("x", DType.FLOAT, Dim.symbol("N"), Dim.of(12), Dim.of(64)).ints("s", 0, -1)
                .node("Reshape", List.of("x", "s"), List.of("y")).run();
        assertThat(shape(g, "y")).isEqualTo(new Shape(List.of(Dim.symbol("N"), Dim.of(768))));
    }

    @Test
    void reshapeRejectsWrongElementCount() {
        // 24 elements cannot become [5, 5]
        G g = new G().input("x", 2, 3, 4).ints("s", 5, 5).node("Reshape", List.of("x", "s"), List.of("y"));
        assertThatThrownBy(g::run).isInstanceOf(ShapeException.class);
    }

    @Test
    void shapeGatherUnsqueezeConcatReshapeChainResolves() {
        // x [2,3,4]; Shape → [2,3,4]; Gather idx 0 → 2 (scalar); Unsqueeze axes [0] → [2];
        // Concat with [-1] → [2,-1]; Reshape → [2, 24/2 = 12]
        ShapedGraph g = new G().input("x", 2, 3, 4).scalar("i0", DType.INT64, 0).ints("ax", 0).ints("m1", -1)
                .node("Shape", List.of("x"), List.of("s"))
                .node("Gather", List.of("s", "i0"), List.of("d0"))
                .node("Unsqueeze", List.of("d0", "ax"), List.of("d0v"))
                .node("Concat", List.of("d0v", "m1"), List.of("target"), Attribute.ofInt("axis", 0))
                .node("Reshape", List.of("x", "target"), List.of("y")).run();
        assertThat(g.values().get("d0")).isEqualTo(TensorValue.scalar(2));
        assertThat(g.values().get("target")).isEqualTo(TensorValue.vector(2, -1));
        assertThat(shape(g, "y")).isEqualTo(Shape.of(2, 12));
    }

    @Test
    void shapeWithStartAndEnd() {
        // opset 15: Shape(x [2,3,4,5], start=-3, end=-1) = [3,4]
        ShapedGraph g = new G().input("x", 2, 3, 4, 5)
                .node("Shape", List.of("x"), List.of("s"), Attribute.ofInt("start", -3), Attribute.ofInt("end", -1)).run();
        assertThat(g.values().get("s")).isEqualTo(TensorValue.vector(3, 4));
    }

    @Test
    void sliceClampsAndCountsNegativeSteps() {
        // ONNX test_slice_neg_steps: x [20,10,5], starts [20,10,4], ends [0,0,1], steps [-1,-3,-2]
        // axis 0: start 20 → 19, (19-0)/1 = 19; axis 1: start 9, ceil((9-0)/3) = 3; axis 2: ceil((4-1)/2) = 2
        ShapedGraph g = new G().input("x", 20, 10, 5).ints("st", 20, 10, 4).ints("en", 0, 0, 1)
                .ints("ax", 0, 1, 2).ints("sp", -1, -3, -2)
                .node("Slice", List.of("x", "st", "en", "ax", "sp"), List.of("y")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(19, 3, 2));
    }

    @Test
    void sliceToInt64MaxKeepsRestOfAxis() {
        // x [20,10,5], axis 1 from 1 to INT64_MAX: 10 - 1 = 9
        ShapedGraph g = new G().input("x", 20, 10, 5).ints("st", 1).ints("en", INT64_MAX).ints("ax", 1)
                .node("Slice", List.of("x", "st", "en", "ax"), List.of("y")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(20, 9, 5));
    }

    @Test
    void sliceOfKnownValue() {
        // Shape [2,3,4,5] sliced [1:3] = [3,4]
        ShapedGraph g = new G().input("x", 2, 3, 4, 5).ints("st", 1).ints("en", 3)
                .node("Shape", List.of("x"), List.of("s"))
                .node("Slice", List.of("s", "st", "en"), List.of("y")).run();
        assertThat(g.values().get("y")).isEqualTo(TensorValue.vector(3, 4));
    }

    @Test
    void splitUnevenWithNumOutputs() {
        // opset 18, 7 elements into num_outputs=4: chunks of ceil(7/4) = 2 → 2,2,2,1
        ShapedGraph g = new G().input("x", 7)
                .node("Split", List.of("x"), List.of("a", "b", "c", "d"), Attribute.ofInt("num_outputs", 4)).run();
        assertThat(shape(g, "c")).isEqualTo(Shape.of(2));
        assertThat(shape(g, "d")).isEqualTo(Shape.of(1));
    }

    @Test
    void splitWithSizes() {
        // [2,6] split [2,4] on axis 1 → [2,2] and [2,4]
        ShapedGraph g = new G().input("x", 2, 6).ints("sp", 2, 4)
                .node("Split", List.of("x", "sp"), List.of("a", "b"), Attribute.ofInt("axis", 1)).run();
        assertThat(shape(g, "a")).isEqualTo(Shape.of(2, 2));
        assertThat(shape(g, "b")).isEqualTo(Shape.of(2, 4));
    }

    @Test
    void rangeNegativeDelta() {
        // Range(10, 4, -3): ceil((4-10)/-3) = 2 elements, 10 and 7
        ShapedGraph g = new G().scalar("a", DType.INT32, 10).scalar("b", DType.INT32, 4).scalar("c", DType.INT32, -3)
                .node("Range", List.of("a", "b", "c"), List.of("y")).run();
        assertThat(g.values().get("y").data()).containsExactly(10, 7);
        assertThat(g.tensor("y").dtype()).isEqualTo(DType.INT32);
    }

    @Test
    void expandAndConstantOfShape() {
        // Expand [3,1] to [2,1,6] → broadcast [2,3,6]; ConstantOfShape([2,3]) → [2,3] float filled with 0
        ShapedGraph g = new G().input("x", 3, 1).ints("s", 2, 1, 6).ints("c", 2, 3)
                .node("Expand", List.of("x", "s"), List.of("y"))
                .node("ConstantOfShape", List.of("c"), List.of("z")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(2, 3, 6));
        assertThat(g.tensor("z")).isEqualTo(TensorType.of(DType.FLOAT, 2, 3));
    }

    @Test
    void padAddsBeginsAndEnds() {
        // [3,4] pads [1,2,3,4] = [x0_begin, x1_begin, x0_end, x1_end]: 3+1+3 = 7, 4+2+4 = 10
        ShapedGraph g = new G().input("x", 3, 4).ints("p", 1, 2, 3, 4)
                .node("Pad", List.of("x", "p"), List.of("y")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(7, 10));
    }

    @Test
    void squeezeUnsqueezeTransposeFlatten() {
        // Unsqueeze [3,4] at [0,3] → [1,3,4,1]; Squeeze [0] → [3,4,1]; Transpose perm [2,0,1] → [1,3,4];
        // Flatten axis 2 → [1*3, 4] = [3,4]
        ShapedGraph g = new G().input("x", 3, 4).ints("ua", 0, 3).ints("sa", 0)
                .node("Unsqueeze", List.of("x", "ua"), List.of("u"))
                .node("Squeeze", List.of("u", "sa"), List.of("s"))
                .node("Transpose", List.of("s"), List.of("t"), Attribute.ofInts("perm", 2, 0, 1))
                .node("Flatten", List.of("t"), List.of("f"), Attribute.ofInt("axis", 2)).run();
        assertThat(shape(g, "u")).isEqualTo(Shape.of(1, 3, 4, 1));
        assertThat(shape(g, "s")).isEqualTo(Shape.of(3, 4, 1));
        assertThat(shape(g, "t")).isEqualTo(Shape.of(1, 3, 4));
        assertThat(shape(g, "f")).isEqualTo(Shape.of(3, 4));
    }

    @Test
    void gatherWithMatrixIndices() {
        // data [5,4,3], indices [2,6] on axis 1 → [5, 2, 6, 3]
        G b = new G().input("x", 5, 4, 3);
        b.inputs.add(new ValueInfo("i", TensorType.of(DType.INT64, 2, 6)));
        ShapedGraph g = b.node("Gather", List.of("x", "i"), List.of("y"), Attribute.ofInt("axis", 1)).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(5, 2, 6, 3));
    }

    @Test
    void resizeKeepAspectRatioNotLarger() {
        // ONNX test_resize_upsample_sizes_nearest_not_larger: X [1,1,2,2], sizes [7,8] on axes [2,3]
        // scale = min(7/2, 8/2) = 3.5 → round(2 * 3.5) = 7 on both axes
        ShapedGraph g = new G().input("x", 1, 1, 2, 2).ints("sz", 7, 8)
                .node("Resize", List.of("x", "", "", "sz"), List.of("y"), Attribute.ofInts("axes", 2, 3),
                        Attribute.ofString("keep_aspect_ratio_policy", "not_larger")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(1, 1, 7, 7));
    }

    @Test
    void resizeByScales() {
        // X [1,1,4,4], scales [1,1,0.6,0.6]: floor(4 * 0.6) = 2
        G b = new G().input("x", 1, 1, 4, 4);
        b.inits.add(new TensorData("sc", DType.FLOAT, List.of(4L),
                new TensorValue(DType.FLOAT, new long[] {4}, new double[] {1, 1, 0.6f, 0.6f}), null));
        ShapedGraph g = b.node("Resize", List.of("x", "", "sc"), List.of("y")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(1, 1, 2, 2));
    }

    @Test
    void resizeLinearCostsTwoFlopsPerTap() {
        // [1,1,2,2] → [1,1,4,4] linear: 2 axes change, 2^2 = 4 taps; 16 outputs × 4 taps × 2 = 128 other FLOPs
        Node n = new Node("r", "Resize", "", List.of("x", "", "s"), List.of("y"),
                Map.of("mode", Attribute.ofString("mode", "linear")), Map.of(), "");
        Cost c = OpRegistry.standard().find(n).cost().cost(new CostContext(n, 19,
                Arrays.asList(TensorType.of(DType.FLOAT, 1, 1, 2, 2), null, TensorType.of(DType.FLOAT, 4)),
                List.of(TensorType.of(DType.FLOAT, 1, 1, 4, 4))));
        assertThat(c.otherFlops()).isEqualTo(128);
        assertThat(c.macs()).isZero();
    }

    @Test
    void concatSumsAxisAndChecksOthers() {
        // [2,3] ++ [2,5] on axis 1 → [2,8]; [2,3] ++ [4,3] on axis 1 fails
        ShapedGraph g = new G().input("a", 2, 3).input("b", 2, 5)
                .node("Concat", List.of("a", "b"), List.of("y"), Attribute.ofInt("axis", 1)).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(2, 8));
        G bad = new G().input("a", 2, 3).input("b", 4, 3)
                .node("Concat", List.of("a", "b"), List.of("y"), Attribute.ofInt("axis", 1));
        assertThatThrownBy(bad::run).isInstanceOf(ShapeException.class);
    }

    @Test
    void nonZeroCountsKnownValue() {
        // NonZero of a known [2,2] value [1,0,1,1]: 2 rows (rank), 3 non-zeros
        G b = new G();
        b.inits.add(new TensorData("c", DType.INT64, List.of(2L, 2L),
                TensorValue.ofLongs(DType.INT64, new long[] {2, 2}, new long[] {1, 0, 1, 1}), null));
        ShapedGraph g = b.node("NonZero", List.of("c"), List.of("y")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(2, 3));
    }

    @Test
    void ifWithUnknownConditionMergesBranches() {
        // then: Constant [5] float; else: Constant [2,2]; unknown cond → union has no common rank
        // same-rank case: then [5], else [5] → [5]
        Graph thenG = constantBranch("t", 5);
        Graph elseG = constantBranch("e", 5);
        Graph elseOther = constantBranch("e2", 3);
        G b = new G();
        b.inputs.add(new ValueInfo("cond", new TensorType(DType.BOOL, Shape.SCALAR)));
        ShapedGraph g = b.node("If", List.of("cond"), List.of("y"), Attribute.ofGraph("then_branch", thenG),
                Attribute.ofGraph("else_branch", elseG))
                .node("If", List.of("cond"), List.of("z"), Attribute.ofGraph("then_branch", thenG),
                        Attribute.ofGraph("else_branch", elseOther)).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(5));
        assertThat(shape(g, "z")).isEqualTo(Shape.unknownDims(1));
    }

    @Test
    void ifWithKnownConditionPassesBranchValues() {
        // cond = true: the then branch's Constant [3,4] flows out as a value and feeds Reshape:
        // x [2,6] (12 elements) reshaped to [3,4]
        Node thenConst = new Node("tc", "Constant", "", List.of(), List.of("ts"),
                Map.of("value_ints", Attribute.ofInts("value_ints", 3, 4)), Map.of(), "");
        Graph thenG = new Graph("then", List.of(thenConst), List.of(), List.of(new ValueInfo("ts", null)),
                List.of(), List.of());
        Node elseConst = new Node("ec", "Constant", "", List.of(), List.of("es"),
                Map.of("value_ints", Attribute.ofInts("value_ints", 12)), Map.of(), "");
        Graph elseG = new Graph("else", List.of(elseConst), List.of(), List.of(new ValueInfo("es", null)),
                List.of(), List.of());
        ShapedGraph g = new G().input("x", 2, 6).scalar("cond", DType.BOOL, 1)
                .node("If", List.of("cond"), List.of("s"), Attribute.ofGraph("then_branch", thenG),
                        Attribute.ofGraph("else_branch", elseG))
                .node("Reshape", List.of("x", "s"), List.of("y")).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(3, 4));
    }

    @Test
    void loopStacksScanOutputsOverKnownTripCount() {
        // Loop M=5, body passes cond through and emits a [1] float per iteration → scan output [5,1]
        Node identity = new Node("id", "Identity", "", List.of("cond_in"), List.of("cond_out"), Map.of(), Map.of(), "");
        Node c = new Node("c", "Constant", "", List.of(), List.of("v"),
                Map.of("value", Attribute.ofTensor("value", floats("v", 1))), Map.of(), "");
        Graph body = new Graph("body", List.of(identity, c),
                List.of(new ValueInfo("iter", null), new ValueInfo("cond_in", null)),
                List.of(new ValueInfo("cond_out", null), new ValueInfo("v", null)), List.of(), List.of());
        G b = new G().scalar("m", DType.INT64, 5).scalar("cond", DType.BOOL, 1);
        ShapedGraph g = b.node("Loop", List.of("m", "cond"), List.of("y"), Attribute.ofGraph("body", body)).run();
        assertThat(shape(g, "y")).isEqualTo(Shape.of(5, 1));
    }

    private static Graph constantBranch(String out, long... dims) {
        Node c = new Node(out, "Constant", "", List.of(), List.of(out),
                Map.of("value", Attribute.ofTensor("value", floats(out, dims))), Map.of(), "");
        return new Graph(out, List.of(c), List.of(), List.of(new ValueInfo(out, null)), List.of(), List.of());
    }

    private static TensorData floats(String name, long... dims) {
        int n = (int) Arrays.stream(dims).reduce(1, (x, y) -> x * y);
        return new TensorData(name, DType.FLOAT, Arrays.stream(dims).boxed().toList(),
                new TensorValue(DType.FLOAT, dims, new double[n]), null);
    }

    @Test
    void sequenceInsertIntoEmptyTakesElementType() {
        // SequenceEmpty then insert a [3] tensor: elements are [3]; SequenceAt gives [3]
        ShapedGraph g = new G().input("x", 3).scalar("p", DType.INT64, 0)
                .node("SequenceEmpty", List.of(), List.of("s0"))
                .node("SequenceInsert", List.of("s0", "x"), List.of("s1"))
                .node("SequenceAt", List.of("s1", "p"), List.of("y")).run();
        ValueType s1 = g.type("s1");
        assertThat(s1).isEqualTo(new ValueType.SequenceType(TensorType.of(DType.FLOAT, 3)));
        assertThat(shape(g, "y")).isEqualTo(Shape.of(3));
    }

    @Test
    void knownSequenceContentsMakeConcatAndAtExact() {
        // SequenceConstruct(a [2,3,4], b [2,5,4]); insert c [2,1,4] at position 0 → [c, a, b];
        // erase position -1 → [c, a]; length 2; SequenceAt 1 → a [2,3,4];
        // ConcatFromSequence axis 1 of [c, a] → [2, 1+3, 4] = [2,4,4];
        // ConcatFromSequence new_axis=1 axis -1 of (a, a) → stacked at the end: [2,3,4,2]
        ShapedGraph g = new G().input("a", 2, 3, 4).input("b", 2, 5, 4).input("c", 2, 1, 4)
                .scalar("p0", DType.INT64, 0).scalar("pm1", DType.INT64, -1).scalar("p1", DType.INT64, 1)
                .node("SequenceConstruct", List.of("a", "b"), List.of("s0"))
                .node("SequenceInsert", List.of("s0", "c", "p0"), List.of("s1"))
                .node("SequenceErase", List.of("s1", "pm1"), List.of("s2"))
                .node("SequenceLength", List.of("s2"), List.of("n"))
                .node("SequenceAt", List.of("s2", "p1"), List.of("at"))
                .node("ConcatFromSequence", List.of("s2"), List.of("cat"), Attribute.ofInt("axis", 1))
                .node("SequenceConstruct", List.of("a", "a"), List.of("aa"))
                .node("ConcatFromSequence", List.of("aa"), List.of("stack"), Attribute.ofInt("axis", -1),
                        Attribute.ofInt("new_axis", 1)).run();
        assertThat(g.values().get("n")).isEqualTo(TensorValue.scalar(2));
        assertThat(shape(g, "at")).isEqualTo(Shape.of(2, 3, 4));
        assertThat(shape(g, "cat")).isEqualTo(Shape.of(2, 4, 4));
        assertThat(shape(g, "stack")).isEqualTo(Shape.of(2, 3, 4, 2));
    }

    @Test
    void splitToSequenceWithScalarSplitKeepsTheShorterLastPiece() {
        // [7,2] split into chunks of 3 along axis 0 → [3,2], [3,2], [1,2]; concatenated back → [7,2]
        ShapedGraph g = new G().input("x", 7, 2).scalar("k", DType.INT64, 3)
                .node("SplitToSequence", List.of("x", "k"), List.of("s"))
                .node("SequenceLength", List.of("s"), List.of("n"))
                .node("ConcatFromSequence", List.of("s"), List.of("y"), Attribute.ofInt("axis", 0)).run();
        assertThat(g.values().get("n")).isEqualTo(TensorValue.scalar(3));
        assertThat(shape(g, "y")).isEqualTo(Shape.of(7, 2));
        assertThat(g.type("s")).isEqualTo(new ValueType.SequenceType(
                new TensorType(DType.FLOAT, new Shape(List.of(Dim.unknown(), Dim.of(2))))));
    }

    @Test
    void olderOpsetsTakeAttributes() {
        // opset 9 forms: Slice(starts=[1], ends=[3], axes=[1]) on [4,5] → [4,2];
        // Pad(pads=[0,1,0,1]) on [4,5] → [4,7]; Squeeze(axes=[0]) on [1,5] → [5];
        // Unsqueeze(axes=[0,2]) on [4,5] → [1,4,1,5]; Split(axis=1, split=[2,3]) on [4,5] → [4,2], [4,3];
        // Upsample opset 9 scales input [1,1,2,2] on [1,1,3,4] → [1,1,6,8]
        G b = new G().input("x", 4, 5).input("one", 1, 5).input("img", 1, 1, 3, 4);
        b.opset = 9;
        b.inits.add(new TensorData("sc", DType.FLOAT, List.of(4L),
                new TensorValue(DType.FLOAT, new long[] {4}, new double[] {1, 1, 2, 2}), null));
        ShapedGraph g = b
                .node("Slice", List.of("x"), List.of("sl"), Attribute.ofInts("starts", 1), Attribute.ofInts("ends", 3),
                        Attribute.ofInts("axes", 1))
                .node("Pad", List.of("x"), List.of("pd"), Attribute.ofInts("pads", 0, 1, 0, 1))
                .node("Squeeze", List.of("one"), List.of("sq"), Attribute.ofInts("axes", 0))
                .node("Unsqueeze", List.of("x"), List.of("us"), Attribute.ofInts("axes", 0, 2))
                .node("Split", List.of("x"), List.of("s1", "s2"), Attribute.ofInt("axis", 1), Attribute.ofInts("split", 2, 3))
                .node("Upsample", List.of("img", "sc"), List.of("up")).run();
        assertThat(shape(g, "sl")).isEqualTo(Shape.of(4, 2));
        assertThat(shape(g, "pd")).isEqualTo(Shape.of(4, 7));
        assertThat(shape(g, "sq")).isEqualTo(Shape.of(5));
        assertThat(shape(g, "us")).isEqualTo(Shape.of(1, 4, 1, 5));
        assertThat(shape(g, "s1")).isEqualTo(Shape.of(4, 2));
        assertThat(shape(g, "s2")).isEqualTo(Shape.of(4, 3));
        assertThat(shape(g, "up")).isEqualTo(Shape.of(1, 1, 6, 8));
    }

    @Test
    void symbolicDimsSurviveWhereTheyCan() {
        // x [N,3,8]: x[0:INT64_MAX] on axis 0 keeps N; x[::-1] on axis 0 keeps N; Tile repeats [1,2,1] → [N,6,8];
        // Flatten axis 1 → [N, 24]; a slice x[0:2] on axis 0 cannot know min(2, N): unknown
        ShapedGraph g = new G().input("x", DType.FLOAT, Dim.symbol("N"), Dim.of(3), Dim.of(8))
                .ints("z", 0).ints("big", INT64_MAX).ints("m1", -1).ints("min", Long.MIN_VALUE).ints("a0", 0)
                .ints("two", 2).ints("rep", 1, 2, 1)
                .node("Slice", List.of("x", "z", "big", "a0"), List.of("all"))
                .node("Slice", List.of("x", "m1", "min", "a0", "m1"), List.of("rev"))
                .node("Tile", List.of("x", "rep"), List.of("t"))
                .node("Flatten", List.of("x"), List.of("f"))
                .node("Slice", List.of("x", "z", "two", "a0"), List.of("head")).run();
        Dim n = Dim.symbol("N");
        assertThat(shape(g, "all")).isEqualTo(new Shape(List.of(n, Dim.of(3), Dim.of(8))));
        assertThat(shape(g, "rev")).isEqualTo(new Shape(List.of(n, Dim.of(3), Dim.of(8))));
        assertThat(shape(g, "t")).isEqualTo(new Shape(List.of(n, Dim.of(6), Dim.of(8))));
        assertThat(shape(g, "f")).isEqualTo(new Shape(List.of(n, Dim.of(24))));
        assertThat(shape(g, "head")).isEqualTo(new Shape(List.of(Dim.unknown(), Dim.of(3), Dim.of(8))));
    }

    @Test
    void symbolicShapeVectorsKeepTheSymbol() {
        // x [N,512,7,7]: x.view(x.size(0), -1) exports as Shape → Gather(0) → Unsqueeze → Concat([N], [-1])
        // → Reshape: [N, 512*7*7 = 25088] (N cancels when solving -1).
        // ids [1,S]: Range(0, Shape(ids)[1], 1) has S elements; ConstantOfShape(Shape(ids)) is [1,S];
        // Expand(c [1], Shape(x)[0:1]) is [N]
        ShapedGraph g = new G().input("x", DType.FLOAT, Dim.symbol("N"), Dim.of(512), Dim.of(7), Dim.of(7))
                .input("ids", DType.INT64, Dim.of(1), Dim.symbol("S"))
                .input("c", 1)
                .scalar("i0", DType.INT64, 0).scalar("i1", DType.INT64, 1).ints("ax", 0).ints("m1", -1)
                .ints("st", 0).ints("en", 1)
                .node("Shape", List.of("x"), List.of("sx"))
                .node("Gather", List.of("sx", "i0"), List.of("n"))
                .node("Unsqueeze", List.of("n", "ax"), List.of("nv"))
                .node("Concat", List.of("nv", "m1"), List.of("target"), Attribute.ofInt("axis", 0))
                .node("Reshape", List.of("x", "target"), List.of("flat"))
                .node("Shape", List.of("ids"), List.of("sids"))
                .node("Gather", List.of("sids", "i1"), List.of("len"))
                .node("Range", List.of("i0", "len", "i1"), List.of("pos"))
                .node("ConstantOfShape", List.of("sids"), List.of("ones"))
                .node("Slice", List.of("sx", "st", "en"), List.of("lead"))
                .node("Expand", List.of("c", "lead"), List.of("e")).run();
        Dim n = Dim.symbol("N");
        Dim seq = Dim.symbol("S");
        assertThat(shape(g, "flat")).isEqualTo(new Shape(List.of(n, Dim.of(25088))));
        assertThat(shape(g, "pos")).isEqualTo(new Shape(List.of(seq)));
        assertThat(shape(g, "ones")).isEqualTo(new Shape(List.of(Dim.of(1), seq)));
        assertThat(shape(g, "e")).isEqualTo(new Shape(List.of(n)));
        assertThat(g.values()).doesNotContainKey("n"); // a symbol is never turned into a number
    }
}
