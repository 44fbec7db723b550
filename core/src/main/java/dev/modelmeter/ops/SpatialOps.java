package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
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
        r.add(OpDef.op("GridSample").shape(SpatialOps::gridSample).cost(SpatialOps::gridSampleCost));
        // max_output_boxes_per_class, iou_threshold and score_threshold (2..4) are scalar constants.
        r.add(OpDef.op("NonMaxSuppression").shape(SpatialOps::nonMaxSuppression)
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

    /** {@code [?, 3]} int64: how many boxes survive depends on the values. */
    private static void nonMaxSuppression(InferenceContext ctx) {
        ctx.output(0, DType.INT64, new Shape(List.of(Dim.unknown(), Dim.of(3))));
    }
}
