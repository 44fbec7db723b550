package dev.modelmeter.analysis;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.List;
import java.util.Map;

/**
 * Everything {@code summary} reports, computed once; renderers only read it.
 *
 * @param nodes            every node of the main graph in execution order, with its costs
 * @param layers           module rows at the requested depth (or one per node in the flat view)
 * @param inputs           the bound graph inputs (name → type)
 * @param outputs          the graph outputs (name → inferred type)
 * @param weightBytesByDtype bytes of parameters and buffers per element type
 * @param layerOutputBytes sum of the rows' output bytes (torchsummary's "forward pass" base figure)
 * @param unknownOps       operator → nodes with no rule; any makes the result partial
 * @param inferencePeakBytes eval forward without grad: peak of live bytes beyond parameters and buffers
 *                         (inputs and activations), or -1 when shapes are unknown
 */
public record ModelSummary(Model model, ShapedGraph shaped, List<NodeCost> nodes, List<Layer> layers,
                           Map<String, TensorType> inputs, Map<String, TensorType> outputs, Params params,
                           long buffers, long bufferBytes, long macs, long otherFlops,
                           Map<DType, Long> weightBytesByDtype, long inputBytes, long layerOutputBytes,
                           long inferencePeakBytes, Map<String, Integer> unknownOps, List<String> warnings) {

    /** Parameter counts (elements), shared tensors once. */
    public record Params(long total, long trainable, long bytes) {
        /**
         * Parameters that are frozen (or otherwise not trainable).
         *
         * @return {@code total - trainable}
         */
        public long nonTrainable() {
            return total - trainable;
        }
    }

    /**
     * Whether some figures are missing: an operator without a rule, or a cost whose shapes are unknown.
     *
     * @return whether the summary is partial
     */
    public boolean partial() {
        return !unknownOps.isEmpty() || nodes.stream().anyMatch(n -> !n.costKnown());
    }

    /**
     * Whether some cost is a bound rather than exact: an If whose branch is not known from shapes counts
     * its larger branch.
     *
     * @return whether the summary is approximate
     */
    public boolean approximate() {
        return nodes.stream().anyMatch(NodeCost::approximate);
    }

    /**
     * Whether the inference peak is approximate: the graph holds If/Loop/Scan, which the memory planner
     * runs as one unit, with one run's temporaries estimated (docs/MEMORY.md).
     *
     * @return whether {@link #inferencePeakBytes()} is approximate
     */
    public boolean inferencePeakApproximate() {
        return !shaped.bodies().isEmpty();
    }

    /**
     * Whether every node's MACs are known (else {@link #macs()} is the known part only).
     *
     * @return false when some node's cost is unknown
     */
    public boolean costsKnown() {
        return nodes.stream().allMatch(NodeCost::costKnown);
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
