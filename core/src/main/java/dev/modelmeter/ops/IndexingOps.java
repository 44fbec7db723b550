package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.ShapeVector;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Indexing: Slice, the Gather and Scatter families, OneHot, and the data-dependent NonZero, Compress
 * and Unique, whose output sizes are known only when their input's value is. Registered by
 * {@link TensorOps}. Gathers save their indices for backward (PyTorch's index_select/gather do);
 * the rest save nothing that outlives the step.
 */
final class IndexingOps {

    private IndexingOps() {
    }

    static void register(OpRegistry r) {
        r.add(
                OpDef.op("Slice").shape(IndexingOps::slice).noCost("a view: moves no data").constants(1, 2, 3, 4).view().saves(AutogradRule.NOTHING),
                // Embedding (a Gather on a stored table) keeps its int64 indices; the fixtures measure that
                OpDef.op("Gather").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(IndexingOps::gather).constants(1).resultTypeOfInput0().selectViewOnScalarIndex()
                        .saves(ctx -> ctx.isWeight(0) ? List.of(Saved.input(1)) : List.of()),
                OpDef.op("GatherElements").shape(IndexingOps::gatherElements).noCost("copies data: no arithmetic (FLOPs count arithmetic only)").constants(1).saves(IndexingOps::savesIndices),
                OpDef.op("GatherND").shape(IndexingOps::gatherNd).noCost("copies data: no arithmetic (FLOPs count arithmetic only)").constants(1).saves(IndexingOps::savesIndices),
                OpDef.op("ScatterElements").shape(TensorOps::sameAsInput).cost(IndexingOps::scatterCost).constants(1).saves(IndexingOps::savesIndices),
                OpDef.op("Scatter").shape(TensorOps::sameAsInput).noCost("copies data: no arithmetic (FLOPs count arithmetic only)").constants(1).saves(IndexingOps::savesIndices),
                OpDef.op("ScatterND").shape(TensorOps::sameAsInput).cost(IndexingOps::scatterCost).constants(1).saves(IndexingOps::savesIndices),
                // opset 24: writes updates into a KV cache at given positions; the cache keeps its shape
                OpDef.op("TensorScatter").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(TensorOps::sameAsInput).constants(2).saves(AutogradRule.NOTHING),
                OpDef.op("OneHot").noCost("fills a tensor: no arithmetic on data").shape(IndexingOps::oneHot).constants(1, 2).notDifferentiable("an encoding of indices"),
                OpDef.op("NonZero").noCost("compares and copies: no floating-point arithmetic").shape(IndexingOps::nonZero).notDifferentiable("an index result"),
                OpDef.op("Compress").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(IndexingOps::compress).constants(1).saves(AutogradRule.NOTHING),
                OpDef.op("Unique").noCost("sorts and compares: no floating-point arithmetic").shape(IndexingOps::unique).saves(AutogradRule.NOTHING));
    }

    /** The index tensor (input 1) outlives the forward when the data needs a gradient. */
    private static List<Saved> savesIndices(AutogradContext ctx) {
        return ctx.requiresGrad(0) ? List.of(Saved.input(1)) : List.of();
    }

    // ---- Slice ----

    private static final long BIG = Long.MAX_VALUE / 2;

    /**
     * Slice: starts/ends/axes attributes before opset 10, inputs 1–4 (with steps) from then on.
     * Per axis, ONNX clamps like numpy: a negative index counts from the end; start is clamped to
     * [0, d] (or [0, d-1] for a negative step), end to [0, d] (or [-1, d-1]).
     */
    private static void slice(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        IntsArg starts;
        IntsArg ends;
        IntsArg axes;
        IntsArg steps;
        if (ctx.opset() < 10) {
            starts = IntsArg.read(ctx, "starts", 1, 99);
            ends = IntsArg.read(ctx, "ends", 1, 99);
            axes = IntsArg.read(ctx, "axes", 1, 99);
            steps = IntsArg.ABSENT;
        } else {
            starts = IntsArg.fromInput(ctx, 1);
            ends = IntsArg.fromInput(ctx, 2);
            axes = IntsArg.fromInput(ctx, 3);
            steps = IntsArg.fromInput(ctx, 4);
        }
        if (s == null) {
            ctx.output(0, in.dtype(), null);
            return;
        }
        int r = s.rank();
        if (!starts.known() || !ends.known() || axes.unknown() || steps.unknown()) {
            List<Dim> out = new ArrayList<>(s.dims());
            if (axes.known()) {
                for (long a : axes.values()) {
                    out.set(Shapes.axis(ctx, a, r), Dim.unknown());
                }
            } else if (!axes.given() && starts.count() >= 0) {
                for (int a = 0; a < Math.min(starts.count(), r); a++) {
                    out.set(a, Dim.unknown());
                }
            } else {
                out = Shape.unknownDims(r).dims();
            }
            ctx.output(0, in.dtype(), new Shape(out));
            return;
        }
        long[] st = starts.values();
        long[] en = ends.values();
        if (st.length != en.length) {
            throw ctx.fail("starts and ends differ in length");
        }
        long[] ax = axes.known() ? axes.values() : defaultAxes(st.length);
        long[] sp = steps.known() ? steps.values() : ones(st.length);
        if (ax.length != st.length || sp.length != st.length) {
            throw ctx.fail("starts, ends, axes and steps differ in length");
        }
        List<Dim> out = new ArrayList<>(s.dims());
        long[] from = new long[r];
        long[] step = ones(r);
        boolean[] seen = new boolean[r];
        for (int i = 0; i < st.length; i++) {
            int a = Shapes.axis(ctx, ax[i], r);
            if (seen[a]) {
                throw ctx.fail("axis " + ax[i] + " is repeated");
            }
            seen[a] = true;
            if (sp[i] == 0) {
                throw ctx.fail("step is 0");
            }
            Dim d = s.dim(a);
            step[a] = sp[i];
            if (d.isKnown()) {
                long[] range = clampedRange(d.value(), st[i], en[i], sp[i]);
                from[a] = range[0];
                out.set(a, Dim.of(range[1]));
            } else if ((sp[i] == 1 && st[i] == 0 && en[i] >= BIG) || (sp[i] == -1 && st[i] == -1 && en[i] <= -BIG)) {
                continue; // the whole axis, forwards (x[0:]) or reversed (x[::-1]): the dim stays, even symbolic
            } else {
                out.set(a, Dim.unknown());
            }
        }
        Shape shape = new Shape(out);
        TensorValue v = ctx.inputValue(0);
        ShapeVector sv = ctx.inputVector(0);
        if (v == null && sv != null && !sv.scalar() && shape.isFullyKnown()) {
            List<ShapeVector.Entry> picked = new ArrayList<>();
            for (long k = 0; k < shape.dim(0).value(); k++) {
                picked.add(sv.get((int) (from[0] + k * step[0])));
            }
            ctx.outputVector(0, new ShapeVector(false, picked));
            return;
        }
        TensorValue outValue = v != null && shape.isFullyKnown() ? Values.slice(v, from, step, shape.sizes()) : null;
        TensorOps.outputMaybeValue(ctx, 0, in.dtype(), shape, outValue);
    }

    /** {first index, element count} of {@code start:end:step} over an axis of size {@code d}. */
    static long[] clampedRange(long d, long start, long end, long step) {
        long s = start < 0 ? start + d : start;
        long e = end < 0 ? end + d : end;
        if (end < -BIG) {
            e = -1; // INT64_MIN means "before the first element" for negative steps
        }
        long n;
        if (d == 0) {
            return new long[] {0, 0};
        }
        if (step > 0) {
            s = Math.max(0, Math.min(d, s));
            e = Math.max(0, Math.min(d, e));
            n = e > s ? (e - s + step - 1) / step : 0;
        } else {
            s = Math.max(0, Math.min(d - 1, s));
            e = Math.max(-1, Math.min(d - 1, e));
            n = s > e ? (s - e + (-step) - 1) / (-step) : 0;
        }
        return new long[] {s, n};
    }

    private static long[] defaultAxes(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }

    // ---- Gather family ----

    /** Gather: data.shape[:axis] + indices.shape + data.shape[axis+1:]. */
    private static void gather(InferenceContext ctx) {
        TensorType data = ctx.input(0);
        TensorType indices = ctx.input(1);
        Shape ds = data.shape();
        Shape is = indices.shape();
        if (ds == null || is == null) {
            ctx.output(0, data.dtype(), null);
            return;
        }
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", 0), ds.rank());
        List<Dim> out = new ArrayList<>(ds.dims().subList(0, axis));
        out.addAll(is.dims());
        out.addAll(ds.dims().subList(axis + 1, ds.rank()));
        Shape shape = new Shape(out);
        TensorValue v = ctx.inputValue(0);
        long[] idx = ctx.inputLongs(1);
        TensorValue outValue = null;
        if (v != null && idx != null && is.isFullyKnown()) {
            long n = v.shape()[axis];
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] < -n || idx[i] >= n) {
                    throw ctx.fail("index " + idx[i] + " is out of range for an axis of " + n);
                }
                idx[i] = idx[i] < 0 ? idx[i] + n : idx[i];
            }
            outValue = Values.gather(v, idx, is.sizes(), axis);
        }
        ShapeVector sv = ctx.inputVector(0);
        if (outValue == null && sv != null && !sv.scalar() && idx != null && is.rank() <= 1) {
            // an entry of a symbolic shape ([batch, 128][0] = batch)
            List<ShapeVector.Entry> picked = new ArrayList<>();
            for (long i : idx) {
                if (i < -sv.size() || i >= sv.size()) {
                    throw ctx.fail("index " + i + " is out of range for an axis of " + sv.size());
                }
                picked.add(sv.get((int) (i < 0 ? i + sv.size() : i)));
            }
            ctx.outputVector(0, new ShapeVector(is.rank() == 0, picked));
            return;
        }
        TensorOps.outputMaybeValue(ctx, 0, data.dtype(), shape, outValue);
    }

    /** GatherElements: the indices' shape. */
    private static void gatherElements(InferenceContext ctx) {
        ctx.output(0, ctx.input(0).dtype(), ctx.input(1).shape());
    }

    /** GatherND: indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]. */
    private static void gatherNd(InferenceContext ctx) {
        TensorType data = ctx.input(0);
        Shape ds = data.shape();
        Shape is = ctx.input(1).shape();
        if (ds == null || is == null || is.rank() == 0 || !is.dim(is.rank() - 1).isKnown()) {
            ctx.output(0, data.dtype(), null);
            return;
        }
        int b = (int) ctx.intAttr("batch_dims", 0);
        int last = (int) is.dim(is.rank() - 1).value();
        if (b + last > ds.rank()) {
            throw ctx.fail("indices address " + last + " dims after " + b + " batch dims of a rank-" + ds.rank() + " tensor");
        }
        List<Dim> out = new ArrayList<>(is.dims().subList(0, is.rank() - 1));
        out.addAll(ds.dims().subList(b + last, ds.rank()));
        ctx.output(0, data.dtype(), new Shape(out));
    }

    // ---- one-hot and data-dependent sizes ----

    /** OneHot: the indices' shape with a depth-sized axis inserted at {@code axis} (default -1). */
    private static void oneHot(InferenceContext ctx) {
        Shape is = ctx.input(0).shape();
        DType dtype = ctx.input(2).dtype();
        if (is == null) {
            ctx.output(0, dtype, null);
            return;
        }
        TensorValue depth = ctx.inputValue(1);
        Dim d = depth == null ? Dim.unknown() : Dim.of((long) Math.floor(depth.get(0)));
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", -1), is.rank() + 1);
        List<Dim> out = new ArrayList<>(is.dims());
        out.add(axis, d);
        ctx.output(0, dtype, new Shape(out));
    }

    /** NonZero: [rank, count of non-zeros]; the count only when the value is known. */
    private static void nonZero(InferenceContext ctx) {
        Shape s = ctx.input(0).shape();
        Dim rank = s == null ? Dim.unknown() : Dim.of(s.rank());
        TensorValue v = ctx.inputValue(0);
        Dim count = Dim.unknown();
        if (v != null) {
            long c = 0;
            for (double x : v.data()) {
                if (x != 0) {
                    c++;
                }
            }
            count = Dim.of(c);
        }
        ctx.output(0, DType.INT64, new Shape(List.of(rank, count)));
    }

    /** Compress: selected slices along {@code axis} (or of the flattened input): as many as true conditions. */
    private static void compress(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        TensorValue cond = ctx.inputValue(1);
        boolean hasAxis = ctx.hasAttr("axis");
        Dim count = Dim.unknown();
        if (cond != null) {
            long limit = cond.size();
            if (s != null && hasAxis) {
                Dim d = s.dim(Shapes.axis(ctx, ctx.intAttr("axis", 0), s.rank()));
                limit = d.isKnown() ? Math.min(limit, d.value()) : limit;
            } else if (s != null && s.numel().isPresent()) {
                limit = Math.min(limit, s.numel().getAsLong());
            }
            long c = 0;
            for (int i = 0; i < limit; i++) {
                if (cond.get(i) != 0) {
                    c++;
                }
            }
            count = Dim.of(c);
        }
        if (!hasAxis) {
            ctx.output(0, in.dtype(), new Shape(List.of(count)));
        } else if (s == null) {
            ctx.output(0, in.dtype(), null);
        } else {
            ctx.output(0, in.dtype(), s.withDim(Shapes.axis(ctx, ctx.intAttr("axis", 0), s.rank()), count));
        }
    }

    /**
     * Unique: Y (the distinct elements, or distinct slices along {@code axis}), then indices,
     * inverse_indices and counts. The number of distinct entries is known only from the value.
     */
    private static void unique(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        TensorValue v = ctx.inputValue(0);
        boolean hasAxis = ctx.hasAttr("axis");
        int axis = hasAxis && s != null ? Shapes.axis(ctx, ctx.intAttr("axis", 0), s.rank()) : -1;
        Dim distinct = Dim.unknown();
        if (v != null) {
            distinct = Dim.of(countDistinct(v, axis));
        }
        Dim total;
        Shape y;
        if (!hasAxis) {
            total = s == null || s.numel().isEmpty() ? Dim.unknown() : Dim.of(s.numel().getAsLong());
            y = new Shape(List.of(distinct));
        } else {
            total = s == null ? Dim.unknown() : s.dim(axis);
            y = s == null ? null : s.withDim(axis, distinct);
        }
        ctx.output(0, in.dtype(), y);
        ctx.output(1, DType.INT64, new Shape(List.of(distinct)));
        ctx.output(2, DType.INT64, new Shape(List.of(total)));
        ctx.output(3, DType.INT64, new Shape(List.of(distinct)));
    }

    private static long countDistinct(TensorValue v, int axis) {
        if (axis < 0) {
            Set<Double> seen = new HashSet<>();
            for (double x : v.data()) {
                seen.add(x);
            }
            return seen.size();
        }
        long[] shape = v.shape();
        long[] counts = shape.clone();
        counts[axis] = 1;
        long[] steps = ones(shape.length);
        Set<List<Double>> seen = new HashSet<>();
        for (long k = 0; k < shape[axis]; k++) {
            long[] starts = new long[shape.length];
            starts[axis] = k;
            TensorValue part = Values.slice(v, starts, steps, counts);
            seen.add(Arrays.stream(part.data()).boxed().toList());
        }
        return seen.size();
    }

    /**
     * A scatter copies its updates, except with a reduction (add, mul, min, max), which combines each
     * update element with the element it lands on: one operation per update element (other FLOPs).
     */
    static Cost scatterCost(CostContext ctx) {
        String reduction = ctx.node().stringAttr("reduction", "none");
        if (reduction.equals("none")) {
            return Cost.ZERO;
        }
        long n = ctx.inputNumel(2);
        return Cost.other(n, n + " updates × 1 " + reduction);
    }
}
