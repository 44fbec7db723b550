package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;

/** One CSV line per row (RFC 4180 quoting); shapes as {@code 1x64x32x32}, several separated by {@code ;}. */
public final class SummaryCsv {

    private SummaryCsv() {
    }

    /**
     * The summary's rows as CSV with a header line.
     *
     * @param s the summary
     * @return the CSV text
     */
    public static String render(ModelSummary s) {
        StringBuilder sb = new StringBuilder("name,op,depth,output_shapes,params,buffers,macs,flops,other_flops,output_bytes,cost\n");
        for (Layer l : s.layers()) {
            String shapes = String.join(";", l.outputShapes().stream()
                    .map(t -> t.shape() == null ? "?" : t.shape().toString()).toList());
            sb.append(quote(l.name())).append(',').append(quote(l.op())).append(',').append(l.depth()).append(',')
                    .append(quote(shapes)).append(',').append(l.params()).append(',').append(l.buffers()).append(',')
                    .append(known(l, l.macs())).append(',').append(known(l, l.flops())).append(',')
                    .append(known(l, l.otherFlops())).append(',')
                    .append(l.outputBytes()).append(',')
                    .append(!l.costKnown() ? "unknown" : l.approximate() ? "approximate" : "exact").append('\n');
        }
        return sb.toString();
    }

    /** An unknown cost is an empty cell, never 0. */
    private static String known(Layer l, long value) {
        return l.costKnown() ? Long.toString(value) : "";
    }

    static String quote(String v) {
        if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
