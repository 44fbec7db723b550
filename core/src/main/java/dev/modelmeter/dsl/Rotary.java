package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorValue;

import java.util.List;

/**
 * Rotary position embeddings as Hugging Face's Llama-family models compute them in eager PyTorch:
 * {@code inv_freq = θ^(-2i/d)}, {@code freqs = positions ⊗ inv_freq}, {@code emb = cat(freqs, freqs)},
 * {@code cos(emb)}, {@code sin(emb)} once per forward; each layer then rotates q and k with
 * {@code x·cos + rotate_half(x)·sin}, {@code rotate_half(x) = cat(-x₂, x₁)}. The tables are computed
 * from integer and scalar constants (as HF computes them from its non-persistent {@code inv_freq}
 * buffer), so they are activations, not parameters.
 */
public final class Rotary {

    private Rotary() {
    }

    /**
     * The cos and sin tables [1, 1, seq, headDim] for positions 0..seq-1.
     *
     * @param net     the network
     * @param seq     the sequence length
     * @param headDim the rotated size (even)
     * @param theta   the base θ ({@code rope_theta})
     * @return cos, sin
     */
    public static List<Tensor> cosSin(Network net, long seq, long headDim, double theta) {
        if (headDim % 2 != 0) {
            throw new ModelMeterException("rotary embeddings need an even head size, got " + headDim);
        }
        int half = (int) (headDim / 2);
        long[] idx = new long[half];
        for (int i = 0; i < half; i++) {
            idx[i] = i;
        }
        long[] pos = new long[(int) seq];
        for (int i = 0; i < seq; i++) {
            pos[i] = i;
        }
        Tensor i = net.constant("rope_index", TensorValue.ofLongs(DType.INT64, new long[] {half}, idx)).cast(DType.FLOAT);
        Tensor invFreq = i.mul(-2.0 * Math.log(theta) / headDim).exp();
        Tensor p = net.constant("position_ids", TensorValue.ofLongs(DType.INT64, new long[] {seq, 1}, pos))
                .cast(DType.FLOAT);
        Tensor freqs = p.mul(invFreq);
        Tensor emb = Tensor.cat(-1, freqs, freqs).unsqueeze(0, 1);
        return List.of(emb.cos(), emb.sin());
    }

    /**
     * {@code x·cos + rotate_half(x)·sin} for x [B, H, S, D].
     *
     * @param x   queries or keys
     * @param cos the cos table
     * @param sin the sin table
     * @return the rotated tensor
     */
    public static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        long d = x.size(-1);
        List<Tensor> halves = x.split(-1, d / 2, d / 2);
        Tensor rotated = Tensor.cat(-1, halves.get(1).neg(), halves.get(0));
        return x.mul(cos).add(rotated.mul(sin));
    }
}
