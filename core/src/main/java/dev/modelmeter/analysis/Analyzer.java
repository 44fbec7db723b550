package dev.modelmeter.analysis;

import dev.modelmeter.graph.CountOverflowException;
import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.ops.BodyCosts;
import dev.modelmeter.ops.Cost;
import dev.modelmeter.ops.CostContext;
import dev.modelmeter.ops.OpDef;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.ops.UnknownCostException;
import dev.modelmeter.shapes.BodyRuns;
import dev.modelmeter.shapes.ShapeInference;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The summary pipeline: bind the inputs, infer every shape, decide what each stored tensor is, cost
 * every node, fold nodes into module rows, and add up the totals.
 */
public final class Analyzer {

    private final OpRegistry registry;

    /**
     * An analyzer that finds shape, cost and role rules in {@code registry}.
     *
     * @param registry the operators
     */
    public Analyzer(OpRegistry registry) {
        this.registry = registry;
    }

    /**
     * An analyzer over the built-in operators.
     *
     * @return the analyzer
     */
    public static Analyzer standard() {
        return new Analyzer(OpRegistry.standard());
    }

    /**
     * Binds the inputs as {@code options} say and infers every value's type.
     *
     * @param model    the model
     * @param options  how to bind the inputs
     * @param warnings where binding notes are added
     * @return the shaped main graph
     */
    public ShapedGraph shape(Model model, AnalysisOptions options, List<String> warnings) {
        InputBinding.Result bound = InputBinding.bind(model.graph(), options);
        warnings.addAll(bound.warnings());
        return ShapeInference.infer(model.graph(), model.opsets(), registry,
                new ShapeInference.Options(bound.types(), Map.of(), options.ignoreDeclaredShapes(), bound.rebatchFactor()));
    }

    /**
     * The whole summary; {@code depth} folds rows into modules ({@link LayerFolding#LEAVES}), 0 means one row per node.
     *
     * @param model   the model
     * @param options how to bind the inputs, and what is frozen
     * @param depth   how many module-path components a row keeps
     * @return the summary
     */
    public ModelSummary summarize(Model model, AnalysisOptions options, int depth) {
        List<String> warnings = new ArrayList<>();
        ShapedGraph shaped = shape(model, options, warnings);
        warnings.addAll(shaped.warnings());
        WeightRoles.Assignment roles = WeightRoles.assign(model.graph(), shaped.order(), registry);
        Map<Node, List<WeightRoles.Weight>> owned = roles.byOwner();
        Set<String> storedValues = roles.mainByName().keySet();

        List<NodeCost> nodes = new ArrayList<>();
        for (Node node : shaped.order()) {
            nodes.add(costOf(node, shaped, owned.getOrDefault(node, List.of()), storedValues, warnings));
        }
        warnings.addAll(BatchWarnings.find(nodes));
        for (NodeCost n : nodes) {
            if (n.costNote() != null) {
                warnings.add(n.costNote() + (n.costKnown() ? " (approximate)" : " (result is partial)"));
            }
        }

        Pattern frozen = options.freezePattern() == null ? null : Pattern.compile(options.freezePattern());
        long params = 0;
        long trainable = 0;
        long paramBytes = 0;
        long buffers = 0;
        long bufferBytes = 0;
        Map<DType, Long> weightBytes = new TreeMap<>();
        for (WeightRoles.Weight w : roles.weights()) {
            TensorData t = w.tensor();
            if (w.role() == InitializerRole.PARAMETER) {
                params = Counts.add(params, t.numel());
                paramBytes = Counts.add(paramBytes, t.bytes());
                if (frozen == null || !ModulePaths.matches(frozen, w.name())) {
                    trainable = Counts.add(trainable, t.numel());
                }
            } else if (w.role() == InitializerRole.BUFFER) {
                buffers = Counts.add(buffers, t.numel());
                bufferBytes = Counts.add(bufferBytes, t.bytes());
            } else {
                continue;
            }
            weightBytes.merge(t.dtype(), t.bytes(), Counts::add);
        }
        long macs = Counts.sum(nodes.stream().mapToLong(NodeCost::macs));
        long other = Counts.sum(nodes.stream().mapToLong(NodeCost::otherFlops));

        Map<String, TensorType> inputs = new LinkedHashMap<>();
        long inputBytes = 0;
        for (ValueInfo in : InputBinding.realInputs(model.graph())) {
            TensorType t = shaped.tensor(in.name());
            inputs.put(in.name(), t == null ? NodeCost.UNKNOWN : t);
            inputBytes = Counts.add(inputBytes, t == null ? 0 : t.bytes().orElse(0));
        }
        Map<String, TensorType> outputs = new LinkedHashMap<>();
        Set<String> outputNames = new HashSet<>();
        for (ValueInfo out : model.graph().outputs()) {
            TensorType t = shaped.tensor(out.name());
            outputs.put(out.name(), t == null ? NodeCost.UNKNOWN : t);
            outputNames.add(out.name());
        }
        Set<String> notActivations = new HashSet<>(shaped.values().keySet());
        model.graph().initializers().forEach(t -> notActivations.add(t.name()));
        notActivations.addAll(storedValues);
        List<Layer> layers = depth == 0 ? LayerFolding.flat(nodes)
                : LayerFolding.byModule(nodes, outputNames, notActivations, depth);
        long layerOutputBytes = Counts.sum(LayerFolding.byModule(nodes, outputNames, notActivations, LayerFolding.LEAVES)
                .stream().mapToLong(Layer::outputBytes));
        if (shaped.isPartial()) {
            warnings.add("no rule for " + shaped.unknownOps() + ": figures that depend on these nodes are missing (result is partial)");
        }
        return new ModelSummary(model, shaped, nodes, layers, inputs, outputs,
                new ModelSummary.Params(params, trainable, paramBytes), buffers, bufferBytes, macs, other,
                weightBytes, inputBytes, layerOutputBytes, inferencePeak(shaped, StoredPrecision.of(roles)), shaped.unknownOps(),
                dedupe(warnings));
    }

