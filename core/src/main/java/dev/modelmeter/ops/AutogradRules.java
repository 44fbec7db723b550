package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * STAGING TABLE — what PyTorch's autograd saves for each operator, kept here while the operator
 * families (NnOps, ElementwiseOps, TensorOps…) are being written in other branches. When they land,
 * each entry moves into its operator's registration ({@code OpDef.op(..).saves(..)}) and this class
 * shrinks to {@link #lookup}'s fallback. {@link #lookup} already prefers a registered rule.
 *
 * <p>Sources: PyTorch's {@code tools/autograd/derivatives.yaml}, checked against the fixtures'
 * measured {@code saved_for_backward} (the measurement wins):
 * <ul>
 * <li>Conv saves its input and weight even when the input needs no grad (the first conv of every
 *     fixture saves the model input; under bf16 autocast the weight copy is saved too).</li>
 * <li>mm/addmm/matmul save each operand only when the <em>other</em> one needs a grad
 *     (separate formulas in derivatives.yaml): a Linear saves its input; Q·Kᵀ saves both.</li>
 * <li>Mul likewise; a multiplication by a constant saves nothing.</li>
 * <li>BatchNorm (train) saves input + fp32 mean and invstd per channel; LayerNorm saves input +
 *     fp32 mean and rstd per row.</li>
 * <li>Relu, Sigmoid, Tanh, Softmax, LogSoftmax, Exp, Sqrt, Reciprocal save their output; Clip (ReLU6),
 *     HardSwish, HardSigmoid, Gelu, Erf, LeakyRelu, Pow, Log save their input (mobilenet fixtures show
 *     ReLU6/Hardswish keep a storage apart from the next conv's input).</li>
 * <li>MaxPool saves its input and int64 indices of its output's size; AveragePool saves its input;
 *     GlobalAveragePool nothing (PyTorch computes a 1×1 adaptive pool as a mean).</li>
 * <li>Dropout (train) saves a mask of its input's size: on CPU a tensor of the input's dtype (PyTorch
 *     multiplies by a scaled noise tensor), on CUDA a 1-byte bool mask.</li>
 * <li>Gather on a stored table (Embedding) saves its int64 indices.</li>
 * </ul>
 * Parameters and buffers a rule names are dropped by the memory plan (they live anyway).
 */
public final class AutogradRules {

    private static final Map<String, AutogradRule> STAGING = new HashMap<>();

    /** Ops whose output 0 is a view of input 0 in PyTorch (no storage of their own). */
    public static final Set<String> VIEW_OPS = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose",
            "Identity", "Split", "Slice", "Expand");

    static {
        AutogradRule input0 = ctx -> List.of(Saved.input(0));
        AutogradRule output0 = ctx -> List.of(Saved.output(0));
        AutogradRule both = ctx -> {
            List<Saved> s = new ArrayList<>();
            if (ctx.requiresGrad(1)) {
                s.add(Saved.input(0));
            }
            if (ctx.requiresGrad(0)) {
                s.add(Saved.input(1));
            }
            return s;
        };
        for (String op : List.of("Conv", "ConvTranspose")) {
            STAGING.put(op, ctx -> List.of(Saved.input(0), Saved.input(1)));
        }
        STAGING.put("MatMul", both);
        STAGING.put("Gemm", both);
        STAGING.put("Mul", both);
        STAGING.put("Div", ctx -> {
            List<Saved> s = new ArrayList<>();
            if (ctx.requiresGrad(0) || ctx.requiresGrad(1)) {
                s.add(Saved.input(1));
            }
            if (ctx.requiresGrad(1)) {
                s.add(Saved.input(0));
            }
            return s;
        });
        STAGING.put("BatchNormalization", ctx -> List.of(Saved.input(0),
                Saved.extra(DType.FLOAT, 2 * channels(ctx.input(0)), "mean+invstd")));
        STAGING.put("LayerNormalization", ctx -> List.of(Saved.input(0),
                Saved.extra(DType.FLOAT, 2 * rows(ctx.input(0), ctx.node().intAttr("axis", -1)), "mean+rstd")));
        STAGING.put("GroupNormalization", ctx -> List.of(Saved.input(0),
                Saved.extra(DType.FLOAT, 2 * batchTimes(ctx.input(0), ctx.node().intAttr("num_groups", 1)), "mean+rstd")));
        STAGING.put("InstanceNormalization", ctx -> List.of(Saved.input(0),
                Saved.extra(DType.FLOAT, 2 * batchTimes(ctx.input(0), channels(ctx.input(0))), "mean+rstd")));
        for (String op : List.of("Relu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Exp", "Sqrt", "Reciprocal",
                "Elu", "Selu", "Celu")) {
            STAGING.put(op, output0);
        }
        for (String op : List.of("Clip", "HardSwish", "HardSigmoid", "Gelu", "Erf", "LeakyRelu", "PRelu", "Log",
                "Sin", "Cos", "Abs", "Softplus", "Softsign", "Mish", "AveragePool",
                "ReduceMax", "ReduceMin", "ThresholdedRelu")) {
            STAGING.put(op, input0);
        }
        STAGING.put("Pow", ctx -> ctx.requiresGrad(1) ? List.of(Saved.input(0), Saved.input(1), Saved.output(0))
                : List.of(Saved.input(0)));
        STAGING.put("MaxPool", ctx -> List.of(Saved.input(0),
                Saved.extra(DType.INT64, numel(ctx.output(0)), "indices")));
        STAGING.put("Dropout", ctx -> {
            TensorType in = ctx.input(0);
            DType mask = ctx.backend() == AutogradContext.Backend.CUDA ? DType.BOOL : in.dtype();
            return List.of(Saved.extra(mask, numel(in), "dropout mask"));
        });
        STAGING.put("Gather", ctx -> ctx.isWeight(0) ? List.of(Saved.input(1)) : List.of());
        STAGING.put("Where", ctx -> List.of(Saved.input(0)));
        // adaptive_avg_pool2d to 1×1 runs as mean(), which keeps only sizes (mobilenet_v2's fixture saves
        // nothing at its functional pooling)
        STAGING.put("GlobalAveragePool", AutogradRule.NOTHING);
        STAGING.put("ReduceSum", AutogradRule.NOTHING);
        STAGING.put("ReduceMean", AutogradRule.NOTHING);
        for (String op : List.of("Add", "Sub", "Neg", "Concat", "Cast", "Pad", "Tile", "Gather", "Resize")) {
            STAGING.putIfAbsent(op, AutogradRule.NOTHING);
        }
        for (String op : VIEW_OPS) {
            STAGING.put(op, AutogradRule.NOTHING);
        }
        // Synthetic operators the memory plan creates when it recognises a PyTorch kernel in an export.
        STAGING.put("modelmeter:Gelu", input0);
        STAGING.put("modelmeter:Dropout", STAGING.get("Dropout"));
        STAGING.put("modelmeter:Attention", ctx -> {
            // fused SDPA (flash / memory-efficient): q, k, v, output and a float log-sum-exp per row
            List<Saved> s = new ArrayList<>(List.of(Saved.input(0), Saved.input(1), Saved.input(2), Saved.output(0)));
            TensorType q = ctx.input(0);
            s.add(Saved.extra(DType.FLOAT, q.isFullyKnown() && q.shape().rank() >= 1
                    ? numel(q) / q.shape().dim(q.shape().rank() - 1).value() : 0, "logsumexp"));
            return s;
        });
    }

    private AutogradRules() {
    }

    /**
     * The rule for a node: its registered {@code OpDef.autograd()} when there is one, else the staging
     * table, else null (the caller warns and assumes a conservative default).
     */
    public static AutogradRule lookup(OpDef def, Node node) {
        if (def != null && def.autograd() != null) {
            return def.autograd();
        }
        return STAGING.get(node.qualifiedOpType());
    }

    /** Conservative default for an operator without a rule: it saves every input. */
    public static AutogradRule saveAllInputs() {
        return ctx -> {
            List<Saved> s = new ArrayList<>();
            for (int i = 0; i < ctx.inputs().size(); i++) {
                if (ctx.input(i) != null) {
                    s.add(Saved.input(i));
                }
            }
            return s;
        };
    }

    static long numel(TensorType t) {
        return t == null ? 0 : t.numel().orElse(0);
    }

    private static long channels(TensorType t) {
        if (t == null || t.shape() == null || t.shape().rank() < 2 || !t.shape().dim(1).isKnown()) {
            return 0;
        }
        return t.shape().dim(1).value();
    }

    private static long batchTimes(TensorType t, long k) {
        if (t == null || t.shape() == null || t.shape().rank() < 1 || !t.shape().dim(0).isKnown()) {
            return 0;
        }
        return t.shape().dim(0).value() * k;
    }

    /** Elements before the normalised axis: one mean and one rstd each. */
    private static long rows(TensorType t, long axis) {
        if (t == null || !t.isFullyKnown()) {
            return 0;
        }
        int rank = t.shape().rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        long n = 1;
        for (int i = 0; i < a && i < rank; i++) {
            n *= t.shape().dim(i).value();
        }
        return n;
    }
}
