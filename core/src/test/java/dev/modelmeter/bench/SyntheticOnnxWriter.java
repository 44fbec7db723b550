package dev.modelmeter.bench;

import com.google.protobuf.CodedOutputStream;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a synthetic ONNX model for the reader benchmark: an MLP of {@code layers} Gemm + Relu blocks of
 * width {@code width}, float32 weights. With embedded weights the file holds every weight as raw_data
 * (23 layers of 4096x4096 ≈ 1.5 GB); with external weights each initializer points into
 * {@code weights.bin}, which is never written. The file is streamed: message sizes are computed up
 * front so that nothing but one 1 MiB chunk of payload is ever in memory.
 */
public final class SyntheticOnnxWriter {

    private static final int FLOAT = 1;
    private static final int CHUNK = 1 << 20;

    private SyntheticOnnxWriter() {
    }

    /** A stored tensor to write: name, dims, bytes of its float32 payload. */
    private record Tensor(String name, long[] dims, long bytes) {
    }

    /** The MLP: {@code layers} blocks of Gemm (width × width, bias) + Relu; every initializer external when asked. */
    public static void write(Path file, int layers, int width, boolean external) throws IOException {
        List<byte[]> nodes = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        String x = "input";
        for (int i = 0; i < layers; i++) {
            String w = "layers." + i + ".weight";
            String b = "layers." + i + ".bias";
            String y = "/layers." + i + "/Gemm_output_0";
            String r = "/relu" + i + "/Relu_output_0";
            nodes.add(node("/layers." + i + "/Gemm", "Gemm", List.of(x, w, b), List.of(y), true));
            nodes.add(node("/relu" + i + "/Relu", "Relu", List.of(y), List.of(r), false));
            x = r;
            tensors.add(new Tensor(w, new long[] {width, width}, 4L * width * width));
            tensors.add(new Tensor(b, new long[] {width}, 4L * width));
        }
        writeModel(file, "synthetic_mlp", nodes, tensors, new long[] {1, width}, x, external ? 0 : Long.MAX_VALUE);
    }

    /**
     * A transformer-style feed-forward stack, as exporters write one: per block Gemm (width → 4·width),
     * GELU as its erf chain (Div, Erf, Add, Mul, Mul by scalar constants), Gemm back, the residual Add
     * and LayerNormalization — nine nodes per two weight matrices. With {@code external}, tensors of
     * 1024 bytes or more are external (the fixtures' {@code size_threshold}); scalars stay embedded.
     */
    public static void writeFeedForward(Path file, int blocks, int width, int rows, boolean external)
            throws IOException {
        List<byte[]> nodes = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(new Tensor("sqrt2", new long[0], 4));
        tensors.add(new Tensor("one", new long[0], 4));
        tensors.add(new Tensor("half", new long[0], 4));
        String x = "input";
        long hidden = 4L * width;
        for (int i = 0; i < blocks; i++) {
            String p = "h." + i + ".mlp.";
            String s = "/h." + i + "/";
            tensors.add(new Tensor(p + "fc.weight", new long[] {hidden, width}, 4L * hidden * width));
            tensors.add(new Tensor(p + "fc.bias", new long[] {hidden}, 4L * hidden));
            tensors.add(new Tensor(p + "proj.weight", new long[] {width, hidden}, 4L * hidden * width));
            tensors.add(new Tensor(p + "proj.bias", new long[] {width}, 4L * width));
            tensors.add(new Tensor("h." + i + ".ln.weight", new long[] {width}, 4L * width));
            tensors.add(new Tensor("h." + i + ".ln.bias", new long[] {width}, 4L * width));
            nodes.add(node(s + "fc/Gemm", "Gemm", List.of(x, p + "fc.weight", p + "fc.bias"), List.of(s + "fc"), true));
            nodes.add(node(s + "act/Div", "Div", List.of(s + "fc", "sqrt2"), List.of(s + "div"), false));
            nodes.add(node(s + "act/Erf", "Erf", List.of(s + "div"), List.of(s + "erf"), false));
            nodes.add(node(s + "act/Add", "Add", List.of(s + "erf", "one"), List.of(s + "add"), false));
            nodes.add(node(s + "act/Mul", "Mul", List.of(s + "fc", s + "add"), List.of(s + "mul"), false));
            nodes.add(node(s + "act/Mul_1", "Mul", List.of(s + "mul", "half"), List.of(s + "gelu"), false));
            nodes.add(node(s + "proj/Gemm", "Gemm", List.of(s + "gelu", p + "proj.weight", p + "proj.bias"),
                    List.of(s + "proj"), true));
            nodes.add(node(s + "Add", "Add", List.of(s + "proj", x), List.of(s + "res"), false));
            nodes.add(node(s + "ln/LayerNormalization", "LayerNormalization",
                    List.of(s + "res", "h." + i + ".ln.weight", "h." + i + ".ln.bias"), List.of(s + "out"), false));
            x = s + "out";
        }
        writeModel(file, "synthetic_ffn", nodes, tensors, new long[] {rows, width}, x,
                external ? 1024 : Long.MAX_VALUE);
    }

