package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.Dim;

import java.util.List;

/**
 * {@code torch.nn.LayerNorm(D, eps)} over the last dimension: ONNX LayerNormalization (axis -1) with
 * scale ({@code weight}) and B ({@code bias}); parameters {@code 2 × D}.
 */
public class LayerNorm extends Module {

    private final long features;
    private final double eps;

    /**
     * LayerNorm(D) with eps 1e-5.
     *
     * @param features the size of the normalised last dimension
     */
    public LayerNorm(long features) {
        this(features, 1e-5);
    }

    /**
     * LayerNorm(D, eps).
     *
     * @param features the size of the normalised last dimension
     * @param eps the epsilon added to the variance
     */
    public LayerNorm(long features, double eps) {
        this.features = features;
        this.eps = eps;
        parameter("weight", features);
        parameter("bias", features);
    }

    /** Same shape as the input. */
    @Override
    protected Tensor forward(Tensor x) {
        Dim last = x.dim(-1);
        if (last.isKnown() && last.value() != features) {
            throw new ModelMeterException("LayerNorm expects last dimension " + features + ", got " + x.shape());
        }
        return x.network().emit1("LayerNormalization", List.of(x, tensor(x, "weight"), tensor(x, "bias")),
                List.of(Attribute.ofInt("axis", -1), Attribute.ofFloat("epsilon", eps)), x.type());
    }
}
