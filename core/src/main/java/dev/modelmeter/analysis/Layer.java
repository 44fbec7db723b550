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
 * @param costKnown    false when some node of the row has an unknown cost: its MACs and other FLOPs are
 *                     then not known (shown {@code ?}, {@code null} in JSON), {@code macs} holds the known part
 * @param approximate  whether some node's cost in the row is a bound (an If's larger branch)
 */
public record Layer(String name, String op, String moduleClass, int depth, List<TensorType> inputShapes,
                    List<TensorType> outputShapes,
                    long params, long buffers, long macs, long otherFlops, long outputBytes, int nodeCount,
                    List<String> formulas, boolean costKnown, boolean approximate) {

    /**
     * A row whose cost is known and exact.
     *
     * @param name         module path, or the node name
     * @param op           the operator doing the module's work
     * @param moduleClass  the PyTorch module class, or null
     * @param depth        number of path components
     * @param inputShapes  the activations entering the module call
     * @param outputShapes the outputs of its last node
     * @param params       parameter elements first used in this row
     * @param buffers      buffer elements first used in this row
     * @param macs         multiply-accumulates
     * @param otherFlops   other arithmetic, reported apart
     * @param outputBytes  bytes of the row's outputs
     * @param nodeCount    nodes folded into this row
     * @param formulas     the arithmetic behind the figures
     */
    public Layer(String name, String op, String moduleClass, int depth, List<TensorType> inputShapes,
                 List<TensorType> outputShapes, long params, long buffers, long macs, long otherFlops,
                 long outputBytes, int nodeCount, List<String> formulas) {
        this(name, op, moduleClass, depth, inputShapes, outputShapes, params, buffers, macs, otherFlops, outputBytes,
                nodeCount, formulas, true, false);
    }

    /**
     * Copies the lists.
     *
     * @param name         module path, or the node name
     * @param op           the operator doing the module's work
     * @param moduleClass  the PyTorch module class, or null
     * @param depth        number of path components
     * @param inputShapes  the activations entering the module call
     * @param outputShapes the outputs of its last node
     * @param params       parameter elements first used in this row
     * @param buffers      buffer elements first used in this row
     * @param macs         multiply-accumulates
     * @param otherFlops   other arithmetic, reported apart
     * @param outputBytes  bytes of the row's outputs
     * @param nodeCount    nodes folded into this row
     * @param formulas     the arithmetic behind the figures
     * @param costKnown    whether every node's cost in the row is known
     * @param approximate  whether some node's cost in the row is a bound
     */
    public Layer {
        inputShapes = List.copyOf(inputShapes);
        outputShapes = List.copyOf(outputShapes);
        formulas = List.copyOf(formulas);
    }

    /**
     * FLOPs in FlopCounterMode's convention (two per MAC).
     *
     * @return {@code 2 × macs}
     */
    public long flops() {
        return 2 * macs;
    }
}
