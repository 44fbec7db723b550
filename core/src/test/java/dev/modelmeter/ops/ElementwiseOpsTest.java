package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.ShapeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.modelmeter.graph.DType.BOOL;
import static dev.modelmeter.graph.DType.FLOAT;
import static dev.modelmeter.graph.DType.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected shapes and values worked from the ONNX operator specification. */
class ElementwiseOpsTest {

    @ParameterizedTest
    @ValueSource(strings = {"Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Round", "Sign",
            "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Erf",
            "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu", "Selu", "Celu", "Gelu",
            "Mish", "Softplus", "Softsign", "ThresholdedRelu", "Shrink", "Swish"})
    void unaryKeepsShapeAndType(String op) {
        TensorType x = new TensorType(FLOAT, new Shape(List.of(Dim.symbol("batch"), Dim.of(3), Dim.unknown())));
        assertThat(OpRuleHarness.of(op).in(x).type(0)).isEqualTo(x);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual"})
    void comparisonsGiveBoolOfTheBroadcastShape(String op) {
        // [2,3,4] against [3,1]: aligned right, 4 vs 1 → 4, 3 vs 3 → 3, 2 vs (absent) → 2
        assertThat(OpRuleHarness.of(op).in(FLOAT, 2, 3, 4).in(FLOAT, 3, 1).type(0))
                .isEqualTo(TensorType.of(BOOL, 2, 3, 4));
    }

    @Test
    void isNanAndNotGiveBool() {
        assertThat(OpRuleHarness.of("IsNaN").in(FLOAT, 5).type(0)).isEqualTo(TensorType.of(BOOL, 5));
        assertThat(OpRuleHarness.of("IsInf").in(FLOAT, 5).type(0)).isEqualTo(TensorType.of(BOOL, 5));
        assertThat(OpRuleHarness.of("Not").in(BOOL, 5).type(0)).isEqualTo(TensorType.of(BOOL, 5));
    }

    @Test
    void broadcastOfSymbolWithOne() {
        TensorType a = new TensorType(FLOAT, new Shape(List.of(Dim.symbol("N"), Dim.of(1))));
        // [N,1] + [1,4] → [N,4]
        assertThat(OpRuleHarness.of("Add").in(a).in(FLOAT, 1, 4).type(0).shape())
                .isEqualTo(new Shape(List.of(Dim.symbol("N"), Dim.of(4))));
    }

    @Test
    void incompatibleBroadcastIsAShapeError() {
        assertThatThrownBy(() -> OpRuleHarness.of("Mul").in(FLOAT, 3).in(FLOAT, 4).run())
                .isInstanceOf(ShapeException.class);
    }

    @Test
    void variadicOpsBroadcastAllInputs() {
        // [3] , [2,1], [1] → [2,3]
        for (String op : List.of("Sum", "Mean", "Max", "Min")) {
            assertThat(OpRuleHarness.of(op).in(FLOAT, 3).in(FLOAT, 2, 1).in(FLOAT, 1).type(0))
                    .isEqualTo(TensorType.of(FLOAT, 2, 3));
        }
    }

    @Test
    void shapeArithmeticValues() {
        // Shape [2,3] × 4 = [8,12]
        InferenceContext mul = OpRuleHarness.of("Mul").value(TensorValue.vector(2, 3)).value(TensorValue.scalar(4)).run();
        assertThat(mul.outputValue(0)).isEqualTo(TensorValue.vector(8, 12));
        // integer division truncates toward zero: -7 / 2 = -3 (floor would give -4); 7 / 2 = 3
        InferenceContext div = OpRuleHarness.of("Div").value(TensorValue.vector(-7, 7)).value(TensorValue.scalar(2)).run();
        assertThat(div.outputValue(0)).isEqualTo(TensorValue.vector(-3, 3));
        // Sub, Add, Neg, Abs, Max, Min
        assertThat(OpRuleHarness.of("Sub").value(TensorValue.vector(5)).value(TensorValue.vector(7)).run().outputValue(0))
                .isEqualTo(TensorValue.vector(-2));
        assertThat(OpRuleHarness.of("Neg").value(TensorValue.vector(5)).run().outputValue(0))
                .isEqualTo(TensorValue.vector(-5));
        assertThat(OpRuleHarness.of("Max").value(TensorValue.vector(1, 9)).value(TensorValue.scalar(4)).run().outputValue(0))
                .isEqualTo(TensorValue.vector(4, 9));
        assertThat(OpRuleHarness.of("Min").value(TensorValue.vector(1, 9)).value(TensorValue.scalar(4)).run().outputValue(0))
                .isEqualTo(TensorValue.vector(1, 4));
    }

    @Test
    void integerDivisionByZeroKeepsTheShapeButNoValue() {
        InferenceContext div = OpRuleHarness.of("Div").value(TensorValue.vector(1, 2)).value(TensorValue.scalar(0)).run();
        assertThat(div.outputValue(0)).isNull();
        assertThat(div.outputType(0)).isEqualTo(TensorType.of(INT64, 2));
    }

    @Test
    void modFollowsTheDivisorSignUnlessFmod() {
        // fmod=0: -7 mod 2 = 1 (Python), 7 mod -2 = -1; fmod=1: -7 fmod 2 = -1 (C)
        assertThat(OpRuleHarness.of("Mod").value(TensorValue.vector(-7, 7)).value(TensorValue.vector(2, -2))
                .run().outputValue(0)).isEqualTo(TensorValue.vector(1, -1));
        assertThat(OpRuleHarness.of("Mod").attr(Attribute.ofInt("fmod", 1)).value(TensorValue.vector(-7))
                .value(TensorValue.vector(2)).run().outputValue(0)).isEqualTo(TensorValue.vector(-1));
    }

    @Test
    void equalAndWhereValues() {
        // Equal([3,-1],[-1]) = [false,true]; Where(cond, [0,0]→ use Y) picks per element
        TensorValue eq = OpRuleHarness.of("Equal").value(TensorValue.vector(3, -1)).value(TensorValue.vector(-1))
                .run().outputValue(0);
        assertThat(eq).isEqualTo(TensorValue.ofLongs(BOOL, new long[] {2}, new long[] {0, 1}));
        TensorValue where = OpRuleHarness.of("Where").value(eq).value(TensorValue.vector(1, 1))
                .value(TensorValue.vector(3, 4)).run().outputValue(0);
        // element 0: cond false → Y[0] = 3; element 1: cond true → X[1] = 1
        assertThat(where).isEqualTo(TensorValue.vector(3, 1));
    }

    @Test
    void whereTakesXTypeAndBroadcastsAllThree() {
        // cond [2,1], X [3], Y [] → [2,3] of X's type
        assertThat(OpRuleHarness.of("Where").in(BOOL, 2, 1).in(DType.DOUBLE, 3).in(DType.DOUBLE).type(0))
                .isEqualTo(TensorType.of(DType.DOUBLE, 2, 3));
    }

    @Test
    void castConvertsValuesTowardZero() {
        TensorValue f = new TensorValue(FLOAT, new long[] {2}, new double[] {2.7, -2.7});
        InferenceContext cast = OpRuleHarness.of("Cast").attr(Attribute.ofInt("to", INT64.code())).value(f).run();
        assertThat(cast.outputValue(0)).isEqualTo(TensorValue.vector(2, -2));
        assertThat(OpRuleHarness.of("CastLike").in(FLOAT, 2, 3).in(DType.FLOAT16, 1).type(0))
                .isEqualTo(TensorType.of(DType.FLOAT16, 2, 3));
    }

    @Test
    void clipBoundsFromAttributesOrInputs() {
        // opset 6: attributes; values clamp to [0, 6]
        TensorValue x = TensorValue.vector(-3, 4, 9);
        assertThat(OpRuleHarness.of("Clip").opset(6).attr(Attribute.ofFloat("min", 0)).attr(Attribute.ofFloat("max", 6))
                .value(x).run().outputValue(0)).isEqualTo(TensorValue.vector(0, 4, 6));
        // opset 13: inputs; min omitted, max 5
        assertThat(OpRuleHarness.of("Clip").opset(13).value(x).omitted().value(TensorValue.scalar(5))
                .run().outputValue(0)).isEqualTo(TensorValue.vector(-3, 4, 5));
        assertThat(OpRuleHarness.of("Clip").opset(13).in(FLOAT, 2, 2).type(0)).isEqualTo(TensorType.of(FLOAT, 2, 2));
    }

    @Test
    void bitwiseNotWrapsToTheUnsignedWidth() {
        // ~5 in uint8 = 255 - 5 = 250
        TensorValue x = TensorValue.ofLongs(DType.UINT8, new long[] {1}, new long[] {5});
        assertThat(OpRuleHarness.of("BitwiseNot").value(x).run().outputValue(0))
                .isEqualTo(TensorValue.ofLongs(DType.UINT8, new long[] {1}, new long[] {250}));
    }

    @Test
    void preluSlopeIsAParameterEvenWithOneElement() {
        OpRuleHarness h = OpRuleHarness.of("PRelu").in(FLOAT, 1, 3, 4).in(FLOAT, 1);
        TensorData slope = new TensorData("slope", FLOAT, List.of(1L), null, null);
        assertThat(OpRegistry.standard().role(h.node(), 1, slope)).isEqualTo(InitializerRole.PARAMETER);
        assertThat(h.type(0)).isEqualTo(TensorType.of(FLOAT, 1, 3, 4));
    }

    @Test
    void costIsOneFlopPerOutputElementAndNoMacs() {
        OpDef add = OpRegistry.standard().find("", "Add");
        OpRuleHarness h = OpRuleHarness.of("Add").in(FLOAT, 2, 3, 4).in(FLOAT, 4);
        Cost c = add.cost().cost(new CostContext(h.node(), 14, List.of(TensorType.of(FLOAT, 2, 3, 4),
                TensorType.of(FLOAT, 4)), List.of(TensorType.of(FLOAT, 2, 3, 4))));
        // 2·3·4 = 24 output elements, one add each
        assertThat(c.macs()).isZero();
        assertThat(c.otherFlops()).isEqualTo(24);
        // Sum of 3 inputs: 2 adds per element, 2·24 = 48
        Cost sum = OpRegistry.standard().find("", "Sum").cost().cost(new CostContext(h.node(), 14,
                List.of(TensorType.of(FLOAT, 2, 3, 4), TensorType.of(FLOAT, 4), TensorType.of(FLOAT, 1)),
                List.of(TensorType.of(FLOAT, 2, 3, 4))));
        assertThat(sum.otherFlops()).isEqualTo(48);
    }

    @Test
    void savedTensorsFollowDerivativesYaml() {
        TensorType t = TensorType.of(FLOAT, 2, 3);
        AutogradContext relu = new AutogradContext(OpRuleHarness.of("Relu").in(t).node(), List.of(t), List.of(t),
                List.of(true), List.of(false), AutogradContext.Backend.CUDA);
        assertThat(OpRegistry.standard().find("", "Relu").autograd().saved(relu)).containsExactly(Saved.output(0));
        // x * w with w a parameter: grad of x needs w (lives anyway), grad of w needs x
        AutogradContext mul = new AutogradContext(OpRuleHarness.of("Mul").in(t).in(t).node(), List.of(t, t),
                List.of(t), List.of(true, true), List.of(false, true), AutogradContext.Backend.CUDA);
        assertThat(OpRegistry.standard().find("", "Mul").autograd().saved(mul)).containsExactly(Saved.input(0));
        AutogradContext add = new AutogradContext(OpRuleHarness.of("Add").in(t).in(t).node(), List.of(t, t),
                List.of(t), List.of(true, true), List.of(false, false), AutogradContext.Backend.CUDA);
        assertThat(OpRegistry.standard().find("", "Add").autograd().saved(add)).isEmpty();
    }

    @Test
    void legacyBroadcastAlignsBAtAxis() {
        // opset 6, broadcast=1, axis=1: B [3] lines up with A's axis 1 of [2,3,4] → [2,3,4]
        // (numpy alignment would put 3 against 4 and fail)
        assertThat(OpRuleHarness.of("Add").opset(6).attr(Attribute.ofInt("broadcast", 1)).attr(Attribute.ofInt("axis", 1))
                .in(FLOAT, 2, 3, 4).in(FLOAT, 3).type(0)).isEqualTo(TensorType.of(FLOAT, 2, 3, 4));
    }

    @Test
    void preluBeforeOpset7TakesOneSlopePerChannel() {
        // PRelu-6: slope [3] applies along axis 1 of [2,3,4]; output keeps x's shape
        assertThat(OpRuleHarness.of("PRelu").opset(6).in(FLOAT, 2, 3, 4).in(FLOAT, 3).type(0))
                .isEqualTo(TensorType.of(FLOAT, 2, 3, 4));
        // opset 9 exports unsqueeze the slope to [3,1,1], which broadcasts numpy-style
        assertThat(OpRuleHarness.of("PRelu").opset(9).in(FLOAT, 2, 3, 4, 5).in(FLOAT, 3, 1, 1).type(0))
                .isEqualTo(TensorType.of(FLOAT, 2, 3, 4, 5));
    }

    @Test
    void legacyAndContribActivationsKeepShape() {
        for (String op : List.of("ImageScaler", "ScaledTanh", "ParametricSoftplus", "Affine")) {
            assertThat(OpRuleHarness.of(op).opset(1).in(FLOAT, 1, 3, 8, 8).type(0)).isEqualTo(TensorType.of(FLOAT, 1, 3, 8, 8));
        }
        for (String op : List.of("Gelu", "FastGelu", "QuickGelu")) {
            assertThat(OpRuleHarness.of("com.microsoft", op).opset(1).in(FLOAT, 2, 16).type(0))
                    .isEqualTo(TensorType.of(FLOAT, 2, 16));
        }
        // BiasGelu: [2,16] + bias [16] → [2,16]
        assertThat(OpRuleHarness.of("com.microsoft", "BiasGelu").opset(1).in(FLOAT, 2, 16).in(FLOAT, 16).type(0))
                .isEqualTo(TensorType.of(FLOAT, 2, 16));
    }
}
