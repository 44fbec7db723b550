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

    public static void write(Path file, int layers, int width, boolean external) throws IOException {
        List<byte[]> nodes = new ArrayList<>();
        List<byte[]> headers = new ArrayList<>(); // each initializer without its payload
        List<Long> payloads = new ArrayList<>();
        String x = "input";
        long offset = 0;
        for (int i = 0; i < layers; i++) {
            String w = "layers." + i + ".weight";
            String b = "layers." + i + ".bias";
            String y = "/layers." + i + "/Gemm_output_0";
            String r = "/relu" + i + "/Relu_output_0";
            nodes.add(node("/layers." + i + "/Gemm", "Gemm", List.of(x, w, b), List.of(y), true));
            nodes.add(node("/relu" + i + "/Relu", "Relu", List.of(y), List.of(r), false));
            x = r;
            long wBytes = 4L * width * width;
            long bBytes = 4L * width;
            headers.add(tensorHeader(w, new long[] {width, width}, external, offset, wBytes));
            payloads.add(external ? 0 : wBytes);
            offset += wBytes;
            headers.add(tensorHeader(b, new long[] {width}, external, offset, bBytes));
            payloads.add(external ? 0 : bBytes);
            offset += bBytes;
        }
        byte[] input = valueInfo("input", new long[] {1, width});
        byte[] output = valueInfo(x, new long[] {1, width});

        long graphSize = 0;
        for (byte[] n : nodes) {
            graphSize += fieldSize(1, n.length);
        }
        graphSize += CodedOutputStream.computeStringSize(2, "synthetic_mlp");
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
            out.writeString(2, "synthetic_mlp");
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
