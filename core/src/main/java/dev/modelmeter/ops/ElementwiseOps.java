package dev.modelmeter.ops;

import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.ShapeRule;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

import static dev.modelmeter.ops.MemoryFacts.Autocast.FP32;
import static dev.modelmeter.ops.MemoryFacts.Autocast.LOWER_PRECISION;
import static dev.modelmeter.ops.MemoryFacts.Autocast.UNLISTED;
import static dev.modelmeter.ops.OpDef.op;

/**
 * Elementwise operators: unary math, activations, binary and variadic arithmetic with numpy
 * broadcasting, comparisons and logic, Where, Clip, Cast.
 *
 * <p>Values: when every input's contents are known (shape arithmetic), the output's contents are
 * computed too (see {@link ElementwiseValues}); integer Div truncates toward zero as ONNX runtimes do.
 *
 * <p>Cost convention: {@code otherFlops} = one per output element for every arithmetic, comparison
 * or activation op, however many instructions its kernel takes (an exp and a multiply count the
 * same); a variadic op over n inputs counts n−1 per element (n for Mean: the sums and a divide).
 * Type conversions (Cast, CastLike, BitCast) move data and count 0. MACs are 0 throughout: PyTorch's
 * FlopCounterMode counts only matmul-like work.
 *
 * <p>Saved tensors follow PyTorch's derivatives.yaml for the matching aten op, checked against the
 * fixtures' measured {@code saved_for_backward} (the measurement wins): Relu, Sigmoid, Tanh, Exp, Sqrt,
 * Reciprocal save their result; Clip (ReLU6), HardSwish, HardSigmoid, Gelu, Erf, LeakyRelu, PRelu,
 * Elu/Selu/Celu (out-of-place elu saves self), Log, Softplus, Softsign, Mish and trigonometry their
 * input (the mobilenet fixtures
 * show ReLU6/Hardswish keep a storage apart from the next conv's input); Mul saves each operand only
 * when the <em>other</em> needs a grad, so a multiplication by a constant saves nothing; Div its divisor
 * (and its dividend when the divisor needs a grad); Pow its base (and exponent and result when the
 * exponent needs a grad); Add, Sub, Neg, Cast nothing. Where saves its condition; the memory planner
 * saves nothing for the Where of PyTorch's safe softmax (a pattern, not an operator fact). Nothing is
 * saved when no input needs a grad, and parameters are never listed (they live anyway).
 */
public final class ElementwiseOps implements OpFamily {

    /** ONNX Runtime's contrib domain. */
    private static final String MS = "com.microsoft";

    private static final double SELU_ALPHA = 1.67326319217681884765625;
    private static final double SELU_GAMMA = 1.05070102214813232421875;

    @Override
    public void register(OpRegistry r) {
        registerUnaryMath(r);
        registerActivations(r);
        registerLegacyAndContribActivations(r);
        registerBinary(r);
        registerOthers(r);
    }

    // ---------------------------------------------------------------- unary math

