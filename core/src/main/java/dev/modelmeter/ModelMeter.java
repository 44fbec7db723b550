package dev.modelmeter;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.graph.Model;
import dev.modelmeter.onnx.OnnxReader;

import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.shapes.ShapedGraph;

import java.nio.file.Path;
import java.util.ArrayList;

/**
 * The library's front door: load a model from a source ({@code path/to/model.onnx}, a Hugging Face folder or
 * {@code zoo:NAME}) and analyse it. Everything here is also reachable through the packages
 * themselves; this class only wires the usual path.
 *
 * <pre>{@code
 * ModelSummary s = ModelMeter.summarize("resnet50.onnx", AnalysisOptions.defaults().withBatch(8));
 * System.out.println(s.params().total() + " parameters, " + s.macs() + " MACs");
 * MemoryPlan plan = ModelMeter.memory("resnet50.onnx", TrainingSetup.defaults(64));
 * FitSolver.Fit fit = ModelMeter.fit("resnet50.onnx", TrainingSetup.defaults(1), Device.named("rtx4090"));
 * }</pre>
 */
public final class ModelMeter {

    /** Prefix that names a built-in architecture instead of a file. */
    public static final String ZOO_PREFIX = "zoo:";

    private ModelMeter() {
    }

    /**
     * Reads a model; throws {@link ModelMeterException} with a one-line message when it cannot.
     *
     * @param source a path to an ONNX file, {@code zoo:NAME}, or a Hugging Face model (folder with config.json, config.json, safetensors)
     * @return the model
     */
    public static Model load(String source) {
        if (source.startsWith(ZOO_PREFIX)) {
            return ZooSource.build(source.substring(ZOO_PREFIX.length()));
        }
        if (HfSource.is(source)) {
            return HfSource.defaultGraph(source, false);
        }
        return OnnxReader.read(Path.of(source));
    }

    /**
     * Reads an ONNX file; throws {@link ModelMeterException} with a one-line message when it cannot.
     *
     * @param file the ONNX file
     * @return the model
     */
    public static Model load(Path file) {
        return OnnxReader.read(file);
    }

    /**
     * Reads a model for planning a training step: a zoo model's train-mode graph (BatchNorm with batch
     * statistics, Dropout active), a file as it is — export {@code model.train()} for training figures.
     *
     * @param source a path to an ONNX file, {@code zoo:NAME}, or a Hugging Face model (folder with config.json, config.json, safetensors)
     * @return the model
     */
    public static Model loadForTraining(String source) {
        if (source.startsWith(ZOO_PREFIX)) {
            return ZooSource.buildForTraining(source.substring(ZOO_PREFIX.length()));
        }
        if (HfSource.is(source)) {
            return HfSource.defaultGraph(source, true);
        }
        return OnnxReader.read(Path.of(source));
    }

    /**
     * Loads and summarises a model with rows folded to leaf modules.
     *
     * @param source  a path to an ONNX file, or {@code zoo:NAME}
     * @param options how to bind the inputs
     * @return the summary
     */
    public static ModelSummary summarize(String source, AnalysisOptions options) {
        return Analyzer.standard().summarize(load(source), options, dev.modelmeter.analysis.LayerFolding.LEAVES);
    }

    /**
     * Plans the memory of a training step (and inference) of a model at the setup's batch: the graph is
     * bound with that batch on every input's leading dimension.
     *
     * @param source a path to an ONNX file, or {@code zoo:NAME} (its train-mode graph)
     * @param setup  the training step: batch, precision, optimizer, frozen and checkpointed parts
     * @return the plan: peak, breakdown, timeline, inference peak
     */
    public static MemoryPlan memory(String source, TrainingSetup setup) {
        Model m = loadForTraining(source);
        ShapedGraph shaped = Analyzer.standard().shape(m, AnalysisOptions.defaults().withBatch(setup.batch()),
                new ArrayList<>());
        return MemoryPlanner.standard().plan(shaped, setup);
    }

    /**
     * The largest batch whose training step fits a GPU (the setup's batch is ignored: each probe sets its own).
     *
     * @param source a path to an ONNX file, or {@code zoo:NAME}
     * @param setup  the training step
     * @param device the GPU, e.g. {@code Device.named("rtx4090")} or {@code Device.ofMemory(24L << 30)}
     * @return the answer with every batch probed
     */
    public static FitSolver.Fit fit(String source, TrainingSetup setup, Device device) {
        Model m = loadForTraining(source);
        Analyzer analyzer = Analyzer.standard();
        AnalysisOptions options = AnalysisOptions.defaults();
        return new FitSolver(MemoryPlanner.standard()).solve(
                b -> analyzer.shape(m, options.withBatch(b), new ArrayList<>()), setup, device);
    }
}
