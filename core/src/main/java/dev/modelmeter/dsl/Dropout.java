package dev.modelmeter.dsl;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorValue;

import java.util.List;

/**
 * {@code torch.nn.Dropout(p)}: ONNX Dropout with a constant {@code ratio}. In an eval network it is kept
 * as an identity Dropout node (no {@code training_mode}), so the module still shows in per-layer views;
 * in a training network it has {@code training_mode=true} and a bool mask output.
 */
public class Dropout extends Module {

    private final double p;

    /** Dropout(p=0.5). */
    public Dropout() {
        this(0.5);
    }

    /**
     * Dropout(p).
     *
     * @param p the probability of zeroing an element
     */
    public Dropout(double p) {
        this.p = p;
    }

    /** Same shape as the input. */
    @Override
    protected Tensor forward(Tensor x) {
        Network net = x.network();
        if (net.isTraining()) {
            return x.trainingDropout(p);
        }
        Tensor ratio = net.constant("ratio", new TensorValue(DType.FLOAT, new long[0], new double[] {p}));
        return net.emit1("Dropout", List.of(x, ratio), List.<Attribute>of(), x.type());
    }
}
