package dev.modelmeter.analysis.parallel;

import dev.modelmeter.ModelMeterException;

/**
 * How a training job spreads over GPUs: {@code gpus} in all, tensor-parallel groups of
 * {@code tensorParallel} (Megatron), the remaining {@code gpus / tensorParallel} data-parallel ranks
 * sharding model states as {@code sharding} says; {@code gpusPerNode} bounds a hybrid shard group.
 *
 * @param gpus           GPUs in all (at least 1)
 * @param tensorParallel the tensor-parallel degree T (divides gpus)
 * @param sharding       what the data-parallel ranks shard
 * @param gpusPerNode    GPUs per node (hybrid sharding shards within a node)
 */
public record ParallelLayout(int gpus, int tensorParallel, Sharding sharding, int gpusPerNode) {

    /**
     * Checks the degrees agree.
     *
     * @param gpus see the record
     * @param tensorParallel see the record
     * @param sharding see the record
     * @param gpusPerNode see the record
     */
    public ParallelLayout {
        if (gpus < 1 || tensorParallel < 1 || gpusPerNode < 1) {
            throw new ModelMeterException("GPU counts and the tensor-parallel degree must be at least 1");
        }
        if (gpus % tensorParallel != 0) {
            throw new ModelMeterException("tensor-parallel degree " + tensorParallel + " does not divide " + gpus
                    + " GPUs");
        }
        if (sharding == Sharding.HYBRID && (gpusPerNode % tensorParallel != 0 || gpus % gpusPerNode != 0)) {
            throw new ModelMeterException("hybrid sharding needs whole nodes of " + gpusPerNode
                    + " GPUs, each a multiple of the tensor-parallel degree " + tensorParallel);
        }
    }

    /**
     * One GPU, nothing sharded.
     *
     * @return the layout
     */
    public static ParallelLayout single() {
        return new ParallelLayout(1, 1, Sharding.NONE, 1);
    }

    /**
     * Data-parallel ranks: {@code gpus / T}.
     *
     * @return the data-parallel degree
     */
    public int dataParallel() {
        return gpus / tensorParallel;
    }

    /**
     * How many ranks share one copy of the sharded states: the data-parallel degree, or for hybrid
     * sharding the data-parallel ranks of one node.
     *
     * @return the shard group size
     */
    public int shardGroup() {
        return sharding == Sharding.HYBRID ? gpusPerNode / tensorParallel : dataParallel();
    }
}
