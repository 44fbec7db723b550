package dev.modelmeter.ops;

import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

import static dev.modelmeter.ops.MemoryFacts.Autocast.FP32;
import static dev.modelmeter.ops.MemoryFacts.Autocast.UNLISTED;
import static dev.modelmeter.ops.OpDef.op;

/**
 * Reductions along axes (Reduce*, ArgMax/ArgMin), normalisations along one axis (Softmax,
 * LogSoftmax, Hardmax, LpNormalization), scans (CumSum, CumProd) and TopK.
 *
 * <p>Cost convention: {@code otherFlops} = one per input element read for a reduction or an arg
 * reduction (two for SumSquare, L2 and LogSumExp: a square or exp before the add), five per element
 * for Softmax and LogSoftmax (max, subtract, exp, sum, divide or log), three for LpNormalization
 * (power, sum, divide), one per element for scans, TopK and Hardmax. MACs are 0.
 */
public final class ReductionOps implements OpFamily {

    /** How a Reduce* op folds its elements; {@code flopsPerElement} follows the family's convention. */
    private enum Reducer {
        SUM(1), MEAN(1), MAX(1), MIN(1), PROD(1), L1(1), L2(2), LOG_SUM(1), LOG_SUM_EXP(2), SUM_SQUARE(2);

        final int flopsPerElement;

        Reducer(int flopsPerElement) {
            this.flopsPerElement = flopsPerElement;
        }

        double initial() {
            return switch (this) {
                case MAX -> Double.NEGATIVE_INFINITY;
                case MIN -> Double.POSITIVE_INFINITY;
                case PROD -> 1;
                default -> 0;
            };
        }

        double fold(double acc, double x) {
            return switch (this) {
                case SUM, MEAN, LOG_SUM -> acc + x;
                case MAX -> Math.max(acc, x);
                case MIN -> Math.min(acc, x);
                case PROD -> acc * x;
                case L1 -> acc + Math.abs(x);
                case L2, SUM_SQUARE -> acc + x * x;
                case LOG_SUM_EXP -> acc + Math.exp(x);
            };
        }

        double finish(double acc, long count) {
            return switch (this) {
                case MEAN -> acc / count;
                case L2 -> Math.sqrt(acc);
                case LOG_SUM, LOG_SUM_EXP -> Math.log(acc);
                default -> acc;
            };
        }
    }

