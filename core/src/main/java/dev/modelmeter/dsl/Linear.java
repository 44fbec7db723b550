package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.nn.Linear(in, out, bias)}: weight {@code [out, in]}, bias {@code [out]}; parameters
 * {@code (in + 1) × out}. A 2-D input becomes one ONNX Gemm with {@code transB=1}; any other rank becomes
 * MatMul with the transposed weight (a Transpose of the weight, a view in PyTorch) and an Add of the bias.
 * {@link #tieWeight} shares another module's weight (GPT-2's LM head uses the token embedding).
 */
public class Linear extends Module {

    private final long inFeatures;
    private final long outFeatures;
    private final boolean bias;

    /**
     * Linear(in, out) with bias.
     *
     * @param in input features
     * @param out output features
     */
    public Linear(long in, long out) {
        this(in, out, true);
    }

    /**
     * Linear(in, out, bias).
     *
     * @param in input features
     * @param out output features
     * @param bias whether there is a bias
     */
    public Linear(long in, long out, boolean bias) {
        this.inFeatures = in;
        this.outFeatures = out;
        this.bias = bias;
        parameter("weight", out, in);
        if (bias) {
            parameter("bias", out);
        }
    }

    /**
     * Uses {@code weight} (dims {@code [out, in]}) as this layer's weight; the tensor is counted once.
     *
     * @param weight the weight to share
     * @return this layer
     */
    public Linear tieWeight(Parameter weight) {
        if (!weight.dims().equals(List.of(outFeatures, inFeatures))) {
            throw new ModelMeterException("tied weight has dims " + weight.dims() + ", Linear needs ["
                    + outFeatures + ", " + inFeatures + "]");
        }
        replace("weight", weight);
        return this;
    }

    /** [..., in] → [..., out]. */
    @Override
    protected Tensor forward(Tensor x) {
        Dim last = x.dim(-1);
        if (last.isKnown() && last.value() != inFeatures) {
            throw new ModelMeterException("Linear expects " + inFeatures + " input features, got " + x.shape());
        }
        Network net = x.network();
        TensorType outType = new TensorType(x.dtype(), x.shape().withDim(x.rank() - 1, Dim.of(outFeatures)));
        Tensor w = tensor(x, "weight");
        if (x.rank() == 2) {
            List<Tensor> in = new ArrayList<>(List.of(x, w));
            if (bias) {
                in.add(tensor(x, "bias"));
            }
            return net.emit1("Gemm", in, List.of(Attribute.ofInt("transB", 1)), outType);
        }
        Tensor y = x.matmul(w.transpose(0, 1));
        return bias ? y.add(tensor(x, "bias")) : y;
    }
}
