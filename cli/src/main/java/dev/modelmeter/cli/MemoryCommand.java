package dev.modelmeter.cli;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.ExportCheck;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.graph.Model;
import dev.modelmeter.report.HtmlReport;
import dev.modelmeter.report.Json;
import dev.modelmeter.report.MemoryReport;
import dev.modelmeter.shapes.ShapedGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code modelmeter memory MODEL --batch N}: the training step's and inference's memory. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Training-step and inference memory: peak, breakdown, where the peak happens, saved activations per module.")
final class MemoryCommand implements Callable<Integer> {

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

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, json, csv, md or html (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = "--html", paramLabel = "FILE", description = "also write the HTML report (charts, timeline, module tree) to FILE")
    java.nio.file.Path html;

    @Override
    public Integer call() {
        // usage errors first, before touching the file
        if (llm.lora != null && training.freeze == null) {
            training.freeze = dev.modelmeter.HfSource.FREEZE_ALL_BUT_LORA; // LoRA trains the adapters only
        }
        AnalysisOptions options = model.toOptions(training.freeze);
        Device gpuDevice = gpu.device();
        training.setup(1);
        llm.layout();
        List<String> warnings = new ArrayList<>();
        Model m = model.load(true, options, llm, warnings);
        ShapedGraph shaped = Analyzer.standard().shape(m, options, warnings);
        warnings.addAll(shaped.warnings()); // the shape engine's notes (a branch taken, a declaration overridden)
        int batch = Batches.of(shaped, options);
        TrainingSetup setup = training.setup(batch);
        MemoryPlan plan = MemoryPlanner.standard().plan(shaped, setup);
        warnings.addAll(ExportCheck.trainingWarnings(shaped));
        MemoryReport.DeviceFigures device = null;
        if (gpuDevice != null) {
            Device.DeviceMemory dm = plan.trainingMeaningful() ? gpuDevice.training(MemoryPlanner.standard(), shaped, setup)
                    : gpuDevice.inference(MemoryPlanner.standard(), shaped, setup); // a quantized graph: inference only
            device = new MemoryReport.DeviceFigures(gpuDevice.name(), dm.totalBytes(),
                    gpuDevice.memoryBytes() - gpuDevice.reserveBytes());
        }
        dev.modelmeter.analysis.llm.LlmMemory lm = model.hf == null ? null
                : LlmFigures.of(model.hf, shaped, plan, setup, llm, gpuDevice);
        String text = switch (format) {
            case json -> {
                var tree = MemoryReport.tree(model.model, plan, device, warnings);
                if (lm != null) {
                    tree.set("llm", dev.modelmeter.report.LlmReport.tree(lm));
                }
                yield Json.pretty(tree);
            }
            case table -> MemoryReport.table(model.model, plan, device)
                    + (lm == null ? "" : dev.modelmeter.report.LlmReport.table(lm));
            case csv -> MemoryReport.csv(plan);
            case md -> MemoryReport.markdown(model.model, plan, device);
            case html -> htmlPage(m, options, plan, device);
        };
        if (html != null) {
            HtmlFile.write(html, format == OutputFormat.html ? text : htmlPage(m, options, plan, device));
        }
        spec.commandLine().getOut().print(text);
        if (format == OutputFormat.table) {
            warnings.addAll(plan.warnings());
            warnings.stream().distinct().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        }
        return Main.OK;
    }

    /** The HTML page: the plan and, for the charts per layer and the module tree, the model's summary. */
    private String htmlPage(Model m, AnalysisOptions options, MemoryPlan plan, MemoryReport.DeviceFigures device) {
        var summary = Analyzer.standard().summarize(m, options, dev.modelmeter.analysis.LayerFolding.LEAVES);
        return HtmlReport.render(new HtmlReport.Page(model.model, summary, plan, device, null, null));
    }
}
