package dev.modelmeter.cli;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.llm.LlmMemory;
import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.analysis.parallel.ParallelFit;
import dev.modelmeter.analysis.parallel.ParallelLayout;
import dev.modelmeter.graph.Model;
import dev.modelmeter.report.Json;
import dev.modelmeter.report.LlmReport;

import java.util.ArrayList;

/**
 * {@code fit} for a Hugging Face model under a parallel layout: the largest batch whose per-GPU memory
 * fits the device's budget, or the fewest GPUs that fit at the given batch.
 */
final class LlmFit {

    private LlmFit() {
    }

    /** The answer's text, and whether nothing fits (the command then exits {@link FitCommand#NOTHING_FITS}). */
    record Answer(String text, boolean nothingFits) {
    }

    static Answer run(HfInput hf, Model m, AnalysisOptions options, TrainingOptions training, LlmOptions llm,
                      Device device, boolean fewest, OutputFormat format) {
        Analyzer analyzer = Analyzer.standard();
        MemoryPlanner planner = MemoryPlanner.standard();
        long budget = device.budgetBytes();
        ParallelLayout layout = llm.layout();
        LlmReport.Fit fit;
        if (fewest) {
            int batch = options.batch() == null ? 1 : options.batch();
            TrainingSetup setup = training.setup(batch);
            MemoryPlan plan = planner.plan(analyzer.shape(m, options.withBatch(batch), new ArrayList<>()), setup);
            int step = layout.tensorParallel();
            int n = ParallelFit.fewestGpus(g -> LlmFigures.of(hf, plan, setup, llm, device,
                    relayout(layout, g)).perGpu().total(), budget, step);
            LlmMemory at = n == 0 ? null : LlmFigures.of(hf, plan, setup, llm, device, relayout(layout, n));
            fit = new LlmReport.Fit(device.name(), budget, layout, batch, n, at);
        } else {
            int b = ParallelFit.maxBatch(x -> {
                TrainingSetup setup = training.setup(x);
                MemoryPlan plan = planner.plan(analyzer.shape(m, options.withBatch(x), new ArrayList<>()), setup);
                return LlmFigures.of(hf, plan, setup, llm, device, layout).perGpu().total();
            }, budget, FitSolver.MAX_BATCH);
            LlmMemory at = null;
            if (b > 0) {
                TrainingSetup setup = training.setup(b);
                MemoryPlan plan = planner.plan(analyzer.shape(m, options.withBatch(b), new ArrayList<>()), setup);
                at = LlmFigures.of(hf, plan, setup, llm, device, layout);
            }
            fit = new LlmReport.Fit(device.name(), budget, layout, b, layout.gpus(), at);
        }
        String text = format == OutputFormat.json ? Json.pretty(LlmReport.fitTree(fit, fewest)) : LlmReport.fitTable(fit, fewest);
        return new Answer(text, fewest ? fit.gpus() == 0 : fit.batch() == 0);
    }

    private static ParallelLayout relayout(ParallelLayout l, int gpus) {
        int perNode = Math.min(l.gpusPerNode(), gpus);
        if (l.sharding() == dev.modelmeter.analysis.parallel.Sharding.HYBRID && gpus % perNode != 0) {
            return new ParallelLayout(gpus, l.tensorParallel(), dev.modelmeter.analysis.parallel.Sharding.PARAMETERS,
                    perNode);
        }
        return new ParallelLayout(gpus, l.tensorParallel(), l.sharding(), perNode);
    }
}
