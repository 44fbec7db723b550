package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.memory.MemoryPlan.InferencePeak;
import dev.modelmeter.analysis.memory.MemoryPlan.StaticBytes;
import dev.modelmeter.analysis.memory.MemoryPlan.StepPeak;
import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * Plans the memory of a training step and of an inference forward over a shaped graph (every value's
 * type concrete: the batch bound, shapes inferred), the way PyTorch eager mode spends it. See
 * {@link StepSimulator} for the step and {@link PlanGraph} for how an export is mapped back to the
 * kernels PyTorch ran.
 */
public final class MemoryPlanner {

    private final OpRegistry registry;

    /**
     * A planner that finds each node's autograd rule and input roles in {@code registry}.
     *
     * @param registry the operators
     */
    public MemoryPlanner(OpRegistry registry) {
        this.registry = registry;
    }

    /**
     * A planner over the built-in operators.
     *
     * @return the planner
     */
    public static MemoryPlanner standard() {
        return new MemoryPlanner(OpRegistry.standard());
    }

    /**
     * Training (two steps) and inference figures for {@code setup}: bytes of live tensors.
     *
     * @param shaped the graph, every type concrete
     * @param setup  the step
     * @return the plan
     */
    public MemoryPlan plan(ShapedGraph shaped, TrainingSetup setup) {
        return plan(shaped, setup, LongUnaryOperator.identity());
    }

    /**
     * The same simulation where every tensor takes {@code block.applyAsLong(bytes)} from the allocator
     * (see {@link Device#blockBytes}): the device-facing figure.
     *
     * @param shaped the graph, every type concrete
     * @param setup  the step
     * @param block  the bytes the allocator takes for a tensor of the given bytes
     * @return the plan
     */
    public MemoryPlan plan(ShapedGraph shaped, TrainingSetup setup, LongUnaryOperator block) {
        PlanGraph g = new PlanGraph(shaped, setup, registry, true);
        List<String> warnings = new ArrayList<>(g.warnings);
        if (shaped.isPartial()) {
            warnings.add("shapes unknown after " + shaped.unknownOps().keySet() + ": memory figures are partial");
        }
        StepSimulator sim = new StepSimulator(g, block);
        StepPeak[] steps = sim.run();
        StaticBytes statics = new StaticBytes(sim.paramBytes, sim.trainableBytes, sim.bufferBytes, sim.inputBytes,
                sim.targetBytes);
        InferencePeak inference = inference(shaped, setup, block);
        if (!g.stored.trainable()) {
            warnings.add("training it as stored is not meaningful: " + g.stored.notTrainable() + "; only inference is planned");
        } else if (g.stored.lowPrecisionFloats() && g.runtimeDType(DType.FLOAT16) == DType.FLOAT) {
            warnings.add("parameters are stored as " + g.stored.label() + "; --precision "
                    + setup.precision().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                    + " plans them as float32 (the model they were converted from); --precision "
                    + g.stored.asStored().name().toLowerCase(java.util.Locale.ROOT) + " plans the file as stored");
        }
        return new MemoryPlan(setup, statics, steps[0], steps[1], sim.savedBytes, sim.savedByModule,
                sim.savedByDType, sim.savedByNode, inference, !g.unknownRules.isEmpty() || !g.controlFlow.isEmpty(),
                warnings, sim.timeline, g.stored, shaped.isPartial() || g.unknownSizes > 0);
    }

    /**
     * Eval forward under {@code torch.no_grad()}: each tensor is freed as soon as its last consumer ran;
     * the inputs live throughout (the caller holds them); Dropout is the identity; in-place ReLU and views
     * allocate nothing. The peak is reported beyond parameters and buffers, inputs included.
     *
     * @param shaped the graph, every type concrete
     * @param setup  the settings the forward runs with (its optimizer plays no part)
     * @return the inference peak
     */
    public InferencePeak inference(ShapedGraph shaped, TrainingSetup setup) {
        return inference(shaped, setup, LongUnaryOperator.identity());
    }

