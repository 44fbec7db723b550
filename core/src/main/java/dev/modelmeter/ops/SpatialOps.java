package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.InferenceContext;

import java.util.ArrayList;
import java.util.List;

/**
 * GridSample and NonMaxSuppression. No weights, no MACs. GridSample's {@code otherFlops}: 2 per tap
 * (weight multiply and add) per output element, with 1 tap for nearest, 2^r for (bi)linear and 4^r for
 * (bi)cubic over r spatial dims. NonMaxSuppression's work depends on the box values: not estimated.
 */
final class SpatialOps {

    private SpatialOps() {
    }

    static void register(OpRegistry r) {
        r.add(OpDef.op("GridSample").autocast(MemoryFacts.Autocast.UNLISTED, MemoryFacts.Autocast.FP32).savesNotModelled("grid_sampler saves input and grid; not modelled yet").shape(SpatialOps::gridSample).cost(SpatialOps::gridSampleCost));
        // max_output_boxes_per_class, iou_threshold and score_threshold (2..4) are scalar constants.
        r.add(OpDef.op("NonMaxSuppression").notDifferentiable("selected box indices").shape(SpatialOps::nonMaxSuppression)
                .cost(c -> Cost.other(0, "NonMaxSuppression: depends on the box values, not estimated"))
                .constants(2, 3, 4));
    }

