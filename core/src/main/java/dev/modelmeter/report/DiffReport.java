package dev.modelmeter.report;

import dev.modelmeter.analysis.ModelDiff;
import dev.modelmeter.analysis.ModelDiff.Figure;
import dev.modelmeter.analysis.ModelDiff.ModuleDelta;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * {@code modelmeter diff A B}: totals and per-module deltas (B - A). A module one side lacks prints
 * {@code absent} (JSON null, CSV empty), never 0.
 */
public final class DiffReport {

    private DiffReport() {
    }

    private static final String[] LABELS = {"params", "Parameters", "trainable_params", "Trainable parameters", "macs",
        "MACs", "weight_bytes", "Weights and buffers", "inference_peak_bytes", "Inference peak",
        "training_peak_bytes", "Training-step peak", "saved_activations_bytes", "Saved for backward"};

    private static String label(String key) {
        for (int i = 0; i < LABELS.length; i += 2) {
            if (LABELS[i].equals(key)) {
                return LABELS[i + 1];
            }
        }
        return key;
    }

    private static String value(Figure f, long v) {
        return f.bytes() ? Format.bytes(v) : Format.count(v);
    }

    private static String delta(long d, boolean bytes) {
        String s = bytes ? Format.bytes(Math.abs(d)) : Format.count(Math.abs(d));
        return d > 0 ? "+" + s : d < 0 ? "-" + s : "0";
    }

    private static String percent(long a, long b) {
        if (a == 0) {
            return b == 0 ? "0%" : "new";
        }
        return String.format(Locale.ROOT, "%+.1f%%", (b - a) * 100.0 / a);
    }

    private static String count(Long v) {
        return v == null ? "absent" : Format.count(v);
    }

    private static String delta(Long a, Long b) {
        return a == null || b == null ? "" : delta(b - a, false);
    }

    /**
     * Totals and changed modules as terminal tables.
     *
     * @param d   the comparison
     * @param all whether to list unchanged modules too
     * @return the text
     */
    public static String table(ModelDiff d, boolean all) {
        StringBuilder sb = new StringBuilder();
        sb.append("A: ").append(d.a().label()).append('\n').append("B: ").append(d.b().label()).append("\n\n");
        TextTable t = new TextTable(List.of("Total", "A", "B", "B - A", "Change"), false, true, true, true, true);
        for (Figure f : d.totals()) {
            t.add(label(f.key()), value(f, f.a()), value(f, f.b()), delta(f.delta(), f.bytes()), percent(f.a(), f.b()));
        }
        sb.append(t.render()).append('\n');
        List<ModuleDelta> rows = d.modules().stream().filter(m -> all || m.changed()).toList();
        if (rows.isEmpty()) {
            sb.append("No module differs in parameters or MACs.\n");
        } else {
            TextTable m = new TextTable(List.of("Module", "Params A", "Params B", "Params B - A", "MACs A", "MACs B",
                    "MACs B - A"), false, true, true, true, true, true, true);
            for (ModuleDelta r : rows) {
                m.add(r.module(), count(r.paramsA()), count(r.paramsB()), delta(r.paramsA(), r.paramsB()),
                        count(r.macsA()), count(r.macsB()), delta(r.macsA(), r.macsB()));
            }
            sb.append(all ? "Modules:\n" : "Modules that differ:\n").append(m.render());
        }
        sb.append("(KiB/MiB/GiB are 1024-based; memory figures as in `modelmeter memory`, docs/MEMORY.md)\n");
        return sb.toString();
    }

    /**
     * The same as GitHub Markdown tables.
     *
     * @param d   the comparison
     * @param all whether to list unchanged modules too
     * @return the text
     */
    public static String markdown(ModelDiff d, boolean all) {
        StringBuilder sb = new StringBuilder();
        sb.append("- A: `").append(d.a().label()).append("`\n- B: `").append(d.b().label()).append("`\n\n");
        sb.append("| Total | A | B | B - A | Change |\n|---|---:|---:|---:|---:|\n");
        for (Figure f : d.totals()) {
            sb.append("| ").append(label(f.key())).append(" | ").append(value(f, f.a())).append(" | ")
                    .append(value(f, f.b())).append(" | ").append(delta(f.delta(), f.bytes())).append(" | ")
                    .append(percent(f.a(), f.b())).append(" |\n");
        }
        List<ModuleDelta> rows = d.modules().stream().filter(m -> all || m.changed()).toList();
        if (!rows.isEmpty()) {
            sb.append("\n| Module | Params A | Params B | Params B - A | MACs A | MACs B | MACs B - A |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (ModuleDelta r : rows) {
                sb.append("| ").append(Markdown.cell(r.module())).append(" | ").append(count(r.paramsA())).append(" | ")
                        .append(count(r.paramsB())).append(" | ").append(delta(r.paramsA(), r.paramsB())).append(" | ")
                        .append(count(r.macsA())).append(" | ").append(count(r.macsB())).append(" | ")
                        .append(delta(r.macsA(), r.macsB())).append(" |\n");
            }
        }
        return sb.toString();
    }

    /**
     * Every module as CSV (sides without the module are empty).
     *
     * @param d the comparison
     * @return the CSV text
     */
    public static String csv(ModelDiff d) {
        StringBuilder sb = new StringBuilder("module,params_a,params_b,macs_a,macs_b\n");
        for (ModuleDelta r : d.modules()) {
            sb.append(SummaryCsv.quote(r.module())).append(',').append(opt(r.paramsA())).append(',')
                    .append(opt(r.paramsB())).append(',').append(opt(r.macsA())).append(',').append(opt(r.macsB()))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String opt(Long v) {
        return v == null ? "" : Long.toString(v);
    }

    /**
     * The comparison as JSON ({@code modelmeter.diff/1}, docs/schema/diff.schema.json).
     *
     * @param d          the comparison
     * @param violations the budgets B breaks, as sentences
     * @return the JSON tree
     */
    public static ObjectNode tree(ModelDiff d, List<String> violations) {
        ObjectNode root = Json.object();
        root.put("schema", "modelmeter.diff/1");
        root.put("a", d.a().label());
        root.put("b", d.b().label());
        ObjectNode totals = root.putObject("totals");
        for (Figure f : d.totals()) {
            ObjectNode o = totals.putObject(f.key());
            o.put("a", f.a());
            o.put("b", f.b());
            o.put("delta", f.delta());
        }
        ArrayNode modules = root.putArray("modules");
        for (ModuleDelta r : d.modules()) {
            ObjectNode o = modules.addObject();
            o.put("module", r.module());
            o.put("params_a", r.paramsA());
            o.put("params_b", r.paramsB());
            o.put("macs_a", r.macsA());
            o.put("macs_b", r.macsB());
            o.put("changed", r.changed());
        }
        ArrayNode v = root.putArray("budget_violations");
        violations.forEach(v::add);
        root.put("partial", d.a().summary().partial() || d.b().summary().partial());
        return root;
    }
}
