package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.ShapeVector;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.modelmeter.ops.MemoryFacts.ViewLayout.EXPAND;
import static dev.modelmeter.ops.MemoryFacts.ViewLayout.PERMUTE;
import static dev.modelmeter.ops.MemoryFacts.ViewLayout.RESHAPE;

/**
 * Tensor layout and construction: Shape, Reshape and the other views, Concat, Split, Expand, Tile,
 * Pad, Constant, ConstantOfShape, Range, Identity, DepthToSpace… These move or make data and do no
 * arithmetic, so they cost nothing and autograd saves nothing for them. Views are PyTorch's: reshape,
 * flatten, squeeze, unsqueeze, transpose, expand, identity, slicing and split (whose outputs are all
 * views of the input). Their rules propagate small
 * known values, which is what resolves the Shape → Gather → Concat → Reshape chains exporters emit.
 * The rules live here (shape queries and views), in {@link JoinOps} (Concat, Split, Expand, Tile,
 * Pad) and {@link ConstantOps} (Constant, ConstantOfShape, Range, DepthToSpace); indexing
 * ({@link IndexingOps}), resizing ({@link ResizeOps}) and sequence/optional operators
 * ({@link SequenceOps}) register their own, called from here.
 */
public final class TensorOps implements OpFamily {

    @Override
    public void register(OpRegistry r) {
        r.add(
                OpDef.op("Shape").noCost("reads the shape: touches no data").shape(TensorOps::shapeOf).notDifferentiable("shape arithmetic: an integer result"),
                OpDef.op("Size").noCost("reads the shape: touches no data").shape(TensorOps::size).notDifferentiable("shape arithmetic: an integer result"),
                OpDef.op("Reshape").noCost("a view: moves no data").shape(TensorOps::reshape).constants(1).view(RESHAPE).gradientPassesThrough(0).saves(AutogradRule.NOTHING),
                OpDef.op("Flatten").noCost("a view: moves no data").shape(TensorOps::flatten).view(RESHAPE).gradientPassesThrough(0).saves(AutogradRule.NOTHING),
                OpDef.op("Squeeze").noCost("a view: moves no data").shape(TensorOps::squeeze).constants(1).view(RESHAPE).gradientPassesThrough(0).saves(AutogradRule.NOTHING),
                OpDef.op("Unsqueeze").noCost("a view: moves no data").shape(TensorOps::unsqueeze).constants(1).view(RESHAPE).gradientPassesThrough(0).saves(AutogradRule.NOTHING),
                OpDef.op("Transpose").noCost("a view: moves no data").shape(TensorOps::transpose).view(PERMUTE).gradientPassesThrough(0).saves(AutogradRule.NOTHING),
                OpDef.op("Identity").noCost("a view: moves no data").shape(TensorOps::identity).view().gradientPassesThrough(0).saves(AutogradRule.NOTHING),
                OpDef.op("Concat").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(JoinOps::concat).saves(AutogradRule.NOTHING),
                OpDef.op("Split").noCost("a view: moves no data").shape(JoinOps::split).constants(1).view().saves(AutogradRule.NOTHING),
                OpDef.op("Expand").noCost("a view: moves no data").shape(JoinOps::expand).constants(1).view(EXPAND).saves(AutogradRule.NOTHING),
                OpDef.op("Tile").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(JoinOps::tile).constants(1).saves(AutogradRule.NOTHING),
                OpDef.op("Pad").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(JoinOps::pad).constants(1, 2, 3).saves(AutogradRule.NOTHING),
                OpDef.op("Constant").noCost("fills a tensor: no arithmetic on data").shape(ConstantOps::constant).notDifferentiable("a constant: nothing a gradient can reach"),
                OpDef.op("ConstantOfShape").noCost("fills a tensor: no arithmetic on data").shape(ConstantOps::constantOfShape).constants(0).notDifferentiable("a constant filled to a shape")
                        .resultTypeDeclared(),
                OpDef.op("Range").noCost("fills a tensor: no arithmetic on data").shape(ConstantOps::range).constants(0, 1, 2).notDifferentiable("arange: an index sequence"),
                OpDef.op("DepthToSpace").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(ctx -> ConstantOps.spaceDepth(ctx, true)).saves(AutogradRule.NOTHING),
                OpDef.op("SpaceToDepth").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(ctx -> ConstantOps.spaceDepth(ctx, false)).saves(AutogradRule.NOTHING),
                OpDef.op("Trilu").noCost("masks by copying: no arithmetic").shape(TensorOps::sameAsInput).constants(1).saves(AutogradRule.NOTHING),
                OpDef.op("ReverseSequence").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").shape(TensorOps::sameAsInput).constants(1).saves(AutogradRule.NOTHING));
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

    /** A shape read from a shape vector; a negative number there is not a size. */
    static Shape shapeOf(InferenceContext ctx, ShapeVector v) {
        List<Dim> dims = new ArrayList<>();
        for (ShapeVector.Entry e : v.entries()) {
            if (e.isNumber() && e.number() < 0) {
                throw ctx.fail("negative dimension " + e.number());
            }
            dims.add(e.asDim());
        }
        return new Shape(dims);
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
        ctx.outputVector(0, ShapeVector.of(part)); // a value when every dim is known
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

    /** Stands for a symbolic entry among a reshape target's numbers (never a valid number there). */
    private static final long SYMBOL = -2;

    private static void reshape(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        IntsArg target = IntsArg.read(ctx, "shape", 1, 5);
        ShapeVector symbolic = ctx.opset() >= 5 ? ctx.inputVector(1) : null;
        if (!target.known() && symbolic != null && !symbolic.scalar()) {
            // a target built from a symbolic shape ([batch, -1, 12, 64]): its symbols are output dims
            long[] numbers = new long[symbolic.size()];
            Dim[] dims = new Dim[symbolic.size()];
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = symbolic.get(i).isNumber() ? symbolic.get(i).number() : SYMBOL;
                dims[i] = symbolic.get(i).dim();
            }
            ctx.output(0, in.dtype(), reshapeTarget(ctx, in.shape(), numbers, dims, ctx.intAttr("allowzero", 0) == 1));
            return;
        }
        if (!target.known()) {
            ctx.output(0, in.dtype(), target.count() >= 0 ? Shape.unknownDims(target.count()) : null);
            return;
        }
        Shape out = reshapeTarget(ctx, in.shape(), target.values(), null, ctx.intAttr("allowzero", 0) == 1);
        TensorValue v = ctx.inputValue(0);
        outputMaybeValue(ctx, 0, in.dtype(), out, v != null && out.isFullyKnown() ? Values.reshape(v, out.sizes()) : null);
    }

    /**
     * Reshape's target: 0 copies the input dim (unless allowzero), -1 takes what is left. The -1 dim
     * is solved after cancelling symbolic dims the output keeps ({@code [N,12,64] → [N,-1]} is
     * {@code [N,768]}); when a symbol remains on one side only, it is unknown.
     */
    static Shape reshapeTarget(InferenceContext ctx, Shape in, long[] target, Dim[] symbols, boolean allowZero) {
        List<Dim> out = new ArrayList<>();
        int inferred = -1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (symbols != null && symbols[i] != null) {
                out.add(symbols[i]);
            } else if (t == 0 && !allowZero) {
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
        outputReshaped(ctx, in, new Shape(out));
    }

    /**
     * Squeeze/Unsqueeze's output: the same elements under {@code shape}, its value or symbolic shape
     * vector carried along (a shape entry changing between a scalar and [1]).
     */
    private static void outputReshaped(InferenceContext ctx, TensorType in, Shape shape) {
        TensorValue v = ctx.inputValue(0);
        ShapeVector sv = ctx.inputVector(0);
        if (v == null && sv != null && shape.rank() <= 1) {
            ctx.outputVector(0, new ShapeVector(shape.rank() == 0, sv.entries()));
            return;
        }
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
        outputReshaped(ctx, in, new Shape(out));
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
        } else if (ctx.inputVector(0) != null) {
            ctx.outputVector(0, ctx.inputVector(0));
        } else if (ctx.inputContents(0) != null) {
            ctx.outputContents(0, ctx.inputContents(0), TypeUnion::element);
        } else {
            ctx.output(0, t);
        }
    }

}