    private void registerUnaryMath(OpRegistry r) {
        unary(r, "Abs", Math::abs, Saves.inputs(0));
        unary(r, "Neg", x -> -x, AutogradRule.NOTHING);
        unary(r, "Exp", Math::exp, Saves.output(), b -> b.autocast(FP32, UNLISTED).backwardReadsOutput());
        unary(r, "Log", Math::log, Saves.inputs(0), b -> b.autocast(FP32, UNLISTED));
        unary(r, "Sqrt", Math::sqrt, Saves.output(), OpDef.Builder::backwardReadsOutput);
        unary(r, "Reciprocal", x -> 1 / x, Saves.output(), b -> b.autocast(FP32, UNLISTED).backwardReadsOutput());
        unary(r, "Floor", Math::floor, AutogradRule.NOTHING, b -> b.notDifferentiable("piecewise constant: derivatives.yaml gives a zero gradient, nothing flows back"));
        unary(r, "Ceil", Math::ceil, AutogradRule.NOTHING, b -> b.notDifferentiable("piecewise constant: derivatives.yaml gives a zero gradient, nothing flows back"));
        unary(r, "Round", Math::rint, AutogradRule.NOTHING, b -> b.notDifferentiable("piecewise constant: derivatives.yaml gives a zero gradient, nothing flows back")); // half to even, as ONNX specifies
        unary(r, "Sign", Math::signum, AutogradRule.NOTHING, b -> b.notDifferentiable("piecewise constant: derivatives.yaml gives a zero gradient, nothing flows back"));
        unary(r, "Sin", Math::sin, Saves.inputs(0));
        unary(r, "Cos", Math::cos, Saves.inputs(0));
        unary(r, "Tan", Math::tan, Saves.output(), b -> b.autocast(FP32, UNLISTED).backwardReadsOutput());
        unary(r, "Asin", Math::asin, Saves.inputs(0), b -> b.autocast(FP32, UNLISTED));
        unary(r, "Acos", Math::acos, Saves.inputs(0), b -> b.autocast(FP32, UNLISTED));
        unary(r, "Atan", Math::atan, Saves.inputs(0));
        unary(r, "Sinh", Math::sinh, Saves.inputs(0), b -> b.autocast(FP32, UNLISTED));
        unary(r, "Cosh", Math::cosh, Saves.inputs(0), b -> b.autocast(FP32, UNLISTED));
        unary(r, "Asinh", x -> Math.log(x + Math.sqrt(x * x + 1)), Saves.inputs(0));
        unary(r, "Acosh", x -> Math.log(x + Math.sqrt(x * x - 1)), Saves.inputs(0));
        unary(r, "Atanh", x -> 0.5 * Math.log((1 + x) / (1 - x)), Saves.inputs(0));
        unary(r, "Erf", null, Saves.inputs(0));
        r.add(op("Not").shape(unaryRule(DType.BOOL, ctx -> x -> x == 0 ? 1 : 0)).cost(ElementwiseOps::perElement)
                .notDifferentiable("a boolean result"));
        r.add(op("BitwiseNot").shape(unaryRule(null, ctx -> x -> ~(long) x)).cost(ElementwiseOps::perElement)
                .saves(AutogradRule.NOTHING));
        r.add(op("IsNaN").shape(unaryRule(DType.BOOL, ctx -> x -> Double.isNaN(x) ? 1 : 0))
                .cost(ElementwiseOps::perElement).notDifferentiable("a boolean result"));
        r.add(op("IsInf").shape(unaryRule(DType.BOOL, ctx -> {
            boolean neg = ctx.intAttr("detect_negative", 1) != 0;
            boolean pos = ctx.intAttr("detect_positive", 1) != 0;
            return x -> (x == Double.POSITIVE_INFINITY && pos) || (x == Double.NEGATIVE_INFINITY && neg) ? 1 : 0;
        })).cost(ElementwiseOps::perElement).notDifferentiable("a boolean result"));
    }

    // ---------------------------------------------------------------- activations

