package dev.modelmeter.analysis.llm;

import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * MACs of one decode step (one new token per sequence with a KV cache of {@code context} positions), by
 * the same convention as the graph's MACs (FlopCounterMode ÷ 2, docs/CONVENTIONS.md): every linear
 * weight once (its element count: a [1, in] × [in, out] product), the LM head included, minus the experts
 * a token is not routed to; plus the attention products over the cache, {@code 2 × layers × heads ×
 * head_dim × context} (q·kᵀ and p·v). Embedding lookups, norms and element-wise ops are not MACs.
 */
public final class DecodeMacs {

    private DecodeMacs() {
    }

    /**
     * MACs per generated token of one sequence.
     *
     * @param graph          the model's (or one tensor-parallel rank's) graph
     * @param roles          initializer roles
     * @param inactiveParams parameters a token does not pass through (unrouted experts), 0 for a dense model
     * @param layers         decoder layers
     * @param heads          query heads (of the rank)
     * @param headDim        head size
     * @param context        cached positions attended (capped by a sliding window)
     * @return the MACs
     */
    public static long perToken(Graph graph, Map<String, InitializerRole> roles, long inactiveParams, int layers,
                                long heads, long headDim, long context) {
        Map<String, TensorData> inits = new HashMap<>();
        for (TensorData t : graph.initializers()) {
            inits.put(t.name(), t);
        }
        Set<String> weights = new HashSet<>();
        for (Node n : graph.nodes()) {
            String w = switch (n.opType()) {
                case "Transpose" -> n.inputs().get(0);
                case "MatMul", "Gemm" -> n.inputs().size() > 1 ? n.inputs().get(1) : null;
                default -> null;
            };
            TensorData t = w == null ? null : inits.get(w);
            if (t != null && t.dims().size() == 2 && roles.get(w) == InitializerRole.PARAMETER) {
                weights.add(w);
            }
        }
        long linear = 0;
        for (String w : weights) {
            linear += inits.get(w).numel();
        }
        return linear - inactiveParams + 2L * layers * heads * headDim * context;
    }
}
