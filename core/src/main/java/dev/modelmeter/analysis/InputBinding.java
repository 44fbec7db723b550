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
        // symbols fixed by the user's shapes, then by --batch
        Map<String, Long> symbols = new HashMap<>();
        for (ValueInfo in : inputs) {
            Shape user = given.get(in.name());
            if (user != null && in.type() instanceof TensorType tt && tt.shape() != null
                    && tt.shape().rank() == user.rank()) {
                for (int d = 0; d < user.rank(); d++) {
                    if (tt.shape().dim(d) instanceof Dim.Symbolic s && user.dim(d).isKnown()) {
                        symbols.putIfAbsent(s.name(), user.dim(d).value());
                    }
                }
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
                                    + " as asked" + (d == 0 ? " (reshape constants written for the declared batch"
                                    + " are scaled to it)" : ""));
                            break;
                        }
                    }
                }
                shape = user;
            } else if (shape != null) {
                List<Dim> dims = new ArrayList<>(shape.dims());
                for (int d = 0; d < dims.size(); d++) {
                    if (dims.get(d) instanceof Dim.Symbolic s && symbols.containsKey(s.name())) {
                        dims.set(d, Dim.of(symbols.get(s.name())));
                    }
                }
                shape = new Shape(dims);
            }
            if (options.batch() != null && shape != null && shape.rank() > 0) {
                // --batch sets the leading dim of every input, a --input shape's too
                shape = shape.withDim(0, Dim.of(options.batch()));
            }
            if (options.batch() == null && shape != null && shape.rank() > 0
                    && shape.dim(0) instanceof Dim.Symbolic s) {
                // costs need sizes: a free batch symbol defaults to 1, as torchinfo's examples do
                Long bound = symbols.get(s.name());
                shape = shape.withDim(0, Dim.of(bound == null ? 1 : bound));
                if (bound == null) {
                    symbols.put(s.name(), 1L);
                    warnings.add("input '" + in.name() + "' has a symbolic batch dimension '" + s.name()
                            + "'; assuming 1 (use --batch N)");
                }
            }
            if (declared.shape() != null && declared.shape().rank() > 0 && shape != null && shape.rank() > 0
                    && declared.shape().dim(0) instanceof Dim.Known was && shape.dim(0) instanceof Dim.Known now
                    && was.value() > 0 && now.value() > was.value() && now.value() % was.value() == 0) {
                rebatch = now.value() / was.value();
            }
            if (shape != null && !shape.isFullyKnown()) {
                warnings.add("input '" + in.name() + "' has dimensions no option binds (" + shape + "): costs that"
                        + " depend on them are missing; give them with --input " + in.name() + "=SHAPE");
            }
            out.put(in.name(), new TensorType(declared.dtype(), shape));
        }
        return new Result(out, warnings, rebatch);
    }
}
