package dev.modelmeter.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads ONNX files into the IR as a stream, without materialising weight payloads: large tensor
 * payloads are skipped and only located, external data files are never opened, and the file is never
 * written. Model-local functions are inlined ({@link FunctionInliner}) so that downstream code sees
 * plain operator nodes; {@link #readRaw} keeps them as calls.
 *
 * <p>Every problem with the input (missing, a directory, empty, not protobuf, not ONNX, truncated,
 * fields of the wrong type, absurd lengths) is a {@link ModelMeterException} whose one-line message
 * names the file.
 */
public final class OnnxReader {

    /** Protobuf cannot represent a message of 2 GiB or more; ONNX files that large use external data. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE;

    private OnnxReader() {
    }

    /**
     * Reads a model file, with model-local functions inlined into the main graph.
     *
     * @param path the {@code .onnx} file
     * @return the model
     */
    public static Model read(Path path) {
        Model model = readRaw(path);
        if (model.functions().isEmpty()) {
            return model;
        }
        try {
            return FunctionInliner.inline(model);
        } catch (ModelMeterException e) {
            throw new ModelMeterException(path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelMeterException(path + ": cannot inline model-local functions (" + e + ")", e);
        }
    }

    /**
     * Reads a model file as it is, function calls left as nodes and functions in {@link Model#functions()}.
     *
     * @param path the {@code .onnx} file
     * @return the model
     */
    public static Model readRaw(Path path) {
        Model model = parse(path, MODEL_FLOAT_CAP_ELEMENTS, in -> new ModelProtoReader(in).readModel(path.toString()));
        try {
            ClaimsCheck.check(path, model.graph());
        } catch (ModelMeterException e) {
            throw new ModelMeterException(path + ": " + e.getMessage(), e);
        }
        return model;
    }

    /**
     * Reads a file holding one serialised TensorProto (the ONNX test suites' input_N.pb), keeping its
     * contents as a value when it has at most {@code TensorValue.MAX_ELEMENTS} numeric elements.
     *
     * @param path the {@code .pb} file
     * @return the tensor
     */
    public static TensorData readTensorFile(Path path) {
        return parse(path, TensorValue.MAX_ELEMENTS, TensorProtoReader::read);
    }

    /**
     * Reads the type of a test-suite value file (input_N.pb): a SequenceProto when {@code declared} is a
     * sequence type, an OptionalProto when it is an optional type, else a TensorProto. A sequence's
     * element dims are those all its elements agree on; an empty sequence or optional gives
     * {@code declared} back. Only types are read, not values.
     *
     * @param path     the {@code .pb} file
     * @param declared the type the test declares for it
     * @return the type read
     */
    public static ValueType readValueFile(Path path, ValueType declared) {
        return parse(path, TensorValue.MAX_ELEMENTS, in -> new ValueProtoReader(in).read(declared));
    }

    private interface Parser<T> {
        T parse(ProtoInput in) throws IOException;
    }

    /**
     * Float tensors of a model kept as values: up to 64 elements, the shape-arithmetic scalars; every
     * larger float tensor is a weight and is skipped.
     */
    static final int MODEL_FLOAT_CAP_ELEMENTS = 64;

    private static <T> T parse(Path path, int floatCapElements, Parser<T> parser) {
        long size = checkedSize(path);
        // skipping a payload only moves the stream's position: skipped bytes are never read
        try (InputStream stream = new PositionalFileStream(path)) {
            return parser.parse(new ProtoInput(stream, size, floatCapElements));
        } catch (ModelMeterException e) {
            throw new ModelMeterException(path + ": not a valid ONNX file: " + e.getMessage(), e);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelMeterException(path + ": not a valid ONNX file: " + protobufProblem(e), e);
        } catch (IOException e) {
            throw new ModelMeterException(path + ": cannot read file (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new ModelMeterException(path + ": not a valid ONNX file: corrupt data (" + e + ")", e);
        } catch (StackOverflowError e) {
            throw new ModelMeterException(path + ": not a valid ONNX file: messages nested too deep", e);
        }
    }

    /** Protobuf's messages are long and multi-sentence; say the gist in a few words. */
    private static String protobufProblem(InvalidProtocolBufferException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("ended unexpectedly") || m.contains("truncated")) {
            return "the file is truncated (it ends in the middle of a field)";
        }
        if (m.contains("invalid tag") || m.contains("zero")) {
            return "invalid protobuf tag (not a protobuf file, or corrupt)";
        }
        if (m.contains("wire type")) {
            return "invalid protobuf wire type (not a protobuf file, or corrupt)";
        }
        if (m.contains("malformed varint")) {
            return "malformed varint (not a protobuf file, or corrupt)";
        }
        int dot = m.indexOf(". ");
        return (dot > 0 ? m.substring(0, dot) : m).replace('\n', ' ');
    }

    private static long checkedSize(Path path) {
        if (path == null) {
            throw new ModelMeterException("no file given");
        }
        if (!Files.exists(path)) {
            throw new ModelMeterException(path + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new ModelMeterException(path + ": is a directory, not an ONNX file");
        }
        if (!Files.isReadable(path)) {
            throw new ModelMeterException(path + ": file is not readable");
        }
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new ModelMeterException(path + ": cannot read file (" + e.getMessage() + ")", e);
        }
        if (size == 0) {
            throw new ModelMeterException(path + ": file is empty");
        }
        if (size > MAX_FILE_BYTES) {
            throw new ModelMeterException(path + ": file is " + size
                    + " bytes; a protobuf message cannot exceed 2 GiB (large models keep weights as external data)");
        }
        return size;
    }
}