    private void registerActivations(OpRegistry r) {
        // torchvision runs ReLU(inplace=True); in place is safe because relu saves its result, not its input
        unary(r, "Relu", x -> Math.max(x, 0), Saves.output(), b -> b.inPlaceWhenSafe().backwardReadsOutput());
        unary(r, "Sigmoid", ElementwiseOps::sigmoid, Saves.output(), OpDef.Builder::backwardReadsOutput);
        unary(r, "Tanh", Math::tanh, Saves.output(), OpDef.Builder::backwardReadsOutput);
        unary(r, "Softsign", x -> x / (1 + Math.abs(x)), Saves.inputs(0));
        unary(r, "Mish", x -> x * Math.tanh(Math.log1p(Math.exp(x))), Saves.inputs(0));
        unaryWithAttrs(r, "LeakyRelu", ctx -> {
            double a = ctx.floatAttr("alpha", 0.01);
            return x -> x < 0 ? a * x : x;
        });
        // in place (inplace=True), elu's backward reads its result: nothing may overwrite it
        unaryWithAttrs(r, "Elu", ctx -> {
            double a = ctx.floatAttr("alpha", 1.0);
            return x -> x < 0 ? a * (Math.exp(x) - 1) : x;
        }, OpDef.Builder::backwardReadsOutput);
        unaryWithAttrs(r, "Selu", ctx -> {
            double a = ctx.floatAttr("alpha", SELU_ALPHA);
            double g = ctx.floatAttr("gamma", SELU_GAMMA);
            return x -> x <= 0 ? g * (a * Math.exp(x) - a) : g * x;
        }, OpDef.Builder::backwardReadsOutput);
        unaryWithAttrs(r, "Celu", ctx -> {
            double a = ctx.floatAttr("alpha", 1.0);
            return x -> Math.max(0, x) + Math.min(0, a * (Math.exp(x / a) - 1));
        }, OpDef.Builder::backwardReadsOutput);
        unaryWithAttrs(r, "HardSigmoid", ctx -> {
            double a = ctx.floatAttr("alpha", 0.2);
            double b = ctx.floatAttr("beta", 0.5);
            return x -> Math.max(0, Math.min(1, a * x + b));
        });
        unaryWithAttrs(r, "HardSwish", ctx -> x -> x * Math.max(0, Math.min(1, x / 6 + 0.5)));
        unaryWithAttrs(r, "Softplus", ctx -> x -> Math.log1p(Math.exp(x)), b -> b.autocast(FP32, UNLISTED));
        unaryWithAttrs(r, "ThresholdedRelu", ctx -> {
            double a = ctx.floatAttr("alpha", 1.0);
            return x -> x > a ? x : 0;
        });
        unaryWithAttrs(r, "Shrink", ctx -> {
            double bias = ctx.floatAttr("bias", 0.0);
            double lambd = ctx.floatAttr("lambd", 0.5);
            return x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0;
        });
        unaryWithAttrs(r, "Swish", ctx -> {
            double a = ctx.floatAttr("alpha", 1.0);
            return x -> x * sigmoid(a * x);
        });
        unaryWithAttrs(r, "Gelu", ctx -> "tanh".equals(ctx.stringAttr("approximate", "none"))
                ? x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
                : null);
        // PRelu: x < 0 ? slope·x : x; the output has x's shape. The slope broadcasts to x
        // unidirectionally from opset 7; before, it was one value or one per channel (axis 1).
        // It is a learned parameter even when it holds a single element (nn.PReLU() has one).
        r.add(op("PRelu").shape(ctx -> {
            TensorType x = ctx.input(0);
            TensorType slope = ctx.input(1);
            if (ctx.opset() >= 7 && x.shape() != null && slope.shape() != null) {
                Shape b = Shapes.broadcast(ctx, x.shape(), slope.shape());
                if (b.rank() != x.shape().rank()) {
                    throw ctx.fail("slope " + slope.shape() + " does not broadcast to " + x.shape());
                }
            }
            ctx.output(0, x);
        }).cost(ElementwiseOps::perElement).saves(Saves.inputs(0, 1)).params(1)
                .autocast(LOWER_PRECISION, LOWER_PRECISION));
        // SwiGLU (opset 28 form with two inputs): the output has the broadcast shape of its operands.
        r.add(op("SwiGLU").shape(broadcastRule(inputType(0), null)).cost(ElementwiseOps::perElement)
                .saves(Saves.inputs(0, 1)));
    }

