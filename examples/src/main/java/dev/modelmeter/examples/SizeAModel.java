package dev.modelmeter.examples;

import dev.modelmeter.ModelMeter;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.report.Format;

/**
 * The library's front door in a dozen lines: a model's parameters and MACs, its training step's memory
 * and the largest batch that fits a GPU. Run it with
 * {@code java -cp cli/target/modelmeter.jar examples/src/main/java/dev/modelmeter/examples/SizeAModel.java zoo:resnet50}
 * (or an .onnx file).
 */
public final class SizeAModel {

    private SizeAModel() {
    }

    /**
     * Prints the figures of the model named by the first argument (default {@code zoo:resnet50}).
     *
     * @param args an .onnx file or zoo:NAME
     */
    public static void main(String[] args) {
        String source = args.length > 0 ? args[0] : "zoo:resnet50";

        ModelSummary summary = ModelMeter.summarize(source, AnalysisOptions.defaults().withBatch(1));
        System.out.println(Format.count(summary.params().total()) + " parameters, "
                + Format.shortCount(summary.macs()) + " MACs per sample");

        MemoryPlan plan = ModelMeter.memory(source, TrainingSetup.defaults(32).withOptimizer(TrainingSetup.Optimizer.ADAMW));
        System.out.println("training step at batch 32 with AdamW: peak " + Format.bytes(plan.peakBytes()));

        FitSolver.Fit fit = ModelMeter.fit(source, TrainingSetup.defaults(1), Device.named("rtx4090"));
        System.out.println("largest batch on an RTX 4090: " + fit.maxBatch());
    }
}
