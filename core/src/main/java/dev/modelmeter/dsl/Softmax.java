package dev.modelmeter.dsl;

/** {@code torch.nn.Softmax(dim)}: ONNX Softmax along {@code dim} (opset 13+ semantics: one axis). */
public class Softmax extends Module {

    private final int dim;

    /**
     * Softmax(dim).
     *
     * @param dim the axis
     */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /** Same shape as the input. */
    @Override
    protected Tensor forward(Tensor x) {
        return x.softmax(dim);
    }
}
