package dev.modelmeter.ops;

import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;

import java.util.List;

/**
 * A node with the tensor types of its inputs and outputs; entries are null for omitted or unknown
 * values. Cost rules are only asked once every shape they read is known.
 */
public record CostContext(Node node, int opset, List<TensorType> inputs, List<TensorType> outputs) {

    public TensorType input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    public TensorType output(int i) {
        return i < outputs.size() ? outputs.get(i) : null;
    }

    /** Elements of input {@code i}; 0 when absent or not fully known. */
    public long inputNumel(int i) {
        TensorType t = input(i);
        return t == null ? 0 : t.numel().orElse(0);
    }

    /** Elements of output {@code i}; 0 when absent or not fully known. */
    public long outputNumel(int i) {
        TensorType t = output(i);
        return t == null ? 0 : t.numel().orElse(0);
    }
}
