package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.graph.TensorType;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * torchstat's columns — input shape, output shape, params, memory(MB), MAdd, Flops, MemRead(B),
 * MemWrite(B), MemR+W(B) — from modelmeter's own figures, with a total row that sums every column.
 * The definitions (docs/STYLES.md): memory = output bytes / 1024²; MAdd = 2 × MACs + other FLOPs
 * (multiplies and adds counted apart); Flops = MACs + other FLOPs; MemRead = bytes of the activations
 * entering the row plus its parameters and buffers; MemWrite = bytes of its outputs.
 */
public final class TorchstatStyle {

    private TorchstatStyle() {
    }

    /**
     * The summary in torchstat's layout.
     *
     * @param s the summary
     * @return the text
     */
    public static String render(ModelSummary s) {
        TextTable t = new TextTable(List.of("module name", "input shape", "output shape", "params", "memory(MB)",
                "MAdd", "Flops", "MemRead(B)", "MemWrite(B)", "MemR+W(B)"),
                false, false, false, true, true, true, true, true, true, true);
        long params = 0;
        long memory = 0;
        long madd = 0;
        long flops = 0;
        long read = 0;
        long write = 0;
        long bytesPerWeight = s.params().total() == 0 ? 4 : Math.max(1, s.params().bytes() / s.params().total());
        for (Layer l : s.layers()) {
            long lMadd = 2 * l.macs() + l.otherFlops();
            long lFlops = l.macs() + l.otherFlops();
            long lRead = bytes(l.inputShapes()) + (l.params() + l.buffers()) * bytesPerWeight;
            long lWrite = l.outputBytes();
            t.add(l.name(), shapes(l.inputShapes()), shapes(l.outputShapes()), Format.count(l.params()),
                    mb(l.outputBytes()), l.costKnown() ? Format.count(lMadd) : Format.UNKNOWN,
                    l.costKnown() ? Format.count(lFlops) : Format.UNKNOWN, Format.count(lRead),
                    Format.count(lWrite), Format.count(lRead + lWrite));
            params += l.params();
            memory += l.outputBytes();
            madd += lMadd;
            flops += lFlops;
            read += lRead;
            write += lWrite;
        }
        String unknown = s.costsKnown() ? "" : " + " + Format.UNKNOWN;
        t.add("total", "", "", Format.count(params), mb(memory), Format.count(madd) + unknown, Format.count(flops) + unknown,
                Format.count(read), Format.count(write), Format.count(read + write));
        return t.render() + String.format(Locale.ROOT,
                "Total params: %s%nTotal memory: %sMB%nTotal MAdd: %s%nTotal Flops: %s%nTotal MemR+W: %s%n",
                Format.count(s.params().total()), mb(memory), Format.shortCount(madd) + unknown,
                Format.shortCount(flops) + unknown,
                Format.bytes(read + write));
    }

    private static long bytes(List<TensorType> types) {
        return types.stream().mapToLong(x -> x.bytes().orElse(0)).sum();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / (1024.0 * 1024.0));
    }

    private static String shapes(List<TensorType> types) {
        return types.stream().map(x -> x.shape() == null ? "?" : x.shape().toString()).collect(Collectors.joining(" "));
    }
}
