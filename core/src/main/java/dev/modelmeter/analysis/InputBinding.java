package dev.modelmeter.analysis;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.graph.ValueType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the declared input types and the user's {@code --batch} / {@code --input} into concrete input
 * types. A symbol bound on one input (say {@code batch} = 8 from {@code input_ids=8x128}) binds the
 * same symbol on every other input, as PyTorch would see it.
 */
final class InputBinding {

    /**
     * @param rebatchFactor new batch ÷ the fixed batch the file declares, when the user changed it and it
     *                      divides evenly (1 otherwise): constants the exporter baked in get scaled
     */
    record Result(Map<String, ValueType> types, List<String> warnings, long rebatchFactor) {
    }

    private InputBinding() {
    }

    /** The graph inputs that are real inputs, not initializers listed as inputs by older exporters. */
    static List<ValueInfo> realInputs(Graph graph) {
        Set<String> inits = new HashSet<>();
        for (TensorData t : graph.initializers()) {
            inits.add(t.name());
        }
        List<ValueInfo> out = new ArrayList<>();
        for (ValueInfo in : graph.inputs()) {
            if (!inits.contains(in.name())) {
                out.add(in);
            }
        }
        return out;
    }

    static Result bind(Graph graph, AnalysisOptions options) {
        List<ValueInfo> inputs = realInputs(graph);
        List<String> warnings = new ArrayList<>();
        Map<String, Shape> given = new HashMap<>(options.inputShapes());
        if (given.containsKey("")) {
            if (inputs.size() != 1) {
                throw new ModelMeterException("--input without a name needs a model with one input; this one has "
                        + inputs.size() + ": " + inputs.stream().map(ValueInfo::name).toList());
            }
            given.put(inputs.get(0).name(), given.remove(""));
        }
        Set<String> names = new HashSet<>();
        inputs.forEach(i -> names.add(i.name()));
        for (String n : given.keySet()) {
            if (!names.contains(n)) {
                throw new ModelMeterException("--input names '" + n + "', but the model's inputs are "
                        + inputs.stream().map(ValueInfo::name).toList());
            }
        }
        String batchSymbol = batchSymbol(inputs);
        Long fixedBatch = batchSymbol == null ? fixedLeadingDim(inputs) : null;
        Integer batch = options.batch();
        // symbols fixed by the user's shapes: an explicit --input wins
        Map<String, Long> symbols = new HashMap<>();
        Map<String, String> boundBy = new HashMap<>();
        for (ValueInfo in : inputs) {
            Shape user = given.get(in.name());
            if (user != null && in.type() instanceof TensorType tt && tt.shape() != null
                    && tt.shape().rank() == user.rank()) {
                for (int d = 0; d < user.rank(); d++) {
                    if (tt.shape().dim(d) instanceof Dim.Symbolic s && user.dim(d).isKnown()
                            && !(options.batchOverridesInputs() && s.name().equals(batchSymbol))
                            && symbols.putIfAbsent(s.name(), user.dim(d).value()) == null) {
                        boundBy.put(s.name(), in.name() + "=" + user);
                    }
                }
            }
        }
        if (batch != null && batchSymbol != null) {
            Long fromInput = symbols.get(batchSymbol);
            if (fromInput == null) {
                symbols.put(batchSymbol, batch.longValue());
            } else if (fromInput != batch.longValue()) {
                warnings.add("--input " + boundBy.get(batchSymbol) + " binds the batch dimension '" + batchSymbol
                        + "' to " + fromInput + ", and --batch asks " + batch + ": the --input shape wins");
            }
        }
        Map<String, ValueType> out = new LinkedHashMap<>();
        long rebatch = 1;
        for (ValueInfo in : inputs) {
            if (!(in.type() instanceof TensorType declared)) {
                if (given.containsKey(in.name())) {
                    throw new ModelMeterException("input '" + in.name() + "' is not a tensor; --input cannot shape it");
                }
                continue;
            }
            Shape shape = declared.shape();
            Shape user = given.get(in.name());
            List<Integer> batchAxes = shape == null ? List.of() : batchAxes(shape, batchSymbol, fixedBatch);
            if (user != null) {
                if (shape != null && shape.rank() != user.rank()) {
                    throw new ModelMeterException("--input " + in.name() + "=" + user + " has rank " + user.rank()
                            + ", but the model declares " + shape);
                }
                if (shape != null) {
                    for (int d = 0; d < user.rank(); d++) {
                        Dim want = shape.dim(d);
                        if (want.isKnown() && user.dim(d).isKnown() && want.value() != user.dim(d).value()) {
                            warnings.add("input '" + in.name() + "' is declared " + shape + "; using " + user
                                    + " as asked" + (batchAxes.contains(d) ? " (reshape constants written for the"
                                    + " declared batch are scaled to it)" : ""));
                            break;
                        }
                    }
                }
                shape = user;
                if (batch != null && options.batchOverridesInputs()) {
                    // the batch is what is being varied (fit): it sets the batch axes of a given shape too
                    for (int d : batchAxes) {
                        shape = shape.withDim(d, Dim.of(batch));
                    }
                } else if (batch != null && batchSymbol == null) {
                    for (int d : batchAxes) {
                        if (shape.dim(d).isKnown() && shape.dim(d).value() != batch) {
                            warnings.add("--input " + in.name() + "=" + user + " sets the batch dimension to "
                                    + shape.dim(d) + ", and --batch asks " + batch + ": the --input shape wins");
                            break;
                        }
                    }
                }
            } else if (shape != null) {
                List<Dim> dims = new ArrayList<>(shape.dims());
                for (int d = 0; d < dims.size(); d++) {
                    if (dims.get(d) instanceof Dim.Symbolic s && symbols.containsKey(s.name())) {
                        dims.set(d, Dim.of(symbols.get(s.name())));
                    }
                }
                shape = new Shape(dims);
                if (batch != null) {
                    for (int d : batchAxes) {
                        // a symbol already bound (the batch symbol, or one an --input fixed) keeps its value
                        if (!(declared.shape().dim(d) instanceof Dim.Symbolic s && symbols.containsKey(s.name()))) {
                            shape = shape.withDim(d, Dim.of(batch));
                        }
                    }
                    if (batchAxes.isEmpty() && shape.rank() > 0 && declared.shape().dim(0).isKnown()) {
                        warnings.add("input '" + in.name() + "' " + declared.shape() + " has no batch dimension"
                                + (batchSymbol == null ? "" : " '" + batchSymbol + "'") + ": --batch leaves it as"
                                + " declared (its leading " + declared.shape().dim(0) + " is not the batch);"
                                + " give it with --input " + in.name() + "=SHAPE if it should change");
                    }
                }
            }
            if (batch == null && shape != null && shape.rank() > 0 && user == null) {
                // costs need sizes: a free batch symbol defaults to 1, as torchinfo's examples do
                for (int d = 0; d < shape.rank(); d++) {
                    if (shape.dim(d) instanceof Dim.Symbolic s && (d == 0 || s.name().equals(batchSymbol))) {
                        Long bound = symbols.get(s.name());
                        shape = shape.withDim(d, Dim.of(bound == null ? 1 : bound));
                        if (bound == null) {
                            symbols.put(s.name(), 1L);
                            warnings.add("input '" + in.name() + "' has a symbolic batch dimension '" + s.name()
                                    + "'; assuming 1 (use --batch N)");
                        }
                    }
                }
            }
            for (int d : batchAxes) {
                if (declared.shape().dim(d) instanceof Dim.Known was && shape != null
                        && shape.dim(d) instanceof Dim.Known now && was.value() > 0 && now.value() > was.value()
                        && now.value() % was.value() == 0) {
                    rebatch = now.value() / was.value();
                }
            }
            if (shape != null && !shape.isFullyKnown()) {
                warnings.add("input '" + in.name() + "' has dimensions no option binds (" + shape + "): costs that"
                        + " depend on them are missing; give them with --input " + in.name() + "=SHAPE");
            }
            out.put(in.name(), new TensorType(declared.dtype(), shape));
        }
        return new Result(out, warnings, rebatch);
    }

