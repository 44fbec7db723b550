package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;

/** The summary as GitHub Markdown: a table of the rows, a table of the totals, the notes. */
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
        sb.append('\n').append(totals(SummaryTable.totals(s)));
        return sb.toString();
    }

    /**
     * The table view's totals block as a two-column Markdown table; its notes as paragraphs. The block's
     * lines are {@code Label:} padded to 24 characters, a space, the value.
     */
    static String totals(String block) {
        StringBuilder table = new StringBuilder("| Total | |\n|---|---|\n");
        StringBuilder notes = new StringBuilder();
        for (String line : block.split("\n")) {
            String label = line.length() > 25 ? line.substring(0, 24).strip() : "";
            if (label.endsWith(":") && line.charAt(24) == ' ') {
                table.append("| ").append(Markdown.cell(label.substring(0, label.length() - 1))).append(" | ")
                        .append(Markdown.cell(line.substring(25).strip())).append(" |\n");
            } else if (!line.isBlank()) {
                notes.append('\n').append(line).append('\n');
            }
        }
        return table.append(notes).toString();
    }

    private static String escape(String v) {
        return v.replace("|", "\\|");
    }
}
