package dev.modelmeter.cli;

import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.report.MemoryReport;

/** Placeholder until the device model lands. */
final class Devices {
    private Devices() {
    }

    static MemoryReport.DeviceFigures figures(String gpu, MemoryPlan plan, TrainingOptions training) {
        throw new UsageException("--gpu is not available yet");
    }
}
