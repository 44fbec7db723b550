package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.graph.ValueType.OptionalType;
import dev.modelmeter.graph.ValueType.SequenceType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * Sequence and optional operators. A sequence's type is one element type covering all its elements
 * ({@link TypeUnion}); SequenceEmpty yields a sequence whose element type is null (nothing inserted
 * yet). Where a sequence is built in the graph from known parts (SequenceConstruct, SequenceInsert
 * and SequenceErase at known positions, SplitToSequence of a known axis) its contents, the element
 * types in order, are tracked too: then SequenceAt, SequenceLength and ConcatFromSequence are exact.
 * Registered by {@link TensorOps}.
 */
final class SequenceOps {

    private SequenceOps() {
    }

    static void register(OpRegistry r) {
        r.add(
                OpDef.op("SequenceConstruct").noCost("sequence bookkeeping: no arithmetic").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::construct),
                OpDef.op("SequenceEmpty").noCost("sequence bookkeeping: no arithmetic").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(ctx -> contents(ctx, 0, List.of())),
                OpDef.op("SequenceAt").noCost("sequence bookkeeping: no arithmetic").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::at).constants(1),
                OpDef.op("SequenceInsert").noCost("sequence bookkeeping: no arithmetic").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::insert).constants(2),
                OpDef.op("SequenceErase").noCost("sequence bookkeeping: no arithmetic").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::erase).constants(1),
                OpDef.op("SequenceLength").noCost("sequence bookkeeping: no arithmetic").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::length),
                OpDef.op("SplitToSequence").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::splitToSequence).constants(1),
                OpDef.op("ConcatFromSequence").noCost("copies data: no arithmetic (FLOPs count arithmetic only)").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::concatFromSequence),
                OpDef.op("SequenceMap").costUnknown("its body is not costed").savesNotModelled("runs a body per element; the body's saves are not simulated").shape(SequenceOps::sequenceMap),
                OpDef.op("Optional").noCost("wraps a value: moves no data").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::optional),
                OpDef.op("OptionalHasElement").noCost("tests for a value: moves no data").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(ctx -> ctx.output(0, DType.BOOL, Shape.SCALAR)),
                OpDef.op("OptionalGetElement").noCost("unwraps a value: moves no data").savesNotModelled("sequence and optional values: Python lists to PyTorch, whose element ops are not modelled here").shape(SequenceOps::optionalGetElement));
    }

    /** Input {@code i} as a sequence; fails when it is a tensor or optional. */
    private static SequenceType sequence(InferenceContext ctx, int i) {
        ValueType t = ctx.inputType(i);
        if (t instanceof SequenceType s) {
            return s;
        }
        if (t == null) {
            ctx.input(i); // throws the documented unknown/missing-input error
        }
        throw ctx.fail("input " + i + " is not a sequence");
    }

    /** Output {@code i} is a sequence of exactly these elements. */
    private static void contents(InferenceContext ctx, int i, List<ValueType> elements) {
        ctx.outputContents(i, elements, TypeUnion::element);
    }

    /**
     * A position input (SequenceAt/Insert/Erase) as an index into [0, size) — [0, size] when
     * {@code inserting} — or -1 when its value is unknown; {@code absent} when the input is omitted.
     */
    private static int position(InferenceContext ctx, int input, int size, boolean inserting, int absent) {
        if (!ctx.hasInput(input)) {
            return absent;
        }
        long[] p = ctx.inputLongs(input);
        if (p == null || p.length != 1) {
            return -1;
        }
        long pos = p[0] < 0 ? p[0] + size : p[0];
        if (pos < 0 || pos > (inserting ? size : size - 1)) {
            throw ctx.fail("position " + p[0] + " is out of range for a sequence of " + size);
        }
        return (int) pos;
    }

    private static void construct(InferenceContext ctx) {
        List<ValueType> elements = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            elements.add(ctx.input(i));
        }
        contents(ctx, 0, elements);
    }

    private static void at(InferenceContext ctx) {
        ValueType element = sequence(ctx, 0).element();
        List<ValueType> known = ctx.inputContents(0);
        if (known != null) {
            int pos = position(ctx, 1, known.size(), false, -1);
            if (pos >= 0) {
                ctx.output(0, known.get(pos));
                return;
            }
        }
        if (element == null) {
            throw ctx.fail("reads from an empty sequence");
        }
        ctx.output(0, element);
    }

    private static void insert(InferenceContext ctx) {
        SequenceType seq = sequence(ctx, 0);
        TensorType tensor = ctx.input(1);
        List<ValueType> known = ctx.inputContents(0);
        if (known != null) {
            int pos = position(ctx, 2, known.size(), true, known.size());
            if (pos >= 0) {
                List<ValueType> elements = new ArrayList<>(known);
                elements.add(pos, tensor);
                contents(ctx, 0, elements);
                return;
            }
        }
        ctx.output(0, new SequenceType(TypeUnion.element(seq.element(), tensor)));
    }

    private static void erase(InferenceContext ctx) {
        SequenceType seq = sequence(ctx, 0);
        List<ValueType> known = ctx.inputContents(0);
        if (known != null && !known.isEmpty()) {
            int pos = position(ctx, 1, known.size(), false, known.size() - 1);
            if (pos >= 0) {
                List<ValueType> elements = new ArrayList<>(known);
                elements.remove(pos);
                contents(ctx, 0, elements);
                return;
            }
        }
        ctx.output(0, seq);
    }

    private static void length(InferenceContext ctx) {
        sequence(ctx, 0);
        List<ValueType> known = ctx.inputContents(0);
        if (known != null) {
            ctx.outputValue(0, TensorValue.scalar(known.size()));
        } else {
            ctx.output(0, DType.INT64, Shape.SCALAR);
        }
    }

    /**
     * SplitToSequence: no split → one slice per index along the axis (kept as size 1 unless
     * keepdims=0); a scalar split → chunks of that size, the last one smaller; a 1-D split → those sizes.
     */
    private static void splitToSequence(InferenceContext ctx) {
        TensorType in = ctx.input(0);
        Shape s = in.shape();
        if (s == null) {
            ctx.output(0, new SequenceType(new TensorType(in.dtype(), null)));
            return;
        }
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", 0), s.rank());
        Dim dim = s.dim(axis);
        List<ValueType> parts = splitParts(ctx, in, axis);
        if (parts != null) {
            contents(ctx, 0, parts);
            return;
        }
        Shape element;
        if (!ctx.hasInput(1)) {
            element = ctx.intAttr("keepdims", 1) == 0
                    ? new Shape(without(s.dims(), axis)) : s.withDim(axis, Dim.of(1));
        } else {
            TensorType splitType = ctx.input(1);
            long[] split = ctx.inputLongs(1);
            Dim size = Dim.unknown();
            if (split != null && splitType.shape() != null && splitType.shape().rank() == 0) {
                long chunk = split[0];
                if (dim.isKnown() && (dim.value() % chunk == 0 || dim.value() <= chunk)) {
                    size = Dim.of(Math.min(chunk, dim.value()));
                }
            } else if (split != null && split.length > 0) {
                long sum = 0;
                boolean equal = true;
                for (long v : split) {
                    sum += v;
                    equal &= v == split[0];
                }
                if (dim.isKnown() && sum != dim.value()) {
                    throw ctx.fail("split sizes sum to " + sum + " but the axis has " + dim);
                }
                size = equal ? Dim.of(split[0]) : Dim.unknown();
            }
            element = s.withDim(axis, size);
        }
        ctx.output(0, new SequenceType(new TensorType(in.dtype(), element)));
    }

    /** The pieces SplitToSequence makes when the axis size and the split are known, else null. */
    private static List<ValueType> splitParts(InferenceContext ctx, TensorType in, int axis) {
        Shape s = in.shape();
        Dim dim = s.dim(axis);
        if (!dim.isKnown()) {
            return null;
        }
        long d = dim.value();
        List<Long> sizes = new ArrayList<>();
        if (!ctx.hasInput(1)) {
            List<ValueType> parts = new ArrayList<>();
            Shape piece = ctx.intAttr("keepdims", 1) == 0 ? new Shape(without(s.dims(), axis)) : s.withDim(axis, Dim.of(1));
            for (long k = 0; k < d; k++) {
                parts.add(new TensorType(in.dtype(), piece));
            }
            return parts;
        }
        long[] split = ctx.inputLongs(1);
        TensorType splitType = ctx.inputOrNull(1);
        if (split == null || splitType == null || splitType.shape() == null) {
            return null;
        }
        if (splitType.shape().rank() == 0) {
            if (split[0] <= 0) {
                throw ctx.fail("split size " + split[0] + " is not positive");
            }
            for (long at = 0; at < d; at += split[0]) {
                sizes.add(Math.min(split[0], d - at));
            }
        } else {
            long sum = 0;
            for (long v : split) {
                sizes.add(v);
                sum += v;
            }
            if (sum != d) {
                throw ctx.fail("split sizes sum to " + sum + " but the axis has " + d);
            }
        }
        List<ValueType> parts = new ArrayList<>();
        for (long size : sizes) {
            parts.add(new TensorType(in.dtype(), s.withDim(axis, Dim.of(size))));
        }
        return parts;
    }

    private static List<Dim> without(List<Dim> dims, int axis) {
        List<Dim> out = new ArrayList<>(dims);
        out.remove(axis);
        return out;
    }

    /** ConcatFromSequence: joins along {@code axis}, or stacks on a new axis; how many elements is unknown. */
    private static void concatFromSequence(InferenceContext ctx) {
        ValueType e = sequence(ctx, 0).element();
        List<ValueType> known = ctx.inputContents(0);
        if (known != null && !known.isEmpty() && known.stream().allMatch(
                k -> k instanceof TensorType t && t.shape() != null)) {
            concatKnown(ctx, known);
            return;
        }
        if (!(e instanceof TensorType t)) {
            ctx.output(0, e == null ? null : new TensorType(DType.UNDEFINED, null));
            return;
        }
        Shape s = t.shape();
        if (s == null) {
            ctx.output(0, t.dtype(), null);
            return;
        }
        boolean newAxis = ctx.intAttr("new_axis", 0) == 1;
        long axisAttr = ctx.intAttr("axis", 0);
        Shape out;
        if (newAxis) {
            List<Dim> dims = new ArrayList<>(s.dims());
            dims.add(Shapes.axis(ctx, axisAttr, s.rank() + 1), Dim.unknown());
            out = new Shape(dims);
        } else {
            out = s.withDim(Shapes.axis(ctx, axisAttr, s.rank()), Dim.unknown());
        }
        ctx.output(0, t.dtype(), out);
    }

    /** ConcatFromSequence over known elements: Concat's rule, or stacking them on a new axis. */
    private static void concatKnown(InferenceContext ctx, List<ValueType> elements) {
        TensorType first = (TensorType) elements.get(0);
        int rank = first.shape().rank();
        boolean newAxis = ctx.intAttr("new_axis", 0) == 1;
        int axis = Shapes.axis(ctx, ctx.intAttr("axis", 0), newAxis ? rank + 1 : rank);
        List<Dim> dims = new ArrayList<>(first.shape().dims());
        long total = 0;
        boolean totalKnown = true;
        for (ValueType v : elements) {
            Shape s = ((TensorType) v).shape();
            if (s.rank() != rank) {
                throw ctx.fail("elements have ranks " + rank + " and " + s.rank());
            }
            for (int d = 0; d < rank; d++) {
                if (!newAxis && d == axis) {
                    totalKnown &= s.dim(d).isKnown();
                    total += s.dim(d).isKnown() ? s.dim(d).value() : 0;
                } else {
                    dims.set(d, JoinOps.unify(ctx, dims.get(d), s.dim(d)));
                }
            }
        }
        if (newAxis) {
            dims.add(axis, Dim.of(elements.size()));
        } else {
            dims.set(axis, totalKnown ? Dim.of(total) : Dim.unknown());
        }
        ctx.output(0, first.dtype(), new Shape(dims));
    }

    /** SequenceMap: the body runs on element types (sequence inputs) and tensors; each output is a sequence. */
    private static void sequenceMap(InferenceContext ctx) {
        Attribute body = ctx.attr("body");
        if (body == null || body.g() == null) {
            throw ctx.fail("has no body graph");
        }
        List<ValueType> bodyInputs = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            ValueType t = ctx.inputType(i);
            bodyInputs.add(t instanceof SequenceType s ? s.element() : t);
        }
        List<ValueType> outs = ctx.inferSubgraph(body.g(), bodyInputs);
        for (int i = 0; i < ctx.outputCount() && i < outs.size(); i++) {
            ctx.output(i, outs.get(i) == null ? null : new SequenceType(outs.get(i)));
        }
    }

    /** Optional: wraps its input; without one, an empty optional whose type the attribute tells (not read). */
    private static void optional(InferenceContext ctx) {
        ValueType t = ctx.inputType(0);
        if (t == null && ctx.hasInput(0)) {
            ctx.input(0); // throws the documented unknown-input error
        }
        ctx.output(0, new OptionalType(t));
    }

    /** OptionalGetElement: the optional's element; from opset 18 a tensor or sequence passes through. */
    private static void optionalGetElement(InferenceContext ctx) {
        ValueType t = ctx.inputType(0);
        if (t == null) {
            ctx.input(0);
        }
        ctx.output(0, t instanceof OptionalType o ? o.element() : t);
    }
}
