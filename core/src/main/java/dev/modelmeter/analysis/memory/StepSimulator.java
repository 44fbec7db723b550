package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.memory.MemoryPlan.Breakdown;
import dev.modelmeter.analysis.memory.MemoryPlan.Phase;
import dev.modelmeter.analysis.memory.MemoryPlan.StepPeak;
import dev.modelmeter.analysis.memory.MemoryPlan.TimePoint;
import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.ops.AutogradContext;
import dev.modelmeter.ops.Saved;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Simulates PyTorch's eager training loop over a {@link PlanGraph}, storage by storage:
 * {@code zero_grad(set_to_none=True)}, forward in order (allocate outputs unless they share an input's
 * storage, keep what a later op or a backward needs), the loss, backward in reverse (allocate input
 * gradients and parameter gradients, free each node's saved tensors once its backward ran), and the
 * optimizer step. Two steps are run: the first creates gradients and optimizer state, the second is
 * the steady state. Every storage is counted once however many values share it.
 */
final class StepSimulator {

    enum Cat { WEIGHTS, BUFFERS, INPUTS, GRADS, STATE, ACT }

    /** One storage: a tensor's bytes, shared by every view of it. */
    static final class Store {
        final long bytes;
        final DType dtype;
        final boolean permanent;
        Cat cat;
        int refs;
        int savers;
        boolean live = true;

        Store(long bytes, DType dtype, Cat cat, boolean permanent) {
            this.bytes = bytes;
            this.dtype = dtype;
            this.cat = cat;
            this.permanent = permanent;
        }
    }

    private final PlanGraph g;
    private final TrainingSetup setup;
    private final long[] byCat = new long[Cat.values().length];
    private long live;
    private long savedLive;

    // peak of the current step
    private long peak;
    private Phase peakPhase;
    private String peakAt = "";
    private String peakScope = "";
    private Breakdown peakBreakdown;
    private final Map<Phase, Long> peakByPhase = new EnumMap<>(Phase.class);
    private Phase phase = Phase.ZERO_GRAD;
    private int step;
    final List<TimePoint> timeline = new ArrayList<>();

    private final Map<String, Store> storeOf = new HashMap<>();
    private final Map<String, Store> paramGrad = new LinkedHashMap<>();
    private final Map<String, List<Store>> state = new LinkedHashMap<>();
    private final Map<Node, List<Store>> savedBy = new IdentityHashMap<>();
    private final Set<Store> everSaved = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    // what one forward saves (taken from the first step)
    long savedBytes;
    final Map<String, Long> savedByModule = new TreeMap<>();
    final Map<String, Long> savedByDType = new TreeMap<>();
    final Map<String, Long> savedByNode = new LinkedHashMap<>();
    private boolean recordSaves;

    long paramBytes;
    long trainableBytes;
    long bufferBytes;
    long inputBytes;
    long targetBytes;

    /** Bytes a tensor of n bytes takes from the allocator (identity for the graph's own figure). */
    private final java.util.function.LongUnaryOperator block;

    StepSimulator(PlanGraph g, java.util.function.LongUnaryOperator block) {
        this.g = g;
        this.setup = g.setup;
        this.block = block;
    }

    // ---- accounting -------------------------------------------------------------------------------

    private Store alloc(long bytes, DType dtype, Cat cat, boolean permanent) {
        Store s = new Store(bytes == 0 ? 0 : block.applyAsLong(bytes), dtype, cat, permanent);
        live = Counts.add(live, s.bytes);
        byCat[cat.ordinal()] = Counts.add(byCat[cat.ordinal()], s.bytes);
        return s;
    }

    private void free(Store s) {
        if (s == null || !s.live) {
            return;
        }
        s.live = false;
        live -= s.bytes;
        byCat[s.cat.ordinal()] -= s.bytes;
        if (s.savers > 0 && s.cat == Cat.ACT) {
            savedLive -= s.bytes;
        }
    }

    private void hold(Store s, int n) {
        if (s != null) {
            s.refs += n;
        }
    }

    private void release(Store s) {
        if (s == null || s.permanent) {
            return;
        }
        s.refs--;
        if (s.refs <= 0) {
            free(s);
        }
    }

    private void recategorize(Store s, Cat to) {
        if (s.live) {
            byCat[s.cat.ordinal()] -= s.bytes;
            byCat[to.ordinal()] = Counts.add(byCat[to.ordinal()], s.bytes);
            if (s.savers > 0 && s.cat == Cat.ACT) {
                savedLive -= s.bytes;
            }
        }
        s.cat = to;
    }

    private void addSaver(Store s) {
        if (s.savers == 0 && s.cat == Cat.ACT && s.live) {
            savedLive = Counts.add(savedLive, s.bytes);
        }
        s.savers++;
        hold(s, 1);
    }

    private void removeSaver(Store s) {
        s.savers--;
        if (s.savers == 0 && s.cat == Cat.ACT && s.live) {
            savedLive -= s.bytes;
        }
        release(s);
    }

    private void mark(String label, String scope) {
        timeline.add(new TimePoint(label, phase, step, live));
        peakByPhase.merge(phase, live, Math::max);
        if (live > peak) {
            peak = live;
            peakPhase = phase;
            peakAt = label;
            peakScope = scope == null ? "" : scope;
            long act = byCat[Cat.ACT.ordinal()];
            peakBreakdown = new Breakdown(byCat[Cat.WEIGHTS.ordinal()], byCat[Cat.BUFFERS.ordinal()],
                    byCat[Cat.INPUTS.ordinal()], byCat[Cat.GRADS.ordinal()], byCat[Cat.STATE.ordinal()],
                    savedLive, act - savedLive);
        }
    }

    // ---- the loop ---------------------------------------------------------------------------------

    /** Runs two steps and returns [first, steady]. */
    StepPeak[] run() {
        allocateStatics();
        if (Optimizers.stateCreatedAtConstruction(setup.optimizer())) {
            for (String p : g.trainable) {
                createState(p);
            }
        }
        StepPeak first = step(1);
        StepPeak second = step(2);
        return new StepPeak[] {first, second};
    }

    private void allocateStatics() {
        for (var e : g.weights.entrySet()) {
            TensorData t = e.getValue();
            InitializerRole role = g.roles.get(e.getKey());
            long bytes = g.weightBytes(t);
            Cat cat = role == InitializerRole.BUFFER ? Cat.BUFFERS : Cat.WEIGHTS;
            if (role == InitializerRole.CONSTANT) {
                bytes = 0; // shape constants and scalars: the exporter's, not PyTorch's tensors
            }
            Store st = alloc(bytes, t.dtype(), cat, true);
            storeOf.put(e.getKey(), st);
            bytes = st.bytes;
            if (role == InitializerRole.PARAMETER) {
                paramBytes = Counts.add(paramBytes, bytes);
                if (g.trainable.contains(e.getKey())) {
                    trainableBytes = Counts.add(trainableBytes, bytes);
                }
            } else if (role == InitializerRole.BUFFER) {
                bufferBytes = Counts.add(bufferBytes, bytes);
            }
        }
        for (String in : g.inputs) {
            TensorType t = g.types.get(in);
            Store st = alloc(g.bytes(in), t == null ? DType.FLOAT : t.dtype(), Cat.INPUTS, true);
            inputBytes = Counts.add(inputBytes, st.bytes);
            storeOf.put(in, st);
        }
        if (crossEntropy()) {
            TensorType logits = g.types.get(g.outputs.get(0));
            long rows = rows(logits);
            targetBytes = alloc(DType.INT64.bytesFor(rows), DType.INT64, Cat.INPUTS, true).bytes;
        }
    }

    boolean crossEntropy() {
        TrainingSetup.Loss l = setup.loss();
        if (l == TrainingSetup.Loss.AUTO) {
            return g.outputs.size() == 1;
        }
        return l == TrainingSetup.Loss.CROSS_ENTROPY && !g.outputs.isEmpty();
    }

    private static long rows(TensorType t) {
        if (t == null || !t.isFullyKnown() || t.shape().rank() == 0) {
            return 1;
        }
        long last = t.shape().dim(t.shape().rank() - 1).value();
        return last == 0 ? 0 : t.numel().getAsLong() / last;
    }

    private StepPeak step(int stepNo) {
        step = stepNo;
        peak = -1;
        peakByPhase.clear();
        recordSaves = stepNo == 1;
        long atStart = live;

        phase = Phase.ZERO_GRAD;
        for (Store s : paramGrad.values()) {
            free(s);
        }
        paramGrad.clear();
        mark("zero_grad", "");

        phase = Phase.FORWARD;
        List<Store> stepEnd = forward();
        Store[] loss = lossForward();

        phase = Phase.BACKWARD;
        lossBackward(loss);
        backward();

        phase = Phase.OPTIMIZER_STEP;
        optimizerStep();

        for (Store s : stepEnd) {
            release(s);
        }
        for (Store s : loss) {
            free(s);
        }
        return new StepPeak(peak, peakPhase, peakAt, peakScope, peakBreakdown, peakByPhase, atStart, live);
    }

    // ---- forward ----------------------------------------------------------------------------------

    private final Map<Store, Store> autocastWeightCopies = new IdentityHashMap<>();

    /** Returns the holds to drop at the end of the step (model outputs). */
    private List<Store> forward() {
        List<Store> outputsHeld = new ArrayList<>();
        autocastWeightCopies.clear();
        Set<String> outputSet = new HashSet<>(g.outputs);
        Map<Integer, List<Store>> releaseAfter = new HashMap<>();
        for (int index = 0; index < g.nodes.size(); index++) {
            Node n = g.nodes.get(index);
            // autocast copies of float32 inputs of matmul-like ops
            Map<Integer, Store> casts = new HashMap<>();
            List<Store> dropAfter = new ArrayList<>();
            castInputs(n, storeOf::get, casts, dropAfter);
            foldCopies(n, casts, dropAfter);
            int segment = g.segmentOf.getOrDefault(n, -1);
            if (segment >= 0 && g.segments.get(segment)[0] == index) {
                keepCheckpointInputs(segment);
            }
            List<Store> deadOutputs = new ArrayList<>();
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                int holds = g.uses.getOrDefault(out, 0) + (outputSet.contains(out) ? 1 : 0);
                Store s;
                if (g.phantom.contains(out)) {
                    s = alloc(0, DType.FLOAT, Cat.ACT, false);
                } else if (g.aliasOf.containsKey(out)) {
                    Store src = storeOf.get(g.aliasOf.get(out));
                    // a view of a constant the plan does not track holds no storage of its own
                    s = src != null ? src : alloc(0, DType.FLOAT, Cat.ACT, false);
                } else {
                    TensorType t = g.types.get(out);
                    s = alloc(g.bytes(out), t == null ? DType.FLOAT : t.dtype(), Cat.ACT, false);
                }
                storeOf.put(out, s);
                hold(s, holds);
                Integer until = g.heldUntil.get(out);
                if (until != null) {
                    hold(s, 1);
                    releaseAfter.computeIfAbsent(until, k -> new ArrayList<>()).add(s);
                }
                if (outputSet.contains(out)) {
                    outputsHeld.add(s);
                }
                if (holds == 0) {
                    deadOutputs.add(s);
                }
            }
            mark(n.name(), n.scope());
            // what this node keeps for backward (a checkpointed module keeps only its inputs)
            List<Store> keeps = segment >= 0 ? List.of() : keepForBackward(n, casts, storeOf::get, recordSaves);
            savedBy.put(n, keeps);
            for (Store s : dropAfter) {
                release(s);
            }
            for (String in : new LinkedHashSet<>(n.inputs())) {
                if (!in.isEmpty()) {
                    release(storeOf.get(in));
                }
            }
            for (Store s : deadOutputs) {
                if (s.refs <= 0) {
                    free(s);
                }
            }
            for (Store s : releaseAfter.getOrDefault(index, List.of())) {
                release(s);
            }
        }
        for (Store copy : autocastWeightCopies.values()) {
            release(copy);
        }
        return outputsHeld;
    }

    /** Copies a node's floating inputs to the precision it computes in (autocast); weights' copies cached. */
    private void castInputs(Node n, Function<String, Store> lookup, Map<Integer, Store> casts, List<Store> dropAfter) {
        DType castTo = g.castInputsTo.get(n);
        if (castTo == null) {
            return;
        }
        for (int j = 0; j < n.inputs().size(); j++) {
            String in = n.input(j);
            TensorType t = in.isEmpty() ? null : g.types.get(in);
            Store src = lookup.apply(in);
            if (t == null || src == null || !t.dtype().isFloatingPoint() || t.dtype() == castTo
                    || t.numel().orElse(0) <= 1) {
                continue;
            }
            long bytes = castTo.bytesFor(t.numel().orElse(0));
            if (src.cat == Cat.WEIGHTS) {
                // autocast caches the cast of a leaf weight for the whole forward
                Store copy = autocastWeightCopies.get(src);
                if (copy == null || !copy.live) {
                    copy = alloc(bytes, castTo, Cat.ACT, false);
                    hold(copy, 1);
                    autocastWeightCopies.put(src, copy);
                    if (phase == Phase.BACKWARD) {
                        dropAfter.add(copy); // a recomputation's copy: no forward-long cache
                    }
                }
                casts.put(j, copy);
            } else {
                Store copy = alloc(bytes, castTo, Cat.ACT, false);
                hold(copy, 1);
                casts.put(j, copy);
                dropAfter.add(copy);
            }
        }
    }

    /** The contiguous copies matmul makes of operands it cannot fold by a view (see PlanGraph#foldedOperands). */
    private void foldCopies(Node n, Map<Integer, Store> casts, List<Store> dropAfter) {
        for (int slot : g.copiedOperands.getOrDefault(n, Set.of())) {
            if (casts.containsKey(slot)) {
                continue; // the autocast copy is already contiguous
            }
            TensorType t = g.types.get(n.input(slot));
            DType dt = t == null ? DType.FLOAT : t.dtype();
            Store copy = alloc(dt.bytesFor(g.foldedNumel(n, slot)), dt, Cat.ACT, false);
            hold(copy, 1);
            casts.put(slot, copy);
            dropAfter.add(copy);
        }
    }

    /** Holds what the node's autograd rule saves; counts each storage once in the saved figures. */
    private List<Store> keepForBackward(Node n, Map<Integer, Store> casts, Function<String, Store> lookup,
                                        boolean record) {
        List<Store> keeps = new ArrayList<>();
        for (Saved sv : g.saved.getOrDefault(n, List.of())) {
            Store s = resolve(n, sv, casts, lookup);
            if (s == null || s.cat == Cat.WEIGHTS || s.cat == Cat.BUFFERS || s.bytes == 0) {
                continue;
            }
            if (keeps.stream().anyMatch(k -> k == s)) {
                continue;
            }
            addSaver(s);
            keeps.add(s);
            if (record) {
                recordSaved(s, n.scope(), n.name());
            }
        }
        return keeps;
    }

    private void recordSaved(Store s, String scope, String node) {
        if (everSaved.add(s)) {
            savedBytes = Counts.add(savedBytes, s.bytes);
            savedByModule.merge(scope, s.bytes, Counts::add);
            savedByDType.merge(s.dtype.displayName(), s.bytes, Counts::add);
            savedByNode.merge(node, s.bytes, Counts::add);
        }
    }

    // ---- activation checkpointing -------------------------------------------------------------------

    private final Map<Integer, List<Store>> checkpointKeeps = new HashMap<>();

    /** {@code torch.utils.checkpoint}: the module's inputs are all it keeps from the forward. */
    private void keepCheckpointInputs(int segment) {
        int[] range = g.segments.get(segment);
        Set<String> inside = new HashSet<>();
        List<Store> keeps = new ArrayList<>();
        for (int i = range[0]; i <= range[1]; i++) {
            Node n = g.nodes.get(i);
            for (String in : n.inputs()) {
                Store s = in.isEmpty() || inside.contains(in) ? null : storeOf.get(in);
                if (s != null && s.cat != Cat.WEIGHTS && s.cat != Cat.BUFFERS && s.bytes > 0
                        && keeps.stream().noneMatch(k -> k == s)) {
                    addSaver(s);
                    keeps.add(s);
                    if (recordSaves) {
                        recordSaved(s, g.segmentModule.get(segment), g.nodes.get(range[0]).name());
                    }
                }
            }
            inside.addAll(n.outputs());
        }
        checkpointKeeps.put(segment, keeps);
    }

    /**
     * Backward reached a checkpointed module: its forward runs again, this time keeping what each node
     * saves; outputs nothing inside needs are freed as soon as they are produced.
     */
    private void recompute(int segment) {
        int[] range = g.segments.get(segment);
        Map<String, Store> local = new HashMap<>();
        Map<String, Integer> usesInside = new HashMap<>();
        for (int i = range[0]; i <= range[1]; i++) {
            for (String in : new LinkedHashSet<>(g.nodes.get(i).inputs())) {
                usesInside.merge(in, 1, Integer::sum);
            }
        }
        Function<String, Store> lookup = v -> local.containsKey(v) ? local.get(v) : storeOf.get(v);
        for (int i = range[0]; i <= range[1]; i++) {
            Node n = g.nodes.get(i);
            Map<Integer, Store> casts = new HashMap<>();
            List<Store> dropAfter = new ArrayList<>();
            castInputs(n, lookup, casts, dropAfter);
            foldCopies(n, casts, dropAfter);
            List<Store> dead = new ArrayList<>();
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                Store s;
                String src = g.aliasOf.get(out);
                if (g.phantom.contains(out)) {
                    s = alloc(0, DType.FLOAT, Cat.ACT, false);
                } else if (src != null) {
                    Store from = lookup.apply(src);
                    s = from != null ? from : alloc(0, DType.FLOAT, Cat.ACT, false);
                } else {
                    TensorType t = g.types.get(out);
                    s = alloc(g.bytes(out), t == null ? DType.FLOAT : t.dtype(), Cat.ACT, false);
                }
                local.put(out, s);
                int holds = usesInside.getOrDefault(out, 0);
                hold(s, holds);
                if (holds == 0) {
                    dead.add(s);
                }
            }
            mark(n.name() + " (recompute)", n.scope());
            savedBy.put(n, keepForBackward(n, casts, lookup, false));
            dropAfter.forEach(this::release);
            for (String in : new LinkedHashSet<>(n.inputs())) {
                if (local.containsKey(in)) {
                    release(local.get(in));
                }
            }
            for (Store s : dead) {
                if (s.refs <= 0) {
                    free(s);
                }
            }
        }
    }

    private Store resolve(Node n, Saved sv, Map<Integer, Store> casts, Function<String, Store> lookup) {
        return switch (sv.kind()) {
            case INPUT -> casts.containsKey(sv.index()) ? casts.get(sv.index()) : lookup.apply(n.input(sv.index()));
            case OUTPUT -> sv.index() < n.outputs().size() ? lookup.apply(n.outputs().get(sv.index())) : null;
            case EXTRA -> {
                Store s = alloc(sv.dtype().bytesFor(sv.elements()), sv.dtype(), Cat.ACT, false);
                yield s;
            }
        };
    }

    // ---- loss -------------------------------------------------------------------------------------

    /** cross_entropy = log_softmax (saves its output) + nll_loss; or a sum of the outputs. */
    private Store[] lossForward() {
        if (g.outputs.isEmpty()) {
            return new Store[0];
        }
        Store lossValue;
        if (crossEntropy()) {
            TensorType logits = g.types.get(g.outputs.get(0));
            long n = logits == null ? 0 : logits.numel().orElse(0);
            // cross_entropy runs in float32 under autocast
            Store cast = null;
            if (logits != null && logits.dtype() != DType.FLOAT && setup.autocast()) {
                cast = alloc(DType.FLOAT.bytesFor(n), DType.FLOAT, Cat.ACT, false);
            }
            DType dt = setup.autocast() || logits == null ? DType.FLOAT : logits.dtype();
            Store logSoftmax = alloc(dt.bytesFor(n), dt, Cat.ACT, false);
            addSaver(logSoftmax);
            lossValue = alloc(4, DType.FLOAT, Cat.ACT, false);
            mark("loss (cross_entropy)", "");
            free(cast);
            return new Store[] {lossValue, logSoftmax};
        }
        lossValue = alloc(4, DType.FLOAT, Cat.ACT, false);
        mark("loss (sum of outputs)", "");
        return new Store[] {lossValue};
    }

    private final Map<String, Store> gradOf = new HashMap<>();

    private void lossBackward(Store[] loss) {
        if (g.outputs.isEmpty()) {
            return;
        }
        if (crossEntropy() && loss.length > 1) {
            String out = g.outputs.get(0);
            TensorType logits = g.types.get(out);
            long n = logits == null ? 0 : logits.numel().orElse(0);
            DType dt = setup.autocast() || logits == null ? DType.FLOAT : logits.dtype();
            Store gradLogSoftmax = alloc(dt.bytesFor(n), dt, Cat.ACT, false);
            mark("nll_loss backward", "");
            Store gradLogits = alloc(g.bytes(out), logits == null ? DType.FLOAT : logits.dtype(), Cat.ACT, false);
            mark("log_softmax backward", "");
            free(gradLogSoftmax);
            removeSaver(loss[1]);
            if (g.requiresGrad.contains(out)) {
                gradOf.put(out, gradLogits);
                hold(gradLogits, 1);
            } else {
                free(gradLogits);
            }
        } else {
            // sum backward: an expanded view of the scalar gradient, no storage of the output's size
            for (String out : g.outputs) {
                if (g.requiresGrad.contains(out)) {
                    Store s = alloc(0, DType.FLOAT, Cat.ACT, false);
                    hold(s, 1);
                    gradOf.put(out, s);
                }
            }
        }
    }

    // ---- backward ---------------------------------------------------------------------------------

    private void backward() {
        List<Node> order = g.nodes;
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            int segment = g.segmentOf.getOrDefault(n, -1);
            if (segment >= 0 && g.segments.get(segment)[1] == i) {
                recompute(segment);
            }
            if (segment >= 0 && g.segments.get(segment)[0] == i) {
                releaseCheckpointInputsAfter = segment;
            }
            if (!g.inGraph.contains(n)) {
                releaseCheckpoint(i);
                continue;
            }
            boolean anyGrad = false;
            for (String out : n.outputs()) {
                if (gradOf.containsKey(out)) {
                    anyGrad = true;
                }
            }
            if (!anyGrad) {
                releaseCheckpoint(i);
                continue; // no gradient reaches it: its saved tensors go when the graph is freed
            }
            Store outGrad = gradOf.get(n.outputs().get(0));
            Set<String> done = new HashSet<>();
            for (int j = 0; j < n.inputs().size(); j++) {
                String in = n.input(j);
                if (in.isEmpty() || !g.requiresGrad.contains(in) || !done.add(in)) {
                    continue;
                }
                Store grad;
                if (outGrad != null && passesGradient(n, j)) {
                    grad = outGrad;
                    hold(grad, 1);
                } else {
                    TensorType t = g.types.get(in);
                    grad = alloc(g.bytes(in), t == null ? DType.FLOAT : t.dtype(), Cat.ACT, false);
                    hold(grad, 1);
                }
                if (g.trainable.contains(in)) {
                    accumulateParamGrad(in, grad, n);
                } else if (gradOf.containsKey(in)) {
                    release(grad); // accumulated in place into the existing buffer
                } else {
                    gradOf.put(in, grad);
                }
            }
            mark(n.name(), n.scope());
            for (String out : n.outputs()) {
                Store s = gradOf.remove(out);
                release(s);
            }
            for (Store s : savedBy.getOrDefault(n, List.of())) {
                removeSaver(s);
            }
            savedBy.remove(n);
            releaseCheckpoint(i);
        }
        for (List<Store> keeps : checkpointKeeps.values()) {
            keeps.forEach(this::removeSaver);
        }
        checkpointKeeps.clear();
        // nodes no gradient reached: their saved tensors go with the graph
        for (List<Store> keeps : savedBy.values()) {
            for (Store s : keeps) {
                removeSaver(s);
            }
        }
        savedBy.clear();
        for (Store s : gradOf.values()) {
            release(s);
        }
        gradOf.clear();
        mark("backward end", "");
    }

    private int releaseCheckpointInputsAfter = -1;

    /** After the first node of a checkpointed module ran its backward, the module's kept inputs go. */
    private void releaseCheckpoint(int index) {
        int segment = releaseCheckpointInputsAfter;
        if (segment >= 0 && g.segments.get(segment)[0] == index) {
            List<Store> keeps = checkpointKeeps.remove(segment);
            if (keeps != null) {
                keeps.forEach(this::removeSaver);
            }
            releaseCheckpointInputsAfter = -1;
        }
    }

    /** The gradient of input j is the output's gradient itself (a view of it): no storage of its own. */
    private boolean passesGradient(Node n, int j) {
        if (j == 2 && ExportPatterns.isSafeSoftmaxWhere(g, n)) {
            return true;
        }
        if (n.domain().equals(PlanGraph.DOMAIN) || !g.facts(n).gradientPassesThrough().contains(j)) {
            return false;
        }
        if (g.isView(n)) {
            return true; // the gradient of a reshape or transpose is a view of the output's gradient
        }
        // an add's operand of the output's size and type takes the output's gradient itself
        TensorType in = g.types.get(n.input(j));
        TensorType out = g.types.get(n.outputs().get(0));
        return in != null && out != null && in.numel().equals(out.numel()) && in.dtype() == out.dtype();
    }

    /**
     * AccumulateGrad: the first gradient of a parameter becomes its {@code .grad}; a second one (a weight
     * used twice, like GPT-2's tied embedding) is added out of place: old + new + sum live together.
     */
    private void accumulateParamGrad(String p, Store grad, Node n) {
        Store old = paramGrad.get(p);
        long bytes = g.weightBytes(g.weights.get(p));
        if (old == null) {
            Store own = grad;
            if (grad.refs > 1 || grad.bytes != bytes) {
                // the gradient is shared with an activation's, or reduced (bias of a broadcast add)
                own = alloc(bytes, grad.dtype, Cat.GRADS, false);
                release(grad);
            } else {
                recategorize(grad, Cat.GRADS);
            }
            paramGrad.put(p, own);
            return;
        }
        Store sum = alloc(bytes, old.dtype, Cat.ACT, false);
        mark(n.name() + " (grad accumulation)", n.scope());
        release(grad);
        free(old);
        recategorize(sum, Cat.GRADS);
        paramGrad.put(p, sum);
    }

    // ---- optimizer --------------------------------------------------------------------------------

    private void createState(String p) {
        TensorData t = g.weights.get(p);
        List<Store> s = new ArrayList<>();
        for (int k = 0; k < Optimizers.stateTensors(setup.optimizer()); k++) {
            s.add(alloc(g.weightBytes(t), g.runtimeDType(t.dtype()), Cat.STATE, true));
        }
        long scalar = Optimizers.scalarBytes(setup.optimizer());
        if (scalar > 0) {
            s.add(alloc(scalar, DType.FLOAT, Cat.STATE, true));
        }
        state.put(p, s);
    }

    private void optimizerStep() {
        TrainingSetup.Optimizer o = setup.optimizer();
        List<String> params = new ArrayList<>(g.trainable);
        params.removeIf(p -> !paramGrad.containsKey(p));
        if (!Optimizers.stateCreatedDuringUpdate(o)) {
            for (String p : params) {
                if (!state.containsKey(p)) {
                    createState(p);
                }
            }
        }
        mark("optimizer state", "");
        if (setup.backend() == AutogradContext.Backend.CUDA) {
            // foreach: one temporary per parameter of the group, all at once
            List<Store> temps = new ArrayList<>();
            for (String p : params) {
                if (!state.containsKey(p)) {
                    createState(p);
                }
                for (int k = 0; k < Optimizers.foreachTemporaries(o); k++) {
                    temps.add(alloc(g.weightBytes(g.weights.get(p)), DType.FLOAT, Cat.ACT, false));
                }
            }
            mark("optimizer.step (foreach)", "");
            temps.forEach(this::free);
            return;
        }
        for (String p : params) {
            if (!state.containsKey(p)) {
                createState(p);
            }
            long bytes = g.weightBytes(g.weights.get(p));
            List<Store> temps = new ArrayList<>();
            for (int k = 0; k < Optimizers.perTensorTemporaries(o); k++) {
                temps.add(alloc(bytes, DType.FLOAT, Cat.ACT, false));
            }
            mark("optimizer.step " + p, "");
            temps.forEach(this::free);
        }
    }

    long gradBytes() {
        return byCat[Cat.GRADS.ordinal()];
    }

    long stateBytes() {
        return byCat[Cat.STATE.ordinal()];
    }
}
