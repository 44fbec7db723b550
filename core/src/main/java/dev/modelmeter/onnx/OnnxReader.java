package dev.modelmeter.onnx;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.TensorData;

import java.nio.file.Path;

/**
 * Reads ONNX files into the IR without materialising weight payloads. (Stub: the streaming reader
 * replaces this.)
 */
public final class OnnxReader {

    private OnnxReader() {
    }

    /** Reads a model file; throws {@link ModelMeterException} with a one-line message for bad input. */
    public static Model read(Path path) {
        throw new ModelMeterException(path + ": ONNX reader not implemented yet");
    }

    /**
     * Reads a file holding one serialised TensorProto (the ONNX test suites' input_N.pb), keeping its
     * contents as a value when it has at most {@code TensorValue.MAX_ELEMENTS} elements.
     */
    public static TensorData readTensorFile(Path path) {
        throw new ModelMeterException(path + ": ONNX reader not implemented yet");
    }
}
