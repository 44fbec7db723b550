package dev.modelmeter.analysis.memory;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Counts;
import dev.modelmeter.ops.AutogradContext;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A GPU as the memory plan sees it: its memory, what is spent before the first tensor (the CUDA
 * context, cuBLAS/cuDNN workspaces), a reserve the user keeps free, and PyTorch's CUDA caching
 * allocator, which hands out blocks rounded up to 512 bytes and takes large tensors (over 1 MiB) from
 * segments rounded to 2 MiB ({@code c10/cuda/CUDACachingAllocator}: kMinBlockSize 512, kSmallSize 1 MiB,
 * kRoundLarge 2 MiB). The graph's own figure (bytes of live tensors) stays apart from these device costs.
 *
 * <p>What this leaves out: fragmentation (reserved but unallocated memory can add several percent),
 * kernel-specific scratch space beyond the workspace allowance, NCCL buffers, and other processes.
 *
 * @param memoryBytes    total device memory, as nvidia-smi reports it
 * @param contextBytes   the CUDA context and loaded kernels: an estimate, see {@link #CUDA_CONTEXT_BYTES}
 * @param workspaceBytes cuBLAS workspace (PyTorch's default CUBLAS_WORKSPACE_CONFIG: 32 MiB on Hopper
 *                       and later, {@code :4096:2:16:8} ≈ 8.1 MiB before) plus a cuDNN allowance
 * @param reserveBytes   memory the user keeps free
 * @param source         where the memory figure comes from
 */
public record Device(String name, long memoryBytes, long contextBytes, long workspaceBytes, long reserveBytes,
                     String source) {

    /** One mebibyte (2^20 bytes). */
    public static final long MIB = 1024L * 1024;
    /** One gibibyte (2^30 bytes). */
    public static final long GIB = 1024L * MIB;
    /**
     * CUDA context with PyTorch's kernels loaded lazily (CUDA ≥ 11.7, PyTorch's default): users see
     * roughly 300–600 MiB in nvidia-smi before the first tensor, depending on GPU, driver and CUDA
     * version. An estimate; pass your own with {@link #withContext}.
     */
    public static final long CUDA_CONTEXT_BYTES = 500 * MIB;
    /** cuDNN convolution workspace allowance (algorithm dependent; PyTorch caps nothing by default). */
    public static final long CUDNN_WORKSPACE_BYTES = 64 * MIB;
    static final long BLOCK = 512;
    static final long SMALL_SIZE = MIB;
    static final long ROUND_LARGE = 2 * MIB;

    private static final Map<String, Device> CATALOGUE = new LinkedHashMap<>();

    static {
        // memory: the total nvidia-smi reports (MiB); nominal sizes from NVIDIA's product pages
        add("rtx3090", 24_576, false, "GeForce RTX 3090, 24 GB GDDR6X (nvidia-smi: 24576 MiB)");
        add("rtx4090", 24_564, false, "GeForce RTX 4090, 24 GB GDDR6X (nvidia-smi: 24564 MiB)");
        add("a100-40gb", 40_960, false, "A100 40GB (nvidia-smi: 40960 MiB)");
        add("a100-80gb", 81_920, false, "A100 80GB (nvidia-smi: 81920 MiB)");
        add("h100-80gb", 81_559, true, "H100 80GB SXM/PCIe (nvidia-smi: 81559 MiB)");
        add("v100-16gb", 16_384, false, "V100 16GB (nominal 16 GiB; nvidia-smi shows about 16160 MiB with ECC)");
        add("t4", 15_360, false, "T4, 16 GB GDDR6 of which 15360 MiB usable with ECC on (nvidia-smi)");
        add("l4", 23_034, false, "L4, 24 GB GDDR6 (nvidia-smi: 23034 MiB with ECC)");
        add("a10g", 23_028, false, "A10G, 24 GB GDDR6 (nvidia-smi: 23028 MiB with ECC)");
    }

    private static void add(String name, long mib, boolean hopper, String source) {
        long cublas = hopper ? 32 * MIB : 8 * MIB + 8 * 16 * 1024;
        CATALOGUE.put(name, new Device(name, mib * MIB, CUDA_CONTEXT_BYTES, cublas + CUDNN_WORKSPACE_BYTES, 0,
                source));
    }

    /**
     * The built-in GPUs, by name.
     *
     * @return an unmodifiable map, in catalogue order
     */
    public static Map<String, Device> catalogue() {
        return java.util.Collections.unmodifiableMap(CATALOGUE);
    }

    /**
     * A catalogue GPU by name (case-insensitive), or a {@link ModelMeterException} listing the known ones.
     *
     * @param name a catalogue name such as {@code a100-80gb}
     * @return the device
     */
    public static Device named(String name) {
        Device d = CATALOGUE.get(name.toLowerCase(Locale.ROOT));
        if (d == null) {
            throw new ModelMeterException("unknown GPU '" + name + "'; known: " + String.join(", ", CATALOGUE.keySet())
                    + " (or give the memory size)");
        }
        return d;
    }

    /**
     * A GPU of {@code memoryBytes} with the default context and workspace estimates.
     *
     * @param memoryBytes total device memory
     * @return the device, named "custom"
     */
    public static Device ofMemory(long memoryBytes) {
        return new Device("custom", memoryBytes, CUDA_CONTEXT_BYTES, 8 * MIB + 8 * 16 * 1024 + CUDNN_WORKSPACE_BYTES,
                0, "given by the user");
    }

    /**
     * This device with memory kept free for other uses.
     *
     * @param bytes the reserve
     * @return a copy with that reserve
     */
    public Device withReserve(long bytes) {
        return new Device(name, memoryBytes, contextBytes, workspaceBytes, bytes, source);
    }

    /**
     * This device with another CUDA context estimate (what nvidia-smi shows before the first tensor).
     *
     * @param bytes the context's size
     * @return a copy with that context
     */
    public Device withContext(long bytes) {
        return new Device(name, memoryBytes, bytes, workspaceBytes, reserveBytes, source);
    }

    /**
     * What tensors may use: memory less context, workspaces and the reserve.
     *
     * @return the budget in bytes (negative when the fixed costs exceed the memory)
     */
    public long budgetBytes() {
        return memoryBytes - contextBytes - workspaceBytes - reserveBytes;
    }

    /**
     * Bytes the caching allocator takes for a tensor of {@code bytes}: 512-byte blocks, 2 MiB above 1 MiB.
     *
     * @param bytes the tensor's size
     * @return the bytes taken, 0 for an empty tensor
     */
    public static long blockBytes(long bytes) {
        if (bytes <= 0) {
            return 0;
        }
        if (bytes > SMALL_SIZE) {
            return Counts.add(bytes, ROUND_LARGE - 1) / ROUND_LARGE * ROUND_LARGE;
        }
        return (bytes + BLOCK - 1) / BLOCK * BLOCK;
    }

    /**
     * The device peak of training with {@code setup} (its backend forced to CUDA): the step simulation
     * with allocator rounding, plus context and workspaces. {@code memory --gpu} and the fit solver both
     * call this, so they agree by construction.
     *
     * @param planner plans the step
     * @param shaped  the graph, bound to the step's batch
     * @param setup   the step
     * @return the device figure
     */
    public DeviceMemory training(MemoryPlanner planner, ShapedGraph shaped, TrainingSetup setup) {
        TrainingSetup cuda = setup.withBackend(AutogradContext.Backend.CUDA);
        MemoryPlan raw = planner.plan(shaped, cuda);
        MemoryPlan rounded = planner.plan(shaped, cuda, Device::blockBytes);
        return memory(raw.peakBytes(), rounded.peakBytes());
    }

    /**
     * The device peak of an inference forward: weights and buffers plus the activation peak, rounded.
     *
     * @param planner plans the forward
     * @param shaped  the graph, bound to the batch
     * @param setup   the settings the forward runs with (its optimizer plays no part)
     * @return the device figure
     */
    public DeviceMemory inference(MemoryPlanner planner, ShapedGraph shaped, TrainingSetup setup) {
        TrainingSetup cuda = setup.withBackend(AutogradContext.Backend.CUDA);
        MemoryPlan raw = planner.plan(shaped, cuda);
        MemoryPlan rounded = planner.plan(shaped, cuda, Device::blockBytes);
        long rawPeak = raw.statics().params() + raw.statics().buffers() + raw.inference().peakBeyondWeightsBytes();
        long roundedPeak = rounded.statics().params() + rounded.statics().buffers()
                + rounded.inference().peakBeyondWeightsBytes();
        return memory(rawPeak, roundedPeak);
    }

    private DeviceMemory memory(long graphPeak, long allocatorPeak) {
        long total = allocatorPeak + contextBytes + workspaceBytes;
        return new DeviceMemory(this, graphPeak, allocatorPeak, contextBytes, workspaceBytes, reserveBytes, total,
                total + reserveBytes <= memoryBytes);
    }

    /**
     * One device figure: the graph's peak (live tensor bytes), the same with allocator rounding, the
     * device costs, their total, and whether it fits with the reserve kept free.
     */
    public record DeviceMemory(Device device, long graphPeakBytes, long allocatorPeakBytes, long contextBytes,
                               long workspaceBytes, long reserveBytes, long totalBytes, boolean fits) {
        /**
         * What is left free on the device beyond the reserve (negative when it does not fit).
         *
         * @return the headroom in bytes
         */
        public long headroomBytes() {
            return device.memoryBytes() - reserveBytes - totalBytes;
        }
    }
}
