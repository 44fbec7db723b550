package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;

/** The summary as a Markdown table followed by the totals in a code block. */
public final class SummaryMarkdown {

    private SummaryMarkdown() {
    }

    /**
     * The summary as Markdown.
     *
     * @param s the summary
     * @return the text
     */
    public static String render(ModelSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Layer | Op | Output shape | Params | MACs |\n|---|---|---|---:|---:|\n");
        for (Layer l : s.layers()) {
            sb.append("| ").append(escape(l.name())).append(" | ").append(l.op()).append(" | ")
                    .append(SummaryTable.shapes(l.outputShapes())).append(" | ").append(Format.count(l.params()))
                    .append(" | ").append(Format.cost(l.macs(), l.costKnown(), l.approximate()).equals("-") ? "0"
                            : Format.cost(l.macs(), l.costKnown(), l.approximate())).append(" |\n");
        }
        sb.append("\n```").append(SummaryTable.totals(s)).append("```\n");
        return sb.toString();
    }

    private static String escape(String v) {
        return v.replace("|", "\\|");
    }
}
