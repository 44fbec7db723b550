package dev.modelmeter.dsl;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.TensorValue;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.nn.ReLU6}: ONNX Clip with constant min 0 and max 6 (scalar inputs, as the exporters write
 * it). {@code inplace} is recorded as for {@link ReLU}.
 */
public class ReLU6 extends Module {

    private final boolean inplace;

    /** ReLU6(inplace=False). */
    public ReLU6() {
        this(false);
    }

    /**
     * ReLU6(inplace).
     *
     * @param inplace whether PyTorch runs it in place
     */
    public ReLU6(boolean inplace) {
        this.inplace = inplace;
    }

    /** Same shape as the input. */
    @Override
    protected Tensor forward(Tensor x) {
        Network net = x.network();
        Tensor min = net.constant("min", new TensorValue(x.dtype(), new long[0], new double[] {0}));
        Tensor max = net.constant("max", new TensorValue(x.dtype(), new long[0], new double[] {6}));
        return net.emit("Clip", List.of(x, min, max), List.<Attribute>of(), List.of(x.type()),
                inplace ? Map.of(Network.INPLACE, "true") : Map.of()).get(0);
    }
}
