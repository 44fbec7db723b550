package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;

import java.util.List;

/**
 * {@code torch.nn.GELU}: ONNX Gelu (opset 20) with {@code approximate} "none" (the erf form) or "tanh".
 * One node, as PyTorch runs one kernel. (Hugging Face's {@code NewGELUActivation}, which spells the tanh
 * formula out in element-wise ops, is a different module.)
 */
public class GELU extends Module {

    private final String approximate;

    /** GELU(approximate='none'). */
    public GELU() {
        this("none");
    }

    /**
     * GELU(approximate) with "none" or "tanh".
     *
     * @param approximate "none" or "tanh"
     */
    public GELU(String approximate) {
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new ModelMeterException("GELU approximate must be 'none' or 'tanh', got '" + approximate + "'");
        }
        this.approximate = approximate;
    }

    /** Same shape as the input. */
    @Override
    protected Tensor forward(Tensor x) {
        return x.network().emit1("Gelu", List.of(x), List.of(Attribute.ofString("approximate", approximate)),
                x.type());
    }
}
