package dev.modelmeter.bench;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
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
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 101;
        Files.createDirectories(dir);
        System.out.printf("max heap %,d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        // a transformer-style feed-forward stack: 46 blocks of width 1024 (hidden 4096), 1.5 GB of float32
        compare(dir, "ffn", repeats, (p, ext) -> SyntheticOnnxWriter.writeFeedForward(p, 46, 1024, 128, ext));
        // the worst case: a bare MLP with one node per weight, 23 Gemm+Relu blocks of 4096×4096
        compare(dir, "mlp", repeats, (p, ext) -> SyntheticOnnxWriter.write(p, 23, 4096, ext));
    }

    private interface Writer {
        void write(Path file, boolean external) throws Exception;
    }

    /** Times read + shape inference of the embedded and the external twin, alternating, after a warm-up. */
    private static void compare(Path dir, String name, int repeats, Writer writer) throws Exception {
        Path embedded = dir.resolve(name + "_embedded.onnx");
        Path external = dir.resolve(name + "_external.onnx");
        for (Path p : new Path[] {embedded, external}) {
            if (!Files.exists(p)) {
                long t0 = System.nanoTime();
                writer.write(p, p == external);
                System.out.printf("generated %s: %,d bytes in %.1f s%n", p, Files.size(p), (System.nanoTime() - t0) / 1e9);
            }
        }
        OpRegistry registry = OpRegistry.standard();
        Path[] files = {embedded, external};
        time(name, "read + shape inference", files, repeats, p -> analyse(p, registry));
        Analyzer analyzer = Analyzer.standard();
        time(name, "whole summary (read, shapes, roles, costs, rows, inference peak)", files, repeats,
                p -> analyzer.summarize(OnnxReader.read(p), AnalysisOptions.defaults(), LayerFolding.LEAVES)
                        .params().total());
    }

    private interface Work {
        long run(Path p) throws Exception;
    }

    private static void time(String name, String what, Path[] files, int repeats, Work work) throws Exception {
        // warm up both equally, then alternate them so that JIT and page cache favour neither
        for (int i = 0; i < Math.max(10, repeats); i++) {
            for (Path p : files) {
                work.run(p);
            }
        }
        double[][] ms = new double[files.length][repeats];
        long[] params = new long[files.length];
        for (int i = 0; i < repeats; i++) {
            for (int f = 0; f < files.length; f++) {
                long t0 = System.nanoTime();
                params[f] = work.run(files[f]);
                ms[f][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] medians = new double[files.length];
        for (int f = 0; f < files.length; f++) {
            double[] sorted = ms[f].clone();
            Arrays.sort(sorted);
            medians[f] = sorted[repeats / 2];
            System.out.printf("%s: %,d bytes, %,d parameters; %s: median %.2f ms, min %.2f ms, max %.2f ms (%d runs)%n",
                    files[f].getFileName(), Files.size(files[f]), params[f], what, medians[f], sorted[0],
                    sorted[repeats - 1], repeats);
        }
        System.out.printf("%s, %s: ratio embedded / external (medians): %.2f%n", name, what, medians[0] / medians[1]);
    }

    /** Reads and shapes one file; returns its parameter count (so the work cannot be optimised away). */
    private static long analyse(Path p, OpRegistry registry) {
        Model m = OnnxReader.read(p);
        ShapeInference.infer(m.graph(), m.opsets(), registry, ShapeInference.Options.defaults());
        return m.graph().initializers().stream().mapToLong(TensorData::numel).sum();
    }
}
