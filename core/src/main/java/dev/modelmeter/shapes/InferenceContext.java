package dev.modelmeter.shapes;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link ShapeRule} sees of one node: its inputs' types and known values, its attributes and the
 * opset in force; and where it writes its outputs. Omitted optional inputs (empty names) and inputs
 * beyond the node's list read as absent.
 */
public final class InferenceContext {

    /** Infers a sub-graph (If/Loop/Scan bodies) with the given input types; returns its output types. */
    @FunctionalInterface
    public interface SubgraphInferrer {
        List<ValueType> infer(Graph body, List<ValueType> inputTypes);
    }

    /** A sub-graph's output types and, where small and known, their values (null entries otherwise). */
    public record SubgraphResult(List<ValueType> types, List<TensorValue> values) {
    }

    /** A {@link SubgraphInferrer} that also tells the body outputs' known values (an If on a known condition passes them on). */
    @FunctionalInterface
    public interface SubgraphValueInferrer extends SubgraphInferrer {
        /** {@code inputValues} may be shorter than the inputs or hold nulls: those inputs' values are unknown. */
        SubgraphResult inferWithValues(Graph body, List<ValueType> inputTypes, List<TensorValue> inputValues);

        @Override
        default List<ValueType> infer(Graph body, List<ValueType> inputTypes) {
            return inferWithValues(body, inputTypes, List.of()).types();
        }
    }

    private final Node node;
    private final int opset;
    private final ValueType[] inputTypes;
    private final TensorValue[] inputValues;
    private final ValueType[] outputTypes;
    private final TensorValue[] outputValues;
    private final SubgraphInferrer subgraphs;
    private final List<String> warnings = new ArrayList<>();

    private final long rebatchFactor;

    /** Element types, in order, of sequence inputs whose elements are known one by one (null entries otherwise). */
    private List<List<ValueType>> inputContents = List.of();
    private final List<List<ValueType>> outputContents = new ArrayList<>();

    /** Partly symbolic shape vectors of inputs and outputs (see {@link ShapeVector}); null entries otherwise. */
    private List<ShapeVector> inputVectors = List.of();
    private final List<ShapeVector> outputVectors = new ArrayList<>();

    public InferenceContext(Node node, int opset, List<ValueType> inputTypes, List<TensorValue> inputValues,
                            SubgraphInferrer subgraphs) {
        this(node, opset, inputTypes, inputValues, subgraphs, 1);
    }

    public InferenceContext(Node node, int opset, List<ValueType> inputTypes, List<TensorValue> inputValues,
                            SubgraphInferrer subgraphs, long rebatchFactor) {
        this.rebatchFactor = rebatchFactor;
        this.node = node;
        this.opset = opset;
        this.inputTypes = inputTypes.toArray(new ValueType[0]);
        this.inputValues = inputValues.toArray(new TensorValue[0]);
        this.outputTypes = new ValueType[node.outputs().size()];
        this.outputValues = new TensorValue[node.outputs().size()];
        this.subgraphs = subgraphs;
        for (int i = 0; i < node.outputs().size(); i++) {
            outputContents.add(null);
            outputVectors.add(null);
        }
    }

    /** The engine tells which inputs are partly symbolic shape vectors (one entry per input, null otherwise). */
    public void setInputVectors(List<ShapeVector> vectors) {
        this.inputVectors = new ArrayList<>(vectors);
    }

    /**
     * Input {@code i} as a shape vector: its value when known (rank 0 or 1), else the partly symbolic
     * vector the engine tracked, else null.
     */
    public ShapeVector inputVector(int i) {
        TensorValue v = inputValue(i);
        if (v != null) {
            return ShapeVector.of(v);
        }
        return hasInput(i) && i < inputVectors.size() ? inputVectors.get(i) : null;
    }

    /** Sets output {@code i} to this int64 vector: a value when every entry is a number, else type plus vector. */
    public void outputVector(int i, ShapeVector v) {
        if (v.allNumbers()) {
            outputValue(i, v.toValue(DType.INT64));
            return;
        }
        output(i, DType.INT64, v.scalar() ? Shape.SCALAR : Shape.of(v.size()));
        if (i < outputVectors.size()) {
            outputVectors.set(i, v);
        }
    }

    /** The partly symbolic vector of output {@code i}, or null. */
    public ShapeVector outputVector(int i) {
        return outputVectors.get(i);
    }

    /** The engine tells which sequence inputs have known contents (one entry per input, null when unknown). */
    public void setInputContents(List<List<ValueType>> contents) {
        this.inputContents = new ArrayList<>(contents);
    }

    /** The element types, in order, of sequence input {@code i}, or null when only its element type is known. */
    public List<ValueType> inputContents(int i) {
        return hasInput(i) && i < inputContents.size() ? inputContents.get(i) : null;
    }

    /**
     * Sets output {@code i} to a sequence of exactly these elements; its type's element covers them all
     * ({@code elementUnion} merges two element types; an empty sequence has a null element type).
     */
    public void outputContents(int i, List<ValueType> elements, java.util.function.BinaryOperator<ValueType> elementUnion) {
        if (i < outputTypes.length && elements.stream().anyMatch(java.util.Objects::isNull)) {
            outputTypes[i] = null; // an element of unknown type: nothing to tell
        } else if (i < outputTypes.length) {
            ValueType element = null;
            for (ValueType e : elements) {
                element = element == null ? e : elementUnion.apply(element, e);
            }
            outputTypes[i] = new ValueType.SequenceType(element);
            outputContents.set(i, List.copyOf(elements));
        }
    }