    /** Symbol names exporters give the batch: {@code batch}, {@code batch_size}, {@code N}, {@code bs}… */
    private static final java.util.regex.Pattern BATCH_NAME =
            java.util.regex.Pattern.compile("(?i).*batch.*|n|b|bs|bsz");

    /**
     * The batch symbol: the exporter's batch symbol by name; else a symbol shared by several inputs that
     * leads one of them; else the symbol leading the first input that has a symbolic leading dimension.
     * Null when no input has a symbolic dimension (a fixed-batch export).
     */
    static String batchSymbol(List<ValueInfo> inputs) {
        Map<String, Set<String>> usedBy = new LinkedHashMap<>();
        Set<String> leading = new java.util.LinkedHashSet<>();
        for (ValueInfo in : inputs) {
            if (in.type() instanceof TensorType t && t.shape() != null) {
                for (int d = 0; d < t.shape().rank(); d++) {
                    if (t.shape().dim(d) instanceof Dim.Symbolic s) {
                        usedBy.computeIfAbsent(s.name(), k -> new HashSet<>()).add(in.name());
                        if (d == 0) {
                            leading.add(s.name());
                        }
                    }
                }
            }
        }
        for (String s : usedBy.keySet()) {
            if (BATCH_NAME.matcher(s).matches()) {
                return s;
            }
        }
        for (String s : leading) {
            if (usedBy.get(s).size() > 1) {
                return s;
            }
        }
        return leading.isEmpty() ? null : leading.iterator().next();
    }

    /** In a model without a batch symbol: the known leading dimension of the first input of rank ≥ 1. */
    private static Long fixedLeadingDim(List<ValueInfo> inputs) {
        for (ValueInfo in : inputs) {
            if (in.type() instanceof TensorType t && t.shape() != null && t.shape().rank() > 0) {
                return t.shape().dim(0) instanceof Dim.Known k ? k.value() : null;
            }
        }
        return null;
    }

    /**
     * The axes of a declared shape that are the batch: every occurrence of the batch symbol; else a
     * leading dimension that is symbolic or unknown; else, in a fixed-batch export, a leading dimension
     * equal to the first input's. A known leading dimension that differs (an RNN state {@code [2, 1, 64]})
     * is not the batch.
     */
    static List<Integer> batchAxes(Shape declared, String batchSymbol, Long fixedBatch) {
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < declared.rank(); d++) {
            if (declared.dim(d) instanceof Dim.Symbolic s && s.name().equals(batchSymbol)) {
                axes.add(d);
            }
        }
        if (!axes.isEmpty() || declared.rank() == 0) {
            return axes;
        }
        Dim lead = declared.dim(0);
        if (!lead.isKnown() || batchSymbol == null && fixedBatch != null && lead.value() == fixedBatch) {
            axes.add(0);
        }
        return axes;
    }
}