    /** X {@code [N, C, D1..Dr]}, grid {@code [N, O1..Or, r]}: output {@code [N, C, O1..Or]}. */
    private static void gridSample(InferenceContext ctx) {
        TensorType xt = ctx.input(0);
        Shape x = xt.shape();
        Shape grid = ctx.input(1).shape();
        if (x == null || grid == null) {
            ctx.output(0, new TensorType(xt.dtype(), x == null ? null : Shape.unknownDims(x.rank())));
            return;
        }
        if (x.rank() < 3 || grid.rank() != x.rank()) {
            throw ctx.fail("grid " + grid + " must have the rank of input " + x + " (>= 3)");
        }
        Dim coords = grid.dim(grid.rank() - 1);
        if (coords.isKnown() && coords.value() != x.rank() - 2) {
            throw ctx.fail("grid's last dim must be " + (x.rank() - 2) + ", got " + coords);
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0).isKnown() ? x.dim(0) : grid.dim(0));
        out.add(x.dim(1));
        out.addAll(grid.dims().subList(1, grid.rank() - 1));
        ctx.output(0, xt.dtype(), new Shape(out));
    }

    private static Cost gridSampleCost(CostContext c) {
        long[] out = CostText.sizes(c.output(0));
        if (out == null) {
            return CostText.unknown("GridSample");
        }
        int r = out.length - 2;
        String mode = c.node().stringAttr("mode", c.opset() >= 20 ? "linear" : "bilinear");
        long taps = switch (mode) {
            case "nearest" -> 1;
            case "cubic", "bicubic" -> 1L << (2 * r);
            default -> 1L << r;
        };
        long flops = CostText.product(out) * taps * 2;
        return Cost.other(flops, "flops = " + CostText.dims(out) + " × " + taps + " taps × 2 = " + CostText.num(flops));
    }

    /**
     * {@code [selected, 3]} int64. How many boxes survive depends on the values: when boxes, scores and
     * the thresholds are known, the selection is run as the ONNX reference runs it; else unknown.
     */
    private static void nonMaxSuppression(InferenceContext ctx) {
        ctx.input(0);
        ctx.input(1);
        Dim selected = Dim.unknown();
        TensorValue boxes = ctx.inputValue(0);
        TensorValue scores = ctx.inputValue(1);
        boolean thresholdsKnown = (!ctx.hasInput(2) || ctx.inputValue(2) != null)
                && (!ctx.hasInput(3) || ctx.inputValue(3) != null) && (!ctx.hasInput(4) || ctx.inputValue(4) != null);
        if (boxes != null && scores != null && thresholdsKnown && boxes.shape().length == 3
                && scores.shape().length == 3 && boxes.shape()[2] == 4) {
            long maxPerClass = ctx.hasInput(2) && ctx.inputValue(2).size() > 0 ? Math.max(0, ctx.inputValue(2).getLong(0)) : 0;
            float iou = ctx.hasInput(3) && ctx.inputValue(3).size() > 0 ? (float) ctx.inputValue(3).get(0) : 0f;
            Float minScore = ctx.hasInput(4) && ctx.inputValue(4).size() > 0 ? (float) ctx.inputValue(4).get(0) : null;
            selected = Dim.of(countSelected(boxes, scores, maxPerClass, iou, minScore,
                    ctx.intAttr("center_point_box", 0) != 0));
        }
        ctx.output(0, DType.INT64, new Shape(List.of(selected, Dim.of(3))));
    }

    /** Greedy selection per batch and class, in float32 as the ONNX reference computes it. */
    private static long countSelected(TensorValue boxes, TensorValue scores, long maxPerClass, float iouThreshold,
                                      Float scoreThreshold, boolean centerPoint) {
        int batches = (int) scores.shape()[0];
        int classes = (int) scores.shape()[1];
        int n = (int) scores.shape()[2];
        long total = 0;
        for (int b = 0; b < batches; b++) {
            for (int c = 0; c < classes; c++) {
                List<Integer> candidates = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    float score = (float) scores.get((b * classes + c) * n + i);
                    if (scoreThreshold == null || score > scoreThreshold) {
                        candidates.add(i);
                    }
                }
                int base = (b * classes + c) * n;
                candidates.sort((x, y) -> {
                    int byScore = Float.compare((float) scores.get(base + y), (float) scores.get(base + x));
                    return byScore != 0 ? byScore : Integer.compare(x, y);
                });
                List<Integer> kept = new ArrayList<>();
                for (int i : candidates) {
                    if (kept.size() >= maxPerClass) {
                        break;
                    }
                    boolean suppressed = false;
                    for (int k : kept) {
                        if (overlaps(boxes, b * n + k, b * n + i, centerPoint, iouThreshold)) {
                            suppressed = true;
                            break;
                        }
                    }
                    if (!suppressed) {
                        kept.add(i);
                    }
                }
                total += kept.size();
            }
        }
        return total;
    }

    /** True when the intersection over union of two boxes exceeds the threshold. */
    private static boolean overlaps(TensorValue boxes, int a, int b, boolean centerPoint, float threshold) {
        float[] p = corners(boxes, a, centerPoint);
        float[] q = corners(boxes, b, centerPoint);
        float ixMin = Math.max(p[0], q[0]);
        float iyMin = Math.max(p[1], q[1]);
        float ixMax = Math.min(p[2], q[2]);
        float iyMax = Math.min(p[3], q[3]);
        if (ixMax <= ixMin || iyMax <= iyMin) {
            return false;
        }
        float intersection = (ixMax - ixMin) * (iyMax - iyMin);
        float areaA = (p[2] - p[0]) * (p[3] - p[1]);
        float areaB = (q[2] - q[0]) * (q[3] - q[1]);
        if (areaA <= 0 || areaB <= 0) {
            return false;
        }
        float union = areaA + areaB - intersection;
        return union > 0 && intersection / union > threshold;
    }

    /** {x_min, y_min, x_max, y_max} of box {@code i}: [y1, x1, y2, x2] corners, or [xc, yc, w, h]. */
    private static float[] corners(TensorValue boxes, int i, boolean centerPoint) {
        float a = (float) boxes.get(4 * i);
        float b = (float) boxes.get(4 * i + 1);
        float c = (float) boxes.get(4 * i + 2);
        float d = (float) boxes.get(4 * i + 3);
        if (centerPoint) {
            float halfW = c / 2;
            float halfH = d / 2;
            return new float[] {a - halfW, b - halfH, a + halfW, b + halfH};
        }
        return new float[] {Math.min(b, d), Math.min(a, c), Math.max(b, d), Math.max(a, c)};
    }
}