    /** The known contents of output {@code i}, or null. */
    public List<ValueType> outputContents(int i) {
        return outputContents.get(i);
    }

    /**
     * How many times larger the batch is than the one a fixed-shape export baked into its constants
     * (1 when the batch was not changed). Exporters write constant reshape targets such as
     * {@code [1, 1280]} or {@code [128, 768]} (= batch × sequence); a rule whose constant disagrees
     * with its input by exactly this factor may scale the batch entry.
     */
    public long rebatchFactor() {
        return rebatchFactor;
    }

    public Node node() {
        return node;
    }

    /** The opset version in force for this node's domain. */
    public int opset() {
        return opset;
    }

    public int inputCount() {
        return node.inputs().size();
    }

    public int outputCount() {
        return node.outputs().size();
    }

    /** True when input {@code i} is given (not omitted). */
    public boolean hasInput(int i) {
        return i < node.inputs().size() && !node.inputs().get(i).isEmpty();
    }

    /** True when output {@code i} is requested (not omitted). */
    public boolean hasOutput(int i) {
        return i < node.outputs().size() && !node.outputs().get(i).isEmpty();
    }

    /** The type of input {@code i}, or null when absent or unknown. */
    public ValueType inputType(int i) {
        return hasInput(i) && i < inputTypes.length ? inputTypes[i] : null;
    }

    /** Input {@code i} as a tensor type; fails when it is absent, unknown or not a tensor. */
    public TensorType input(int i) {
        ValueType t = inputType(i);
        if (t instanceof TensorType tt) {
            return tt;
        }
        if (t == null && hasInput(i)) {
            throw new UnknownInputException(node.opType() + " '" + node.name() + "': input " + i + " has an unknown type");
        }
        throw fail(t == null ? "required input " + i + " is missing" : "input " + i + " is not a tensor");
    }

    /** Input {@code i} as a tensor type, or null when absent/unknown/not a tensor. */
    public TensorType inputOrNull(int i) {
        return inputType(i) instanceof TensorType tt ? tt : null;
    }

    /** The shape of input {@code i}, or null when its rank is unknown. */
    public Shape inputShape(int i) {
        return input(i).shape();
    }

    /** The known value of input {@code i}, or null. */
    public TensorValue inputValue(int i) {
        return hasInput(i) && i < inputValues.length ? inputValues[i] : null;
    }

    /** The known integer values of input {@code i}, or null when not known. */
    public long[] inputLongs(int i) {
        TensorValue v = inputValue(i);
        return v == null ? null : v.asLongs();
    }

    public Attribute attr(String name) {
        return node.attributes().get(name);
    }

    public boolean hasAttr(String name) {
        return node.attributes().containsKey(name);
    }

    public long intAttr(String name, long defaultValue) {
        return node.intAttr(name, defaultValue);
    }

    public double floatAttr(String name, double defaultValue) {
        return node.floatAttr(name, defaultValue);
    }

    public String stringAttr(String name, String defaultValue) {
        return node.stringAttr(name, defaultValue);
    }

    /** The ints of a list attribute as an array, or null when absent. */
    public long[] intsAttr(String name) {
        List<Long> l = node.intsAttr(name);
        return l == null ? null : l.stream().mapToLong(Long::longValue).toArray();
    }

    public void output(int i, ValueType type) {
        if (i < outputTypes.length) {
            outputTypes[i] = type;
        }
    }

    public void output(int i, DType dtype, Shape shape) {
        output(i, new TensorType(dtype, shape));
    }

    /** Sets output {@code i} to a known value; its type follows from the value. */
    public void outputValue(int i, TensorValue value) {
        if (i < outputTypes.length) {
            outputTypes[i] = value.type();
            outputValues[i] = value.size() <= TensorValue.MAX_ELEMENTS ? value : null;
        }
    }

    public ValueType outputType(int i) {
        return outputTypes[i];
    }

    public TensorValue outputValue(int i) {
        return outputValues[i];
    }

    public List<ValueType> outputTypes() {
        return Arrays.asList(outputTypes.clone());
    }

    public List<TensorValue> outputValues() {
        return Arrays.asList(outputValues.clone());
    }

    /** Infers a sub-graph of this node (a body attribute) from the given input types. */
    public List<ValueType> inferSubgraph(Graph body, List<ValueType> bodyInputTypes) {
        return subgraphs.infer(body, bodyInputTypes);
    }

    /** Like {@link #inferSubgraph}, with the output values the engine could tell (all null when it tells none). */
    public SubgraphResult inferSubgraphWithValues(Graph body, List<ValueType> bodyInputTypes) {
        return inferSubgraphWithValues(body, bodyInputTypes, List.of());
    }

    /** Infers a sub-graph whose inputs have these known values (a loop body at a known iteration). */
    public SubgraphResult inferSubgraphWithValues(Graph body, List<ValueType> bodyInputTypes,
                                                  List<TensorValue> bodyInputValues) {
        if (subgraphs instanceof SubgraphValueInferrer v) {
            return v.inferWithValues(body, bodyInputTypes, bodyInputValues);
        }
        List<ValueType> types = subgraphs.infer(body, bodyInputTypes);
        return new SubgraphResult(types, Arrays.asList(new TensorValue[types.size()]));
    }

    public void warn(String message) {
        warnings.add(message);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** An exception naming this node; throw what it returns. */
    public ShapeException fail(String message) {
        return new ShapeException(node.opType() + " '" + node.name() + "': " + message);
    }
}
