package dev.modelmeter.ops;

/**
 * Neural-network operators: convolutions, pooling, normalisations, matrix products, attention,
 * recurrent layers, dropout and losses, sampling. Each group lives in its own class, which says what its
 * cost counts; this family registers them all.
 */
public final class NnOps implements OpFamily {
    @Override
    public void register(OpRegistry registry) {
        ConvOps.register(registry);
        PoolOps.register(registry);
        NormOps.register(registry);
        MatMulOps.register(registry);
        AttentionOps.register(registry);
        RecurrentOps.register(registry);
        TrainingOps.register(registry);
        SpatialOps.register(registry);
    }
}
