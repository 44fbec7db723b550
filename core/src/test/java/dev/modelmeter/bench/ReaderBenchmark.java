package dev.modelmeter.bench;

import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.ShapeInference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reader benchmark (not a unit test): analysis time of a synthetic ~1.5 GB model with embedded float
 * weights and of the same graph with external weights whose file is absent. Meant to run under a
 * small heap ({@code -Xmx256m}) to show that payloads are streamed past, never held. Usage and the
 * recorded figures are in docs/PERFORMANCE.md.
 *
 * <pre>java -Xmx256m -cp ... dev.modelmeter.bench.ReaderBenchmark DIR [layers] [width] [repeats]</pre>
 */
public final class ReaderBenchmark {

    private ReaderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "core/target/bench");
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 23;
        int width = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Files.createDirectories(dir);
        Path embedded = dir.resolve("mlp_embedded.onnx");
        Path external = dir.resolve("mlp_external.onnx");
        for (Path p : new Path[] {embedded, external}) {
            if (!Files.exists(p)) {
                long t0 = System.nanoTime();
                SyntheticOnnxWriter.write(p, layers, width, p == external);
                System.out.printf("generated %s: %,d bytes in %.1f s%n", p, Files.size(p), (System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.printf("max heap %,d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        OpRegistry registry = OpRegistry.standard();
        for (Path p : new Path[] {embedded, external}) {
            double[] ms = new double[repeats];
            long params = 0;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                Model m = OnnxReader.read(p);
                ShapeInference.infer(m.graph(), m.opsets(), registry, ShapeInference.Options.defaults());
                ms[i] = (System.nanoTime() - t0) / 1e6;
                params = m.graph().initializers().stream().mapToLong(TensorData::numel).sum();
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.printf("%s: %,d bytes, %,d parameters; read + shape inference: first %.1f ms, median %.1f ms, min %.1f ms (%d runs)%n",
                    p.getFileName(), Files.size(p), params, ms[0], sorted[repeats / 2], sorted[0], repeats);
        }
    }
}
