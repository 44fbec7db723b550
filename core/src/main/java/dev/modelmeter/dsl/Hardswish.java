package dev.modelmeter.dsl;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.nn.Hardswish}: ONNX HardSwish, {@code x · relu6(x + 3) / 6}. {@code inplace} is recorded as
 * for {@link ReLU}.
 */
public class Hardswish extends Module {

    private final boolean inplace;

    /** Hardswish(inplace=False). */
    public Hardswish() {
        this(false);
    }

    /**
     * Hardswish(inplace).
     *
     * @param inplace whether PyTorch runs it in place
     */
    public Hardswish(boolean inplace) {
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
        return x.network().emit("HardSwish", List.of(x), List.of(), List.of(x.type()),
                inplace ? Map.of(Network.INPLACE, "true") : Map.of()).get(0);
    }
}