    private NodeCost costOf(Node node, ShapedGraph shaped, List<WeightRoles.Weight> owned, Set<String> storedValues,
                            List<String> warnings) {
        List<TensorType> ins = new ArrayList<>();
        for (String in : node.inputs()) {
            ins.add(in.isEmpty() ? null : shaped.tensor(in));
        }
        List<TensorType> outs = new ArrayList<>();
        boolean allOutputsKnownValues = !node.outputs().isEmpty();
        for (String out : node.outputs()) {
            outs.add(out.isEmpty() ? null : shaped.tensor(out));
            // a value known at analysis time, or a tensor stored in the file (a Constant's weight), is no computation
            if (!out.isEmpty() && !shaped.values().containsKey(out) && !storedValues.contains(out)) {
                allOutputsKnownValues = false;
            }
        }
        long params = 0;
        long buffers = 0;
        List<String> paramNames = new ArrayList<>();
        for (WeightRoles.Weight w : owned) {
            if (w.role() == InitializerRole.PARAMETER) {
                params = Counts.add(params, w.tensor().numel());
                paramNames.add(w.name());
            } else if (w.role() == InitializerRole.BUFFER) {
                buffers = Counts.add(buffers, w.tensor().numel());
            }
        }
        OpDef def = registry.find(node);
        // an omitted optional input (empty name) is fine; a named value whose type is unknown is not
        boolean shapesKnown = true;
        for (int i = 0; i < node.inputs().size(); i++) {
            shapesKnown &= node.inputs().get(i).isEmpty() || ins.get(i) != null && ins.get(i).isFullyKnown();
        }
        for (int i = 0; i < node.outputs().size(); i++) {
            shapesKnown &= node.outputs().get(i).isEmpty() || outs.get(i) != null && outs.get(i).isFullyKnown();
        }
        Cost cost = Cost.ZERO;
        boolean costKnown = def != null && def.hasCost() && shapesKnown;
        String costNote = def != null && !def.hasCost()
                ? "cost of " + node.qualifiedOpType() + " not modelled (" + def.unknownCostReason() + ")" : null;
        int opset = shaped.opsets().getOrDefault(node.domain(), shaped.opsets().getOrDefault("", 1));
        BodyRuns runs = shaped.bodies(node);
        CostContext costContext = new CostContext(node, opset, ins, outs,
                runs == null || !costKnown ? null : bodyCosts(runs, warnings));
        if (costKnown) {
            try {
                cost = def.costOf(costContext);
            } catch (UnknownCostException e) {
                costKnown = false;
                costNote = e.getMessage();
            } catch (CountOverflowException e) {
                // a count a long cannot hold is the file's doing, not a rule's failure: an error, not partial
                throw e.at(node.opType() + " '" + node.name() + "': MACs or FLOPs");
            } catch (ArithmeticException e) {
                if (String.valueOf(e.getMessage()).contains("overflow")) { // Math.multiplyExact in a rule
                    throw new CountOverflowException(node.opType() + " '" + node.name()
                            + "': MACs or FLOPs exceed what can be counted");
                }
                costKnown = false;
                warnings.add(node.opType() + " '" + node.name() + "': cost rule failed (" + e.getMessage() + ")");
            } catch (RuntimeException e) {
                costKnown = false;
                warnings.add(node.opType() + " '" + node.name() + "': cost rule failed (" + e.getMessage() + ")");
            }
        }
        if (costKnown && cost.approximate()) {
            costNote = node.opType() + " '" + node.name() + "': " + cost.formula();
        }
        long outputBytes = 0;
        if (!allOutputsKnownValues && (def == null || !def.view())) {
            for (TensorType t : outs) {
                outputBytes = Counts.add(outputBytes, t == null ? 0 : t.bytes().orElse(0));
            }
        }
        List<String> explanation = new ArrayList<>();
        if (costKnown && def.explain() != null) {
            try {
                explanation.addAll(def.explain().explain(costContext));
            } catch (RuntimeException e) {
                // an explanation is a courtesy: its absence changes no figure
            }
        }
        if (costKnown && !cost.formula().isEmpty()) {
            explanation.add(cost.formula());
        }
        if (outputBytes > 0 && outs.get(0) != null && outs.get(0).isFullyKnown()) {
            TensorType o = outs.get(0);
            String perElement = o.dtype().bits() % 8 == 0 ? (o.dtype().bits() / 8) + " B" : o.dtype().bits() + " bits";
            explanation.add("output bytes = " + o.shape() + " × " + perElement + " (" + o.dtype().displayName()
                    + ") = " + String.format(java.util.Locale.ROOT, "%,d", o.bytes().getAsLong()) + " B");
        }
        return new NodeCost(node, ins, outs, params, buffers, paramNames, costKnown ? cost.macs() : 0,
                costKnown ? cost.otherFlops() : 0, outputBytes, costKnown, allOutputsKnownValues, explanation,
                costKnown && cost.approximate(), costNote);
    }

