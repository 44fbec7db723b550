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
import dev.modelmeter.shapes.BodyRuns;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.ShapeException;
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

    /** Loops are followed iteration by iteration up to this many iterations and this many body nodes in all. */
    private static final long MAX_UNROLL = 256;
    private static final long MAX_UNROLL_NODES = 20_000;

    @Override
    public void register(OpRegistry r) {
        r.add(
                OpDef.op("If").cost(ControlFlowOps::bodiesCost).savesNotModelled("control flow: bodies are not simulated").runsSubgraphs().shape(ControlFlowOps::ifRule),
                OpDef.op("Loop").cost(ControlFlowOps::bodiesCost).savesNotModelled("control flow: bodies are not simulated").runsSubgraphs().shape(ControlFlowOps::loop).constants(0, 1),
                OpDef.op("Scan").cost(ControlFlowOps::bodiesCost).savesNotModelled("control flow: bodies are not simulated").runsSubgraphs().shape(ControlFlowOps::scan));
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
        if (cond != null && cond.size() == 1) {
            // the branch taken is known: its outputs, values included (shape arithmetic in expanded functions)
            boolean then = cond.get(0) != 0;
            String label = then ? "then_branch" : "else_branch";
            InferenceContext.SubgraphResult taken = ctx.inferSubgraphWithValues(then ? thenBranch : elseBranch, List.of());
            ctx.bodies(new BodyRuns(List.of(new BodyRuns.Run(label, taken.shaped(), 1, null)), false,
                    "condition known from shapes: " + label + " runs"));
            outputTaken(ctx, taken);
            return;
        }
        // the condition is not known: a branch whose shapes are impossible with these inputs is not the one
        // that runs (a rank test choosing between code paths for different ranks)
        InferenceContext.SubgraphResult a = null;
        InferenceContext.SubgraphResult b = null;
        ShapeException thenFails = null;
        ShapeException elseFails = null;
        try {
            a = ctx.inferSubgraphWithValues(thenBranch, List.of());
        } catch (ShapeException e) {
            thenFails = e;
        }
        try {
            b = ctx.inferSubgraphWithValues(elseBranch, List.of());
        } catch (ShapeException e) {
            elseFails = e;
        }
        if (a == null && b == null) {
            throw thenFails;
        }
        if (a == null || b == null) {
            String failed = a == null ? "then_branch" : "else_branch";
            String runs = a == null ? "else_branch" : "then_branch";
            String why = (a == null ? thenFails : elseFails).getMessage();
            ctx.warn("If '" + ctx.node().name() + "': condition not known from shapes; " + failed
                    + " cannot run with these shapes (" + why + "), so " + runs + " is taken");
            InferenceContext.SubgraphResult taken = a == null ? b : a;
            ctx.bodies(new BodyRuns(List.of(new BodyRuns.Run(runs, taken.shaped(), 1, null)), false,
                    failed + " cannot run with these shapes: " + runs + " runs"));
            outputTaken(ctx, taken);
            return;
        }
        if (a.types().size() != b.types().size()) {
            throw ctx.fail("branches have " + a.types().size() + " and " + b.types().size() + " outputs");
        }
        ctx.bodies(new BodyRuns(List.of(new BodyRuns.Run("then_branch", a.shaped(), 1, null),
                new BodyRuns.Run("else_branch", b.shaped(), 1, null)), true,
                "condition not known from shapes or constant values"));
        List<ValueType> outs = new ArrayList<>();
        for (int i = 0; i < a.types().size(); i++) {
            outs.add(TypeUnion.union(a.types().get(i), b.types().get(i)));
        }
        for (int i = 0; i < ctx.outputCount() && i < outs.size(); i++) {
            ctx.output(i, outs.get(i));
        }
    }

    private static void outputTaken(InferenceContext ctx, InferenceContext.SubgraphResult taken) {
        for (int i = 0; i < ctx.outputCount() && i < taken.types().size(); i++) {
            TensorValue v = taken.values().get(i);
            if (v != null && taken.types().get(i) instanceof TensorType) {
                ctx.outputValue(i, v);
            } else {
                ctx.output(i, taken.types().get(i));
            }
        }
    }

    // ---- cost: the bodies that run ----

    /**
     * The cost of the bodies that run: each run's cost × its count, summed; for an If whose branch is not
     * known, the larger branch, marked approximate. A run whose count or cost is unknown makes the whole
     * unknown ({@link UnknownCostException}, with the reason).
     */
    static Cost bodiesCost(CostContext ctx) {
        BodyCosts b = ctx.bodies();
        String name = ctx.node().opType() + " '" + ctx.node().name() + "'";
        if (b == null || b.runs().isEmpty()) {
            throw new UnknownCostException(name + ": its bodies were not inferred");
        }
        if (b.alternatives()) {
            BodyCosts.Run larger = null;
            StringBuilder each = new StringBuilder();
            for (BodyCosts.Run r : b.runs()) {
                if (r.unknown() != null) {
                    throw new UnknownCostException(name + ": " + r.label() + " has an unknown cost (" + r.unknown() + ")");
                }
                each.append(each.length() == 0 ? "" : ", ").append(r.label()).append(' ').append(CostText.num(r.macs()))
                        .append(" MACs");
                if (larger == null || r.macs() > larger.macs()
                        || (r.macs() == larger.macs() && r.otherFlops() > larger.otherFlops())) {
                    larger = r;
                }
            }
            return new Cost(larger.macs(), larger.otherFlops(), "branch not known (" + b.note() + "): the larger "
                    + "counted, " + larger.label() + " (" + each + ")", true);
        }
        long macs = 0;
        long other = 0;
        boolean approximate = false;
        StringBuilder formula = new StringBuilder();
        for (BodyCosts.Run r : b.runs()) {
            if (r.unknown() != null) {
                throw new UnknownCostException(name + ": " + r.label() + " has an unknown cost (" + r.unknown() + ")");
            }
            if (r.times() < 0) {
                throw new UnknownCostException(name + ": " + r.timesUnknown() + "; one run of its " + r.label()
                        + " costs " + CostText.num(r.macs()) + " MACs");
            }
            macs = Math.addExact(macs, Math.multiplyExact(r.macs(), r.times()));
            other = Math.addExact(other, Math.multiplyExact(r.otherFlops(), r.times()));
            approximate |= r.approximate();
            if (b.runs().size() <= 4) {
                formula.append(formula.length() == 0 ? "" : " + ").append(r.label()).append(' ')
                        .append(CostText.num(r.macs())).append(r.times() == 1 ? "" : " × " + r.times());
            }
        }
        if (b.runs().size() > 4) {
            formula.append(b.runs().size()).append(" iterations followed one by one");
        }
        return new Cost(macs, other, "macs = " + formula + " = " + CostText.num(macs)
                + (b.note() == null ? "" : " (" + b.note() + ")"), approximate);
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
        if (unrolled(ctx, body, carried, state)) {
            return;
        }
        List<ValueType> outs = null;
        InferenceContext.SubgraphResult lastPass = null;
        List<ValueType> finals = new ArrayList<>(state);
        for (int pass = 0; pass < MAX_BODY_PASSES; pass++) {
            List<ValueType> bodyIn = new ArrayList<>();
            bodyIn.add(new TensorType(DType.INT64, Shape.SCALAR));
            bodyIn.add(new TensorType(DType.BOOL, Shape.SCALAR));
            bodyIn.addAll(state);
            lastPass = ctx.inferSubgraphWithValues(body, bodyIn);
            outs = lastPass.types();
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
        long[] m = ctx.inputLongs(0);
        String whyUnknown = trips.isKnown() ? null : m == null || m.length != 1
                ? "trip count unknown: M is not known from shapes or constant values"
                : "trip count unknown: the body's condition may stop it before M = " + m[0];
        ctx.bodies(new BodyRuns(List.of(new BodyRuns.Run("body", lastPass.shaped(),
                trips.isKnown() ? trips.value() : -1, whyUnknown)), false, null));
        for (int i = 0; i < ctx.outputCount(); i++) {
            if (i < carried) {
                ctx.output(i, finals.get(i));
            } else if (1 + i < outs.size()) {
                ctx.output(i, stacked(outs.get(1 + i), 0, trips));
            }
        }
    }

    /**
     * A loop with a small known trip count is followed iteration by iteration, with the iteration number
     * and the carried values known in each: bodies that slice by the iteration number (x[i:i+1]) get
     * exact shapes, and a condition output known in each iteration tells the trip count. Gives up
     * (false) when a condition becomes unknown or the work would be too large.
     */
    private static boolean unrolled(InferenceContext ctx, Graph body, int carried, List<ValueType> initial) {
        long[] m = ctx.inputLongs(0);
        long[] cond = ctx.hasInput(1) ? ctx.inputLongs(1) : new long[] {1};
        if (m == null || m.length != 1 || m[0] <= 0 || m[0] > MAX_UNROLL
                || m[0] * Math.max(1, body.nodes().size()) > MAX_UNROLL_NODES || cond == null || cond.length != 1
                || hasLoop(body)) {
            return false; // a loop inside would be followed once per outer iteration: its work multiplies
        }
        List<ValueType> types = new ArrayList<>(initial);
        List<TensorValue> values = new ArrayList<>();
        for (int i = 0; i < carried; i++) {
            values.add(ctx.inputValue(2 + i));
        }
        List<List<ValueType>> scans = new ArrayList<>();
        List<BodyRuns.Run> runs = new ArrayList<>();
        boolean going = cond[0] != 0;
        long trips = 0;
        while (going && trips < m[0]) {
            List<ValueType> inTypes = new ArrayList<>(List.of(new TensorType(DType.INT64, Shape.SCALAR),
                    new TensorType(DType.BOOL, Shape.SCALAR)));
            inTypes.addAll(types);
            List<TensorValue> inValues = new ArrayList<>(List.of(TensorValue.scalar(trips),
                    new TensorValue(DType.BOOL, new long[0], new double[] {1})));
            inValues.addAll(values);
            InferenceContext.SubgraphResult r = ctx.inferSubgraphWithValues(body, inTypes, inValues);
            if (r.types().size() < 1 + carried || r.values().get(0) == null || r.values().get(0).size() != 1) {
                return false;
            }
            going = r.values().get(0).get(0) != 0;
            runs.add(new BodyRuns.Run("body (iteration " + trips + ")", r.shaped(), 1, null));
            types = new ArrayList<>(r.types().subList(1, 1 + carried));
            values = new ArrayList<>(r.values().subList(1, 1 + carried));
            scans.add(r.types().subList(1 + carried, r.types().size()));
            trips++;
        }
        if (trips == 0) {
            return false; // no iteration ran: the scan outputs' element types are not known
        }
        ctx.bodies(new BodyRuns(runs, false, trips + " iteration(s) followed one by one"));
        for (int i = 0; i < ctx.outputCount(); i++) {
            if (i < carried) {
                if (values.get(i) != null && types.get(i) instanceof TensorType) {
                    ctx.outputValue(i, values.get(i));
                } else {
                    ctx.output(i, types.get(i));
                }
            } else if (i - carried < scans.get(0).size()) {
                ValueType each = scans.get(0).get(i - carried);
                for (List<ValueType> s : scans) {
                    each = TypeUnion.union(each, s.get(i - carried));
                }
                ctx.output(i, stacked(each, 0, Dim.of(trips)));
            }
        }
        return true;
    }

    /** True when a graph holds a Loop or Scan, directly or in a nested body. */
    private static boolean hasLoop(Graph g) {
        for (Node n : g.nodes()) {
            if (n.opType().equals("Loop") || n.opType().equals("Scan")) {
                return true;
            }
            for (Attribute a : n.attributes().values()) {
                if ((a.g() != null && hasLoop(a.g())) || a.graphs().stream().anyMatch(ControlFlowOps::hasLoop)) {
                    return true;
                }
            }
        }
        return false;
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
        InferenceContext.SubgraphResult inferred = ctx.inferSubgraphWithValues(body, bodyIn);
        List<ValueType> outs = inferred.types();
        // the body runs once per sequence step (and, in Scan 8, per batch entry)
        Dim times = !batched ? length : length.isKnown() && batch.isKnown() ? Dim.of(length.value() * batch.value())
                : Dim.unknown();
        ctx.bodies(new BodyRuns(List.of(new BodyRuns.Run("body", inferred.shaped(),
                times.isKnown() ? times.value() : -1,
                times.isKnown() ? null : "sequence length unknown: the scanned axis is not known")), false, null));
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
