package dev.modelmeter.cli;

import dev.modelmeter.ModelMeter;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.graph.Model;
import dev.modelmeter.report.FitReport;
import dev.modelmeter.report.HtmlReport;
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

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, json or html (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = "--html", paramLabel = "FILE", description = "also write the HTML report (memory against batch) to FILE")
    java.nio.file.Path html;

    @Override
    public Integer call() {
        AnalysisOptions options = model.toOptions(training.freeze);
        Device device = gpu.device();
        if (device == null) {
            throw new UsageException("fit needs --gpu (a catalogue name such as rtx4090, or a size such as 24GiB)");
        }
        if (format != OutputFormat.table && format != OutputFormat.json && format != OutputFormat.html) {
            throw new UsageException("fit prints table, json or html");
        }
        training.setup(1); // a bad --freeze/--checkpoint is a usage error, reported before reading the file
        Model m = ModelMeter.loadForTraining(model.path());
        Analyzer analyzer = Analyzer.standard();
        FitSolver.Fit fit = new FitSolver(MemoryPlanner.standard()).solve(
                b -> analyzer.shape(m, options.withBatch(b), new ArrayList<>()), training.setup(1), device);
        String page = format == OutputFormat.html || html != null ? HtmlReport.render(new HtmlReport.Page(model.model,
                Analyzer.standard().summarize(m, options, dev.modelmeter.analysis.LayerFolding.LEAVES), null, null, fit,
                training.setup(1))) : null;
        String text = switch (format) {
            case json -> Json.pretty(FitReport.tree(model.model, fit, training.setup(1)));
            case html -> page;
            default -> FitReport.table(model.model, fit, training.setup(1));
        };
        if (html != null) {
            HtmlFile.write(html, page);
        }
        spec.commandLine().getOut().print(text);
        return Main.OK;
    }
}
