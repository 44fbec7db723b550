package dev.modelmeter;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.graph.Model;
import dev.modelmeter.onnx.OnnxReader;

import java.nio.file.Path;

/**
 * The library's front door: load a model from a source ({@code path/to/model.onnx}, a Hugging Face folder or
 * {@code zoo:NAME}) and analyse it. Everything here is also reachable through the packages
 * themselves; this class only wires the usual path.
 *
 * <pre>{@code
 * ModelSummary s = ModelMeter.summarize("resnet50.onnx", AnalysisOptions.defaults().withBatch(8));
 * System.out.println(s.params().total() + " parameters, " + s.macs() + " MACs");
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
}
