package dev.modelmeter.bench;

import java.nio.file.Path;

/**
 * Writes a graph of a given node count for the out-of-memory check of docs/RELIABILITY.md: the MLP of
 * {@link SyntheticOnnxWriter#write} (Gemm + Relu per layer) with width 4 and every weight external, so
 * the file is all graph: 1,000,000 nodes and 1,000,000 initializers in about 100 MB.
 *
 * <pre>
 * java -cp $CP dev.modelmeter.bench.LargeGraph /tmp/million.onnx 1000000
 * JAVA_OPTS=-Xmx256m bin/modelmeter memory /tmp/million.onnx
 * </pre>
 */
public final class LargeGraph {

    private LargeGraph() {
    }

    /**
     * Writes the file.
     *
     * @param args the output path, then the node count (default 1,000,000; rounded down to even)
     * @throws Exception when the file cannot be written
     */
    public static void main(String[] args) throws Exception {
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        SyntheticOnnxWriter.write(Path.of(args[0]), nodes / 2, 4, true);
    }
}
