package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensor layout and construction: Shape, Reshape and the other views, Concat, Split, Expand, Tile,
 * Pad, Constant, ConstantOfShape, Range, Identity, DepthToSpace… These move or make data and do no
 * arithmetic, so they cost nothing and autograd saves nothing for them. Views are PyTorch's: reshape,
 * flatten, squeeze, unsqueeze, transpose, expand, identity, slicing and split (whose outputs are all
 * views of the input). Their rules propagate small
 * known values, which is what resolves the Shape → Gather → Concat → Reshape chains exporters emit.
 * Indexing ({@link IndexingOps}), resizing ({@link ResizeOps}) and sequence/optional operators
 * ({@link SequenceOps}) are registered from here too.
 */
public final class TensorOps implements OpFamily {

    @Override
    public void register(OpRegistry r) {
        r.add(
                OpDef.op("Shape").shape(TensorOps::shapeOf).saves(AutogradRule.NOTHING),
                OpDef.op("Size").shape(TensorOps::size).saves(AutogradRule.NOTHING),
                OpDef.op("Reshape").shape(TensorOps::reshape).constants(1).view().saves(AutogradRule.NOTHING),
                OpDef.op("Flatten").shape(TensorOps::flatten).view().saves(AutogradRule.NOTHING),
                OpDef.op("Squeeze").shape(TensorOps::squeeze).constants(1).view().saves(AutogradRule.NOTHING),
                OpDef.op("Unsqueeze").shape(TensorOps::unsqueeze).constants(1).view().saves(AutogradRule.NOTHING),
                OpDef.op("Transpose").shape(TensorOps::transpose).view().saves(AutogradRule.NOTHING),
                OpDef.op("Identity").shape(TensorOps::identity).view().saves(AutogradRule.NOTHING),
                OpDef.op("Concat").shape(TensorOps::concat).saves(AutogradRule.NOTHING),
                OpDef.op("Split").shape(TensorOps::split).constants(1).view().saves(AutogradRule.NOTHING),
                OpDef.op("Expand").shape(TensorOps::expand).constants(1).view().saves(AutogradRule.NOTHING),
                OpDef.op("Tile").shape(TensorOps::tile).constants(1).saves(AutogradRule.NOTHING),
                OpDef.op("Pad").shape(TensorOps::pad).constants(1, 2, 3).saves(AutogradRule.NOTHING),
                OpDef.op("Constant").shape(TensorOps::constant).saves(AutogradRule.NOTHING),
                OpDef.op("ConstantOfShape").shape(TensorOps::constantOfShape).constants(0).saves(AutogradRule.NOTHING),
                OpDef.op("Range").shape(TensorOps::range).constants(0, 1, 2).saves(AutogradRule.NOTHING),
                OpDef.op("DepthToSpace").shape(ctx -> spaceDepth(ctx, true)).saves(AutogradRule.NOTHING),
                OpDef.op("SpaceToDepth").shape(ctx -> spaceDepth(ctx, false)).saves(AutogradRule.NOTHING),
                OpDef.op("Trilu").shape(TensorOps::sameAsInput).constants(1).saves(AutogradRule.NOTHING),
                OpDef.op("ReverseSequence").shape(TensorOps::sameAsInput).constants(1).saves(AutogradRule.NOTHING));
        IndexingOps.register(r);
        ResizeOps.register(r);
        SequenceOps.register(r);
    }

    // ---- shared small helpers of this family ----

    /** Output 0 has input 0's type (Trilu, ReverseSequence, Scatter…). */
    static void sameAsInput(InferenceContext ctx) {
        ctx.output(0, ctx.input(0));
    }

    /** Sets output {@code i} to {@code value} when it is known, else to the type. */
    static void outputMaybeValue(InferenceContext ctx, int i, DType dtype, Shape shape, TensorValue value) {
        if (value != null) {
            ctx.outputValue(i, value);
        } else {
            ctx.output(i, dtype, shape);
        }
    }

    /** A possibly negative index into [0, size], clamped (Shape's start/end). */
    static int clampIndex(long index, int size) {
        long a = index < 0 ? index + size : index;
        return (int) Math.max(0, Math.min(size, a));
    }

    /** 1-D shape of length n, or of unknown length (n &lt; 0). */
    static Shape vectorShape(long n) {
        return new Shape(List.of(n < 0 ? Dim.unknown() : Dim.of(n)));
    }

    // ---- shape queries ----