    /**
     * Inference with allocator rounding (see {@link #plan(ShapedGraph, TrainingSetup, LongUnaryOperator)}).
     *
     * @param shaped the graph, every type concrete
     * @param setup  the settings the forward runs with (its optimizer plays no part)
     * @param block  the bytes the allocator takes for a tensor of the given bytes
     * @return the inference peak
     */
    public InferencePeak inference(ShapedGraph shaped, TrainingSetup setup, LongUnaryOperator block) {
        PlanGraph g = new PlanGraph(shaped, setup, registry, false);
        Set<String> outputSet = new HashSet<>(g.outputs);
        Map<String, long[]> storeOf = new HashMap<>(); // value -> {bytes, refs}; shared array for aliases
        Map<long[], Boolean> liveStores = new IdentityHashMap<>();
        long inputs = 0;
        for (String in : g.inputs) {
            inputs = Counts.add(inputs, rounded(block, g.bytes(in)));
        }
        long live = inputs;
        long peak = inputs;
        String at = "";
        String scope = "";
        Map<Integer, List<long[]>> releaseAfter = new HashMap<>();
        for (int index = 0; index < g.nodes.size(); index++) {
            Node n = g.nodes.get(index);
            long copies = 0;
            DType castTo = g.castInputsTo.get(n);
            if (castTo != null) {
                for (String in : n.inputs()) {
                    TensorType t = in.isEmpty() ? null : g.types.get(in);
                    if (t != null && t.dtype().isFloatingPoint() && t.dtype() != castTo && t.numel().orElse(0) > 1) {
                        copies = Counts.add(copies, rounded(block, castTo.bytesFor(t.numel().orElse(0))));
                    }
                }
            }
            if (g.bodies.containsKey(n)) {
                // one run of its body (a branch, an iteration): its temporaries, next to what is live
                copies += BodyWorkingSet.peak(g.bodies.get(n), registry, block);
            }
            DType indices = g.facts(n).transientIndices();
            if (indices != null && n.outputs().size() == 1) {
                // max_pool2d without grad still runs max_pool2d_with_indices and drops the int64 indices
                TensorType o = g.types.get(n.outputs().get(0));
                copies = Counts.add(copies, o == null ? 0 : rounded(block, indices.bytesFor(o.numel().orElse(0))));
            }
            List<long[]> dead = new ArrayList<>();
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                int holds = g.uses.getOrDefault(out, 0) + (outputSet.contains(out) ? 1 : 0);
                long[] s;
                String src = g.aliasOf.get(out);
                if (g.phantom.contains(out) || (src != null && !storeOf.containsKey(src))) {
                    s = new long[] {0, 0}; // a view of a weight or constant: no storage of its own
                } else if (src != null) {
                    s = storeOf.get(src);
                } else {
                    s = new long[] {rounded(block, g.bytes(out)), 0};
                    live = Counts.add(live, s[0]);
                    liveStores.put(s, true);
                }
                s[1] += holds;
                Integer until = g.heldUntil.get(out);
                if (until != null) {
                    s[1]++;
                    releaseAfter.computeIfAbsent(until, k -> new ArrayList<>()).add(s);
                }
                storeOf.put(out, s);
                if (holds == 0) {
                    dead.add(s);
                }
            }
            if (Counts.add(live, copies) > peak) {
                peak = live + copies;
                at = n.name();
                scope = n.scope();
            }
            for (String in : new LinkedHashSet<>(n.inputs())) {
                long[] s = in.isEmpty() ? null : storeOf.get(in);
                if (s != null && --s[1] <= 0 && liveStores.remove(s) != null) {
                    live -= s[0];
                }
            }
            for (long[] s : dead) {
                if (s[1] <= 0 && liveStores.remove(s) != null) {
                    live -= s[0];
                }
            }
            if (ExportPatterns.foldedBatchNorm(g, n) && Counts.add(live, rounded(block, g.bytes(n.outputs().get(0)))) > peak) {
                // the BatchNorm the export folded away ran after the conv: its output next to the conv's
                peak = live + rounded(block, g.bytes(n.outputs().get(0)));
                at = n.name() + " (folded BatchNorm)";
                scope = n.scope();
            }
            for (long[] s : releaseAfter.getOrDefault(index, List.of())) {
                if (--s[1] <= 0 && liveStores.remove(s) != null) {
                    live -= s[0];
                }
            }
        }
        long outputs = 0;
        for (String out : g.outputs) {
            outputs = Counts.add(outputs, g.bytes(out));
        }
        return new InferencePeak(peak, inputs, outputs, at, scope);
    }

    private static long rounded(LongUnaryOperator block, long bytes) {
        return bytes == 0 ? 0 : block.applyAsLong(bytes);
    }
}
