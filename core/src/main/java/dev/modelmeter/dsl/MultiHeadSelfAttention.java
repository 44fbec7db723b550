package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;

import java.util.List;

/**
 * Multi-head self-attention as most Hugging Face decoders and encoders write it: Linear projections
 * {@code q_proj}, {@code k_proj}, {@code v_proj}, the attention core of {@link Attention} (heads split with
 * Reshape + Transpose, {@code softmax(Q·Kᵀ/√d)·V}), heads merged, and {@code out_proj}. Parameters
 * {@code 4 × (E + 1) × E} with biases; MACs {@code 4·B·S·E²} for the projections plus
 * {@code 2·B·S²·E} for the two attention matmuls.
 *
 * <p>Called on one input [B, S, E]; a second input is a mask, additive (float, added to the scores) or
 * bool (false where masked out). With {@code causal} a causal mask for the input's (known) length is used.
 */
public class MultiHeadSelfAttention extends Module {

    private final long heads;
    private final boolean causal;
    private final double dropout;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    /**
     * Self-attention with biased projections, no mask, no dropout.
     *
     * @param embedDim the model width E
     * @param heads    the number of heads (dividing E)
     */
    public MultiHeadSelfAttention(long embedDim, long heads) {
        this(embedDim, heads, true, false, 0);
    }

    /**
     * Self-attention with every option.
     *
     * @param embedDim the model width E
     * @param heads    the number of heads (dividing E)
     * @param bias     whether the projections have biases
     * @param causal   whether position i attends only to positions up to i
     * @param dropout  dropout on the attention probabilities (a training network only)
     */
    public MultiHeadSelfAttention(long embedDim, long heads, boolean bias, boolean causal, double dropout) {
        if (heads <= 0 || embedDim % heads != 0) {
            throw new ModelMeterException("embedding size " + embedDim + " is not divisible by " + heads + " heads");
        }
        this.heads = heads;
        this.causal = causal;
        this.dropout = dropout;
        q = register("q_proj", new Linear(embedDim, embedDim, bias));
        k = register("k_proj", new Linear(embedDim, embedDim, bias));
        v = register("v_proj", new Linear(embedDim, embedDim, bias));
        out = register("out_proj", new Linear(embedDim, embedDim, bias));
    }

    /**
     * [B, S, E] (and optionally a mask) → [B, S, E].
     *
     * @param inputs the hidden states, then optionally a mask
     * @return the attention output
     */
    @Override
    protected List<Tensor> forwardAll(List<Tensor> inputs) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            throw new ModelMeterException("MultiHeadSelfAttention takes the hidden states and an optional mask");
        }
        Tensor x = inputs.get(0);
        Tensor mask = inputs.size() == 2 ? inputs.get(1) : null;
        Tensor additive = mask != null && mask.dtype() != DType.BOOL ? mask : null;
        Tensor keep = mask != null && mask.dtype() == DType.BOOL ? mask : null;
        if (causal) {
            if (mask != null) {
                throw new ModelMeterException("give either a mask or causal=true, not both");
            }
            additive = Attention.causalMask(x.network(), x.size(1));
        }
        Tensor context = Attention.scaledDotProduct(Attention.splitHeads(q.apply(x), heads),
                Attention.splitHeads(k.apply(x), heads), Attention.splitHeads(v.apply(x), heads), additive, keep,
                dropout);
        return List.of(out.apply(Attention.mergeHeads(context)));
    }
}
