package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.InferenceContext;

import java.util.List;

/**
 * Operators tied to training: Dropout, NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss. None has
 * weights or MACs. {@code otherFlops}: Dropout 2 per element when it is in training mode (draw the mask,
 * multiply by the scaled mask) and 0 in eval (the identity); NegativeLogLikelihoodLoss 1 per target
 * element (pick and weight); SoftmaxCrossEntropyLoss 4 per score (max, exp, sum, log) plus 1 per target.
 *
 * <p>Autograd: Dropout in training saves a mask of its input's size (see {@link #dropoutMask}); whether a
 * Dropout node is active is the memory planner's call. The losses have no rule.
 */
final class TrainingOps {

    private TrainingOps() {
    }

    static void register(OpRegistry r) {
        // ratio (1) and training_mode (2) inputs, opset 12 on, are scalar constants.
        r.add(OpDef.op("Dropout").shape(TrainingOps::dropout).cost(TrainingOps::dropoutCost).constants(1, 2)
                .saves(TrainingOps::dropoutMask).identityUnlessTraining(TrainingOps::dropoutActive)
                // the mask (output 1) is what it saves, counted there
                .resultTypeOfInput0().exportOnlyOutputsFrom(1));
        // the class weights (2) are a fixed tensor: a buffer in PyTorch (CrossEntropyLoss(weight=...)).
        r.add(OpDef.op("NegativeLogLikelihoodLoss").autocast(MemoryFacts.Autocast.FP32, MemoryFacts.Autocast.FP32).savesNotModelled("a loss inside the graph: the simulator models its own loss").shape(TrainingOps::nllLoss)
                .cost(c -> perTarget(c, 0)).buffers(2));
        r.add(OpDef.op("SoftmaxCrossEntropyLoss").autocast(MemoryFacts.Autocast.FP32, MemoryFacts.Autocast.FP32).savesNotModelled("a loss inside the graph: the simulator models its own loss").shape(TrainingOps::softmaxCrossEntropy)
                .cost(c -> perTarget(c, 4)).buffers(2));
    }

    /**
     * A Dropout runs in training unless its ratio is a known 0 or its training_mode a known false; with
     * no training_mode input (opset ≥ 12: inference) only an exported mask output says it trained.
     *
     * @param n     the node
     * @param known values known before the run
     * @return whether it drops
     */
    static boolean dropoutActive(dev.modelmeter.graph.Node n, java.util.Map<String, dev.modelmeter.graph.TensorValue> known) {
        dev.modelmeter.graph.TensorValue ratio = known.get(n.input(1));
        if (ratio != null && ratio.size() == 1 && ratio.get(0) == 0.0) {
            return false;
        }
        if (n.input(1).isEmpty() && n.attributes().containsKey("ratio") && n.floatAttr("ratio", 0.5) == 0.0) {
            return false;
        }
        if (n.input(2).isEmpty()) {
            // opset ≥ 12 without training_mode: inference; older opsets: the exporter only wrote it in training
            return n.outputs().size() > 1 && !n.outputs().get(1).isEmpty();
        }
        dev.modelmeter.graph.TensorValue mode = known.get(n.input(2));
        return mode == null || mode.size() != 1 || mode.get(0) != 0.0;
    }

    /**
     * What a training-mode dropout saves: a mask of its input's size; on CPU a tensor of the input's dtype
     * (PyTorch multiplies by a scaled noise tensor), on CUDA a 1-byte bool mask.
     */
    static List<Saved> dropoutMask(AutogradContext ctx) {
        TensorType in = ctx.input(0);
        DType mask = ctx.backend() == AutogradContext.Backend.CUDA ? DType.BOOL : in.dtype();
        return List.of(Saved.extra(mask, Saves.numel(in), "dropout mask"));
    }

    /**
     * Output has the input's type; the mask (output 1) has the input's shape and is bool from opset 10
     * (before, the input's element type).
     */
    private static void dropout(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        ctx.output(0, x);
        ctx.output(1, new TensorType(ctx.opset() >= 10 ? DType.BOOL : x.dtype(), x.shape()));
    }

    /**
     * Training mode, as far as the node tells (the ratio and training_mode values are not visible to a
     * cost rule): {@code is_test=0} where that attribute exists (before opset 7); else a requested mask
     * output or a training_mode input, which exporters write only for a model in training mode (eval
     * exports drop Dropout altogether).
     */
    private static boolean dropoutTraining(CostContext c) {
        if (c.node().attributes().containsKey("is_test")) {
            return c.node().intAttr("is_test", 0) == 0;
        }
        boolean mask = c.node().outputs().size() > 1 && !c.node().outputs().get(1).isEmpty();
        return mask || !c.node().input(2).isEmpty();
    }

    private static Cost dropoutCost(CostContext c) {
        if (!dropoutTraining(c)) {
            return Cost.other(0, "flops = 0: identity in eval mode");
        }
        long[] in = CostText.sizes(c.input(0));
        if (in == null) {
            return CostText.unknown("Dropout");
        }
        long n = CostText.product(in);
        return Cost.other(2 * n, "flops = " + CostText.num(n) + " elements × 2 (training: mask and multiply) = "
                + CostText.num(2 * n));
    }

    /** The loss: the target's shape with reduction {@code none}, else a scalar. */
    private static Shape reduced(InferenceContext ctx, Shape target) {
        String reduction = ctx.stringAttr("reduction", "mean");
        return switch (reduction) {
            case "none" -> target;
            case "mean", "sum" -> Shape.SCALAR;
            default -> throw ctx.fail("unknown reduction '" + reduction + "'");
        };
    }

    /** Input {@code [N, C, d...]}, target {@code [N, d...]}. */
    private static void checkRanks(InferenceContext ctx, Shape scores, Shape target) {
        if (scores != null && scores.rank() < 2) {
            throw ctx.fail("input must have rank >= 2 (N, C, d...), got " + scores);
        }
        if (scores != null && target != null && target.rank() != scores.rank() - 1) {
            throw ctx.fail("target " + target + " must have one dim fewer than input " + scores);
        }
    }

    private static void nllLoss(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape target = ctx.input(1).shape();
        checkRanks(ctx, in.shape(), target);
        ctx.output(0, new TensorType(in.dtype(), target == null && "none".equals(ctx.stringAttr("reduction", "mean"))
                ? null : reduced(ctx, target)));
    }

    /** Output 0 the loss, output 1 (log_prob) the scores' type. */
    private static void softmaxCrossEntropy(InferenceContext ctx) {
        TensorType scores = ctx.input(0);
        Shape target = ctx.input(1).shape();
        checkRanks(ctx, scores.shape(), target);
        ctx.output(0, new TensorType(scores.dtype(), target == null && "none".equals(ctx.stringAttr("reduction", "mean"))
                ? null : reduced(ctx, target)));
        ctx.output(1, scores);
    }

    private static Cost perTarget(CostContext c, long perScore) {
        long[] scores = CostText.sizes(c.input(0));
        long[] target = CostText.sizes(c.input(1));
        if (scores == null || target == null) {
            return CostText.unknown(c.node().opType());
        }
        long s = CostText.product(scores);
        long t = CostText.product(target);
        long flops = perScore * s + t;
        return Cost.other(flops, "flops = " + (perScore > 0 ? CostText.num(s) + " scores × " + perScore + " + " : "")
                + CostText.num(t) + " targets = " + CostText.num(flops));
    }
}
