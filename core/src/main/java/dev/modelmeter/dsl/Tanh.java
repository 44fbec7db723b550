package dev.modelmeter.dsl;

/** {@code torch.nn.Tanh}: ONNX Tanh. */
public class Tanh extends Module {

    /** Tanh(). */
    public Tanh() {
    }

    /** Same shape as the input. */
    @Override
    protected Tensor forward(Tensor x) {
        return x.tanh();
    }
}
