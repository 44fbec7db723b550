package dev.modelmeter.cli;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.StoredPrecision;
import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.ExportCheck;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlan;
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

import dev.modelmeter.shapes.ShapedGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code modelmeter fit MODEL --gpu G}: the largest batch whose training step fits the GPU. It says
 * everything {@code memory} says at the batch it answers (warnings, approximate, partial), and exits
 * {@link #NOTHING_FITS} when not even batch 1 fits.
 */
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

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, json or html (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "1048576",
            description = "largest batch the search tries; if it fits, the answer is \"at least N\" (default: ${DEFAULT-VALUE})")
    int maxBatch;

    /** Exit status when not even batch 1 fits the GPU (README's exit-status table). */
    static final int NOTHING_FITS = 3;

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
        if (maxBatch < 1) {
            throw new UsageException("--max-batch must be at least 1, got " + maxBatch);
        }
        if (llm.lora != null && training.freeze == null) {
            training.freeze = dev.modelmeter.HfSource.FREEZE_ALL_BUT_LORA; // LoRA trains the adapters only
        }
        training.setup(1); // a bad --freeze/--checkpoint is a usage error, reported before reading the file
        llm.layout();
        Model m = model.load(true, options, llm, new ArrayList<>());
        if (model.hf != null && (llm.any() || fewestGpus)) {
            if (format == OutputFormat.html || html != null) {
                throw new UsageException("fit under a language-model layout prints table or json");
            }
            LlmFit.Answer answer = LlmFit.run(model.hf, m, options, training, llm, device, fewestGpus, format);
            spec.commandLine().getOut().print(answer.text());
            return answer.nothingFits() ? NOTHING_FITS : Main.OK;
        }
        if (fewestGpus) {
            throw new UsageException("--fewest-gpus applies to a Hugging Face model (a folder with config.json)");
        }
        Analyzer analyzer = Analyzer.standard();
        StoredPrecision stored = analyzer.storedPrecision(analyzer.shape(m, options.withProbedBatch(1), new ArrayList<>()));
        // a quantized graph: a training batch would be a wrong number; its inference batch is the answer, and the
        // plan's warnings say why (the decision is the analysis', docs/MEMORY.md)
        FitSolver solver = new FitSolver(MemoryPlanner.standard());
        java.util.function.IntFunction<ShapedGraph> shapedAt = b -> analyzer.shape(m, options.withProbedBatch(b), new ArrayList<>());
        FitSolver.Fit fit = stored.trainable() ? solver.solve(shapedAt, training.setup(1), device, maxBatch)
                : solver.solveInference(shapedAt, training.setup(1), device, maxBatch);
        FitReport.Notes notes = notesAt(m, analyzer, options, Math.max(1, fit.maxBatch()));
        String page = format == OutputFormat.html || html != null ? HtmlReport.render(new HtmlReport.Page(model.model,
                Analyzer.standard().summarize(m, options, dev.modelmeter.analysis.LayerFolding.LEAVES), null, null, fit,
                training.setup(1))) : null;
        String text = switch (format) {
            case json -> Json.pretty(FitReport.tree(model.model, fit, training.setup(1), notes));
            case html -> page;
            default -> FitReport.table(model.model, fit, training.setup(1), notes);
        };
        if (html != null) {
            HtmlFile.write(html, page);
        }
        spec.commandLine().getOut().print(text);
        if (format == OutputFormat.table) {
            notes.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        }
        return fit.maxBatch() == 0 ? NOTHING_FITS : Main.OK;
    }

    /** What {@code memory --batch N} says: the binding warnings, the export checks and the plan's own. */
    private FitReport.Notes notesAt(Model m, Analyzer analyzer, AnalysisOptions options, int batch) {
        List<String> warnings = new ArrayList<>();
        ShapedGraph shaped = analyzer.shape(m, options.withProbedBatch(batch), warnings);
        warnings.addAll(shaped.warnings());
        MemoryPlan plan = MemoryPlanner.standard().plan(shaped, training.setup(batch));
        warnings.addAll(ExportCheck.trainingWarnings(shaped));
        warnings.addAll(plan.warnings());
        return new FitReport.Notes(warnings.stream().distinct().toList(), plan.approximate(), plan.partial());
    }
}
