package dev.modelmeter.ops;

import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;

import java.util.List;

/**
 * A node with the tensor types of its inputs and outputs; entries are null for omitted or unknown
 * values. Cost rules are only asked once every shape they read is known. {@code bodies} holds the
 * costs of a control-flow node's bodies (null for other nodes).
 */
public record CostContext(Node node, int opset, List<TensorType> inputs, List<TensorType> outputs, BodyCosts bodies) {

    /**
     * A context for a node without bodies.
     *
     * @param node    the node
     * @param opset   the opset version in force
     * @param inputs  its input types
     * @param outputs its output types
     */
    public CostContext(Node node, int opset, List<TensorType> inputs, List<TensorType> outputs) {
        this(node, opset, inputs, outputs, null);
    }

    /**
     * The type of input {@code i}.
     *
     * @param i the input's position
     * @return the type, or null when absent or unknown
     */
    public TensorType input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    /**
     * The type of output {@code i}.
     *
     * @param i the output's position
     * @return the type, or null when absent or unknown
     */
    public TensorType output(int i) {
        return i < outputs.size() ? outputs.get(i) : null;
    }

    /**
     * Elements of input {@code i}; 0 when absent or not fully known.
     *
     * @param i the input's position
     * @return the element count
     */
    public long inputNumel(int i) {
        TensorType t = input(i);
        return t == null ? 0 : t.numel().orElse(0);
    }

    /**
     * Elements of output {@code i}; 0 when absent or not fully known.
     *
     * @param i the output's position
     * @return the element count
     */
    public long outputNumel(int i) {
        TensorType t = output(i);
        return t == null ? 0 : t.numel().orElse(0);
    }
}
