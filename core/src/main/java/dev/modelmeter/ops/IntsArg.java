package dev.modelmeter.ops;

import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.InferenceContext;

/**
 * An integer-list argument (axes, split sizes, pads) that ONNX moved from an attribute to an input
 * at some opset: absent, known, or given as an input whose value nothing upstream could tell.
 *
 * @param given  the attribute or input is present
 * @param values its values, null when absent or unknown
 * @param count  how many values there are, -1 when not even that is known
 */
record IntsArg(boolean given, long[] values, int count) {

    static final IntsArg ABSENT = new IntsArg(false, null, -1);

    boolean known() {
        return values != null;
    }

    boolean unknown() {
        return given && values == null;
    }

    /** Reads the attribute before {@code inputFromOpset}, the input {@code input} from then on. */
    static IntsArg read(InferenceContext ctx, String attr, int input, int inputFromOpset) {
        if (ctx.opset() < inputFromOpset) {
            long[] a = ctx.intsAttr(attr);
            return a == null ? ABSENT : new IntsArg(true, a, a.length);
        }
        return fromInput(ctx, input);
    }

    /** Reads input {@code input}: its value when known, else how many elements it has when its shape tells. */
    static IntsArg fromInput(InferenceContext ctx, int input) {
        if (!ctx.hasInput(input)) {
            return ABSENT;
        }
        long[] v = ctx.inputLongs(input);
        if (v != null) {
            return new IntsArg(true, v, v.length);
        }
        TensorType t = ctx.inputOrNull(input);
        Shape s = t == null ? null : t.shape();
        int count = -1;
        if (s != null && s.rank() == 1 && s.dim(0).isKnown()) {
            count = (int) s.dim(0).value();
        } else if (s != null && s.rank() == 0) {
            count = 1;
        }
        return new IntsArg(true, null, count);
    }
}
