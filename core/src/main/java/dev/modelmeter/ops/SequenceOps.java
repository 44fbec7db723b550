package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.graph.ValueType.OptionalType;
import dev.modelmeter.graph.ValueType.SequenceType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * Sequence and optional operators. A sequence's type is one element type covering all its elements
 * ({@link TypeUnion}); the number of elements is not tracked, so ConcatFromSequence's joined axis is
 * unknown. SequenceEmpty yields a sequence whose element type is null (nothing inserted yet).
 * Registered by {@link TensorOps}.
 */
final class SequenceOps {

    private SequenceOps() {
    }

    static void register(OpRegistry r) {
        r.add(
                OpDef.op("SequenceConstruct").shape(SequenceOps::construct),
                OpDef.op("SequenceEmpty").shape(ctx -> ctx.output(0, new SequenceType(null))),
                OpDef.op("SequenceAt").shape(SequenceOps::at).constants(1),
                OpDef.op("SequenceInsert").shape(SequenceOps::insert).constants(2),
                OpDef.op("SequenceErase").shape(ctx -> ctx.output(0, sequence(ctx, 0))).constants(1),
                OpDef.op("SequenceLength").shape(ctx -> ctx.output(0, DType.INT64, Shape.SCALAR)),
                OpDef.op("SplitToSequence").shape(SequenceOps::splitToSequence).constants(1),
                OpDef.op("ConcatFromSequence").shape(SequenceOps::concatFromSequence),
                OpDef.op("SequenceMap").shape(SequenceOps::sequenceMap),
                OpDef.op("Optional").shape(SequenceOps::optional),
                OpDef.op("OptionalHasElement").shape(ctx -> ctx.output(0, DType.BOOL, Shape.SCALAR)),
                OpDef.op("OptionalGetElement").shape(SequenceOps::optionalGetElement));
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

    private static void construct(InferenceContext ctx) {
        ValueType element = null;
        for (int i = 0; i < ctx.inputCount(); i++) {
            element = i == 0 ? ctx.input(0) : TypeUnion.element(element, ctx.input(i));
        }
        ctx.output(0, new SequenceType(element));
    }

    private static void at(InferenceContext ctx) {
        ValueType element = sequence(ctx, 0).element();
        if (element == null) {
            throw ctx.fail("reads from an empty sequence");
        }
        ctx.output(0, element);
    }

    private static void insert(InferenceContext ctx) {
        SequenceType seq = sequence(ctx, 0);
        ctx.output(0, new SequenceType(TypeUnion.element(seq.element(), ctx.input(1))));
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

    private static List<Dim> without(List<Dim> dims, int axis) {
        List<Dim> out = new ArrayList<>(dims);
        out.remove(axis);
        return out;
    }

    /** ConcatFromSequence: joins along {@code axis}, or stacks on a new axis; how many elements is unknown. */
    private static void concatFromSequence(InferenceContext ctx) {
        ValueType e = sequence(ctx, 0).element();
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
