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
        /**
         * Infers {@code body} with these input types.
         *
         * @param body       the sub-graph (a node's graph attribute)
         * @param inputTypes one type per body input, in order
         * @return the body's output types, in order; null entries where unknown
         */
        List<ValueType> infer(Graph body, List<ValueType> inputTypes);
    }

    /**
     * A sub-graph's output types and, where small and known, their values (null entries otherwise).
     *
     * @param types  the body's output types, in order
     * @param values their known values, in order (null entries where unknown)
     * @param shaped the body's nodes with their inferred types (for costing what runs), or null when the
     *               inferrer does not keep them
     */
    public record SubgraphResult(List<ValueType> types, List<TensorValue> values, ShapedGraph shaped) {

        /**
         * A result without the body's node types.
         *
         * @param types  the body's output types
         * @param values their known values
         */
        public SubgraphResult(List<ValueType> types, List<TensorValue> values) {
            this(types, values, null);
        }
    }

    /** A {@link SubgraphInferrer} that also tells the body outputs' known values (an If on a known condition passes them on). */
    @FunctionalInterface
    public interface SubgraphValueInferrer extends SubgraphInferrer {
        /**
         * {@code inputValues} may be shorter than the inputs or hold nulls: those inputs' values are unknown.
         *
         * @param body        the sub-graph (a node's graph attribute)
         * @param inputTypes  one type per body input, in order
         * @param inputValues known values of the body inputs, by position
         * @return the body's output types and values
         */
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
    private BodyRuns bodyRuns;

    private final long rebatchFactor;

    /** Element types, in order, of sequence inputs whose elements are known one by one (null entries otherwise). */
    private List<List<ValueType>> inputContents = List.of();
    private final List<List<ValueType>> outputContents = new ArrayList<>();

    /** Partly symbolic shape vectors of inputs and outputs (see {@link ShapeVector}); null entries otherwise. */
    private List<ShapeVector> inputVectors = List.of();
    private final List<ShapeVector> outputVectors = new ArrayList<>();

    /**
     * A context for one node whose batch was not changed (rebatch factor 1).
     *
     * @param node        the node being inferred
     * @param opset       the opset version in force for the node's domain
     * @param inputTypes  the node's input types by position (null where unknown)
     * @param inputValues the node's known small input values by position (null where unknown)
     * @param subgraphs   infers the node's body attributes (If/Loop/Scan)
     */
    public InferenceContext(Node node, int opset, List<ValueType> inputTypes, List<TensorValue> inputValues,
                            SubgraphInferrer subgraphs) {
        this(node, opset, inputTypes, inputValues, subgraphs, 1);
    }

    /**
     * A context for one node.
     *
     * @param node          the node being inferred
     * @param opset         the opset version in force for the node's domain
     * @param inputTypes    the node's input types by position (null where unknown)
     * @param inputValues   the node's known small input values by position (null where unknown)
     * @param subgraphs     infers the node's body attributes (If/Loop/Scan)
     * @param rebatchFactor new batch ÷ the batch the export's constants were written for; see {@link #rebatchFactor()}
     */
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

    /**
     * The engine tells which inputs are partly symbolic shape vectors (one entry per input, null otherwise).
     *
     * @param vectors one entry per input, in order
     */
    public void setInputVectors(List<ShapeVector> vectors) {
        this.inputVectors = new ArrayList<>(vectors);
    }

    /**
     * Input {@code i} as a shape vector: its value when known (rank 0 or 1), else the partly symbolic
     * vector the engine tracked, else null.
     *
     * @param i the input's position
     * @return the vector, or null when input {@code i} is neither known nor tracked
     */
    public ShapeVector inputVector(int i) {
        TensorValue v = inputValue(i);
        if (v != null) {
            return ShapeVector.of(v);
        }
        return hasInput(i) && i < inputVectors.size() ? inputVectors.get(i) : null;
    }

    /**
     * Sets output {@code i} to this int64 vector: a value when every entry is a number, else type plus vector.
     *
     * @param i the output's position
     * @param v the vector it holds
     */
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

    /**
     * The partly symbolic vector of output {@code i}, or null.
     *
     * @param i the output's position
     * @return the vector set by {@link #outputVector(int, ShapeVector)}, or null
     */
    public ShapeVector outputVector(int i) {
        return outputVectors.get(i);
    }

    /**
     * The engine tells which sequence inputs have known contents (one entry per input, null when unknown).
     *
     * @param contents one entry per input, in order
     */
    public void setInputContents(List<List<ValueType>> contents) {
        this.inputContents = new ArrayList<>(contents);
    }

    /**
     * The element types, in order, of sequence input {@code i}, or null when only its element type is known.
     *
     * @param i the input's position
     * @return the element types, or null
     */
    public List<ValueType> inputContents(int i) {
        return hasInput(i) && i < inputContents.size() ? inputContents.get(i) : null;
    }

    /**
     * Sets output {@code i} to a sequence of exactly these elements; its type's element covers them all
     * ({@code elementUnion} merges two element types; an empty sequence has a null element type).
     *
     * @param i            the output's position
     * @param elements     the element types, in order (a null entry leaves the output unknown)
     * @param elementUnion merges two element types into one that covers both
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

    /**
     * The known contents of output {@code i}, or null.
     *
     * @param i the output's position
     * @return the element types set by {@link #outputContents(int, List, java.util.function.BinaryOperator)}, or null
     */
    public List<ValueType> outputContents(int i) {
        return outputContents.get(i);
    }

    /**
     * How many times larger the batch is than the one a fixed-shape export baked into its constants
     * (1 when the batch was not changed). Exporters write constant reshape targets such as
     * {@code [1, 1280]} or {@code [128, 768]} (= batch × sequence); a rule whose constant disagrees
     * with its input by exactly this factor may scale the batch entry.
     *
     * @return the factor, at least 1
     */
    public long rebatchFactor() {
        return rebatchFactor;
    }

    /**
     * The node being inferred: its op type, attributes and input/output names.
     *
     * @return the node
     */
    public Node node() {
        return node;
    }

    /**
     * The opset version in force for this node's domain.
     *
     * @return the version
     */
    public int opset() {
        return opset;
    }

    /**
     * How many inputs the node lists, omitted optional ones (empty names) included.
     *
     * @return the count
     */
    public int inputCount() {
        return node.inputs().size();
    }

    /**
     * How many outputs the node lists, omitted optional ones (empty names) included.
     *
     * @return the count
     */
    public int outputCount() {
        return node.outputs().size();
    }

    /**
     * True when input {@code i} is given (not omitted).
     *
     * @param i the input's position
     * @return whether it is given
     */
    public boolean hasInput(int i) {
        return i < node.inputs().size() && !node.inputs().get(i).isEmpty();
    }

    /**
     * True when output {@code i} is requested (not omitted).
     *
     * @param i the output's position
     * @return whether it is requested
     */
    public boolean hasOutput(int i) {
        return i < node.outputs().size() && !node.outputs().get(i).isEmpty();
    }

    /**
     * The type of input {@code i}, or null when absent or unknown.
     *
     * @param i the input's position
     * @return the type, or null
     */
    public ValueType inputType(int i) {
        return hasInput(i) && i < inputTypes.length ? inputTypes[i] : null;
    }

    /**
     * Input {@code i} as a tensor type; fails when it is absent, unknown or not a tensor.
     *
     * @param i the input's position
     * @return the tensor type
     */
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

    /**
     * Input {@code i} as a tensor type, or null when absent/unknown/not a tensor.
     *
     * @param i the input's position
     * @return the tensor type, or null
     */
    public TensorType inputOrNull(int i) {
        return inputType(i) instanceof TensorType tt ? tt : null;
    }

    /**
     * The shape of input {@code i}, or null when its rank is unknown.
     *
     * @param i the input's position
     * @return the shape, or null
     */
    public Shape inputShape(int i) {
        return input(i).shape();
    }

    /**
     * The known value of input {@code i}, or null.
     *
     * @param i the input's position
     * @return the value, or null
     */
    public TensorValue inputValue(int i) {
        return hasInput(i) && i < inputValues.length ? inputValues[i] : null;
    }

    /**
     * The known integer values of input {@code i}, or null when not known.
     *
     * @param i the input's position
     * @return the values in row-major order, or null
     */
    public long[] inputLongs(int i) {
        TensorValue v = inputValue(i);
        return v == null ? null : v.asLongs();
    }

    /**
     * The node's attribute of this name.
     *
     * @param name the attribute name
     * @return the attribute, or null when the node does not set it
     */
    public Attribute attr(String name) {
        return node.attributes().get(name);
    }

    /**
     * Whether the node sets this attribute (rules that must tell "absent" from "default" ask this).
     *
     * @param name the attribute name
     * @return whether it is set
     */
    public boolean hasAttr(String name) {
        return node.attributes().containsKey(name);
    }

    /**
     * An integer attribute.
     *
     * @param name         the attribute name
     * @param defaultValue the ONNX default, returned when the node does not set it
     * @return the value
     */
    public long intAttr(String name, long defaultValue) {
        return node.intAttr(name, defaultValue);
    }

    /**
     * A float attribute.
     *
     * @param name         the attribute name
     * @param defaultValue the ONNX default, returned when the node does not set it
     * @return the value
     */
    public double floatAttr(String name, double defaultValue) {
        return node.floatAttr(name, defaultValue);
    }

    /**
     * A string attribute.
     *
     * @param name         the attribute name
     * @param defaultValue the ONNX default, returned when the node does not set it
     * @return the value
     */
    public String stringAttr(String name, String defaultValue) {
        return node.stringAttr(name, defaultValue);
    }

    /**
     * The ints of a list attribute as an array, or null when absent.
     *
     * @param name the attribute name
     * @return the ints, or null
     */
    public long[] intsAttr(String name) {
        List<Long> l = node.intsAttr(name);
        return l == null ? null : l.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Sets the type of output {@code i}; an output the node does not list is ignored.
     *
     * @param i    the output's position
     * @param type its type (null leaves it unknown)
     */
    public void output(int i, ValueType type) {
        if (i < outputTypes.length) {
            outputTypes[i] = type;
        }
    }

    /**
     * Sets output {@code i} to a tensor of this element type and shape.
     *
     * @param i     the output's position
     * @param dtype its element type
     * @param shape its shape
     */
    public void output(int i, DType dtype, Shape shape) {
        output(i, new TensorType(dtype, shape));
    }

    /**
     * Sets output {@code i} to a known value; its type follows from the value.
     *
     * @param i     the output's position
     * @param value its value; kept only when it has at most {@link TensorValue#MAX_ELEMENTS} elements
     */
    public void outputValue(int i, TensorValue value) {
        if (i < outputTypes.length) {
            outputTypes[i] = value.type();
            outputValues[i] = value.size() <= TensorValue.MAX_ELEMENTS ? value : null;
        }
    }

    /**
     * The type the rule set for output {@code i}.
     *
     * @param i the output's position
     * @return the type, or null when not set
     */
    public ValueType outputType(int i) {
        return outputTypes[i];
    }

    /**
     * The known value the rule set for output {@code i}.
     *
     * @param i the output's position
     * @return the value, or null when not known
     */
    public TensorValue outputValue(int i) {
        return outputValues[i];
    }

    /**
     * The output types the rule set, one per listed output.
     *
     * @return a copy, with null entries where not set
     */
    public List<ValueType> outputTypes() {
        return Arrays.asList(outputTypes.clone());
    }

    /**
     * The known output values, one per listed output.
     *
     * @return a copy, with null entries where not known
     */
    public List<TensorValue> outputValues() {
        return Arrays.asList(outputValues.clone());
    }

    /**
     * Infers a sub-graph of this node (a body attribute) from the given input types.
     *
     * @param body           the sub-graph
     * @param bodyInputTypes one type per body input, in order
     * @return the body's output types, in order
     */
    public List<ValueType> inferSubgraph(Graph body, List<ValueType> bodyInputTypes) {
        return subgraphs.infer(body, bodyInputTypes);
    }

    /**
     * Like {@link #inferSubgraph}, with the output values the engine could tell (all null when it tells none).
     *
     * @param body           the sub-graph
     * @param bodyInputTypes one type per body input, in order
     * @return the body's output types and values
     */
    public SubgraphResult inferSubgraphWithValues(Graph body, List<ValueType> bodyInputTypes) {
        return inferSubgraphWithValues(body, bodyInputTypes, List.of());
    }

    /**
     * Infers a sub-graph whose inputs have these known values (a loop body at a known iteration).
     *
     * @param body            the sub-graph
     * @param bodyInputTypes  one type per body input, in order
     * @param bodyInputValues known values of the body inputs, by position (null where unknown)
     * @return the body's output types and values
     */
    public SubgraphResult inferSubgraphWithValues(Graph body, List<ValueType> bodyInputTypes,
                                                  List<TensorValue> bodyInputValues) {
        if (subgraphs instanceof SubgraphValueInferrer v) {
            return v.inferWithValues(body, bodyInputTypes, bodyInputValues);
        }
        List<ValueType> types = subgraphs.infer(body, bodyInputTypes);
        return new SubgraphResult(types, Arrays.asList(new TensorValue[types.size()]));
    }

    /**
     * Records which bodies this control-flow node runs and how often (see {@link BodyRuns}); the engine
     * keeps them with the shaped graph so that the analysis can cost them.
     *
     * @param runs the bodies that run
     */
    public void bodies(BodyRuns runs) {
        this.bodyRuns = runs;
    }

    /**
     * The bodies recorded with {@link #bodies(BodyRuns)}.
     *
     * @return them, or null when the rule recorded none
     */
    public BodyRuns bodyRuns() {
        return bodyRuns;
    }

    /**
     * Records a note for the user (a guess made, an attribute ignored); the engine reports it with the
     * node's results.
     *
     * @param message what to tell
     */
    public void warn(String message) {
        warnings.add(message);
    }

    /**
     * The notes recorded with {@link #warn(String)}.
     *
     * @return them, in order
     */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * An exception naming this node; throw what it returns.
     *
     * @param message what is wrong, without the node's name (it is prefixed)
     * @return the exception
     */
    public ShapeException fail(String message) {
        return new ShapeException(node.opType() + " '" + node.name() + "': " + message);
    }
}
