package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.nn.Conv2d}: ONNX Conv with weight {@code [out, in/groups, kh, kw]} and, with bias, a bias
 * {@code [out]}. Parameters: {@code out × (kh·kw·in/groups + 1)} (without the +1 when there is no bias).
 * Padding is symmetric, as torch's integer padding.
 */
public class Conv2d extends Module {

    private final long inChannels;
    private final long outChannels;
    private final long[] kernel;
    private final long[] stride;
    private final long[] padding;
    private final long[] dilation;
    private final long groups;
    private final boolean bias;

    /**
     * Conv2d(in, out, kernel): stride 1, no padding, bias.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel the kernel size
     */
    public Conv2d(long in, long out, long kernel) {
        this(in, out, kernel, 1, 0, 1, 1, true);
    }

    /**
     * Conv2d(in, out, kernel, stride, padding) with bias.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel the kernel size
     * @param stride the stride
     * @param padding the padding on each side
     */
    public Conv2d(long in, long out, long kernel, long stride, long padding) {
        this(in, out, kernel, stride, padding, 1, 1, true);
    }

    /**
     * Conv2d(in, out, kernel, stride, padding, bias).
     *
     * @param in input channels
     * @param out output channels
     * @param kernel the kernel size
     * @param stride the stride
     * @param padding the padding on each side
     * @param bias whether there is a bias
     */
    public Conv2d(long in, long out, long kernel, long stride, long padding, boolean bias) {
        this(in, out, kernel, stride, padding, 1, 1, bias);
    }

    /**
     * Conv2d with every argument, square kernel/stride/padding/dilation.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel the kernel size
     * @param stride the stride
     * @param padding the padding on each side
     * @param dilation the dilation
     * @param groups the number of groups
     * @param bias whether there is a bias
     */
    public Conv2d(long in, long out, long kernel, long stride, long padding, long dilation, long groups,
                  boolean bias) {
        this(in, out, new long[] {kernel, kernel}, new long[] {stride, stride}, new long[] {padding, padding},
                new long[] {dilation, dilation}, groups, bias);
    }

    /**
     * Conv2d with per-axis (height, width) kernel, stride, padding and dilation.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel the kernel size
     * @param stride the stride
     * @param padding the padding on each side
     * @param dilation the dilation
     * @param groups the number of groups
     * @param bias whether there is a bias
     */
    public Conv2d(long in, long out, long[] kernel, long[] stride, long[] padding, long[] dilation, long groups,
                  boolean bias) {
        if (groups <= 0 || in % groups != 0 || out % groups != 0) {
            throw new ModelMeterException("Conv2d: in (" + in + ") and out (" + out + ") channels must be divisible"
                    + " by groups (" + groups + ")");
        }
        this.inChannels = in;
        this.outChannels = out;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        this.bias = bias;
        parameter("weight", out, in / groups, kernel[0], kernel[1]);
        if (bias) {
            parameter("bias", out);
        }
    }

    /** Input [N, C, H, W] → [N, out, H', W'], H' = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1. */
    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() != 4) {
            throw new ModelMeterException("Conv2d expects a 4-D input [N, C, H, W], got " + x.shape());
        }
        Dim c = x.dim(1);
        if (c.isKnown() && c.value() != inChannels) {
            throw new ModelMeterException("Conv2d expects " + inChannels + " input channels, got " + x.shape());
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(Dim.of(outChannels));
        for (int i = 0; i < 2; i++) {
            out.add(DimMath.window(x.dim(2 + i), kernel[i], stride[i], padding[i], dilation[i], false));
        }
        List<Tensor> in = new ArrayList<>(List.of(x, tensor(x, "weight")));
        if (bias) {
            in.add(tensor(x, "bias"));
        }
        return x.network().emit1("Conv", in, List.of(
                Attribute.ofInts("kernel_shape", kernel),
                Attribute.ofInts("strides", stride),
                Attribute.ofInts("pads", padding[0], padding[1], padding[0], padding[1]),
                Attribute.ofInts("dilations", dilation),
                Attribute.ofInt("group", groups)), new TensorType(x.dtype(), new Shape(out)));
    }
}
