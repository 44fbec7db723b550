package dev.modelmeter.dsl;

import dev.modelmeter.graph.Attribute;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.nn.ReLU}: ONNX Relu. With {@code inplace=true} the node's metadata has
 * {@link Network#INPLACE} = "true": PyTorch then writes the result into the input's storage, which the
 * memory plan needs to know.
 */
public class ReLU extends Module {

    private final boolean inplace;

    /** ReLU(inplace=False). */
    public ReLU() {
        this(false);
    }

    /**
     * ReLU(inplace).
     *
     * @param inplace whether PyTorch runs it in place
     */
    public ReLU(boolean inplace) {
        this.inplace = inplace;
    }

    /**
     * True when PyTorch runs it in place.
     *
     * @return true when in place
     */
    public boolean inplace() {
        return inplace;
    }

    /** Same shape as the input. */
    @Override
    protected Tensor forward(Tensor x) {
        return x.network().emit("Relu", List.of(x), List.<Attribute>of(), List.of(x.type()),
                inplace ? Map.of(Network.INPLACE, "true") : Map.of()).get(0);
    }
}
