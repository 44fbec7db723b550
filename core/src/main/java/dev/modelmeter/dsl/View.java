package dev.modelmeter.dsl;

/**
 * A module doing {@code x.view(dims)} (PyTorch has no such module; models call view in forward): a
 * Reshape with a constant target, PyTorch's -1 semantics. {@code View(-1, 512)} on a
 * {@code [N, 512, 1, 1]} input gives {@code [N, 512]}; on any other input it silently changes the batch
 * dimension, exactly as in PyTorch — the DSL emits it faithfully and leaves the warning to the analysis.
 */
public class View extends Module {

    private final long[] dims;

    /**
     * View(dims...).
     *
     * @param dims the sizes
     */
    public View(long... dims) {
        this.dims = dims.clone();
    }

    /** The input's elements in the target shape. */
    @Override
    protected Tensor forward(Tensor x) {
        return x.view(dims);
    }
}
