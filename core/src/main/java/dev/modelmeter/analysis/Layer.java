package dev.modelmeter.analysis;

import dev.modelmeter.graph.TensorType;

import java.util.List;

/**
 * A row of the summary: one module call (consecutive nodes of the same module path), folded to the
 * requested depth, or one node in the flat view.
 *
 * @param name         module path ({@code layer1.0.conv1}), or the node name when the path is unknown
 * @param op           the operator that does the module's work (its Conv, Gemm…), or the only one
 * @param depth        number of path components (1 for {@code features}, 2 for {@code features.0})
 * @param outputShapes the outputs of the module call's last node
 * @param nodeCount    nodes folded into this row
 * @param formulas     the arithmetic behind the row's figures, node by node (for {@code --explain})
 * @param moduleClass  the PyTorch module class when the source says it ({@code Conv2d}), else null
 */
public record Layer(String name, String op, String moduleClass, int depth, List<TensorType> inputShapes,
                    List<TensorType> outputShapes,
                    long params, long buffers, long macs, long otherFlops, long outputBytes, int nodeCount,
                    List<String> formulas) {

    public Layer {
        inputShapes = List.copyOf(inputShapes);
        outputShapes = List.copyOf(outputShapes);
        formulas = List.copyOf(formulas);
    }

    public long flops() {
        return 2 * macs;
    }
}