    /**
     * The cost of each body a control-flow node runs, for one execution: its nodes costed with the types
     * they had in that run. Parameters are not counted here (their roles are decided for the whole model).
     */
    private BodyCosts bodyCosts(BodyRuns runs, List<String> warnings) {
        List<BodyCosts.Run> out = new ArrayList<>();
        for (BodyRuns.Run r : runs.runs()) {
            long macs = 0;
            long other = 0;
            String unknown = r.body() == null ? "its shapes were not kept" : null;
            boolean approximate = false;
            if (r.body() != null) {
                for (Node n : r.body().order()) {
                    NodeCost c = costOf(n, r.body(), List.of(), Set.of(), warnings);
                    if (!c.costKnown()) {
                        if (unknown == null) {
                            unknown = c.costNote() != null ? c.costNote()
                                    : n.opType() + " '" + n.name() + "' has unknown shapes";
                        }
                        continue;
                    }
                    macs = Math.addExact(macs, c.macs());
                    other = Math.addExact(other, c.otherFlops());
                    approximate |= c.approximate();
                }
            }
            out.add(new BodyCosts.Run(r.label(), macs, other, unknown, approximate, r.times(), r.timesUnknown()));
        }
        return new BodyCosts(out, runs.alternatives(), runs.note());
    }

    /**
     * What the model stores its parameters as, and whether training it as stored is meaningful.
     *
     * @param shaped the shaped main graph
     * @return the stored precision
     */
    public StoredPrecision storedPrecision(ShapedGraph shaped) {
        return StoredPrecision.of(WeightRoles.assign(shaped.graph(), shaped.order(), registry));
    }

    /** The memory planner's eval forward of the file as stored; -1 when the graph's shapes do not allow it. */
    private long inferencePeak(ShapedGraph shaped, StoredPrecision stored) {
        if (shaped.isPartial()) {
            return -1;
        }
        try {
            return new MemoryPlanner(registry).inference(shaped, TrainingSetup.defaults(1)
                    .withPrecision(stored.asStored())).peakBeyondWeightsBytes();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static List<String> dedupe(List<String> warnings) {
        return List.copyOf(new java.util.LinkedHashSet<>(warnings));
    }

    /**
     * Parses {@code 1x3x224x224} (also {@code 1,3,224,224}) into a shape.
     *
     * @param text the sizes, separated by {@code x}, {@code ,} or {@code ×}
     * @return the shape
     */
    public static Shape parseShape(String text) {
        String[] parts = text.trim().split("[x,×]");
        long[] sizes = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            sizes[i] = Long.parseLong(parts[i].trim());
            if (sizes[i] < 0) {
                throw new NumberFormatException("negative size");
            }
        }
        return Shape.of(sizes);
    }
}
