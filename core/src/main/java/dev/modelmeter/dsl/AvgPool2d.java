package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.nn.AvgPool2d(kernel, stride=kernel, padding=0, ceil_mode=False, count_include_pad=True)}:
 * ONNX AveragePool. torch counts padding in the average by default, ONNX does not, so
 * {@code count_include_pad} is always written.
 */
public class AvgPool2d extends Module {

    private final long[] kernel;
    private final long[] stride;
    private final long padding;
    private final boolean ceilMode;
    private final boolean countIncludePad;

    /**
     * AvgPool2d(kernel): stride = kernel.
     *
     * @param kernel the window (height, width, or one size for both)
     */
    public AvgPool2d(long kernel) {
        this(kernel, kernel, 0);
    }

    /**
     * AvgPool2d(kernel, stride, padding).
     *
     * @param kernel the window (height, width, or one size for both)
     * @param stride the stride (height, width, or one size for both)
     * @param padding the padding on each side
     */
    public AvgPool2d(long kernel, long stride, long padding) {
        this(new long[] {kernel, kernel}, new long[] {stride, stride}, padding, false, true);
    }

    /**
     * AvgPool2d with per-axis kernel and stride and every option.
     *
     * @param kernel the window (height, width, or one size for both)
     * @param stride the stride (height, width, or one size for both)
     * @param padding the padding on each side
     * @param ceilMode round the output size up instead of down
     * @param countIncludePad count padding in the average
     */
    public AvgPool2d(long[] kernel, long[] stride, long padding, boolean ceilMode, boolean countIncludePad) {
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    /** Windowed average over the last two dimensions. */
    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() != 4) {
            throw new ModelMeterException("AvgPool2d expects a 4-D input, got " + x.shape());
        }
        List<Dim> out = new ArrayList<>(x.shape().dims().subList(0, 2));
        out.add(DimMath.window(x.dim(2), kernel[0], stride[0], padding, 1, ceilMode));
        out.add(DimMath.window(x.dim(3), kernel[1], stride[1], padding, 1, ceilMode));
        return x.network().emit1("AveragePool", List.of(x), List.of(
                Attribute.ofInts("kernel_shape", kernel),
                Attribute.ofInts("strides", stride),
                Attribute.ofInts("pads", padding, padding, padding, padding),
                Attribute.ofInt("ceil_mode", ceilMode ? 1 : 0),
                Attribute.ofInt("count_include_pad", countIncludePad ? 1 : 0)),
                new TensorType(x.dtype(), new Shape(out)));
    }
}