    @Override
    public void register(OpRegistry r) {
        reduce(r, "ReduceSum", Reducer.SUM, 13, AutogradRule.NOTHING, b -> b.autocast(FP32, UNLISTED));
        reduce(r, "ReduceMean", Reducer.MEAN, 18, AutogradRule.NOTHING);
        reduce(r, "ReduceMax", Reducer.MAX, 18, inputAndOutput());
        reduce(r, "ReduceMin", Reducer.MIN, 18, inputAndOutput());
        reduce(r, "ReduceProd", Reducer.PROD, 18, inputAndOutput(), b -> b.autocast(FP32, FP32));
        reduce(r, "ReduceL1", Reducer.L1, 18, inputAndOutput());
        reduce(r, "ReduceL2", Reducer.L2, 18, inputAndOutput(), b -> b.autocast(FP32, UNLISTED));
        reduce(r, "ReduceLogSum", Reducer.LOG_SUM, 18, null, b -> b.savesNotModelled(
                "log(sum(x)) is two aten ops in PyTorch; what they save is not modelled"));
        reduce(r, "ReduceLogSumExp", Reducer.LOG_SUM_EXP, 18, inputAndOutput(), b -> b.autocast(FP32, UNLISTED));
        reduce(r, "ReduceSumSquare", Reducer.SUM_SQUARE, 18, Saves.inputs(0));

        r.add(op("ArgMax").shape(ReductionOps::argReduce).cost(ReductionOps::perInputElement)
                .notDifferentiable("an index result"));
        r.add(op("ArgMin").shape(ReductionOps::argReduce).cost(ReductionOps::perInputElement)
                .notDifferentiable("an index result"));

        r.add(op("Softmax").shape(ReductionOps::alongAxis).cost(ctx -> perOutput(ctx, 5))
                .saves(Saves.output()).autocast(FP32, UNLISTED).backwardReadsOutput());
        r.add(op("LogSoftmax").shape(ReductionOps::alongAxis).cost(ctx -> perOutput(ctx, 5))
                .saves(Saves.output()).autocast(FP32, UNLISTED).backwardReadsOutput());
        r.add(op("Hardmax").shape(ReductionOps::alongAxis).cost(ctx -> perOutput(ctx, 1))
                .saves(AutogradRule.NOTHING));
        r.add(op("LpNormalization").shape(ReductionOps::alongAxis).cost(ctx -> perOutput(ctx, 3))
                .saves(inputAndOutput()));

        r.add(op("CumSum").shape(ctx -> cumulative(ctx, false)).cost(ctx -> perOutput(ctx, 1))
                .saves(AutogradRule.NOTHING).constants(1).autocast(FP32, UNLISTED));
        r.add(op("CumProd").shape(ctx -> cumulative(ctx, true)).cost(ctx -> perOutput(ctx, 1))
                .saves(inputAndOutput()).constants(1));
        r.add(op("TopK").shape(ReductionOps::topK).cost(ReductionOps::perInputElement)
                .saves(ctx -> Saves.anyRequiresGrad(ctx) ? List.of(Saved.output(1)) : List.of())
                .constants(1));
    }

    // ---------------------------------------------------------------- Reduce*

    /**
     * Registers a Reduce* op: axes are an attribute before {@code axesInputSince} and the optional
     * input 1 from it on, where {@code noop_with_empty_axes} also appears.
     */
    private static void reduce(OpRegistry r, String name, Reducer reducer, int axesInputSince, AutogradRule saves) {
        reduce(r, name, reducer, axesInputSince, saves, b -> { });
    }

    /** A reduction with memory facts of its own ({@code facts} adds them to the registration). */
    private static void reduce(OpRegistry r, String name, Reducer reducer, int axesInputSince, AutogradRule saves,
                               java.util.function.Consumer<OpDef.Builder> facts) {
        OpDef.Builder b = op(name).shape(ctx -> reduceShape(ctx, reducer, ctx.opset() >= axesInputSince))
                .cost(ctx -> {
                    long n = ctx.inputNumel(0);
                    return Cost.other(Counts.mul(n, reducer.flopsPerElement), reducer.flopsPerElement == 1
                            ? n + " elements" : reducer.flopsPerElement + " × " + n + " elements");
                }).saves(saves).constants(1);
        facts.accept(b);
        r.add(b);
    }

    private static void reduceShape(InferenceContext ctx, Reducer reducer, boolean axesAsInput) {
        TensorType x = ctx.input(0);
        boolean keep = ctx.intAttr("keepdims", 1) != 0;
        long[] axes;
        if (axesAsInput) {
            if (!ctx.hasInput(1)) {
                axes = new long[0];
            } else {
                axes = ctx.inputLongs(1);
                if (axes == null) {
                    unknownAxes(ctx, x, keep);
                    return;
                }
            }
        } else {
            axes = ctx.intsAttr("axes");
            axes = axes == null ? new long[0] : axes;
        }
        if (axes.length == 0 && axesAsInput && ctx.intAttr("noop_with_empty_axes", 0) != 0) {
            TensorValue v = ctx.inputValue(0);
            if (v != null) {
                ctx.outputValue(0, v);
            } else {
                ctx.output(0, x);
            }
            return;
        }
        if (x.shape() == null) {
            ctx.output(0, x.dtype(), null);
            return;
        }
        int rank = x.shape().rank();
        boolean[] reduced = new boolean[rank];
        if (axes.length == 0) {
            java.util.Arrays.fill(reduced, true);
        }
        for (long a : axes) {
            reduced[Shapes.axis(ctx, a, rank)] = true;
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (!reduced[i]) {
                dims.add(x.shape().dim(i));
            } else if (keep) {
                dims.add(Dim.of(1));
            }
        }
        Shape out = new Shape(dims);
        TensorValue v = ctx.inputValue(0);
        if (v != null && ElementwiseValues.numeric(v.dtype()) && out.isFullyKnown()) {
            ctx.outputValue(0, reduceValue(v, reduced, reducer, x.dtype(), out.sizes()));
        } else {
            ctx.output(0, x.dtype(), out);
        }
    }

