package dev.modelmeter.cli;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.graph.Model;
import dev.modelmeter.report.FitReport;
import dev.modelmeter.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.concurrent.Callable;

/** {@code modelmeter fit MODEL --gpu G}: the largest batch whose training step fits the GPU. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = "The largest batch whose training step fits a GPU, and memory against batch.")
final class FitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    TrainingOptions training;

    @Mixin
    GpuOptions gpu;

    @Mixin
    LlmOptions llm;

    @Option(names = "--fewest-gpus", description = "for a Hugging Face model: the fewest GPUs of --gpu that fit the step at --batch (default 1) under --zero/--tp")
    boolean fewestGpus;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Override
    public Integer call() {
        AnalysisOptions options = model.toOptions(training.freeze);
        Device device = gpu.device();
        if (device == null) {
            throw new UsageException("fit needs --gpu (a catalogue name such as rtx4090, or a size such as 24GiB)");
        }
        if (format != OutputFormat.table && format != OutputFormat.json) {
            throw new UsageException("fit prints table or json");
        }
        if (llm.lora != null && training.freeze == null) {
            training.freeze = dev.modelmeter.HfSource.FREEZE_ALL_BUT_LORA; // LoRA trains the adapters only
        }
        training.setup(1); // a bad --freeze/--checkpoint is a usage error, reported before reading the file
        llm.layout();
        Model m = model.load(true, options, llm, new ArrayList<>());
        if (model.hf != null && (llm.any() || fewestGpus)) {
            spec.commandLine().getOut().print(LlmFit.run(model.hf, m, options, training, llm, device, fewestGpus, format));
            return Main.OK;
        }
        if (fewestGpus) {
            throw new UsageException("--fewest-gpus applies to a Hugging Face model (a folder with config.json)");
        }
        Analyzer analyzer = Analyzer.standard();
        FitSolver.Fit fit = new FitSolver(MemoryPlanner.standard()).solve(
                b -> analyzer.shape(m, options.withBatch(b), new ArrayList<>()), training.setup(1), device);
        String text = format == OutputFormat.json ? Json.pretty(FitReport.tree(model.model, fit, training.setup(1)))
                : FitReport.table(model.model, fit, training.setup(1));
        spec.commandLine().getOut().print(text);
        return Main.OK;
    }
}