    /**
     * Streams the model to disk, payloads as zeros in 1 MiB chunks (never held in memory).
     *
     * @param externalFrom tensors of at least this many bytes are written as external data (absent file)
     */
    private static void writeModel(Path file, String graphName, List<byte[]> nodes, List<Tensor> tensors,
                                   long[] inputShape, String outputName, long externalFrom) throws IOException {
        List<byte[]> headers = new ArrayList<>(); // each initializer without its payload
        List<Long> payloads = new ArrayList<>();
        long offset = 0;
        for (Tensor t : tensors) {
            boolean ext = t.bytes() >= externalFrom;
            headers.add(tensorHeader(t.name(), t.dims(), ext, offset, t.bytes()));
            payloads.add(ext ? 0 : t.bytes());
            if (ext) {
                offset += t.bytes();
            }
        }
        byte[] input = valueInfo("input", inputShape);
        byte[] output = valueInfo(outputName, inputShape);

        long graphSize = 0;
        for (byte[] n : nodes) {
            graphSize += fieldSize(1, n.length);
        }
        graphSize += CodedOutputStream.computeStringSize(2, graphName);
        for (int i = 0; i < headers.size(); i++) {
            graphSize += fieldSize(5, tensorSize(headers.get(i), payloads.get(i)));
        }
        graphSize += fieldSize(11, input.length) + fieldSize(12, output.length);
        if (graphSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("graph of " + graphSize + " bytes exceeds protobuf's 2 GiB limit");
        }

        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), CHUNK)) {
            CodedOutputStream out = CodedOutputStream.newInstance(os, 1 << 16);
            out.writeInt64(1, 8); // ir_version
            out.writeString(2, "modelmeter-bench");
            out.writeTag(7, 2); // graph
            out.writeUInt32NoTag((int) graphSize);
            for (byte[] n : nodes) {
                out.writeByteArray(1, n);
            }
            out.writeString(2, graphName);
            byte[] chunk = new byte[CHUNK];
            for (int i = 0; i < headers.size(); i++) {
                long payload = payloads.get(i);
                out.writeTag(5, 2);
                out.writeUInt32NoTag((int) tensorSize(headers.get(i), payload));
                out.writeRawBytes(headers.get(i));
                if (payload > 0) {
                    out.writeTag(9, 2); // raw_data
                    out.writeUInt32NoTag((int) payload);
                    for (long left = payload; left > 0; left -= CHUNK) {
                        out.writeRawBytes(chunk, 0, (int) Math.min(CHUNK, left));
                    }
                }
            }
            out.writeByteArray(11, input);
            out.writeByteArray(12, output);
            out.writeByteArray(8, opset(17));
            out.flush();
        }
    }

    private static long fieldSize(int field, long length) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(length) + length;
    }

    private static long tensorSize(byte[] header, long payload) {
        return header.length + (payload > 0 ? fieldSize(9, payload) : 0);
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        body.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] node(String name, String op, List<String> in, List<String> out, boolean transB) throws IOException {
        return message(o -> {
            for (String s : in) {
                o.writeString(1, s);
            }
            for (String s : out) {
                o.writeString(2, s);
            }
            o.writeString(3, name);
            o.writeString(4, op);
            if (transB) {
                o.writeByteArray(5, message(a -> {
                    a.writeString(1, "transB");
                    a.writeInt64(3, 1);
                    a.writeInt32(20, 2); // INT
                }));
            }
        });
    }

    private static byte[] tensorHeader(String name, long[] dims, boolean external, long offset, long length)
            throws IOException {
        return message(o -> {
            for (long d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, FLOAT);
            o.writeString(8, name);
            if (external) {
                o.writeByteArray(13, entry("location", "weights.bin"));
                o.writeByteArray(13, entry("offset", Long.toString(offset)));
                o.writeByteArray(13, entry("length", Long.toString(length)));
                o.writeInt32(14, 1);
            }
        });
    }

    private static byte[] entry(String key, String value) throws IOException {
        return message(o -> {
            o.writeString(1, key);
            o.writeString(2, value);
        });
    }

    private static byte[] valueInfo(String name, long[] shape) throws IOException {
        byte[] dims = message(s -> {
            for (long d : shape) {
                s.writeByteArray(1, message(dim -> dim.writeInt64(1, d)));
            }
        });
        byte[] tensorType = message(t -> {
            t.writeInt32(1, FLOAT);
            t.writeByteArray(2, dims);
        });
        return message(v -> {
            v.writeString(1, name);
            v.writeByteArray(2, message(t -> t.writeByteArray(1, tensorType)));
        });
    }

    private static byte[] opset(int version) throws IOException {
        return message(o -> {
            o.writeString(1, "");
            o.writeInt64(2, version);
        });
    }
}
