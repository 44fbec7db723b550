package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.nn.MaxPool2d(kernel, stride=kernel, padding=0, dilation=1, ceil_mode=False)}: ONNX MaxPool
 * (square windows). Output [N, C, H', W'] with the convolution window formula.
 */
public class MaxPool2d extends Module {

    private final long kernel;
    private final long stride;
    private final long padding;
    private final long dilation;
    private final boolean ceilMode;

    /**
     * MaxPool2d(kernel): stride = kernel.
     *
     * @param kernel the kernel size
     */
    public MaxPool2d(long kernel) {
        this(kernel, kernel, 0);
    }

    /**
     * MaxPool2d(kernel, stride, padding).
     *
     * @param kernel the kernel size
     * @param stride the stride
     * @param padding the padding on each side
     */
    public MaxPool2d(long kernel, long stride, long padding) {
        this(kernel, stride, padding, 1, false);
    }

    /**
     * MaxPool2d with every argument.
     *
     * @param kernel the kernel size
     * @param stride the stride
     * @param padding the padding on each side
     * @param dilation the dilation
     * @param ceilMode round the output size up instead of down
     */
    public MaxPool2d(long kernel, long stride, long padding, long dilation, boolean ceilMode) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
    }

    /** Windowed maximum over the last two dimensions. */
    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() != 4) {
            throw new ModelMeterException("MaxPool2d expects a 4-D input, got " + x.shape());
        }
        List<dev.modelmeter.graph.Dim> out = new ArrayList<>(x.shape().dims().subList(0, 2));
        out.add(DimMath.window(x.dim(2), kernel, stride, padding, dilation, ceilMode));
        out.add(DimMath.window(x.dim(3), kernel, stride, padding, dilation, ceilMode));
        List<Attribute> attrs = new ArrayList<>(List.of(
                Attribute.ofInts("kernel_shape", kernel, kernel),
                Attribute.ofInts("strides", stride, stride),
                Attribute.ofInts("pads", padding, padding, padding, padding),
                Attribute.ofInt("ceil_mode", ceilMode ? 1 : 0)));
        if (dilation != 1) {
            attrs.add(Attribute.ofInts("dilations", dilation, dilation));
        }
        return x.network().emit1("MaxPool", List.of(x), attrs, new TensorType(x.dtype(), new Shape(out)));
    }
}
