package dev.modelmeter.cli;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.graph.Shape;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options every analysing command shares: the model and how to bind its inputs. */
final class ModelOptions {

    @Parameters(index = "0", paramLabel = "MODEL", description = "an .onnx file, zoo:NAME (see list-zoo), - for an ONNX model on"
            + " standard input, or a Hugging Face model: a folder with config.json, the config.json, or a .safetensors"
            + " file or index beside one")
    String model;

    private String stdinCopy;

    /**
     * Where to read the model: the argument, or for {@code -} a temporary copy of standard input (the
     * reader seeks past weight payloads, which a pipe cannot do; the copy is deleted at exit).
     */
    String path() {
        if (!"-".equals(model)) {
            return model;
        }
        if (stdinCopy == null) {
            try {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("modelmeter");
                java.nio.file.Path file = dir.resolve("stdin.onnx");
                java.nio.file.Files.copy(System.in, file);
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                stdinCopy = file.toString();
            } catch (java.io.IOException e) {
                throw new dev.modelmeter.ModelMeterException("-: cannot read the model from standard input: " + e.getMessage());
            }
        }
        return stdinCopy;
    }

    @Option(names = "--batch", paramLabel = "N", description = "size of the leading (batch) dimension of every input")
    Integer batch;

    @Option(names = "--input", paramLabel = "[NAME=]SHAPE",
            description = "input shape, e.g. 1x3x224x224 or input_ids=8x128 (repeatable; NAME may be omitted for a one-input model)")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--ignore-declared-shapes", description = "infer every shape from the inputs alone, never from the file's declarations")
    boolean ignoreDeclaredShapes;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    AnalysisOptions toOptions(String freezePattern) {
        if (batch != null && batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (String spec : inputs) {
            int eq = spec.lastIndexOf('=');
            String name = eq < 0 ? "" : spec.substring(0, eq);
            String dims = eq < 0 ? spec : spec.substring(eq + 1);
            try {
                shapes.put(name, Analyzer.parseShape(dims));
            } catch (NumberFormatException e) {
                throw new UsageException("--input " + spec + ": expected a shape like 1x3x224x224");
            }
        }
        return new AnalysisOptions(batch, shapes, ignoreDeclaredShapes, freezePattern);
    }

    /** The Hugging Face input once {@link #load} read one, else null. */
    HfInput hf;

    /**
     * Reads the model: a Hugging Face source becomes the graph of its config (header mismatches added to
     * {@code warnings}); the language-model options apply to such a source only.
     */
    dev.modelmeter.graph.Model load(boolean training, AnalysisOptions options, LlmOptions llm, List<String> warnings) {
        if (dev.modelmeter.HfSource.is(model)) {
            hf = HfInput.load(model, options, llm, training);
            warnings.addAll(hf.warnings());
            return hf.model();
        }
        if (llm.any()) {
            throw new UsageException("--lora, --quant, --gpus, --gpus-per-node, --zero, --tp, --kv-cache and --adam-8bit"
                    + " apply to a Hugging Face model (a folder with config.json)");
        }
        return training ? dev.modelmeter.ModelMeter.loadForTraining(path()) : dev.modelmeter.ModelMeter.load(path());
    }
}