    /** Shape (start/end from opset 15): the known dims as a value, else an int64 vector of the right length. */
    private static void shapeOf(InferenceContext ctx) {
        Shape s = ctx.input(0).shape();
        if (s == null) {
            ctx.output(0, DType.INT64, vectorShape(-1));
            return;
        }
        int start = clampIndex(ctx.intAttr("start", 0), s.rank());
        int end = clampIndex(ctx.intAttr("end", s.rank()), s.rank());
        int n = Math.max(0, end - start);
        Shape part = new Shape(s.dims().subList(start, start + n));
        if (part.isFullyKnown()) {
            ctx.outputValue(0, TensorValue.vector(part.sizes()));
        } else {
            ctx.output(0, DType.INT64, Shape.of(n));
        }
    }

    private static void size(InferenceContext ctx) {
        TensorType t = ctx.input(0);
        if (t.numel().isPresent()) {
            ctx.outputValue(0, TensorValue.scalar(t.numel().getAsLong()));
        } else {
            ctx.output(0, DType.INT64, Shape.SCALAR);
        }
    }

    // ---- views ----

    private static void reshape(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        IntsArg target = IntsArg.read(ctx, "shape", 1, 5);
        if (!target.known()) {
            ctx.output(0, in.dtype(), target.count() >= 0 ? Shape.unknownDims(target.count()) : null);
            return;
        }
        Shape out = reshapeTarget(ctx, in.shape(), target.values(), ctx.intAttr("allowzero", 0) == 1);
        TensorValue v = ctx.inputValue(0);
        outputMaybeValue(ctx, 0, in.dtype(), out, v != null && out.isFullyKnown() ? Values.reshape(v, out.sizes()) : null);
    }

