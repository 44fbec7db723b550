package dev.modelmeter.dsl;

import dev.modelmeter.graph.Attribute;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.nn.Hardsigmoid}: ONNX HardSigmoid with PyTorch's slope 1/6 and offset 1/2 (ONNX defaults
 * are 0.2 and 0.5). {@code inplace} is recorded as for {@link ReLU}.
 */
public class Hardsigmoid extends Module {

    private final boolean inplace;

    /** Hardsigmoid(inplace=False). */
    public Hardsigmoid() {
        this(false);
    }

    /**
     * Hardsigmoid(inplace).
     *
     * @param inplace whether PyTorch runs it in place
     */
    public Hardsigmoid(boolean inplace) {
        this.inplace = inplace;
    }

    /**
     * Same shape as the input.
     *
     * @param x the input
     * @return the output
     */
    @Override
    protected Tensor forward(Tensor x) {
        return x.network().emit("HardSigmoid", List.of(x),
                List.of(Attribute.ofFloat("alpha", 1.0 / 6), Attribute.ofFloat("beta", 0.5)), List.of(x.type()),
                inplace ? Map.of(Network.INPLACE, "true") : Map.of()).get(0);
    }
}
