package dev.modelmeter.shapes;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.ops.OpRegistry;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one ONNX test model through the reader and the shape engine the way a user's model would go,
 * but with every declaration the file makes about its outputs removed (graph output types and
 * value_info), input types taken from the test's real inputs and input values from its input files;
 * then compares each output's dtype and shape with the truth (expected.json, computed by the ONNX
 * project from real runs). Sequence outputs are compared element-wise against the one element type
 * the engine infers; an optional output is compared by its value's type, an empty one by kind.
 */
final class ConformanceHarness {

    /** How one test went: passed, or the reason it did not; {@code foreign} is anything but our own error. */
    record Outcome(String test, boolean passed, String reason, Throwable foreign) {
        static Outcome pass(String test) {
            return new Outcome(test, true, null, null);
        }

        static Outcome fail(String test, String reason) {
            return new Outcome(test, false, reason, null);
        }
    }

    private static final OpRegistry REGISTRY = OpRegistry.standard();

    private ConformanceHarness() {
    }

    /**
     * @param model    the model file
     * @param inputs   expected.json {@code inputs} (entries may carry {@code file}, relative to the model's folder)
     * @param outputs  expected.json {@code outputs}
     */
    static Outcome run(String test, Path model, JsonNode inputs, JsonNode outputs) {
        return run(test, model, inputs, outputs, REGISTRY);
    }

