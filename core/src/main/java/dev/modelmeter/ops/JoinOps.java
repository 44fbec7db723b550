package dev.modelmeter.ops;

import dev.modelmeter.graph.Counts;
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
import java.util.List;

/**
 * Rules that join, split and repeat data: Concat, Split, Expand, Tile, Pad. Registered by
 * {@link TensorOps}; known small values propagate through Concat, Split, Expand and Tile.
 */
final class JoinOps {

    private JoinOps() {
    }

    // ---- joining and splitting ----

    static void concat(InferenceContext ctx) {
        List<TensorType> ins = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            if (ctx.hasInput(i)) {
                ins.add(ctx.input(i));
            }
        }
        if (ins.isEmpty()) {
            throw ctx.fail("needs at least one input");
        }
        DType dtype = ins.get(0).dtype();
        Shape first = ins.stream().map(TensorType::shape).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (first == null) {
            ctx.output(0, dtype, null);
            return;
        }
        int rank = first.rank();
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", 0), rank);
        List<Dim> out = new ArrayList<>(first.dims());
        long total = 0;
        boolean totalKnown = true;
        for (TensorType t : ins) {
            Shape s = t.shape();
            if (s == null) {
                totalKnown = false;
                continue;
            }
            if (s.rank() != rank) {
                throw ctx.fail("inputs have ranks " + rank + " and " + s.rank());
            }
            for (int d = 0; d < rank; d++) {
                if (d == axis) {
                    if (s.dim(d).isKnown()) {
                        total += s.dim(d).value();
                    } else {
                        totalKnown = false;
                    }
                } else {
                    out.set(d, unify(ctx, out.get(d), s.dim(d)));
                }
            }
        }
        out.set(axis, totalKnown ? Dim.of(total) : Dim.unknown());
        List<TensorValue> values = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            if (ctx.hasInput(i)) {
                values.add(ctx.inputValue(i));
            }
        }
        TensorValue v = values.contains(null) ? null : Values.concat(values, axis, dtype);
        if (v == null && rank == 1) {
            // shape vectors with symbolic entries ([batch] ++ [-1, 12, 64]) join entry by entry
            List<ShapeVector.Entry> entries = new ArrayList<>();
            for (int i = 0; i < ctx.inputCount() && entries != null; i++) {
                ShapeVector sv = ctx.hasInput(i) ? ctx.inputVector(i) : null;
                if (ctx.hasInput(i) && (sv == null || sv.scalar())) {
                    entries = null;
                } else if (sv != null) {
                    entries.addAll(sv.entries());
                }
            }
            if (entries != null) {
                ctx.outputVector(0, new ShapeVector(false, entries));
                return;
            }
        }
        TensorOps.outputMaybeValue(ctx, 0, dtype, new Shape(out), v);
    }

    /** Two dims that must be equal: the known one wins; two different known sizes fail. */
    static Dim unify(InferenceContext ctx, Dim a, Dim b) {
        if (a.isKnown() && b.isKnown()) {
            if (a.value() != b.value()) {
                throw ctx.fail("dimensions " + a + " and " + b + " must be equal");
            }
            return a;
        }
        if (a.isKnown()) {
            return a;
        }
        if (b.isKnown()) {
            return b;
        }
        return a.equals(b) ? a : (a instanceof Dim.Symbolic ? a : b);
    }

    static void split(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        int n = ctx.outputCount();
        if (s == null) {
            for (int i = 0; i < n; i++) {
                ctx.output(i, in.dtype(), null);
            }
            return;
        }
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", 0), s.rank());
        Dim dim = s.dim(axis);
        IntsArg split = IntsArg.read(ctx, "split", 1, 13);
        Dim[] sizes = new Dim[n];
        if (split.known()) {
            long[] v = split.values();
            if (v.length != n) {
                throw ctx.fail("split has " + v.length + " sizes for " + n + " outputs");
            }
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sizes[i] = Dim.of(v[i]);
                sum += v[i];
            }
            if (dim.isKnown() && sum != dim.value()) {
                throw ctx.fail("split sizes sum to " + sum + " but the axis has " + dim);
            }
        } else if (split.unknown() || !dim.isKnown()) {
            Arrays.fill(sizes, Dim.unknown());
        } else {
            long d = dim.value();
            long parts = ctx.opset() >= 18 ? ctx.intAttr("num_outputs", n) : n;
            if (d % parts == 0) {
                Arrays.fill(sizes, Dim.of(d / parts));
            } else if (ctx.opset() >= 18) {
                // opset 18: chunks of ceil(d / n), the last one smaller
                long chunk = (d + parts - 1) / parts;
                for (int i = 0; i < n; i++) {
                    sizes[i] = Dim.of(Math.max(0, Math.min(chunk, d - chunk * i)));
                }
            } else {
                throw ctx.fail("axis of size " + d + " does not split evenly into " + parts);
            }
        }
        TensorValue v = ctx.inputValue(0);
        long offset = 0;
        for (int i = 0; i < n; i++) {
            Shape out = s.withDim(axis, sizes[i]);
            TensorValue part = null;
            if (v != null && sizes[i].isKnown()) {
                long[] starts = new long[s.rank()];
                long[] steps = new long[s.rank()];
                Arrays.fill(steps, 1);
                starts[axis] = offset;
                part = Values.slice(v, starts, steps, out.sizes());
                offset += sizes[i].value();
            }
            TensorOps.outputMaybeValue(ctx, i, in.dtype(), out, part);
        }
    }

    // ---- broadcasting and repetition ----

    static void expand(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        IntsArg target = IntsArg.fromInput(ctx, 1);
        ShapeVector symbolic = ctx.inputVector(1);
        if (!target.known() && symbolic != null && !symbolic.scalar() && in.shape() != null) {
            ctx.output(0, in.dtype(), Shapes.broadcast(ctx, in.shape(), TensorOps.shapeOf(ctx, symbolic)));
            return;
        }
        if (!target.known()) {
            Shape s = in.shape();
            if (s == null || target.count() < 0) {
                ctx.output(0, in.dtype(), null);
                return;
            }
            // a known input dim > 1 survives broadcasting; a 1 becomes whatever the target says
            int rank = Math.max(s.rank(), target.count());
            List<Dim> out = new ArrayList<>(Shape.unknownDims(rank).dims());
            for (int i = 0; i < s.rank(); i++) {
                Dim d = s.dim(i);
                if (d.isKnown() && d.value() != 1) {
                    out.set(rank - s.rank() + i, d);
                }
            }
            ctx.output(0, in.dtype(), new Shape(out));
            return;
        }
        if (in.shape() == null) {
            ctx.output(0, in.dtype(), null);
            return;
        }
        Shape out = Shapes.broadcast(ctx, in.shape(), Shape.of(target.values()));
        TensorValue v = ctx.inputValue(0);
        TensorOps.outputMaybeValue(ctx, 0, in.dtype(), out,
                v != null && out.isFullyKnown() ? Values.repeat(v, out.sizes(), false) : null);
    }

    static void tile(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        IntsArg repeats = IntsArg.fromInput(ctx, 1);
        if (s == null) {
            ctx.output(0, in.dtype(), repeats.count() >= 0 ? Shape.unknownDims(repeats.count()) : null);
            return;
        }
        if (!repeats.known()) {
            ctx.output(0, in.dtype(), Shape.unknownDims(s.rank()));
            return;
        }
        long[] rep = repeats.values();
        if (rep.length != s.rank()) {
            throw ctx.fail("repeats has " + rep.length + " entries for rank " + s.rank());
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rep.length; i++) {
            if (rep[i] < 0) {
                throw ctx.fail("negative repeat " + rep[i]);
            }
            Dim d = s.dim(i);
            out.add(d.isKnown() ? Dim.of(Counts.mul(d.value(), rep[i])) : rep[i] == 1 ? d : rep[i] == 0 ? Dim.of(0) : Dim.unknown());
        }
        Shape shape = new Shape(out);
        TensorValue v = ctx.inputValue(0);
        TensorOps.outputMaybeValue(ctx, 0, in.dtype(), shape,
                v != null && shape.isFullyKnown() ? Values.repeat(v, shape.sizes(), true) : null);
    }

    /** Pad: pads from the attribute ({@code paddings} in opset 1, {@code pads} to 10) or input 1 (11+), axes input 3 (18+). */
    static void pad(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        IntsArg pads = ctx.opset() < 2 ? IntsArg.read(ctx, "paddings", 1, 99) : IntsArg.read(ctx, "pads", 1, 11);
        if (s == null) {
            ctx.output(0, in.dtype(), null);
            return;
        }
        if (!pads.known()) {
            ctx.output(0, in.dtype(), Shape.unknownDims(s.rank()));
            return;
        }
        IntsArg axesArg = ctx.opset() >= 18 ? IntsArg.fromInput(ctx, 3) : IntsArg.ABSENT;
        if (axesArg.unknown()) {
            ctx.output(0, in.dtype(), Shape.unknownDims(s.rank()));
            return;
        }
        int[] axes;
        if (axesArg.known()) {
            axes = new int[axesArg.values().length];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = Shapes.axis(ctx, axesArg.values()[i], s.rank());
            }
        } else {
            axes = new int[s.rank()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        long[] p = pads.values();
        if (p.length != 2 * axes.length) {
            throw ctx.fail("pads has " + p.length + " entries for " + axes.length + " axes");
        }
        List<Dim> out = new ArrayList<>(s.dims());
        for (int i = 0; i < axes.length; i++) {
            Dim d = s.dim(axes[i]);
            long grow = Counts.add(p[i], p[i + axes.length]);
            if (d.isKnown()) {
                long size = Counts.add(d.value(), grow);
                if (size < 0) {
                    throw ctx.fail("pads make axis " + axes[i] + " negative");
                }
                out.set(axes[i], Dim.of(size));
            } else if (grow != 0) {
                out.set(axes[i], Dim.unknown());
            }
        }
        ctx.output(0, in.dtype(), new Shape(out));
    }

}
