package dev.modelmeter.fuzz;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.graph.Model;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.report.FitReport;
import dev.modelmeter.report.Json;
import dev.modelmeter.report.MemoryReport;
import dev.modelmeter.report.SummaryCsv;
import dev.modelmeter.report.SummaryExplain;
import dev.modelmeter.report.SummaryJson;
import dev.modelmeter.report.SummaryMarkdown;
import dev.modelmeter.report.SummaryTable;
import dev.modelmeter.report.TorchstatStyle;
import dev.modelmeter.report.TorchsummaryStyle;
import dev.modelmeter.shapes.ShapedGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fuzz target: one input is the bytes of an ONNX file, taken through everything the CLI does with
 * a file — load, summary (folded and flat), training memory plan, inference peak, the fit solver on a
 * small device — and every renderer. The only exception an input may cause is
 * {@link ModelMeterException}, the documented error type; anything else thrown escapes and is a finding.
 *
 * <p>Jazzer calls {@link #fuzzerTestOneInput(byte[])} (see {@code bin/fuzz}); {@code FuzzRegressionTest}
 * replays the seeds and every past finding's reproducer through the same method in the normal build.
 */
public final class ModelFuzzTarget {

    /** The reader takes a path: each input is written to this one scratch file, never to a source file. */
    private static Path scratch;

    private ModelFuzzTarget() {
    }

    /**
     * Jazzer's entry point.
     *
     * @param data the bytes of a would-be ONNX file
     */
    public static void fuzzerTestOneInput(byte[] data) {
        Path file = scratchFile();
        try {
            Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(file, data);
    }

    /**
     * Takes one file through load, analysis, the fit solver and rendering; only
     * {@link ModelMeterException} is caught.
     *
     * @param file an ONNX file
     */
    public static void run(Path file) {
        run(file, null);
    }

    private static void run(Path file, byte[] data) {
        boolean solveFit = data == null;
        Model model;
        try {
            model = OnnxReader.read(file);
        } catch (ModelMeterException e) {
            return;
        }
        Analyzer analyzer = Analyzer.standard();
        AnalysisOptions options = AnalysisOptions.defaults();
        try {
            ModelSummary folded = analyzer.summarize(model, options, LayerFolding.LEAVES);
            SummaryTable.render(folded);
            SummaryJson.render(folded);
            SummaryCsv.render(folded);
            SummaryMarkdown.render(folded);
            SummaryExplain.render(folded);
            TorchsummaryStyle.render(folded);
            TorchstatStyle.render(folded);
            SummaryTable.render(analyzer.summarize(model, options, 0));
        } catch (ModelMeterException e) {
            // the documented error: fine
        }
        try {
            List<String> warnings = new ArrayList<>();
            ShapedGraph shaped = analyzer.shape(model, options, warnings);
            TrainingSetup setup = TrainingSetup.defaults(1);
            MemoryPlan plan = MemoryPlanner.standard().plan(shaped, setup);
            Device gpu = Device.named("t4");
            Device.DeviceMemory dm = gpu.training(MemoryPlanner.standard(), shaped, setup);
            MemoryReport.DeviceFigures figures = new MemoryReport.DeviceFigures(gpu.name(), dm.totalBytes(),
                    gpu.memoryBytes() - gpu.reserveBytes());
            MemoryReport.table(file.toString(), plan, figures);
            MemoryReport.csv(plan);
            MemoryReport.markdown(file.toString(), plan, null);
            Json.pretty(MemoryReport.tree(file.toString(), plan, figures, warnings));
            MemoryPlanner.standard().inference(shaped, setup);
            gpu.inference(MemoryPlanner.standard(), shaped, setup);
        } catch (ModelMeterException e) {
            // the documented error: fine
        }
        if (model.graph().nodes().size() <= 64 && (solveFit || Arrays.hashCode(data) % 8 == 0)) {
            // the solver re-shapes and re-plans the graph for some 20 batches: only small graphs, and in
            // fuzzing only one input in 8 (by its bytes, so a finding reproduces), to keep executions fast
            try {
                FitSolver.Fit fit = new FitSolver(MemoryPlanner.standard()).solve(
                        b -> analyzer.shape(model, options.withBatch(b), new ArrayList<>()),
                        TrainingSetup.defaults(1), Device.named("t4"));
                FitReport.table(file.toString(), fit, TrainingSetup.defaults(1));
                Json.pretty(FitReport.tree(file.toString(), fit, TrainingSetup.defaults(1)));
            } catch (ModelMeterException e) {
                // the documented error: fine
            }
        }
    }

    private static synchronized Path scratchFile() {
        if (scratch == null) {
            try {
                Path shm = Path.of("/dev/shm");
                scratch = Files.isDirectory(shm) && Files.isWritable(shm)
                        ? Files.createTempFile(shm, "modelmeter-fuzz-", ".onnx")
                        : Files.createTempFile("modelmeter-fuzz-", ".onnx");
                scratch.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }
}