    /** Axes given as an input whose value is unknown: with keepdims the rank stays, sizes are unknown. */
    private static void unknownAxes(InferenceContext ctx, TensorType x, boolean keep) {
        if (x.shape() == null) {
            ctx.output(0, x.dtype(), null);
            return;
        }
        int rank = x.shape().rank();
        if (keep) {
            ctx.output(0, x.dtype(), Shape.unknownDims(rank));
            return;
        }
        TensorType axes = ctx.inputOrNull(1);
        if (axes != null && axes.isFullyKnown() && axes.shape().rank() == 1) {
            long k = axes.shape().dim(0).value();
            if (k > 0 && k <= rank) {
                ctx.output(0, x.dtype(), Shape.unknownDims(rank - (int) k));
                return;
            }
        }
        ctx.output(0, x.dtype(), null);
    }

    private static TensorValue reduceValue(TensorValue v, boolean[] reduced, Reducer reducer, DType dtype, long[] outSizes) {
        long[] in = v.shape();
        int outCount = 1;
        for (long s : outSizes) {
            outCount *= (int) s;
        }
        double[] acc = new double[outCount];
        long[] counts = new long[outCount];
        java.util.Arrays.fill(acc, reducer.initial());
        long[] index = new long[in.length];
        for (int e = 0; e < v.size(); e++) {
            // output offset: row-major over the kept axes (a reduced axis kept as 1 contributes 0)
            long off = 0;
            for (int i = 0; i < in.length; i++) {
                if (!reduced[i]) {
                    off = off * in[i] + index[i];
                }
            }
            acc[(int) off] = reducer.fold(acc[(int) off], v.get(e));
            counts[(int) off]++;
            for (int i = in.length - 1; i >= 0; i--) {
                if (++index[i] < in[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
        for (int i = 0; i < outCount; i++) {
            acc[i] = ElementwiseValues.coerce(reducer.finish(acc[i], counts[i]), dtype);
        }
        return new TensorValue(dtype, outSizes, acc);
    }

    // ---------------------------------------------------------------- ArgMax, ArgMin

    private static void argReduce(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (x.shape() == null) {
            ctx.output(0, DType.INT64, null);
            return;
        }
        int rank = x.shape().rank();
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", 0), Math.max(rank, 1));
        boolean keep = ctx.intAttr("keepdims", 1) != 0;
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        if (rank == 0) {
            ctx.output(0, DType.INT64, Shape.SCALAR);
            return;
        }
        if (keep) {
            dims.set(axis, Dim.of(1));
        } else {
            dims.remove(axis);
        }
        ctx.output(0, DType.INT64, new Shape(dims));
    }

    // ---------------------------------------------------------------- Softmax and friends

    /**
     * Same shape and type; the axis only has to exist. Before opset 13 Softmax/LogSoftmax/Hardmax
     * coerce the input to 2-D at {@code axis} (default 1), from 13 they work along {@code axis}
     * (default −1); LpNormalization's default is −1 throughout.
     */
    private static void alongAxis(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (x.shape() != null) {
            boolean lp = ctx.node().opType().equals("LpNormalization");
            long defaultAxis = lp || ctx.opset() >= 13 ? -1 : 1;
            int rank = x.shape().rank();
            long axis = ctx.intAttr("axis", defaultAxis);
            if (!lp && ctx.opset() < 13) {
                // the coercion axis may equal the rank (everything in the batch part)
                if (axis < -rank || axis > rank) {
                    throw ctx.fail("axis " + axis + " is out of range for rank " + rank);
                }
            } else if (rank > 0) {
                Shapes.axis(ctx, axis, rank);
            }
        }
        ctx.output(0, x);
    }

    // ---------------------------------------------------------------- CumSum, CumProd

    private static void cumulative(InferenceContext ctx, boolean product) {
        TensorType x = ctx.input(0);
        TensorValue v = ctx.inputValue(0);
        long[] axisValue = ctx.inputLongs(1);
        if (x.shape() != null && axisValue != null && axisValue.length == 1) {
            int axis = Shapes.axis(ctx, axisValue[0], Math.max(1, x.shape().rank()));
            if (v != null && ElementwiseValues.numeric(v.dtype()) && v.shape().length > 0) {
                ctx.outputValue(0, scan(v, axis, product, ctx.intAttr("exclusive", 0) != 0,
                        ctx.intAttr("reverse", 0) != 0));
                return;
            }
        }
        ctx.output(0, x);
    }

    private static TensorValue scan(TensorValue v, int axis, boolean product, boolean exclusive, boolean reverse) {
        long[] s = v.shape();
        int inner = 1;
        for (int i = axis + 1; i < s.length; i++) {
            inner *= (int) s[i];
        }
        int len = (int) s[axis];
        int outer = v.size() / Math.max(1, len * inner);
        double[] out = new double[v.size()];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                double acc = product ? 1 : 0;
                for (int step = 0; step < len; step++) {
                    int k = reverse ? len - 1 - step : step;
                    int idx = (o * len + k) * inner + in;
                    double x = v.get(idx);
                    if (exclusive) {
                        out[idx] = acc;
                        acc = product ? acc * x : acc + x;
                    } else {
                        acc = product ? acc * x : acc + x;
                        out[idx] = acc;
                    }
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = ElementwiseValues.coerce(out[i], v.dtype());
        }
        return new TensorValue(v.dtype(), s.clone(), out);
    }

    // ---------------------------------------------------------------- TopK

    /** Values and int64 indices, shaped as the input with the axis cut to k (input 1 from opset 10). */
    private static void topK(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (x.shape() == null) {
            ctx.output(0, x.dtype(), null);
            ctx.output(1, DType.INT64, null);
            return;
        }
        int rank = x.shape().rank();
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", -1), rank);
        Dim k;
        if (ctx.opset() < 10) {
            k = Dim.of(ctx.intAttr("k", 0));
        } else {
            long[] kv = ctx.inputLongs(1);
            k = kv != null && kv.length == 1 ? Dim.of(kv[0]) : Dim.unknown();
        }
        Dim n = x.shape().dim(axis);
        if (k.isKnown() && n.isKnown() && k.value() > n.value()) {
            throw ctx.fail("k = " + k.value() + " exceeds the axis size " + n.value());
        }
        Shape out = x.shape().withDim(axis, k);
        ctx.output(0, x.dtype(), out);
        ctx.output(1, DType.INT64, out);
    }

    // ---------------------------------------------------------------- costs and saves

    private static Cost perInputElement(CostContext ctx) {
        long n = ctx.inputNumel(0);
        return Cost.other(n, n + " elements");
    }

    private static Cost perOutput(CostContext ctx, int factor) {
        long n = ctx.outputNumel(0);
        return Cost.other(Counts.mul(n, factor), factor == 1 ? n + " elements" : factor + " × " + n + " elements");
    }

    private static AutogradRule inputAndOutput() {
        return ctx -> Saves.anyRequiresGrad(ctx) ? List.of(Saved.input(0), Saved.output(0)) : List.of();
    }
}
