package dev.modelmeter.dsl;

/**
 * {@code torch.nn.AdaptiveAvgPool2d(output_size)}. ONNX has no adaptive pooling, so it is written the way
 * the exporters write it: output 1×1 → GlobalAveragePool (any input size); otherwise, when the input's
 * height and width are known and divisible by the output size, an AveragePool with kernel = stride =
 * input/output (an input already of the output size gives a 1×1 window, an identity). Other cases have
 * uneven windows that no single ONNX operator expresses, and are refused.
 */
public class AdaptiveAvgPool2d extends Module {

    private final long outH;
    private final long outW;

    /**
     * AdaptiveAvgPool2d(size): a square output.
     *
     * @param size the output height and width
     */
    public AdaptiveAvgPool2d(long size) {
        this(size, size);
    }

    /**
     * AdaptiveAvgPool2d((h, w)).
     *
     * @param outH output height
     * @param outW output width
     */
    public AdaptiveAvgPool2d(long outH, long outW) {
        this.outH = outH;
        this.outW = outW;
    }

    /** [N, C, H, W] → [N, C, outH, outW]; see {@link Tensor#adaptiveAvgPool2d}. */
    @Override
    protected Tensor forward(Tensor x) {
        return x.adaptiveAvgPool2d(outH, outW);
    }
}