    /** The same with other shape rules (the harness's own test uses a stand-in). */
    static Outcome run(String test, Path model, JsonNode inputs, JsonNode outputs, ShapeRuleLookup rules) {
        try {
            return compare(test, model, inputs, outputs, rules);
        } catch (ModelMeterException e) {
            return Outcome.fail(test, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (Throwable e) {
            return new Outcome(test, false, "FOREIGN " + e, e);
        }
    }

    private static Outcome compare(String test, Path modelFile, JsonNode inputs, JsonNode outputs,
                                   ShapeRuleLookup rules) {
        Model model = OnnxReader.read(modelFile);
        Graph g = model.graph();
        Map<String, ValueType> declaredInputs = new HashMap<>();
        g.inputs().forEach(v -> declaredInputs.put(v.name(), v.type()));

        Map<String, ValueType> types = new HashMap<>();
        Map<String, TensorValue> values = new HashMap<>();
        for (JsonNode in : inputs) {
            String name = in.get("name").asString();
            ValueType t = typeOf(in, declaredInputs.get(name));
            if (t != null) {
                types.put(name, t);
            }
            JsonNode file = in.path("file");
            if (t instanceof TensorType && file.isString()) {
                Path p = modelFile.resolveSibling(file.asString());
                if (Files.exists(p)) {
                    TensorData data = OnnxReader.readTensorFile(p);
                    if (data.value() != null) {
                        values.put(name, data.value());
                    }
                }
            }
        }
        List<ValueInfo> strippedOutputs = g.outputs().stream().map(v -> new ValueInfo(v.name(), null)).toList();
        Graph stripped = new Graph(g.name(), g.nodes(), g.inputs(), strippedOutputs, List.of(), g.initializers());
        ShapedGraph shaped = ShapeInference.infer(stripped, model.opsets(), rules,
                new ShapeInference.Options(types, values, true));

        List<String> problems = new ArrayList<>();
        for (JsonNode out : outputs) {
            String name = out.get("name").asString();
            String problem = mismatch(shaped.type(name), out);
            if (problem != null) {
                problems.add(name + ": " + problem);
            }
        }
        if (problems.isEmpty()) {
            return Outcome.pass(test);
        }
        String reason = String.join("; ", problems);
        if (!shaped.unknownOps().isEmpty()) {
            reason = "no shape rule for " + shaped.unknownOps().keySet() + " (" + reason + ")";
        }
        return Outcome.fail(test, reason);
    }

    /** The type an expected.json entry describes; {@code declared} stands in for an empty optional. */
    static ValueType typeOf(JsonNode e, ValueType declared) {
        if (e == null || e.isNull()) {
            return declared;
        }
        String kind = e.path("kind").asString("tensor");
        switch (kind) {
            case "sequence" -> {
                List<TensorType> elements = new ArrayList<>();
                for (JsonNode el : e.path("elements")) {
                    if (typeOf(el, null) instanceof TensorType t) {
                        elements.add(t);
                    }
                }
                if (elements.isEmpty()) {
                    // an empty sequence: no element yet (the shape rules' convention, see TypeUnion), so the
                    // first insertion decides the element type instead of the declaration's unshaped one
                    return new ValueType.SequenceType(null);
                }
                return new ValueType.SequenceType(merge(elements));
            }
            case "optional" -> {
                if (!e.path("has_value").asBoolean(false)) {
                    return declared;
                }
                ValueType inner = typeOf(e.get("value"), null);
                return inner == null ? declared : new ValueType.OptionalType(inner);
            }
            default -> {
                if (e.path("dtype").isNull() || e.path("shape").isNull()) {
                    return declared;
                }
                List<Long> shape = new ArrayList<>();
                e.get("shape").forEach(d -> shape.add(d.asLong()));
                return new TensorType(dtype(e.get("dtype").asString()), Shape.of(shape));
            }
        }
    }

    /** One element type for a sequence: dims the elements agree on are kept, others unknown. */
    private static TensorType merge(List<TensorType> elements) {
        TensorType first = elements.get(0);
        int rank = first.shape().rank();
        if (elements.stream().anyMatch(t -> t.shape().rank() != rank)) {
            return new TensorType(first.dtype(), null);
        }
        List<Dim> dims = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            Dim dim = first.shape().dim(d);
            for (TensorType t : elements) {
                if (!t.shape().dim(d).equals(dim)) {
                    dim = Dim.unknown();
                }
            }
            dims.add(dim);
        }
        return new TensorType(first.dtype(), new Shape(dims));
    }

    static DType dtype(String onnxName) {
        try {
            return DType.valueOf(onnxName);
        } catch (IllegalArgumentException e) {
            return DType.UNDEFINED;
        }
    }

    /** Null when {@code actual} matches the expected entry, else what differs. */
    static String mismatch(ValueType actual, JsonNode expected) {
        String kind = expected.path("kind").asString("tensor");
        switch (kind) {
            case "sequence" -> {
                if (!(actual instanceof ValueType.SequenceType seq)) {
                    return "expected a sequence, got " + actual;
                }
                List<TensorType> elements = new ArrayList<>();
                for (JsonNode el : expected.path("elements")) {
                    elements.add(new TensorType(dtype(el.get("dtype").asString()), Shape.of(longs(el.get("shape")))));
                }
                if (elements.isEmpty()) {
                    return null; // an empty sequence tells nothing about its element type
                }
                TensorType want = merge(elements);
                if (want.shape() == null && seq.element() instanceof TensorType t && t.shape() == null
                        && t.dtype() == want.dtype()) {
                    return null; // elements of different ranks: an unknown rank is the only true answer
                }
                if (!(seq.element() instanceof TensorType t) || t.shape() == null || want.shape() == null
                        || t.dtype() != want.dtype() || t.shape().rank() != want.shape().rank()) {
                    return "expected elements " + want + ", got " + seq.element();
                }
                for (int d = 0; d < want.shape().rank(); d++) {
                    Dim w = want.shape().dim(d);
                    Dim got = t.shape().dim(d);
                    // where the elements agree the dim must be that size; where they differ it cannot be known
                    if (w.isKnown() ? !w.equals(got) : got.isKnown()) {
                        return "expected elements " + want + ", got " + t;
                    }
                }
                return null;
            }
            case "optional" -> {
                if (!(actual instanceof ValueType.OptionalType opt)) {
                    return "expected an optional, got " + actual;
                }
                if (!expected.path("has_value").asBoolean(false) || expected.path("value").isNull()) {
                    return null;
                }
                return mismatch(opt.element(), expected.get("value"));
            }
            default -> {
                if (!(actual instanceof TensorType t)) {
                    return "expected " + describe(expected) + ", got " + (actual == null ? "no type" : actual);
                }
                DType want = dtype(expected.get("dtype").asString());
                if (t.dtype() != want || t.shape() == null || !t.shape().equals(Shape.of(longs(expected.get("shape"))))) {
                    return "expected " + describe(expected) + ", got " + t;
                }
                return null;
            }
        }
    }

    private static List<Long> longs(JsonNode arr) {
        List<Long> out = new ArrayList<>();
        arr.forEach(d -> out.add(d.asLong()));
        return out;
    }

    private static String describe(JsonNode e) {
        return e.path("dtype").asString("?") + e.path("shape").toString();
    }
}