    /**
     * Reshape's target: 0 copies the input dim (unless allowzero), -1 takes what is left. The -1 dim
     * is solved after cancelling symbolic dims the output keeps ({@code [N,12,64] → [N,-1]} is
     * {@code [N,768]}); when a symbol remains on one side only, it is unknown.
     */
    static Shape reshapeTarget(InferenceContext ctx, Shape in, long[] target, boolean allowZero) {
        List<Dim> out = new ArrayList<>();
        int inferred = -1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == 0 && !allowZero) {
                if (in == null) {
                    out.add(Dim.unknown());
                } else if (i >= in.rank()) {
                    throw ctx.fail("shape entry " + i + " is 0 (copy) but the input has rank " + in.rank());
                } else {
                    out.add(in.dim(i));
                }
            } else if (t == -1) {
                if (inferred >= 0) {
                    throw ctx.fail("shape has more than one -1");
                }
                inferred = i;
                out.add(Dim.unknown());
            } else if (t < -1) {
                throw ctx.fail("invalid shape entry " + t);
            } else {
                out.add(Dim.of(t));
            }
        }
        if (in == null) {
            return new Shape(out);
        }
        if (inferred >= 0) {
            rebatchedLeading(ctx, in, target, out, inferred);
            out.set(inferred, solveMissing(ctx, in, out, inferred));
        } else if (in.isFullyKnown() && new Shape(out).isFullyKnown()
                && in.numel().getAsLong() != new Shape(out).numel().getAsLong()
                && !rebatched(ctx, in, out)) {
            throw ctx.fail("cannot reshape " + in + " (" + in.numel().getAsLong() + " elements) to "
                    + Arrays.toString(target));
        }
        return new Shape(out);
    }

    /**
     * A fixed-shape export analysed at another batch: a constant target short of the input by exactly
     * the rebatch factor had the old batch baked into its first entry; scale that entry.
     */
    private static boolean rebatched(InferenceContext ctx, Shape in, List<Dim> out) {
        long f = ctx.rebatchFactor();
        if (f <= 1 || out.isEmpty() || in.numel().getAsLong() != new Shape(out).numel().getAsLong() * f) {
            return false;
        }
        out.set(0, Dim.of(out.get(0).value() * f));
        ctx.warn("the file fixes the batch its reshape constants were written for; they were scaled by "
                + f + " to the batch asked for");
        return true;
    }

    /**
     * The same for a target with -1 ({@code [1, 128, -1, 64]}): its explicit first entry is the old batch
     * when the input's first dim is that entry times the rebatch factor; scale it before solving -1.
     */
    private static void rebatchedLeading(InferenceContext ctx, Shape in, long[] target, List<Dim> out, int inferred) {
        long f = ctx.rebatchFactor();
        if (f > 1 && inferred != 0 && target[0] > 0 && in.rank() > 0 && in.dim(0).isKnown()
                && in.dim(0).value() == target[0] * f) {
            out.set(0, Dim.of(target[0] * f));
            ctx.warn("the file fixes the batch its reshape constants were written for; they were scaled by "
                    + f + " to the batch asked for");
        }
    }

    private static Dim solveMissing(InferenceContext ctx, Shape in, List<Dim> out, int missing) {
        List<Dim> left = new ArrayList<>(in.dims());
        long outKnown = 1;
        for (int i = 0; i < out.size(); i++) {
            if (i == missing) {
                continue;
            }
            Dim d = out.get(i);
            if (d.isKnown()) {
                outKnown *= d.value();
            } else if (d instanceof Dim.Symbolic && left.remove(d)) {
                continue; // the same symbol on both sides cancels
            } else {
                return Dim.unknown();
            }
        }
        long inKnown = 1;
        Dim symbol = null;
        for (Dim d : left) {
            if (d.isKnown()) {
                inKnown *= d.value();
            } else if (symbol == null && d instanceof Dim.Symbolic) {
                symbol = d;
            } else {
                return Dim.unknown();
            }
        }
        if (outKnown == 0) {
            if (inKnown == 0 && symbol == null) {
                throw ctx.fail("cannot infer -1 in a reshape to zero elements");
            }
            return Dim.unknown();
        }
        if (symbol != null) {
            return inKnown == outKnown ? symbol : Dim.unknown();
        }
        if (inKnown % outKnown != 0) {
            throw ctx.fail("cannot reshape " + in + " (" + inKnown + " elements) with known dims of product " + outKnown);
        }
        return Dim.of(inKnown / outKnown);
    }

    private static void flatten(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        if (s == null) {
            ctx.output(0, in.dtype(), Shape.unknownDims(2));
            return;
        }
        long axis = ctx.intAttr("axis", 1);
        int a = (int) (axis < 0 ? axis + s.rank() : axis);
        if (a < 0 || a > s.rank()) {
            throw ctx.fail("axis " + axis + " is out of range for rank " + s.rank());
        }
        Shape out = new Shape(List.of(Shapes.product(s, 0, a), Shapes.product(s, a, s.rank())));
        TensorValue v = ctx.inputValue(0);
        outputMaybeValue(ctx, 0, in.dtype(), out, v != null ? Values.reshape(v, out.sizes()) : null);
    }

    private static void squeeze(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        IntsArg axes = IntsArg.read(ctx, "axes", 1, 13);
        if (s == null || axes.unknown()) {
            boolean rankKnown = s != null && axes.count() >= 0;
            ctx.output(0, in.dtype(), rankKnown ? Shape.unknownDims(s.rank() - axes.count()) : null);
            return;
        }
        boolean[] drop = new boolean[s.rank()];
        if (!axes.given()) {
            for (int i = 0; i < s.rank(); i++) {
                if (!s.dim(i).isKnown()) {
                    ctx.output(0, in.dtype(), null); // whether it is 1 decides the rank
                    return;
                }
                drop[i] = s.dim(i).value() == 1;
            }
        } else {
            for (long axis : axes.values()) {
                int a = Shapes.axis(ctx, axis, s.rank());
                if (s.dim(a).isKnown() && s.dim(a).value() != 1) {
                    throw ctx.fail("cannot squeeze axis " + axis + " of size " + s.dim(a));
                }
                drop[a] = true;
            }
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (!drop[i]) {
                out.add(s.dim(i));
            }
        }
        Shape shape = new Shape(out);
        TensorValue v = ctx.inputValue(0);
        outputMaybeValue(ctx, 0, in.dtype(), shape, v != null ? Values.reshape(v, shape.sizes()) : null);
    }

    private static void unsqueeze(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        IntsArg axes = IntsArg.read(ctx, "axes", 1, 13);
        if (!axes.given()) {
            throw ctx.fail("axes are required");
        }
        if (s == null || axes.unknown()) {
            boolean rankKnown = s != null && axes.count() >= 0;
            ctx.output(0, in.dtype(), rankKnown ? Shape.unknownDims(s.rank() + axes.count()) : null);
            return;
        }
        int rank = s.rank() + axes.values().length;
        boolean[] inserted = new boolean[rank];
        for (long axis : axes.values()) {
            int a = Shapes.axis(ctx, axis, rank);
            if (inserted[a]) {
                throw ctx.fail("axis " + axis + " is repeated");
            }
            inserted[a] = true;
        }
        List<Dim> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < rank; i++) {
            out.add(inserted[i] ? Dim.of(1) : s.dim(next++));
        }
        Shape shape = new Shape(out);
        TensorValue v = ctx.inputValue(0);
        outputMaybeValue(ctx, 0, in.dtype(), shape, v != null ? Values.reshape(v, shape.sizes()) : null);
    }

    private static void transpose(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        long[] perm = ctx.intsAttr("perm");
        if (s == null) {
            ctx.output(0, in.dtype(), perm == null ? null : Shape.unknownDims(perm.length));
            return;
        }
        int r = s.rank();
        int[] p = new int[r];
        if (perm == null) {
            for (int i = 0; i < r; i++) {
                p[i] = r - 1 - i;
            }
        } else {
            if (perm.length != r) {
                throw ctx.fail("perm " + Arrays.toString(perm) + " does not match rank " + r);
            }
            boolean[] seen = new boolean[r];
            for (int i = 0; i < r; i++) {
                p[i] = Shapes.axis(ctx, perm[i], r);
                if (seen[p[i]]) {
                    throw ctx.fail("perm " + Arrays.toString(perm) + " repeats an axis");
                }
                seen[p[i]] = true;
            }
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            out.add(s.dim(p[i]));
        }
        TensorValue v = ctx.inputValue(0);
        outputMaybeValue(ctx, 0, in.dtype(), new Shape(out), v != null ? Values.transpose(v, p) : null);
    }

    /** Identity passes tensors, sequences and optionals through, with their value. */
    private static void identity(InferenceContext ctx) {
        ValueType t = ctx.inputType(0);
        if (t == null) {
            ctx.input(0); // throws the documented unknown-input error
        }
        TensorValue v = ctx.inputValue(0);
        if (v != null) {
            ctx.outputValue(0, v);
        } else if (ctx.inputContents(0) != null) {
            ctx.outputContents(0, ctx.inputContents(0), TypeUnion::element);
        } else {
            ctx.output(0, t);
        }
    }

    // ---- joining and splitting ----

    private static void concat(InferenceContext ctx) {
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
        outputMaybeValue(ctx, 0, dtype, new Shape(out), v);
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

    private static void split(InferenceContext ctx) {
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
            outputMaybeValue(ctx, i, in.dtype(), out, part);
        }
    }

    // ---- broadcasting and repetition ----

    private static void expand(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        IntsArg target = IntsArg.fromInput(ctx, 1);
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
        outputMaybeValue(ctx, 0, in.dtype(), out,
                v != null && out.isFullyKnown() ? Values.repeat(v, out.sizes(), false) : null);
    }

    private static void tile(InferenceContext ctx) {
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
            out.add(d.isKnown() ? Dim.of(d.value() * rep[i]) : rep[i] == 1 ? d : rep[i] == 0 ? Dim.of(0) : Dim.unknown());
        }
        Shape shape = new Shape(out);
        TensorValue v = ctx.inputValue(0);
        outputMaybeValue(ctx, 0, in.dtype(), shape,
                v != null && shape.isFullyKnown() ? Values.repeat(v, shape.sizes(), true) : null);
    }

    /** Pad: pads from the attribute ({@code paddings} in opset 1, {@code pads} to 10) or input 1 (11+), axes input 3 (18+). */
    private static void pad(InferenceContext ctx) {
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
            long grow = p[i] + p[i + axes.length];
            if (d.isKnown()) {
                long size = d.value() + grow;
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

    // ---- construction ----

    /** Constant: a tensor attribute, or one of the value_* shorthands. Small values are kept. */
    private static void constant(InferenceContext ctx) {
        Map<String, Attribute> attrs = new HashMap<>(ctx.node().attributes());
        Attribute a;
        if ((a = attrs.get("value")) != null || (a = attrs.get("sparse_value")) != null) {
            TensorData t = a.t();
            if (t == null) {
                // a sparse tensor the reader does not keep: a valid model whose constant we cannot tell
                ctx.warn("Constant '" + ctx.node().name() + "': attribute '" + a.name() + "' not read; its shape is unknown");
                ctx.output(0, null);
                return;
            }
            if (t.value() != null && t.value().size() <= TensorValue.MAX_ELEMENTS) {
                ctx.outputValue(0, t.value());
            } else {
                ctx.output(0, t.type());
            }
        } else if ((a = attrs.get("value_int")) != null) {
            ctx.outputValue(0, TensorValue.scalar(a.i()));
        } else if ((a = attrs.get("value_ints")) != null) {
            ctx.outputValue(0, TensorValue.vector(a.ints().stream().mapToLong(Long::longValue).toArray()));
        } else if ((a = attrs.get("value_float")) != null) {
            ctx.outputValue(0, new TensorValue(DType.FLOAT, new long[0], new double[] {a.f()}));
        } else if ((a = attrs.get("value_floats")) != null) {
            double[] d = a.floats().stream().mapToDouble(Double::doubleValue).toArray();
            ctx.outputValue(0, new TensorValue(DType.FLOAT, new long[] {d.length}, d));
        } else if (attrs.containsKey("value_string")) {
            ctx.output(0, DType.STRING, Shape.SCALAR);
        } else if ((a = attrs.get("value_strings")) != null) {
            ctx.output(0, DType.STRING, Shape.of(a.strings().size()));
        } else {
            throw ctx.fail("has no value attribute");
        }
    }

    private static void constantOfShape(InferenceContext ctx) {
        Attribute a = ctx.attr("value");
        TensorData fill = a == null ? null : a.t();
        DType dtype = fill == null ? DType.FLOAT : fill.dtype();
        double fillValue = fill != null && fill.value() != null && fill.value().size() > 0 ? fill.value().get(0) : 0;
        IntsArg shape = IntsArg.fromInput(ctx, 0);
        if (!shape.known()) {
            ctx.output(0, dtype, shape.count() >= 0 ? Shape.unknownDims(shape.count()) : null);
            return;
        }
        for (long d : shape.values()) {
            if (d < 0) {
                throw ctx.fail("negative dimension " + d);
            }
        }
        Shape out = Shape.of(shape.values());
        outputMaybeValue(ctx, 0, dtype, out, Values.fill(dtype, shape.values(), fillValue));
    }

    /** Range: {@code max(ceil((limit - start) / delta), 0)} elements of start's type. */
    private static void range(InferenceContext ctx) {
        DType dtype = ctx.input(0).dtype();
        TensorValue start = ctx.inputValue(0);
        TensorValue limit = ctx.inputValue(1);
        TensorValue delta = ctx.inputValue(2);
        if (start == null || limit == null || delta == null) {
            ctx.output(0, dtype, vectorShape(-1));
            return;
        }
        double s = start.get(0);
        double l = limit.get(0);
        double d = delta.get(0);
        if (d == 0) {
            throw ctx.fail("delta is 0");
        }
        long n;
        if (dtype.isInteger()) {
            long span = (long) l - (long) s;
            long step = (long) d;
            n = Math.max(0, Math.floorDiv(span + step - (step > 0 ? 1 : -1), step));
        } else {
            n = (long) Math.max(0, Math.ceil((l - s) / d));
        }
        if (n > TensorValue.MAX_ELEMENTS) {
            ctx.output(0, dtype, Shape.of(n));
            return;
        }
        double[] out = new double[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = s + i * d;
        }
        ctx.outputValue(0, new TensorValue(dtype, new long[] {n}, out));
    }

    /** DepthToSpace [N, C/b², H·b, W·b]; SpaceToDepth the inverse. */
    private static void spaceDepth(InferenceContext ctx, boolean toSpace) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        if (s == null) {
            ctx.output(0, in.dtype(), Shape.unknownDims(4));
            return;
        }
        if (s.rank() != 4) {
            throw ctx.fail("expects a 4-D input, got " + s);
        }
        long b = ctx.intAttr("blocksize", 0);
        if (b <= 0) {
            throw ctx.fail("blocksize must be positive");
        }
        Dim c = s.dim(1);
        Dim h = s.dim(2);
        Dim w = s.dim(3);
        Dim outC = toSpace ? divide(ctx, c, b * b) : multiply(c, b * b);
        Dim outH = toSpace ? multiply(h, b) : divide(ctx, h, b);
        Dim outW = toSpace ? multiply(w, b) : divide(ctx, w, b);
        ctx.output(0, in.dtype(), new Shape(List.of(s.dim(0), outC, outH, outW)));
    }

    static Dim multiply(Dim d, long factor) {
        return d.isKnown() ? Dim.of(d.value() * factor) : factor == 1 ? d : Dim.unknown();
    }

    static Dim divide(InferenceContext ctx, Dim d, long divisor) {
        if (!d.isKnown()) {
            return divisor == 1 ? d : Dim.unknown();
        }
        if (d.value() % divisor != 0) {
            throw ctx.fail("dimension " + d + " is not divisible by " + divisor);
        }
        return Dim.of(d.value() / divisor);
    }
}
