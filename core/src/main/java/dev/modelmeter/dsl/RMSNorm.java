package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Dim;

/**
 * Root-mean-square normalisation as Hugging Face's {@code LlamaRMSNorm} computes it in eager PyTorch:
 * {@code x · rsqrt(mean(x², -1) + eps) · weight}, written as the element-wise and reduction ops it runs
 * (Pow, ReduceMean, Add, Sqrt, Reciprocal, Mul, Mul), so autograd's saves are those of the eager module:
 * {@code x} (by Pow and the first Mul, one storage), the per-row {@code rsqrt}, and the normalised
 * values the weight multiplies. Gemma's variant multiplies by {@code 1 + weight}: one more Add on the
 * weight, the same parameter count. {@code D} parameters.
 */
public class RMSNorm extends Module {

    private final long features;
    private final double eps;
    private final boolean plusOne;

    /**
     * {@code LlamaRMSNorm(features, eps)}.
     *
     * @param features the size of the last dimension
     * @param eps      the epsilon added to the mean square
     */
    public RMSNorm(long features, double eps) {
        this(features, eps, false);
    }

    /**
     * An RMSNorm whose scale is {@code weight} or, with {@code plusOne}, {@code 1 + weight} (Gemma).
     *
     * @param features the size of the last dimension
     * @param eps      the epsilon added to the mean square
     * @param plusOne  scale by {@code 1 + weight} (Gemma) instead of {@code weight}
     */
    public RMSNorm(long features, double eps, boolean plusOne) {
        this.features = features;
        this.eps = eps;
        this.plusOne = plusOne;
        parameter("weight", features);
    }

    @Override
    protected Tensor forward(Tensor x) {
        Dim last = x.dim(-1);
        if (last.isKnown() && last.value() != features) {
            throw new ModelMeterException("RMSNorm expects last dimension " + features + ", got " + x.shape());
        }
        Tensor meanSquare = x.pow(2.0).mean(-1);
        Tensor rstd = meanSquare.add(eps).sqrt().reciprocal();
        Tensor w = tensor(x, "weight");
        if (plusOne) {
            w = w.add(1.0);
        }
        return w.mul(x.mul(rstd));
    }
}