    /**
     * Activations outside the current standard that real files still hold: the experimental opset-1
     * ops of old converters (ImageScaler in Caffe/CoreML conversions, ScaledTanh, ParametricSoftplus,
     * Affine) and ONNX Runtime's fused GELU variants in {@code com.microsoft} (optimised exports).
     * All keep their first input's shape; BiasGelu broadcasts its two operands.
     */
    private void registerLegacyAndContribActivations(OpRegistry r) {
        r.add(op("ImageScaler").shape(unaryRule(null, ctx -> null)).cost(ElementwiseOps::perElement)
                .saves(AutogradRule.NOTHING));
        unaryWithAttrs(r, "ScaledTanh", ctx -> {
            double a = ctx.floatAttr("alpha", 1.0);
            double b = ctx.floatAttr("beta", 1.0);
            return x -> a * Math.tanh(b * x);
        });
        unaryWithAttrs(r, "ParametricSoftplus", ctx -> {
            double a = ctx.floatAttr("alpha", 1.0);
            double b = ctx.floatAttr("beta", 1.0);
            return x -> a * Math.log1p(Math.exp(b * x));
        });
        r.add(op("Affine").shape(unaryRule(null, ctx -> {
            double a = ctx.floatAttr("alpha", 1.0);
            double b = ctx.floatAttr("beta", 0.0);
            return x -> a * x + b;
        })).cost(ElementwiseOps::perElement).saves(AutogradRule.NOTHING));
        for (String name : List.of("Gelu", "FastGelu")) {
            r.add(op(MS, name).shape(unaryRule(null, ctx -> null)).cost(ElementwiseOps::perElement)
                    .saves(Saves.inputs(0)));
        }
        r.add(op(MS, "QuickGelu").shape(unaryRule(null, ctx -> {
            double a = ctx.floatAttr("alpha", 1.702);
            return x -> x * sigmoid(a * x);
        })).cost(ElementwiseOps::perElement).saves(Saves.inputs(0)));
        r.add(op(MS, "BiasGelu").shape(broadcastRule(inputType(0), null)).cost(ElementwiseOps::perElement)
                .saves(Saves.inputs(0, 1)));
    }

    // ---------------------------------------------------------------- binary and variadic

    private void registerBinary(OpRegistry r) {
        binary(r, "Add", inputType(0), d -> a -> a[0] + a[1], AutogradRule.NOTHING, b -> b.gradientPassesThrough(0, 1));
        binary(r, "Sub", inputType(0), d -> a -> a[0] - a[1], AutogradRule.NOTHING, b -> b.gradientPassesThrough(0));
        binary(r, "Mul", inputType(0), d -> a -> a[0] * a[1], ElementwiseOps::mulSaves);
        binary(r, "Div", inputType(0), d -> d.isInteger()
                ? a -> truncDiv(a[0], a[1])
                : a -> a[0] / a[1], ElementwiseOps::divSaves);
        binary(r, "Pow", inputType(0), d -> a -> Math.pow(a[0], a[1]), ElementwiseOps::powSaves,
                b -> b.autocast(FP32, UNLISTED).backwardReadsOutput());
        r.add(op("Mod").shape(ctx -> {
            boolean fmod = ctx.intAttr("fmod", 0) != 0;
            broadcastRule(inputType(0), d -> d.isInteger() && !fmod
                    ? a -> pyMod(a[0], a[1])
                    : a -> fmodOf(a[0], a[1])).infer(ctx);
        }).cost(ElementwiseOps::perElement).saves(ElementwiseOps::modSaves));
        r.add(op("BitShift").constants(0, 1).shape(ctx -> {
            boolean left = "LEFT".equals(ctx.stringAttr("direction", ""));
            broadcastRule(inputType(0), d -> left
                    ? a -> (double) ((long) a[0] << (long) a[1])
                    : a -> (double) ((long) a[0] >>> (long) a[1])).infer(ctx);
        }).cost(ElementwiseOps::perElement).saves(AutogradRule.NOTHING));
        binary(r, "BitwiseAnd", inputType(0), d -> a -> (long) a[0] & (long) a[1], AutogradRule.NOTHING);
        binary(r, "BitwiseOr", inputType(0), d -> a -> (long) a[0] | (long) a[1], AutogradRule.NOTHING);
        binary(r, "BitwiseXor", inputType(0), d -> a -> (long) a[0] ^ (long) a[1], AutogradRule.NOTHING);
        binary(r, "And", fixed(DType.BOOL), d -> a -> a[0] != 0 && a[1] != 0 ? 1 : 0, AutogradRule.NOTHING);
        binary(r, "Or", fixed(DType.BOOL), d -> a -> a[0] != 0 || a[1] != 0 ? 1 : 0, AutogradRule.NOTHING);
        binary(r, "Xor", fixed(DType.BOOL), d -> a -> (a[0] != 0) != (a[1] != 0) ? 1 : 0, AutogradRule.NOTHING);
        binary(r, "Equal", fixed(DType.BOOL), d -> a -> a[0] == a[1] ? 1 : 0, AutogradRule.NOTHING);
        binary(r, "Greater", fixed(DType.BOOL), d -> a -> a[0] > a[1] ? 1 : 0, AutogradRule.NOTHING);
        binary(r, "Less", fixed(DType.BOOL), d -> a -> a[0] < a[1] ? 1 : 0, AutogradRule.NOTHING);
        binary(r, "GreaterOrEqual", fixed(DType.BOOL), d -> a -> a[0] >= a[1] ? 1 : 0, AutogradRule.NOTHING);
        binary(r, "LessOrEqual", fixed(DType.BOOL), d -> a -> a[0] <= a[1] ? 1 : 0, AutogradRule.NOTHING);

        r.add(op("Sum").shape(broadcastRule(inputType(0), d -> a -> {
            double s = 0;
            for (double x : a) {
                s += x;
            }
            return s;
        })).cost(ElementwiseOps::variadic).saves(AutogradRule.NOTHING));
        r.add(op("Mean").shape(broadcastRule(inputType(0), d -> a -> {
            double s = 0;
            for (double x : a) {
                s += x;
            }
            return s / a.length;
        })).cost(ctx -> {
            long n = ctx.outputNumel(0);
            int k = ctx.inputs().size();
            return Cost.other(Counts.mul(n, k), k + " × " + n + " elements");
        }).saves(AutogradRule.NOTHING));
        r.add(op("Max").shape(broadcastRule(inputType(0), d -> a -> {
            double m = a[0];
            for (double x : a) {
                m = Double.isNaN(x) ? x : Math.max(m, x);
            }
            return m;
        })).cost(ElementwiseOps::variadic).saves(ElementwiseOps::allNonWeightInputs));
        r.add(op("Min").shape(broadcastRule(inputType(0), d -> a -> {
            double m = a[0];
            for (double x : a) {
                m = Double.isNaN(x) ? x : Math.min(m, x);
            }
            return m;
        })).cost(ElementwiseOps::variadic).saves(ElementwiseOps::allNonWeightInputs));
    }

