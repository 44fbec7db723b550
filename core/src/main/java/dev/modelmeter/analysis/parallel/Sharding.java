package dev.modelmeter.analysis.parallel;

import java.util.Locale;

/**
 * What data-parallel ranks shard among themselves (Rajbhandari et al. 2020, "ZeRO"; PyTorch FSDP's
 * {@code ShardingStrategy}).
 */
public enum Sharding {
    /** DDP / ZeRO stage 0: every rank holds all parameters, gradients and optimizer state. */
    NONE,
    /** ZeRO-1 (P_os): optimizer state sharded. */
    OPTIMIZER,
    /** ZeRO-2 (P_os+g), FSDP {@code SHARD_GRAD_OP}: optimizer state and gradients sharded. */
    GRADIENTS,
    /** ZeRO-3 (P_os+g+p), FSDP {@code FULL_SHARD}: parameters too, gathered one unit at a time. */
    PARAMETERS,
    /** FSDP {@code HYBRID_SHARD}: full sharding within a node, replicas across nodes. */
    HYBRID;

    /**
     * Parses {@code ddp}, {@code zero1..3}, {@code 0..3}, {@code full-shard}, {@code shard-grad-op},
     * {@code hybrid}.
     *
     * @param text the name
     * @return the sharding, or null when the name is not one of those
     */
    public static Sharding parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "ddp", "0", "zero0", "none", "no-shard" -> NONE;
            case "1", "zero1" -> OPTIMIZER;
            case "2", "zero2", "shard-grad-op" -> GRADIENTS;
            case "3", "zero3", "full-shard" -> PARAMETERS;
            case "hybrid", "hybrid-shard" -> HYBRID;
            default -> null;
        };
    }

    /**
     * A short label: {@code ddp}, {@code zero1}, {@code zero2/shard-grad-op}, {@code zero3/full-shard},
     * {@code hybrid-shard}.
     *
     * @return the label
     */
    public String label() {
        return switch (this) {
            case NONE -> "ddp";
            case OPTIMIZER -> "zero1";
            case GRADIENTS -> "zero2/shard-grad-op";
            case PARAMETERS -> "zero3/full-shard";
            case HYBRID -> "hybrid-shard";
        };
    }

    /**
     * Whether optimizer state is sharded.
     *
     * @return true from ZeRO-1 on
     */
    public boolean shardsOptimizer() {
        return this != NONE;
    }

    /**
     * Whether gradients are sharded.
     *
     * @return true from ZeRO-2 on
     */
    public boolean shardsGradients() {
        return this == GRADIENTS || this == PARAMETERS || this == HYBRID;
    }

    /**
     * Whether parameters are sharded.
     *
     * @return true for ZeRO-3, full and hybrid shard
     */
    public boolean shardsParameters() {
        return this == PARAMETERS || this == HYBRID;
    }
}
