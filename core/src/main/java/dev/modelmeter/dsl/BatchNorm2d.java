package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.nn.BatchNorm2d}: ONNX BatchNormalization with inputs X, scale ({@code weight}), B
 * ({@code bias}), mean ({@code running_mean}), var ({@code running_var}). weight and bias are parameters
 * ({@code 2 × C}); the running statistics are buffers ({@code 2 × C}). torch's int64
 * {@code num_batches_tracked} buffer is not emitted: it feeds no operator and the exporters drop it too.
 *
 * <p>In an eval network (the default) the node normalises with the running statistics
 * ({@code training_mode} absent, one output). In a training network it has {@code training_mode=1} and
 * the two extra outputs (updated running mean and variance), as the exporters' train-mode graphs.
 * ONNX momentum is {@code 1 − torch momentum}.
 */
public class BatchNorm2d extends Module {

    private final long channels;
    private final double eps;
    private final double momentum;

    /**
     * BatchNorm2d(C) with eps 1e-5 and momentum 0.1.
     *
     * @param channels the number of channels C
     */
    public BatchNorm2d(long channels) {
        this(channels, 1e-5, 0.1);
    }

    /**
     * BatchNorm2d(C, eps, momentum) with torch's meaning of momentum.
     *
     * @param channels the number of channels C
     * @param eps the epsilon added to the variance
     * @param momentum the running-statistics momentum, as torch defines it
     */
    public BatchNorm2d(long channels, double eps, double momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        parameter("weight", channels);
        parameter("bias", channels);
        buffer("running_mean", DType.FLOAT, channels);
        buffer("running_var", DType.FLOAT, channels);
    }

    /** Same shape as the input [N, C, H, W]. */
    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() < 2) {
            throw new ModelMeterException("BatchNorm2d expects an input [N, C, ...], got " + x.shape());
        }
        Dim c = x.dim(1);
        if (c.isKnown() && c.value() != channels) {
            throw new ModelMeterException("BatchNorm2d expects " + channels + " channels, got " + x.shape());
        }
        Network net = x.network();
        List<Tensor> in = List.of(x, tensor(x, "weight"), tensor(x, "bias"), tensor(x, "running_mean"),
                tensor(x, "running_var"));
        List<Attribute> attrs = new ArrayList<>(List.of(Attribute.ofFloat("epsilon", eps),
                Attribute.ofFloat("momentum", 1 - momentum)));
        List<TensorType> outs = new ArrayList<>(List.of(x.type()));
        if (net.isTraining()) {
            attrs.add(Attribute.ofInt("training_mode", 1));
            TensorType stat = new TensorType(x.dtype(), Shape.of(channels));
            outs.add(stat);
            outs.add(stat);
        }
        return net.emit("BatchNormalization", in, attrs, outs, Map.of()).get(0);
    }
}
