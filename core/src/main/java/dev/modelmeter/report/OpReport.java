package dev.modelmeter.report;

import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.analysis.OpTotals;
import dev.modelmeter.analysis.OpTotals.OpTotal;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code summary --by-op}: totals by operator type in every format. When a type has a node whose cost
 * is unknown its MACs are a lower bound: the table and Markdown print {@code ≥ N}, JSON gives
 * {@code macs: null} with {@code macs_lower_bound}, CSV leaves {@code macs} empty.
 */
public final class OpReport {

    private OpReport() {
    }

    /**
     * The totals as a terminal table under the model's source, then the model's totals.
     *
     * @param s the summary
     * @return the text
     */
    public static String table(ModelSummary s) {
        TextTable t = new TextTable(List.of("Operator", "Count", "Params", "MACs", "Output bytes"),
                false, true, true, true, true);
        for (OpTotal o : OpTotals.of(s)) {
            t.add(o.op(), Integer.toString(o.count()), Format.count(o.params()), macs(o), Format.bytes(o.outputBytes()));
        }
        return s.model().source() + '\n' + t.render() + SummaryTable.totals(s);
    }

    private static String macs(OpTotal o) {
        return (o.costKnown() ? "" : "≥ ") + Format.count(o.macs());
    }

    /**
     * The totals as a GitHub Markdown table.
     *
     * @param s the summary
     * @return the text
     */
    public static String markdown(ModelSummary s) {
        StringBuilder sb = new StringBuilder("| Operator | Count | Params | MACs | Output bytes |\n|---|---:|---:|---:|---:|\n");
        for (OpTotal o : OpTotals.of(s)) {
            sb.append("| ").append(Markdown.cell(o.op())).append(" | ").append(o.count()).append(" | ")
                    .append(Format.count(o.params())).append(" | ").append(macs(o)).append(" | ")
                    .append(Format.bytes(o.outputBytes())).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The totals as CSV, bytes and counts exact.
     *
     * @param s the summary
     * @return the CSV text
     */
    public static String csv(ModelSummary s) {
        StringBuilder sb = new StringBuilder("op,count,params,macs,other_flops,output_bytes,cost_known\n");
        for (OpTotal o : OpTotals.of(s)) {
            sb.append(SummaryCsv.quote(o.op())).append(',').append(o.count()).append(',').append(o.params()).append(',')
                    .append(o.costKnown() ? Long.toString(o.macs()) : "").append(',').append(o.otherFlops()).append(',')
                    .append(o.outputBytes()).append(',').append(o.costKnown()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The totals as JSON ({@code modelmeter.by-op/1}, docs/JSON.md and docs/schema/by-op.schema.json).
     *
     * @param s the summary
     * @return the JSON tree
     */
    public static ObjectNode tree(ModelSummary s) {
        ObjectNode root = Json.object();
        root.put("schema", "modelmeter.by-op/1");
        root.put("source", s.model().source());
        ArrayNode ops = root.putArray("ops");
        for (OpTotal o : OpTotals.of(s)) {
            ObjectNode n = ops.addObject();
            n.put("op", o.op());
            n.put("count", o.count());
            n.put("params", o.params());
            if (o.costKnown()) {
                n.put("macs", o.macs());
            } else {
                n.putNull("macs");
                n.put("macs_lower_bound", o.macs());
            }
            n.put("other_flops", o.otherFlops());
            n.put("output_bytes", o.outputBytes());
            n.put("cost_known", o.costKnown());
        }
        root.put("params", s.params().total());
        root.put("macs", s.macs());
        root.put("partial", s.partial());
        return root;
    }
}
