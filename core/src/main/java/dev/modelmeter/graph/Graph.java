package dev.modelmeter.graph;

import java.util.List;

/**
 * A computation graph: nodes in the order the file lists them (ONNX requires topological order; the
 * shape engine checks it), declared inputs, outputs and intermediate types, and stored tensors.
 */
public record Graph(String name, List<Node> nodes, List<ValueInfo> inputs, List<ValueInfo> outputs,
                    List<ValueInfo> valueInfo, List<TensorData> initializers) {

    /**
     * Copies the lists.
     *
     * @param name         the graph's name
     * @param nodes        its nodes, in file order
     * @param inputs       declared inputs (in older models, initializers may be listed too)
     * @param outputs      declared outputs
     * @param valueInfo    declared types of intermediate values
     * @param initializers stored tensors (weights and constants)
     */
    public Graph {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        valueInfo = List.copyOf(valueInfo);
        initializers = List.copyOf(initializers);
    }
}
