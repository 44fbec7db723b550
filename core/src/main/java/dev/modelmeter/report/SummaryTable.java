package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.graph.TensorType;

import java.util.List;
import java.util.stream.Collectors;

/** The summary as a terminal table: one row per module (or node), then the totals. */
public final class SummaryTable {

    private SummaryTable() {
    }

    /**
     * The summary as a terminal table.
     *
     * @param s the summary
     * @return the text
     */
    public static String render(ModelSummary s) {
        TextTable t = new TextTable(List.of("Layer", "Op", "Output shape", "Params", "MACs"),
                false, false, false, true, true);
        for (Layer l : s.layers()) {
            t.add(l.name(), l.op(), shapes(l.outputShapes()), l.params() == 0 ? "-" : Format.count(l.params()),
                    Format.cost(l.macs(), l.costKnown(), l.approximate()));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(s.model().source()).append('\n');
        sb.append(t.render());
        sb.append(totals(s));
        return sb.toString();
    }

    static String shapes(List<TensorType> shapes) {
        return shapes.stream().map(x -> x.shape() == null ? "?" : x.shape().toListString())
                .collect(Collectors.joining(", "));
    }

    /** The block under the rows; also used by the Markdown renderer. */
    static String totals(ModelSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append('\n');
        line(sb, "Total params", Format.count(s.params().total()));
        line(sb, "Trainable params", Format.count(s.params().trainable()));
        line(sb, "Non-trainable params", Format.count(s.params().nonTrainable()));
        line(sb, "Buffers", Format.count(s.buffers()) + " elements (" + Format.bytes(s.bufferBytes()) + ")");
        long unknownCosts = s.nodes().stream().filter(n -> !n.costKnown()).count();
        String unknownPart = unknownCosts == 0 ? "" : " + ? (" + unknownCosts + " node(s) of unknown cost: partial)";
        String bound = unknownCosts == 0 && s.approximate() ? " (upper bound: an If's branch is not known: approximate)" : "";
        line(sb, "MACs", (bound.isEmpty() ? "" : "≤") + Format.count(s.macs()) + " (" + Format.shortCount(s.macs()) + ")"
                + unknownPart + bound);
        line(sb, "FLOPs", (bound.isEmpty() ? "" : "≤") + Format.count(s.flops()) + unknownPart
                + " (2 per MAC; matmul-like ops only)");
        line(sb, "Other FLOPs (estimate)", Format.count(s.otherFlops()) + unknownPart
                + " (elementwise, norms, pooling, softmax)");
        String weights = s.weightBytesByDtype().entrySet().stream()
                .map(e -> e.getKey().displayName() + " " + Format.bytes(e.getValue()))
                .collect(Collectors.joining(", "));
        line(sb, "Weight memory", weights.isEmpty() ? "0 B" : weights);
        line(sb, "Input size", Format.bytes(s.inputBytes()));
        line(sb, "Sum of layer outputs", Format.bytes(s.layerOutputBytes()));
        line(sb, "Inference peak", s.inferencePeakBytes() < 0 ? "unknown (shapes unknown)"
                : Format.bytes(s.inferencePeakBytes()) + " (eval, no grad: inputs + live activations; "
                + (s.inferencePeakApproximate() ? "approximate: If/Loop/Scan bodies estimated as one unit; " : "") + "docs/MEMORY.md)");
        sb.append("(KiB/MiB/GiB are 1024-based; MACs count conv/matmul work as PyTorch's FlopCounterMode ÷ 2)\n");
        if (s.partial()) {
            sb.append("PARTIAL: some operators are unknown or some shapes or costs could not be inferred (shown ?);"
                    + " totals miss them.\n");
        }
        if (s.approximate()) {
            sb.append("APPROXIMATE: some If branches are not known from shapes; the larger was counted (shown ≤).\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format("%-24s %s%n", label + ":", value));
    }
}
