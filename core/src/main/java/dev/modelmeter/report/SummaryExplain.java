package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code summary --explain}: under the table, each row's arithmetic with its numbers put in (as the
 * operator rules wrote it), then the arithmetic of the totals.
 */
public final class SummaryExplain {

    private SummaryExplain() {
    }

    /**
     * The explanation, row by row, then the totals.
     *
     * @param s the summary
     * @return the text
     */
    public static String render(ModelSummary s) {
        StringBuilder sb = new StringBuilder("\nHow each number is made\n");
        for (Layer l : s.layers()) {
            if (l.formulas().isEmpty()) {
                continue;
            }
            sb.append(l.name()).append(" (").append(TorchNames.moduleClass(l)).append(")\n");
            for (String f : l.formulas()) {
                sb.append("    ").append(f).append('\n');
            }
        }
        sb.append("\nTotals\n");
        String rows = s.layers().stream().filter(l -> l.params() > 0).map(l -> Format.count(l.params()))
                .collect(Collectors.joining(" + "));
        sb.append("    params = ").append(rows.isEmpty() ? "0" : abbreviate(rows)).append(" = ")
                .append(Format.count(s.params().total())).append('\n');
        for (Map.Entry<dev.modelmeter.graph.DType, Long> e : s.weightBytesByDtype().entrySet()) {
            int bytes = e.getKey().bits() / 8;
            long elements = bytes == 0 ? 0 : e.getValue() / bytes;
            sb.append(String.format(Locale.ROOT, "    weight memory (%s) = %s elements × %d B = %s B = %s / 1024² = %.2f MiB%n",
                    e.getKey().displayName(), Format.count(elements), bytes, Format.count(e.getValue()),
                    Format.count(e.getValue()), e.getValue() / (1024.0 * 1024.0)));
        }
        String macRows = s.layers().stream().filter(l -> l.macs() > 0).map(l -> Format.count(l.macs()))
                .collect(Collectors.joining(" + "));
        String unknown = s.costsKnown() ? "" : " + ? (rows of unknown cost)";
        sb.append("    MACs = ").append(macRows.isEmpty() ? "0" : abbreviate(macRows)).append(unknown).append(" = ")
                .append(Format.count(s.macs())).append(unknown.isEmpty() ? "" : " + ?").append('\n');
        sb.append("    FLOPs = 2 × MACs = 2 × ").append(Format.count(s.macs())).append(" = ")
                .append(Format.count(s.flops())).append('\n');
        sb.append("    input size = ").append(Format.count(s.inputBytes())).append(" B; sum of layer outputs = ")
                .append(Format.count(s.layerOutputBytes())).append(" B\n");
        return sb.toString();
    }

    /** Keeps a long sum readable: the first and last terms around an ellipsis. */
    private static String abbreviate(String sum) {
        String[] terms = sum.split(" \\+ ");
        if (terms.length <= 8) {
            return sum;
        }
        return String.join(" + ", java.util.Arrays.copyOf(terms, 4)) + " + … + "
                + String.join(" + ", java.util.Arrays.copyOfRange(terms, terms.length - 3, terms.length))
                + " (" + terms.length + " rows)";
    }
}
