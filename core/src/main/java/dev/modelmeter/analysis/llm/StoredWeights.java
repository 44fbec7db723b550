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
 * The bytes a model's weights take when loaded in a {@link WeightFormat}: the weights of linear layers
 * (a 2-D parameter consumed through Transpose → MatMul, by Gemm, or as MatMul's right operand: HF's
 * Conv1D) in the format; every other parameter and buffer (embeddings, norms, biases) and the
 * {@code lm_head} (also when tied to the embedding) and LoRA adapters, which quantization libraries
 * leave alone, in the format's dense
 * dtype (bf16 for the quantized formats).
 */
public final class StoredWeights {

    private StoredWeights() {
    }

    /**
     * The split of a graph's weights.
     *
     * @param linearElements  elements of quantizable linear weights
     * @param linearBytes     their bytes in the format
     * @param otherElements   elements of every other parameter and buffer
     * @param otherBytes      their bytes in the dense dtype
     */
    public record Split(long linearElements, long linearBytes, long otherElements, long otherBytes) {
        /**
         * All weight bytes.
         *
         * @return linear + other
         */
        public long totalBytes() {
            return linearBytes + otherBytes;
        }
    }

    /**
     * Splits {@code graph}'s weights.
     *
     * @param graph  the graph
     * @param roles  the role of each initializer (parameters and buffers are weights)
     * @param format the format
     * @return the split
     */
    public static Split of(Graph graph, Map<String, InitializerRole> roles, WeightFormat format) {
        Map<String, TensorData> inits = new HashMap<>();
        for (TensorData t : graph.initializers()) {
            inits.put(t.name(), t);
        }
        Set<String> tables = new HashSet<>(); // embedding tables stay dense, even when tied to the LM head
        for (Node n : graph.nodes()) {
            if (n.opType().equals("Gather") && !n.inputs().isEmpty()) {
                tables.add(n.inputs().get(0));
            }
        }
        Set<String> linear = new HashSet<>();
        for (Node n : graph.nodes()) {
            String w = switch (n.opType()) {
                case "Transpose", "Gemm" -> n.opType().equals("Gemm") ? input(n, 1) : input(n, 0);
                case "MatMul" -> input(n, 1);
                default -> null;
            };
            TensorData t = w == null ? null : inits.get(w);
            if (t != null && t.dims().size() == 2 && roles.get(w) == InitializerRole.PARAMETER
                    && !w.contains("lm_head") && !w.contains("lora_") && !tables.contains(w)) {
                linear.add(w);
            }
        }
        long linElems = 0;
        long linBytes = 0;
        long otherElems = 0;
        long otherBytes = 0;
        for (TensorData t : graph.initializers()) {
            InitializerRole r = roles.get(t.name());
            if (r != InitializerRole.PARAMETER && r != InitializerRole.BUFFER) {
                continue;
            }
            if (linear.contains(t.name()) && format.quantized()) {
                linElems += t.numel();
                // [out, in] for Linear; Conv1D stores [in, out]: the element count is what matters but the
                // row scales follow the output, which is dims[0] for Linear
                linBytes += format.linearBytes(t.dims().get(0), t.dims().get(1));
            } else if (linear.contains(t.name())) {
                linElems += t.numel();
                linBytes += t.numel() * format.denseBytes();
            } else {
                otherElems += t.numel();
                otherBytes += t.dtype().isFloatingPoint() ? t.numel() * format.denseBytes() : t.bytes();
            }
        }
        return new Split(linElems, linBytes, otherElems, otherBytes);
    }

    private static String input(Node n, int i) {
        return n.inputs().size() > i ? n.inputs().get(i) : null;
    }
}
