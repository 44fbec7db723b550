package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorValue;

/**
 * Multi-head attention arithmetic as the Hugging Face exports spell it out: head split with
 * Reshape + Transpose, scores {@code Q·Kᵀ / √d} (MatMul, Div), an additive padding mask and/or a causal
 * mask (Where), Softmax, {@code P·V}, heads merged back. The two MatMuls are the
 * {@code 2 × b·h·s·s·d} MACs that FlopCounterMode attributes to SDPA on GPU.
 */
public final class Attention {

    /** The most negative float32, which Hugging Face uses for masked-out scores. */
    public static final double MASKED = -3.4028234663852886e38;

    private Attention() {
    }

    /**
     * [B, S, H·D] → [B, H, S, D] (view + transpose, as {@code transpose_for_scores}).
     *
     * @param x the hidden states
     * @param heads the number of heads
     * @return the heads
     */
    public static Tensor splitHeads(Tensor x, long heads) {
        long hidden = x.size(-1);
        if (hidden % heads != 0) {
            throw new ModelMeterException("hidden size " + hidden + " is not divisible by " + heads + " heads");
        }
        return x.reshapeKeeping(0, 0, heads, hidden / heads).permute(0, 2, 1, 3);
    }

    /**
     * [B, H, S, D] → [B, S, H·D].
     *
     * @param x the hidden states
     * @return the merged states
     */
    public static Tensor mergeHeads(Tensor x) {
        long hidden = x.size(1) * x.size(3);
        return x.permute(0, 2, 1, 3).reshapeKeeping(0, 0, hidden);
    }

    /**
     * Hugging Face's {@code repeat_kv}: [B, kv, S, D] → [B, kv·nRep, S, D] for grouped-query attention,
     * as {@code x[:, :, None].expand(B, kv, nRep, S, D).reshape(B, kv·nRep, S, D)} (the reshape of the
     * expanded view copies). With {@code nRep == 1} the input itself.
     *
     * @param x    keys or values [B, kv, S, D]
     * @param nRep query heads per key-value head
     * @return the repeated heads
     */
    public static Tensor repeatKv(Tensor x, long nRep) {
        if (nRep == 1) {
            return x;
        }
        long kv = x.size(1);
        long seq = x.size(2);
        long d = x.size(3);
        return x.unsqueeze(2).expand(1, kv, nRep, seq, d).reshapeKeeping(0, kv * nRep, seq, d);
    }

    /**
     * A causal mask for {@code seq} positions, additive as PyTorch's SDPA turns a bool mask into: a bool
     * constant [1, 1, seq, seq] (true where key position ≤ query position) made into 0 where attended and
     * {@link #MASKED} elsewhere by one Where. Make it once per network and pass it to every layer as the
     * additive mask, as Hugging Face models do.
     *
     * @param net the network
     * @param seq the sequence length
     * @return the float mask [1, 1, seq, seq]
     */
    public static Tensor causalMask(Network net, long seq) {
        Tensor keep = net.constant("causal_mask", DType.BOOL, 1, 1, seq, seq);
        Tensor zero = net.constant("zero", new TensorValue(DType.FLOAT, new long[0], new double[] {0}));
        Tensor masked = net.constant("mask_value", new TensorValue(DType.FLOAT, new long[0], new double[] {MASKED}));
        return Tensor.where(keep, zero, masked);
    }

    /**
     * {@code softmax(Q·Kᵀ/√d + mask) · V} for q, k, v of shape [B, H, S, D].
     *
     * @param additiveMask null, or a float mask broadcastable to [B, H, S, S] added to the scores
     * @param keep         null, or a bool mask broadcastable to the scores, false where a score is masked
     *                     out (an additive mask such as {@link #causalMask} is the form PyTorch's SDPA runs)
     * @param q queries [B, H, S, D]
     * @param k keys [B, H, S, D]
     * @param v values [B, H, S, D]
     * @return the attention output [B, H, S, D]
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor additiveMask, Tensor keep) {
        return scaledDotProduct(q, k, v, additiveMask, keep, 0);
    }

    /**
     * As {@link #scaledDotProduct(Tensor, Tensor, Tensor, Tensor, Tensor)} with SDPA's {@code dropout_p}
     * on the probabilities, which only a training network emits (see {@link Tensor#dropout}).
     *
     * @param q queries [B, H, S, D]
     * @param k keys [B, H, S, D]
     * @param v values [B, H, S, D]
     * @param additiveMask null, or a float mask added to the scores
     * @param keep null, or a bool mask, false where a score is masked out
     * @param dropout the dropout rate on the probabilities (training only)
     * @return the attention output [B, H, S, D]
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor additiveMask, Tensor keep,
                                          double dropout) {
        long headDim = q.size(-1);
        Tensor scores = q.matmul(k.transpose(-2, -1)).div(Math.sqrt(headDim));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        if (keep != null) {
            Tensor masked = q.network().constant("mask_value", new TensorValue(scores.dtype(), new long[0],
                    new double[] {MASKED}));
            scores = Tensor.where(keep, scores, masked);
        }
        return scores.softmax(-1).dropout(dropout).matmul(v);
    }
}