    // ---------------------------------------------------------------- Where, Clip, casts

    private void registerOthers(OpRegistry r) {
        // Where(condition, X, Y): the three broadcast; the element type is X's.
        r.add(op("Where").shape(broadcastRule(inputType(1), d -> a -> a[0] != 0 ? a[1] : a[2]))
                .cost(ElementwiseOps::perElement).saves(ctx -> Saves.anyRequiresGrad(ctx)
                        ? List.of(Saved.input(0)) : List.of()).constants(0));
        r.add(op("Clip").shape(ElementwiseOps::clip).cost(ElementwiseOps::perElement).saves(Saves.inputs(0))
                .constants(1, 2));
        r.add(op("Cast").shape(ctx -> {
            DType to = DType.fromCode((int) ctx.intAttr("to", 0));
            if (to == DType.UNDEFINED) {
                throw ctx.fail("'to' names no known element type");
            }
            convert(ctx, to);
        }).cost(ctx -> Cost.ZERO).saves(AutogradRule.NOTHING).resultTypeDeclared());
        r.add(op("CastLike").shape(ctx -> convert(ctx, ctx.input(1).dtype())).cost(ctx -> Cost.ZERO)
                .saves(AutogradRule.NOTHING).constants(1));
        // BitCast reinterprets the bits: same shape when the widths agree (all the suite's cases);
        // across widths the last axis would change, which we leave unknown.
        r.add(op("BitCast").shape(ctx -> {
            TensorType x = ctx.input(0);
            DType to = DType.fromCode((int) ctx.intAttr("to", 0));
            if (to == DType.UNDEFINED) {
                throw ctx.fail("'to' names no known element type");
            }
            Shape shape = x.shape();
            if (shape != null && to.bits() != x.dtype().bits()) {
                shape = Shape.unknownDims(shape.rank());
                ctx.warn("BitCast '" + ctx.node().name() + "' between widths: shape left unknown");
            }
            ctx.output(0, to, shape);
        }).cost(ctx -> Cost.ZERO).saves(AutogradRule.NOTHING));
    }

