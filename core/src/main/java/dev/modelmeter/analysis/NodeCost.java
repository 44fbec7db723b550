package dev.modelmeter.analysis;

import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;

import java.util.List;

/**
 * One node's figures: the parameters it is the first to use, its MACs and other FLOPs, and the
 * bytes of its outputs. {@code costKnown} is false when a shape it needs is unknown or its operator
 * has no cost rule: its MACs are then not known (renderers show {@code ?}, JSON {@code null}) and the
 * summary is partial. {@code approximate} marks a bound (an If whose branch is not known counts the
 * larger one); {@code costNote} says why the cost is unknown or approximate (null otherwise).
 *
 * @param paramNames  the parameter tensors first used by this node
 * @param outputBytes bytes of its outputs (0 for views and for values computed at analysis time)
 * @param explanation the arithmetic behind its figures with the numbers put in (for {@code --explain})
 */
public record NodeCost(Node node, List<TensorType> inputs, List<TensorType> outputs, long params, long buffers,
                       List<String> paramNames, long macs, long otherFlops, long outputBytes, boolean costKnown,
                       boolean constantFolded, List<String> explanation, boolean approximate, String costNote) {

    /**
     * An exact or unknown cost without a note.
     *
     * @param node           the node
     * @param inputs         its input types
     * @param outputs        its output types
     * @param params         parameter elements it is the first to use
     * @param buffers        buffer elements it is the first to use
     * @param paramNames     those parameters' names
     * @param macs           multiply-accumulates
     * @param otherFlops     other arithmetic, reported apart
     * @param outputBytes    bytes of its outputs
     * @param costKnown      whether its cost could be computed
     * @param constantFolded whether it was computed at analysis time
     * @param explanation    the arithmetic behind its figures
     */
    public NodeCost(Node node, List<TensorType> inputs, List<TensorType> outputs, long params, long buffers,
                    List<String> paramNames, long macs, long otherFlops, long outputBytes, boolean costKnown,
                    boolean constantFolded, List<String> explanation) {
        this(node, inputs, outputs, params, buffers, paramNames, macs, otherFlops, outputBytes, costKnown,
                constantFolded, explanation, false, null);
    }

    /**
     * Copies the lists; null types become {@link #UNKNOWN}.
     *
     * @param node           the node
     * @param inputs         its input types
     * @param outputs        its output types
     * @param params         parameter elements it is the first to use
     * @param buffers        buffer elements it is the first to use
     * @param paramNames     those parameters' names
     * @param macs           multiply-accumulates
     * @param otherFlops     other arithmetic, reported apart
     * @param outputBytes    bytes of its outputs
     * @param costKnown      whether its cost could be computed
     * @param constantFolded whether it was computed at analysis time
     * @param explanation    the arithmetic behind its figures
     * @param approximate    whether its cost is a bound rather than exact
     * @param costNote       why its cost is unknown or approximate, or null
     */
    public NodeCost {
        inputs = List.copyOf(inputs.stream().map(t -> t == null ? UNKNOWN : t).toList());
        outputs = List.copyOf(outputs.stream().map(t -> t == null ? UNKNOWN : t).toList());
        paramNames = List.copyOf(paramNames);
        explanation = List.copyOf(explanation);
    }

    /** Stands for an unknown type inside the lists (records' lists hold no nulls). */
    public static final TensorType UNKNOWN = new TensorType(dev.modelmeter.graph.DType.UNDEFINED, null);

    /**
     * FLOPs in FlopCounterMode's convention (two per MAC).
     *
     * @return {@code 2 × macs}
     */
    public long flops() {
        return 2 * macs;
    }
}
