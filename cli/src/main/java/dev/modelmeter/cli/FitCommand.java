package dev.modelmeter.cli;

import dev.modelmeter.ModelMeter;
import dev.modelmeter.ModelMeterException;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.StoredPrecision;
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
        training.setup(1); // a bad --freeze/--checkpoint is a usage error, reported before reading the file
        Model m = ModelMeter.loadForTraining(model.model);
        Analyzer analyzer = Analyzer.standard();
        StoredPrecision stored = analyzer.storedPrecision(analyzer.shape(m, options.withProbedBatch(1), new ArrayList<>()));
        if (!stored.trainable()) {
            // a quantized graph: no training batch is a right answer (the decision is the analysis', docs/MEMORY.md)
            throw new ModelMeterException(model.model + ": no training batch to answer: training it as stored is not"
                    + " meaningful, " + stored.notTrainable() + "; memory --gpu G gives its inference figures");
        }
        FitSolver.Fit fit = new FitSolver(MemoryPlanner.standard()).solve(
                b -> analyzer.shape(m, options.withProbedBatch(b), new ArrayList<>()), training.setup(1), device);
        String text = format == OutputFormat.json ? Json.pretty(FitReport.tree(model.model, fit, training.setup(1)))
                : FitReport.table(model.model, fit, training.setup(1));
        spec.commandLine().getOut().print(text);
        return Main.OK;
    }
}
