package dev.modelmeter.dsl;

import dev.modelmeter.graph.Attribute;

import java.util.List;

/**
 * {@code nn.SiLU}: {@code x · sigmoid(x)}, emitted as ONNX Swish (alpha 1): one operator that saves its
 * input, as {@code silu_backward(grad, self)} does.
 */
public class SiLU extends Module {

    /** A SiLU. */
    public SiLU() {
    }

    @Override
    protected Tensor forward(Tensor x) {
        return x.network().emit1("Swish", List.of(x), List.of(Attribute.ofFloat("alpha", 1.0)), x.type());
    }
}