    /** Cast or CastLike to {@code to}: same shape; values carried over for numeric types. */
    private static void convert(InferenceContext ctx, DType to) {
        TensorType x = ctx.input(0);
        TensorValue v = ctx.inputValue(0);
        if (v != null && ElementwiseValues.numeric(x.dtype()) && ElementwiseValues.numeric(to)) {
            ctx.outputValue(0, ElementwiseValues.map(v, to, d -> d));
        } else {
            ctx.output(0, to, x.shape());
        }
    }

    /** Clip: bounds are attributes before opset 11, optional inputs from 11 on. */
    private static void clip(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        TensorValue v = ctx.inputValue(0);
        double lo;
        double hi;
        boolean boundsKnown = true;
        if (ctx.opset() < 11) {
            lo = ctx.floatAttr("min", Double.NEGATIVE_INFINITY);
            hi = ctx.floatAttr("max", Double.POSITIVE_INFINITY);
        } else {
            lo = Double.NEGATIVE_INFINITY;
            hi = Double.POSITIVE_INFINITY;
            if (ctx.hasInput(1)) {
                TensorValue min = ctx.inputValue(1);
                boundsKnown = min != null && min.size() == 1;
                lo = boundsKnown ? min.get(0) : lo;
            }
            if (ctx.hasInput(2)) {
                TensorValue max = ctx.inputValue(2);
                boundsKnown &= max != null && max.size() == 1;
                hi = max != null && max.size() == 1 ? max.get(0) : hi;
            }
        }
        if (v != null && boundsKnown && ElementwiseValues.numeric(x.dtype())) {
            double l = lo;
            double h = hi;
            ctx.outputValue(0, ElementwiseValues.map(v, x.dtype(), d -> Math.min(Math.max(d, l), h)));
        } else {
            ctx.output(0, x);
        }
    }

    // ---------------------------------------------------------------- rule builders

    private static void unary(OpRegistry r, String name, DoubleUnaryOperator value, AutogradRule saves) {
        unary(r, name, value, saves, b -> { });
    }

    /** A unary op with memory facts of its own ({@code facts} adds them to the registration). */
    private static void unary(OpRegistry r, String name, DoubleUnaryOperator value, AutogradRule saves,
                              Consumer<OpDef.Builder> facts) {
        OpDef.Builder b = op(name).shape(unaryRule(null, ctx -> value)).cost(ElementwiseOps::perElement).saves(saves);
        facts.accept(b);
        r.add(b);
    }

    /** An activation whose value function reads attributes; saves its input (PyTorch's *_backward(self)). */
    private static void unaryWithAttrs(OpRegistry r, String name, Function<InferenceContext, DoubleUnaryOperator> value) {
        unaryWithAttrs(r, name, value, b -> { });
    }

    private static void unaryWithAttrs(OpRegistry r, String name, Function<InferenceContext, DoubleUnaryOperator> value,
                                       Consumer<OpDef.Builder> facts) {
        OpDef.Builder b = op(name).shape(unaryRule(null, value)).cost(ElementwiseOps::perElement).saves(Saves.inputs(0));
        facts.accept(b);
        r.add(b);
    }

    /**
     * Same shape as input 0; element type {@code outType}, or input 0's when null. The value is
     * computed when input 0's is known and {@code value} gives a function (null: not tracked).
     */
    static ShapeRule unaryRule(DType outType, Function<InferenceContext, DoubleUnaryOperator> value) {
        return ctx -> {
            TensorType x = ctx.input(0);
            DType out = outType == null ? x.dtype() : outType;
            TensorValue v = ctx.inputValue(0);
            DoubleUnaryOperator f = v != null && ElementwiseValues.numeric(x.dtype()) ? value.apply(ctx) : null;
            if (f != null) {
                ctx.outputValue(0, ElementwiseValues.map(v, out, f));
            } else {
                ctx.output(0, out, x.shape());
            }
        };
    }

