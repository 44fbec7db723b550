package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;

/**
 * {@code torch.nn.Flatten(start_dim=1, end_dim=-1)}: see {@link Tensor#flatten(int)}. Only
 * {@code end_dim=-1} is supported.
 */
public class Flatten extends Module {

    private final int startDim;

    /** Flatten(start_dim=1). */
    public Flatten() {
        this(1);
    }

    /**
     * Flatten(start_dim).
     *
     * @param startDim the first dimension to merge
     */
    public Flatten(int startDim) {
        if (startDim < 0) {
            throw new ModelMeterException("Flatten: give start_dim as a non-negative axis");
        }
        this.startDim = startDim;
    }

    /** Dimensions from start_dim on are merged into one. */
    @Override
    protected Tensor forward(Tensor x) {
        return x.flatten(startDim);
    }
}
