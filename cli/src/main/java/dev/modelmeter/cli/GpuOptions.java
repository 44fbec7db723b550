package dev.modelmeter.cli;

import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.report.Format;
import picocli.CommandLine.Option;

/** The device options of {@code memory} and {@code fit}. */
final class GpuOptions {

    @Option(names = "--gpu", paramLabel = "GPU",
            description = "a GPU from the catalogue (rtx3090, rtx4090, a100-40gb, a100-80gb, h100-80gb, v100-16gb, t4, l4, a10g)"
                    + " or a memory size (24GiB, 24GB)")
    String gpu;

    @Option(names = "--reserve", paramLabel = "SIZE", description = "memory to keep free on the GPU (e.g. 1GiB)")
    String reserve;

    Device device() {
        if (gpu == null && reserve != null) {
            throw new UsageException("--reserve needs --gpu (the memory is kept free on that GPU)");
        }
        Device d;
        try {
            d = gpu == null ? null : Devices.parse(gpu, reserve);
        } catch (dev.modelmeter.ModelMeterException e) {
            throw new UsageException(e.getMessage()); // an unknown GPU name is a usage error
        }
        if (d != null && d.budgetBytes() <= 0) {
            // no batch can fit a budget of nothing: say why instead of printing a negative budget
            throw new UsageException("--gpu " + gpu + (reserve == null ? "" : " --reserve " + reserve) + " leaves no memory for tensors: "
                    + Format.bytes(d.memoryBytes()) + " less the CUDA context (" + Format.bytes(d.contextBytes())
                    + "), workspaces (" + Format.bytes(d.workspaceBytes()) + ") and reserve (" + Format.bytes(d.reserveBytes()) + ")");
        }
        return d;
    }
}
