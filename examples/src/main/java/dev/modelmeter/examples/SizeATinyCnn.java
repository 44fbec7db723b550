package dev.modelmeter.examples;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.dsl.BatchNorm2d;
import dev.modelmeter.dsl.Conv2d;
import dev.modelmeter.dsl.Flatten;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.MaxPool2d;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.dsl.ReLU;
import dev.modelmeter.dsl.Sequential;
import dev.modelmeter.dsl.Tensor;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Model;
import dev.modelmeter.report.SummaryJson;
import dev.modelmeter.report.SummaryTable;

import java.util.ArrayList;

/**
 * Library use, end to end: describe a network in code as with torch.nn, summarise it, plan a training
 * step's memory, and print or serialise the report. Run it with
 * {@code java -cp cli/target/modelmeter.jar examples/src/main/java/dev/modelmeter/examples/SizeATinyCnn.java}.
 */
public final class SizeATinyCnn {

    private SizeATinyCnn() {
    }

    /**
     * Builds a small CIFAR-sized CNN: conv-bn-relu-pool twice, then a linear classifier.
     *
     * @return the model, its batch the symbol {@code batch}
     */
    public static Model tinyCnn() {
        Network net = new Network("tiny-cnn");
        Tensor x = net.input("input", DType.FLOAT, Network.shape("batch", 3, 32, 32));
        Sequential model = net.root(new Sequential(
                new Conv2d(3, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(true), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(true), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 8 * 8, 10)));
        net.output("logits", model.apply(x));
        return net.build();
    }

    /**
     * Prints the summary table, the training step's memory at batch 64, and the JSON report's size.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Model model = tinyCnn();
        ModelSummary summary = Analyzer.standard().summarize(model, AnalysisOptions.defaults().withBatch(64),
                LayerFolding.LEAVES);
        System.out.print(SummaryTable.render(summary));

        var shaped = Analyzer.standard().shape(model, AnalysisOptions.defaults().withBatch(64), new ArrayList<>());
        MemoryPlan plan = MemoryPlanner.standard().plan(shaped,
                TrainingSetup.defaults(64).withOptimizer(TrainingSetup.Optimizer.ADAMW));
        System.out.printf("Training step at batch 64 with AdamW: peak %,d bytes, %,d saved for backward%n",
                plan.peakBytes(), plan.savedBytes());
        System.out.println(SummaryJson.render(summary).length() + " characters of JSON (SummaryJson.render)");
    }
}
