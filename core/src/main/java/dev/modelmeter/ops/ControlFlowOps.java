package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * If, Loop and Scan: their bodies are inferred as sub-graphs (they see the enclosing graph's values).
 * An If with a known condition takes that branch; otherwise its outputs cover both branches
 * ({@link TypeUnion}). A loop-carried value covers its initial and per-iteration types. Scan and
 * Loop outputs stack per-iteration values on a new leading axis of the trip count, known for Scan
 * from its inputs and for Loop only when M is known and the body cannot stop early.
 */
public final class ControlFlowOps implements OpFamily {

    /** Loop-carried types are re-inferred until they stop changing, at most this often. */
    private static final int MAX_BODY_PASSES = 3;

    @Override
    public void register(OpRegistry r) {
        r.add(
                OpDef.op("If").shape(ControlFlowOps::ifRule),
                OpDef.op("Loop").shape(ControlFlowOps::loop).constants(0, 1),
                OpDef.op("Scan").shape(ControlFlowOps::scan));
    }

    private static Graph body(InferenceContext ctx, String name) {
        Attribute a = ctx.attr(name);
        if (a == null || a.g() == null) {
            throw ctx.fail("has no '" + name + "' graph");
        }
        return a.g();
    }

    // ---- If ----

    private static void ifRule(InferenceContext ctx) {
        Graph thenBranch = body(ctx, "then_branch");
        Graph elseBranch = body(ctx, "else_branch");
        TensorValue cond = ctx.inputValue(0);
        List<ValueType> outs;
        if (cond != null && cond.size() == 1) {
            // the branch taken is known: its outputs, values included (shape arithmetic in expanded functions)
            InferenceContext.SubgraphResult taken = ctx.inferSubgraphWithValues(
                    cond.get(0) != 0 ? thenBranch : elseBranch, List.of());
            for (int i = 0; i < ctx.outputCount() && i < taken.types().size(); i++) {
                TensorValue v = taken.values().get(i);
                if (v != null && taken.types().get(i) instanceof TensorType) {
                    ctx.outputValue(i, v);
                } else {
                    ctx.output(i, taken.types().get(i));
                }
            }
            return;
        } else {
            List<ValueType> a = ctx.inferSubgraph(thenBranch, List.of());
            List<ValueType> b = ctx.inferSubgraph(elseBranch, List.of());
            if (a.size() != b.size()) {
                throw ctx.fail("branches have " + a.size() + " and " + b.size() + " outputs");
            }
            outs = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                outs.add(TypeUnion.union(a.get(i), b.get(i)));
            }
        }
        for (int i = 0; i < ctx.outputCount() && i < outs.size(); i++) {
            ctx.output(i, outs.get(i));
        }
    }

    // ---- Loop ----

    /**
     * Loop(M, cond, v_initial…): the body takes (iteration, cond, carried…) and returns (cond,
     * carried…, scan outputs…). Outputs: final carried values, then scan outputs stacked on a new axis 0.
     */
    private static void loop(InferenceContext ctx) {
        Graph body = body(ctx, "body");
        int carried = Math.max(0, ctx.inputCount() - 2);
        List<ValueType> state = new ArrayList<>();
        for (int i = 0; i < carried; i++) {
            ValueType t = ctx.inputType(2 + i);
            if (t == null) {
                ctx.input(2 + i); // unknown initial value: the documented unknown-input error
            }
            state.add(t);
        }
        List<ValueType> outs = null;
        List<ValueType> finals = new ArrayList<>(state);
        for (int pass = 0; pass < MAX_BODY_PASSES; pass++) {
            List<ValueType> bodyIn = new ArrayList<>();
            bodyIn.add(new TensorType(DType.INT64, Shape.SCALAR));
            bodyIn.add(new TensorType(DType.BOOL, Shape.SCALAR));
            bodyIn.addAll(state);
            outs = ctx.inferSubgraph(body, bodyIn);
            if (outs.size() < 1 + carried) {
                throw ctx.fail("body returns " + outs.size() + " values for " + carried + " carried ones");
            }
            List<ValueType> next = new ArrayList<>();
            for (int i = 0; i < carried; i++) {
                ValueType out = outs.get(1 + i);
                ValueType union = TypeUnion.union(state.get(i), out);
                // an optional initial value the body turns into its element (opset 16's seq_none):
                // the final value has the body's type, the body keeps seeing the initial one
                boolean kindChanges = union == null && out != null && state.get(i) != null;
                finals.set(i, kindChanges ? out : union);
                next.add(kindChanges ? state.get(i) : union);
            }
            if (next.equals(state)) {
                break;
            }
            state = next;
        }
        Dim trips = tripCount(ctx, body);
        for (int i = 0; i < ctx.outputCount(); i++) {
            if (i < carried) {
                ctx.output(i, finals.get(i));
            } else if (1 + i < outs.size()) {
                ctx.output(i, stacked(outs.get(1 + i), 0, trips));
            }
        }
    }

    /** M when it is known and the body's condition output merely passes its condition input on. */
    private static Dim tripCount(InferenceContext ctx, Graph body) {
        long[] m = ctx.inputLongs(0);
        if (m == null || body.inputs().size() < 2 || body.outputs().isEmpty()) {
            return Dim.unknown();
        }
        String condIn = body.inputs().get(1).name();
        String condOut = body.outputs().get(0).name();
        boolean passThrough = condOut.equals(condIn);
        for (Node n : body.nodes()) {
            if (n.opType().equals("Identity") && n.outputs().contains(condOut) && n.input(0).equals(condIn)) {
                passThrough = true;
            }
        }
        long[] cond = ctx.inputLongs(1);
        boolean startsTrue = !ctx.hasInput(1) || (cond != null && cond.length == 1 && cond[0] != 0);
        if (!passThrough || !startsTrue) {
            return Dim.unknown();
        }
        return Dim.of(Math.max(0, m[0]));
    }

    /** A tensor type with {@code count} inserted at {@code axis}; unknown stays unknown. */
    private static ValueType stacked(ValueType t, int axis, Dim count) {
        if (!(t instanceof TensorType tt)) {
            return null;
        }
        if (tt.shape() == null) {
            return new TensorType(tt.dtype(), null);
        }
        List<Dim> dims = new ArrayList<>(tt.shape().dims());
        dims.add(axis, count);
        return new TensorType(tt.dtype(), new Shape(dims));
    }

    // ---- Scan ----

    /**
     * Scan 9+: inputs are N states then M scan inputs, each iterated along its scan_input_axes entry;
     * outputs are N final states then K scan outputs stacked at scan_output_axes. Scan 8 has a
     * leading sequence_lens input and a batch axis 0 on every input and output.
     */
    private static void scan(InferenceContext ctx) {
        Graph body = body(ctx, "body");
        int m = (int) ctx.intAttr("num_scan_inputs", 0);
        boolean batched = ctx.opset() < 9;
        int first = batched ? 1 : 0;
        int n = ctx.inputCount() - first - m;
        if (m <= 0 || n < 0) {
            throw ctx.fail("num_scan_inputs " + m + " does not fit " + ctx.inputCount() + " inputs");
        }
        long[] inAxes = ctx.intsAttr("scan_input_axes");
        List<ValueType> bodyIn = new ArrayList<>();
        Dim batch = Dim.unknown();
        for (int i = 0; i < n; i++) {
            TensorType t = ctx.input(first + i);
            if (batched && t.shape() != null) {
                batch = t.shape().rank() > 0 ? t.shape().dim(0) : batch;
                bodyIn.add(new TensorType(t.dtype(), drop(t.shape(), 0)));
            } else {
                bodyIn.add(t);
            }
        }
        Dim length = Dim.unknown();
        for (int j = 0; j < m; j++) {
            TensorType t = ctx.input(first + n + j);
            Shape s = t.shape();
            if (s == null) {
                bodyIn.add(new TensorType(t.dtype(), null));
                continue;
            }
            int axis = batched ? 1 : Shapes.axis(ctx, inAxes == null ? 0 : inAxes[j], s.rank());
            if (!length.isKnown()) {
                length = s.dim(axis);
            }
            Shape element = drop(s, axis);
            if (batched) {
                element = drop(element, 0);
            }
            bodyIn.add(new TensorType(t.dtype(), element));
        }
        List<ValueType> outs = ctx.inferSubgraph(body, bodyIn);
        long[] outAxes = ctx.intsAttr("scan_output_axes");
        for (int i = 0; i < ctx.outputCount() && i < outs.size(); i++) {
            ValueType o = outs.get(i);
            ValueType result;
            if (i < n) {
                result = batched ? stacked(o, 0, batch) : o;
            } else if (batched) {
                result = stacked(stacked(o, 0, length), 0, batch);
            } else {
                int k = i - n;
                long axis = outAxes == null ? 0 : outAxes[k];
                int rank = o instanceof TensorType tt && tt.shape() != null ? tt.shape().rank() + 1 : -1;
                result = rank < 0 ? o : stacked(o, Shapes.axis(ctx, axis, rank), length);
            }
            ctx.output(i, result);
        }
    }

    private static Shape drop(Shape s, int axis) {
        if (s == null) {
            return null;
        }
        List<Dim> dims = new ArrayList<>(s.dims());
        dims.remove(axis);
        return new Shape(dims);
    }
}