    /** How an op's output element type follows from its inputs. */
    @FunctionalInterface
    interface OutType {
        DType of(InferenceContext ctx);
    }

    static OutType inputType(int i) {
        return ctx -> ctx.input(i).dtype();
    }

    static OutType fixed(DType t) {
        return ctx -> t;
    }

    /**
     * Comparisons, logic and bit operations: what they read from a stored tensor is a constant to
     * PyTorch (a threshold, a mask), never a trained weight.
     */
    private static final java.util.Set<String> NON_DIFFERENTIABLE = java.util.Set.of("And", "Or", "Xor", "Equal",
            "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "BitwiseAnd", "BitwiseOr", "BitwiseXor");

    private static void binary(OpRegistry r, String name, OutType out,
                               Function<DType, ElementwiseValues.ElementFn> value, AutogradRule saves) {
        binary(r, name, out, value, saves, b -> { });
    }

    private static void binary(OpRegistry r, String name, OutType out,
                               Function<DType, ElementwiseValues.ElementFn> value, AutogradRule saves,
                               Consumer<OpDef.Builder> facts) {
        OpDef.Builder b = op(name).shape(broadcastRule(out, value)).cost(ElementwiseOps::perElement).saves(saves);
        if (NON_DIFFERENTIABLE.contains(name)) {
            b.constants(0, 1).notDifferentiable("a comparison, logic or bit operation: a boolean or integer result");
        }
        facts.accept(b);
        r.add(b);
    }

    /**
     * Numpy broadcast of all given inputs. {@code value} maps the first input's element type to the
     * elementwise function; null when values are not tracked. An input of unknown rank makes the
     * output's rank unknown.
     */
    static ShapeRule broadcastRule(OutType outType, Function<DType, ElementwiseValues.ElementFn> value) {
        return ctx -> {
            List<Shape> shapes = new ArrayList<>();
            List<TensorValue> values = new ArrayList<>();
            boolean rankKnown = true;
            for (int i = 0; i < ctx.inputCount(); i++) {
                if (!ctx.hasInput(i)) {
                    continue;
                }
                TensorType t = ctx.input(i);
                if (t.shape() == null) {
                    rankKnown = false;
                } else {
                    shapes.add(t.shape());
                }
                values.add(ctx.inputValue(i));
            }
            if (rankKnown && isLegacyBroadcast(ctx)) {
                alignLegacyOperand(ctx, shapes, values);
            }
            if (shapes.isEmpty() && rankKnown) {
                throw ctx.fail("needs at least one input");
            }
            DType out = outType.of(ctx);
            Shape shape = rankKnown ? Shapes.broadcast(ctx, shapes) : null;
            DType first = ctx.input(0).dtype();
            boolean allKnown = value != null && values.stream().allMatch(v -> v != null && ElementwiseValues.numeric(v.dtype()));
            TensorValue result = allKnown ? ElementwiseValues.zip(values, out, value.apply(first)) : null;
            if (result != null) {
                ctx.outputValue(0, result);
            } else {
                ctx.output(0, out, shape);
            }
        };
    }

    /**
     * Before opset 7, binary ops broadcast only with {@code broadcast=1}, and then B to A: B's
     * dims line up with A's from {@code axis} on (default: A's last dims, as numpy does).
     */
    private static boolean isLegacyBroadcast(InferenceContext ctx) {
        return ctx.opset() < 7 && ctx.intAttr("broadcast", 0) != 0 && ctx.hasAttr("axis");
    }

    /** Pads B's shape (and value) with trailing 1s so that numpy broadcasting aligns it at {@code axis}. */
    private static void alignLegacyOperand(InferenceContext ctx, List<Shape> shapes, List<TensorValue> values) {
        if (shapes.size() != 2) {
            return;
        }
        Shape a = shapes.get(0);
        Shape b = shapes.get(1);
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", 0), Math.max(1, a.rank()));
        int trailing = a.rank() - axis - b.rank();
        if (trailing < 0) {
            throw ctx.fail("operand B of rank " + b.rank() + " does not fit A of rank " + a.rank() + " at axis " + axis);
        }
        List<dev.modelmeter.graph.Dim> dims = new ArrayList<>(b.dims());
        for (int i = 0; i < trailing; i++) {
            dims.add(dev.modelmeter.graph.Dim.of(1));
        }
        shapes.set(1, new Shape(dims));
        TensorValue v = values.get(1);
        if (v != null) {
            long[] padded = java.util.Arrays.copyOf(v.shape(), v.shape().length + trailing);
            java.util.Arrays.fill(padded, v.shape().length, padded.length, 1);
            values.set(1, new TensorValue(v.dtype(), padded, v.data()));
        }
    }

    // ---------------------------------------------------------------- value helpers

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Integer division truncating toward zero (C, ONNX Runtime); division by zero has no value. */
    private static double truncDiv(double a, double b) {
        long y = (long) b;
        if (y == 0) {
            throw new ArithmeticException("integer division by zero");
        }
        return (double) ((long) a / y);
    }

    /** Integer Mod with fmod=0: the result takes the divisor's sign (Python's %). */
    private static double pyMod(double a, double b) {
        long y = (long) b;
        if (y == 0) {
            throw new ArithmeticException("integer modulo by zero");
        }
        return (double) Math.floorMod((long) a, y);
    }

    /** C fmod: the result takes the dividend's sign. */
    private static double fmodOf(double a, double b) {
        return a % b;
    }

    // ---------------------------------------------------------------- costs

    static Cost perElement(CostContext ctx) {
        long n = ctx.outputNumel(0);
        return Cost.other(n, n + " elements");
    }

    /** n inputs combine with n−1 operations per output element. */
    private static Cost variadic(CostContext ctx) {
        long n = ctx.outputNumel(0);
        int k = Math.max(1, ctx.inputs().size() - 1);
        return Cost.other(Counts.mul(n, k), k == 1 ? n + " elements" : k + " × " + n + " elements");
    }

    // ---------------------------------------------------------------- autograd

    private static List<Saved> allNonWeightInputs(AutogradContext ctx) {
        if (!Saves.anyRequiresGrad(ctx)) {
            return List.of();
        }
        List<Saved> out = new ArrayList<>();
        for (int i = 0; i < ctx.inputs().size(); i++) {
            if (ctx.input(i) != null && !ctx.isWeight(i)) {
                out.add(Saved.input(i));
            }
        }
        return out;
    }

    /** mul: the gradient of each operand needs the other one. */
    private static List<Saved> mulSaves(AutogradContext ctx) {
        List<Saved> out = new ArrayList<>();
        if (ctx.requiresGrad(0) && !ctx.isWeight(1)) {
            out.add(Saved.input(1));
        }
        if (ctx.requiresGrad(1) && !ctx.isWeight(0)) {
            out.add(Saved.input(0));
        }
        return out;
    }

    /** div: grad a = g / b (needs b); grad b = −g·a / b² (needs a and b). */
    private static List<Saved> divSaves(AutogradContext ctx) {
        List<Saved> out = new ArrayList<>();
        if (ctx.requiresGrad(1) && !ctx.isWeight(0)) {
            out.add(Saved.input(0));
        }
        if ((ctx.requiresGrad(0) || ctx.requiresGrad(1)) && !ctx.isWeight(1)) {
            out.add(Saved.input(1));
        }
        return out;
    }

    /** pow(Tensor, Scalar) saves its base; pow(Tensor, Tensor) also the exponent and the result. */
    private static List<Saved> powSaves(AutogradContext ctx) {
        if (!Saves.anyRequiresGrad(ctx)) {
            return List.of();
        }
        List<Saved> out = new ArrayList<>();
        if (!ctx.isWeight(0)) {
            out.add(Saved.input(0));
        }
        if (ctx.requiresGrad(1)) {
            if (!ctx.isWeight(1)) {
                out.add(Saved.input(1));
            }
            out.add(Saved.output(0));
        }
        return out;
    }

    /** fmod/remainder: grad a = g; grad b needs both operands. */
    private static List<Saved> modSaves(AutogradContext ctx) {
        return ctx.requiresGrad(1) ? allNonWeightInputs(ctx) : List.of();
    }
}
