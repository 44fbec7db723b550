package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.analysis.ModuleClasses;
import dev.modelmeter.analysis.OpTotals;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlan.Breakdown;
import dev.modelmeter.analysis.memory.TrainingSetup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * One self-contained HTML page: the charts are inline SVG written here, the only script is the few lines
 * that fold and search the module tree, and nothing is fetched when the page opens (no fonts, no
 * scripts, no images from elsewhere). Every chart says what it holds in {@code data-} attributes
 * ({@code data-chart}, {@code data-bars}, {@code data-points}) so that tests can count its elements.
 *
 * <p>The page is made of the sections the caller has: a summary (totals, per-layer charts, totals by
 * operator type, the module tree), a memory plan (breakdown at the peak as stacked bars, the training
 * step as a timeline of live bytes) and a batch fit (device peak against batch with the budget line).
 */
public final class HtmlReport {

    /** Colours of the memory parts, in the order of {@link #PARTS}. */
    private static final String[] PART_COLOURS = {"#4e79a7", "#a0cbe8", "#9c755f", "#f28e2b", "#e15759",
        "#59a14f", "#b6992d", "#bab0ac"};
    private static final String[] PARTS = {"Weights", "Buffers", "Inputs and target", "Gradients",
        "Optimizer state", "Saved activations", "Transients", "CUDA context, workspaces, allocator rounding"};
    private static final int WIDTH = 1280;

    private HtmlReport() {
    }

    /**
     * What a page shows; every part but the title may be null.
     *
     * @param title   the page's title (the model's source)
     * @param summary the model's summary: totals, layer charts, operator totals, module tree
     * @param plan    the training step's memory plan
     * @param device  the device figures of the plan, or null when no GPU was given
     * @param fit     the batch solver's answer
     * @param setup   the training step that was fitted (with {@code fit})
     */
    public record Page(String title, ModelSummary summary, MemoryPlan plan, MemoryReport.DeviceFigures device,
                       FitSolver.Fit fit, TrainingSetup setup) {
    }

    /**
     * The page as HTML text.
     *
     * @param page what to show
     * @return the HTML document
     */
    public static String render(Page page) {
        StringBuilder sb = head(page.title());
        if (page.plan() != null) {
            memory(sb, page.plan(), page.device());
        }
        if (page.fit() != null) {
            fit(sb, page.fit(), page.setup());
        }
        if (page.summary() != null) {
            summary(sb, page.summary());
        }
        return tail(sb);
    }

    private static StringBuilder head(String title) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"modelmeter\">\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<title>modelmeter: ").append(esc(title)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n");
        sb.append("<header><h1>modelmeter</h1><p class=\"source\">").append(esc(title)).append("</p></header>\n");
        return sb;
    }

    private static String tail(StringBuilder sb) {
        sb.append("<footer>KiB/MiB/GiB are 1024-based; M and G counts are 10⁶ and 10⁹. MACs count multiply-accumulates"
                + " (FLOPs = 2 × MACs). What each figure counts: docs/CONVENTIONS.md and docs/MEMORY.md.</footer>\n");
        sb.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return ascii(sb);
    }

    /**
     * A comparison as a page: the totals side by side and, per module, A's and B's parameters and MACs
     * as paired bars (A light, B dark); a module one side lacks has no bar on that side.
     *
     * @param d the comparison
     * @return the HTML document
     */
    public static String diff(dev.modelmeter.analysis.ModelDiff d) {
        StringBuilder sb = head("A: " + d.a().label() + "   B: " + d.b().label());
        sb.append("<section id=\"diff\"><h2>Comparison</h2>\n<p>A: <code>").append(esc(d.a().label()))
                .append("</code><br>B: <code>").append(esc(d.b().label())).append("</code></p>\n");
        sb.append("<table class=\"ops\"><thead><tr><th>Total</th><th>A</th><th>B</th><th>B - A</th></tr></thead><tbody>\n");
        for (dev.modelmeter.analysis.ModelDiff.Figure f : d.totals()) {
            LongFunction<String> fmt = f.bytes() ? Format::bytes : Format::count;
            sb.append("<tr><td>").append(esc(f.key().replace('_', ' '))).append("</td><td>").append(esc(fmt.apply(f.a())))
                    .append("</td><td>").append(esc(fmt.apply(f.b()))).append("</td><td>")
                    .append(f.delta() > 0 ? "+" : f.delta() < 0 ? "-" : "").append(esc(fmt.apply(Math.abs(f.delta()))))
                    .append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n");
        var modules = d.modules();
        List<String> names = modules.stream().map(m -> m.module()).toList();
        pairs(sb, "params_diff", "Parameters per module", names, modules.stream().map(m -> m.paramsA()).toList(),
                modules.stream().map(m -> m.paramsB()).toList(), "#a0cbe8", "#4e79a7");
        pairs(sb, "macs_diff", "MACs per module", names, modules.stream().map(m -> m.macsA()).toList(),
                modules.stream().map(m -> m.macsB()).toList(), "#ffbe7d", "#f28e2b");
        sb.append("</section>\n");
        return tail(sb);
    }

    /** Paired columns per name: A then B; a null side draws no bar. */
    private static void pairs(StringBuilder sb, String id, String title, List<String> names, List<Long> a, List<Long> b,
                              String colourA, String colourB) {
        int height = 170;
        int left = 90;
        int top = 10;
        int plot = WIDTH - left - 10;
        long max = 1;
        int bars = 0;
        for (int i = 0; i < names.size(); i++) {
            for (Long v : new Long[] {a.get(i), b.get(i)}) {
                if (v != null) {
                    max = Math.max(max, v);
                    bars++;
                }
            }
        }
        sb.append("<figure><figcaption>").append(esc(title)).append(" (A light, B dark)</figcaption>\n");
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-chart=\"%s\" data-bars=\"%d\" viewBox=\"0 0 %d %d\""
                + " width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n", id, bars, WIDTH, height + top + 22, WIDTH,
                height + top + 22, esc(title)));
        axis(sb, left, top, plot, height, Format.shortCount(max));
        double slot = names.isEmpty() ? 0 : plot / (double) names.size();
        for (int i = 0; i < names.size(); i++) {
            if (slot >= 36) { // room for the module's name under its pair
                int chars = (int) (slot / 7);
                String n = names.get(i).length() <= chars ? names.get(i) : names.get(i).substring(0, chars - 1) + "…";
                sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                        left + i * slot + slot * 0.41, top + height + 16, esc(n)));
            }
            Long[] v = {a.get(i), b.get(i)};
            for (int k = 0; k < 2; k++) {
                if (v[k] == null) {
                    continue;
                }
                double h = v[k] * (double) height / max;
                sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
                        + " fill=\"%s\"><title>%s, %s: %s</title></rect>%n", left + i * slot + k * slot * 0.42,
                        top + height - h, Math.max(0.5, slot * 0.4), h, k == 0 ? colourA : colourB, esc(names.get(i)),
                        k == 0 ? "A" : "B", Format.count(v[k])));
            }
        }
        sb.append("</svg></figure>\n");
    }

    // ---- summary -------------------------------------------------------------------------------

    private static void summary(StringBuilder sb, ModelSummary s) {
        sb.append("<section id=\"summary\"><h2>Parameters and compute</h2>\n");
        if (s.partial()) {
            sb.append("<p class=\"warn\">PARTIAL: some operators have no known cost (")
                    .append(esc(String.join(", ", s.unknownOps().keySet())))
                    .append("); the totals below are lower bounds.</p>\n");
        }
        sb.append("<div class=\"cards\">");
        card(sb, "Parameters", Format.shortCount(s.params().total()), Format.count(s.params().total()) + " ("
                + Format.count(s.params().trainable()) + " trainable)");
        card(sb, "MACs", Format.shortCount(s.macs()), Format.count(s.macs()));
        card(sb, "Weights", Format.bytes(s.params().bytes()), "buffers " + Format.bytes(s.bufferBytes()));
        card(sb, "Layer outputs", Format.bytes(s.layerOutputBytes()), "sum over the rows below");
        if (s.inferencePeakBytes() >= 0) {
            card(sb, "Inference peak", Format.bytes(s.inferencePeakBytes()), "inputs + activations, beyond weights");
        }
        sb.append("</div>\n");
        List<Layer> layers = s.layers();
        List<String> names = layers.stream().map(l -> (l.name().isEmpty() ? "(model)" : l.name()) + " · " + TableCells.kind(l)).toList();
        sb.append("<h3>Per layer (").append(layers.size()).append(" rows, in execution order)</h3>\n");
        columns(sb, "params", "Parameters", names, layers.stream().mapToLong(Layer::params).toArray(), Format::count,
                Format::shortCount, "#4e79a7");
        columns(sb, "macs", "MACs", names, layers.stream().mapToLong(Layer::macs).toArray(), Format::count,
                Format::shortCount, "#f28e2b");
        columns(sb, "output_bytes", "Output bytes", names, layers.stream().mapToLong(Layer::outputBytes).toArray(),
                Format::bytes, Format::bytes, "#59a14f");
        byOp(sb, OpTotals.of(s));
        tree(sb, s);
        sb.append("</section>\n");
    }

    private static void card(StringBuilder sb, String label, String big, String small) {
        sb.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"big\">")
                .append(esc(big)).append("</div><div class=\"small\">").append(esc(small)).append("</div></div>");
    }

    /** A column chart, one bar per value in order, a tooltip per bar, the largest value on the axis. */
    private static void columns(StringBuilder sb, String id, String title, List<String> labels, long[] values,
                                LongFunction<String> fmt, LongFunction<String> tick, String colour) {
        int height = 150;
        int left = 90;
        int top = 10;
        int plot = WIDTH - left - 10;
        long max = 1;
        for (long v : values) {
            max = Math.max(max, v);
        }
        sb.append("<figure><figcaption>").append(esc(title)).append(" per layer</figcaption>\n");
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-chart=\"%s\" data-bars=\"%d\" viewBox=\"0 0 %d %d\""
                + " width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s per layer\">%n", id, values.length, WIDTH,
                height + top + 6, WIDTH, height + top + 6, esc(title)));
        axis(sb, left, top, plot, height, tick.apply(max));
        double bw = values.length == 0 ? 0 : plot / (double) values.length;
        for (int i = 0; i < values.length; i++) {
            double h = values[i] * (double) height / max;
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
                    + " fill=\"%s\"><title>%s: %s</title></rect>%n", left + i * bw, top + height - h,
                    Math.max(0.5, bw * 0.85), h, colour, esc(labels.get(i)), esc(fmt.apply(values[i]))));
        }
        sb.append("</svg></figure>\n");
    }

    private static void axis(StringBuilder sb, int left, int top, int plot, int height, String maxLabel) {
        sb.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                        + "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n",
                left, top, left, top + height, left, top + height, left + plot, top + height,
                left, top, left + plot, top, left - 6, top + 4, esc(maxLabel), left - 6, top + height));
    }

    private static void byOp(StringBuilder sb, List<OpTotals.OpTotal> ops) {
        sb.append("<h3>By operator type (").append(ops.size()).append(" types)</h3>\n");
        long max = 1;
        for (OpTotals.OpTotal o : ops) {
            max = Math.max(max, o.macs());
        }
        int rowH = 18;
        int left = 170;
        int plot = 560;
        sb.append("<div class=\"row\"><figure><figcaption>MACs by operator type</figcaption>\n");
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-chart=\"macs_by_op\" data-bars=\"%d\" viewBox=\"0 0 %d %d\""
                + " width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"MACs by operator type\">%n", ops.size(),
                left + plot + 110, ops.size() * rowH + 4, left + plot + 110, ops.size() * rowH + 4));
        for (int i = 0; i < ops.size(); i++) {
            OpTotals.OpTotal o = ops.get(i);
            double w = o.macs() * (double) plot / max;
            int y = i * rowH + 2;
            sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                    + "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"#f28e2b\"><title>%s: %s MACs</title></rect>"
                    + "<text class=\"tick\" x=\"%.2f\" y=\"%d\">%s</text>%n", left - 6, y + 12, esc(o.op()), left, y,
                    w, rowH - 4, esc(o.op()), esc(macs(o)), left + w + 4, y + 12, esc(macs(o))));
        }
        sb.append("</svg></figure>\n<table class=\"ops\"><thead><tr><th>Operator</th><th>Count</th><th>Params</th>"
                + "<th>MACs</th><th>Output bytes</th></tr></thead><tbody>\n");
        for (OpTotals.OpTotal o : ops) {
            sb.append("<tr><td>").append(esc(o.op())).append("</td><td>").append(o.count()).append("</td><td>")
                    .append(Format.count(o.params())).append("</td><td>").append(esc(macs(o))).append("</td><td>")
                    .append(Format.bytes(o.outputBytes())).append("</td></tr>\n");
        }
        sb.append("</tbody></table></div>\n");
    }

    private static String macs(OpTotals.OpTotal o) {
        return Format.shortCount(o.macs()) + (o.costKnown() ? "" : " (partial)");
    }

    /** The module tree: one row per module path prefix, folded by a click, filtered by the search box. */
    private static void tree(StringBuilder sb, ModelSummary s) {
        List<ModuleTree.Row> rows = ModuleTree.of(s.layers(), ModuleClasses.of(s.nodes()));
        sb.append("<h3>Module tree</h3>\n<div class=\"treebar\"><input id=\"search\" type=\"search\""
                + " placeholder=\"filter by name, class or op\" aria-label=\"filter rows\"> depth: ");
        int maxDepth = rows.stream().mapToInt(ModuleTree.Row::depth).max().orElse(0);
        for (int d = 1; d <= maxDepth; d++) {
            sb.append("<button class=\"depth\" data-depth=\"").append(d).append("\">").append(d).append("</button>");
        }
        sb.append("<button class=\"depth\" data-depth=\"99\">all</button></div>\n");
        sb.append("<table class=\"tree\" data-rows=\"").append(rows.size()).append("\"><thead><tr><th>Module</th>"
                + "<th>Class / op</th><th>Output shape</th><th>Params</th><th>MACs</th><th>Output bytes</th></tr></thead><tbody>\n");
        for (int i = 0; i < rows.size(); i++) {
            ModuleTree.Row r = rows.get(i);
            Layer l = r.layer();
            sb.append("<tr data-depth=\"").append(r.depth()).append("\" data-leaf=\"").append(r.leaf()).append("\">");
            sb.append("<td style=\"padding-left:").append(6 + 16 * (r.depth() - 1)).append("px\">")
                    .append(r.leaf() ? "<span class=\"tw\"></span>" : "<span class=\"tw open\">▾</span>")
                    .append(esc(r.label())).append("</td><td>").append(esc(r.kind())).append("</td><td>")
                    .append(esc(SummaryTable.shapes(l.outputShapes()))).append("</td><td>")
                    .append(l.params() == 0 ? "–" : Format.count(l.params())).append("</td><td>")
                    .append(l.macs() == 0 ? "–" : Format.count(l.macs())).append("</td><td>")
                    .append(Format.bytes(l.outputBytes())).append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n");
    }

    // ---- memory --------------------------------------------------------------------------------

    private static void memory(StringBuilder sb, MemoryPlan p, MemoryReport.DeviceFigures device) {
        var s = p.setup();
        sb.append("<section id=\"memory\"><h2>Training step memory</h2>\n<p>Batch ").append(s.batch()).append(", ")
                .append(esc(word(s.precision()))).append(", ").append(esc(word(s.optimizer()))).append(", ")
                .append(esc(word(s.backend()))).append(" kernels, ").append(esc(word(s.attention())))
                .append(" attention.</p>\n");
        if (p.approximate()) {
            sb.append("<p class=\"warn\">APPROXIMATE: some operators have no autograd rule; their inputs were assumed"
                    + " saved.</p>\n");
        }
        sb.append("<div class=\"cards\">");
        card(sb, "Peak, first step", Format.bytes(p.firstStep().peakBytes()), where(p.firstStep()));
        card(sb, "Peak, later steps", Format.bytes(p.steadyStep().peakBytes()), where(p.steadyStep()));
        card(sb, "Saved for backward", Format.bytes(p.savedBytes()), "one forward");
        card(sb, "Inference peak", Format.bytes(p.inference().peakBeyondWeightsBytes()), "eval, no grad, beyond weights");
        if (device != null) {
            card(sb, "On " + device.name(), Format.bytes(device.peakBytes()), "of " + Format.bytes(device.budgetBytes())
                    + (device.peakBytes() <= device.budgetBytes() ? ": fits" : ": does NOT fit"));
        }
        sb.append("</div>\n");
        stacked(sb, p, device);
        timeline(sb, p);
        sb.append("</section>\n");
    }

    private static String where(MemoryPlan.StepPeak s) {
        String at = s.scope() != null && !s.scope().isEmpty() ? s.scope() : s.at() == null || s.at().isEmpty() ? "start" : s.at();
        return s.phase().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", " + at;
    }

    private static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static long[] parts(Breakdown b, long deviceExtra) {
        return new long[] {b.weights(), b.buffers(), b.inputs(), b.gradients(), b.optimizerState(),
            b.savedActivations(), b.transients(), deviceExtra};
    }

    /** The breakdown at each step's peak as one stacked bar per step; the device's share is the last part. */
    private static void stacked(StringBuilder sb, MemoryPlan p, MemoryReport.DeviceFigures device) {
        long extra = device == null ? 0 : Math.max(0, device.peakBytes() - p.peakBytes());
        long[][] rows = {parts(p.firstStep().breakdown(), extra), parts(p.steadyStep().breakdown(), extra)};
        String[] names = {"First step", "Later steps"};
        long max = 1;
        for (long[] r : rows) {
            long t = 0;
            for (long v : r) {
                t += v;
            }
            max = Math.max(max, t);
        }
        int left = 110;
        int plot = WIDTH - left - 120;
        int rowH = 34;
        int segments = 0;
        StringBuilder bars = new StringBuilder();
        for (int r = 0; r < rows.length; r++) {
            double x = left;
            int y = 8 + r * (rowH + 12);
            long total = 0;
            bars.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    left - 8, y + rowH / 2 + 5, names[r]));
            for (int i = 0; i < rows[r].length; i++) {
                long v = rows[r][i];
                total += v;
                if (v == 0) {
                    continue;
                }
                double w = v * (double) plot / max;
                segments++;
                bars.append(String.format(Locale.ROOT, "<rect class=\"seg\" data-part=\"%d\" x=\"%.2f\" y=\"%d\" width=\"%.2f\""
                        + " height=\"%d\" fill=\"%s\"><title>%s: %s</title></rect>%n", i, x, y, w, rowH,
                        PART_COLOURS[i], esc(PARTS[i]), Format.bytes(v)));
                if (w > 70) {
                    bars.append(String.format(Locale.ROOT, "<text class=\"inbar\" x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                            x + w / 2, y + rowH / 2 + 5, Format.bytes(v)));
                }
                x += w;
            }
            bars.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.2f\" y=\"%d\">%s</text>%n", x + 6,
                    y + rowH / 2 + 5, Format.bytes(total)));
        }
        int height = 8 + rows.length * (rowH + 12);
        sb.append("<figure><figcaption>What the peak is made of").append(device == null ? ""
                : " (on " + esc(device.name()) + ", with the device's share)").append("</figcaption>\n");
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-chart=\"breakdown\" data-bars=\"%d\" viewBox=\"0 0 %d %d\""
                + " width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"memory at the peak\">%n", segments, WIDTH, height,
                WIDTH, height));
        sb.append(bars).append("</svg>\n<div class=\"legend\">");
        for (int i = 0; i < PARTS.length; i++) {
            if (i == PARTS.length - 1 && device == null) {
                break;
            }
            sb.append("<span><i style=\"background:").append(PART_COLOURS[i]).append("\"></i>").append(esc(PARTS[i]))
                    .append("</span>");
        }
        sb.append("</div></figure>\n");
    }

    /** Live bytes at every event of the two steps: phases as bands, the peak of each step marked. */
    private static void timeline(StringBuilder sb, MemoryPlan p) {
        List<MemoryPlan.TimePoint> tl = p.timeline();
        int height = 260;
        int left = 90;
        int top = 24;
        int plot = WIDTH - left - 10;
        long max = 1;
        for (MemoryPlan.TimePoint t : tl) {
            max = Math.max(max, t.liveBytes());
        }
        double dx = tl.size() > 1 ? plot / (double) (tl.size() - 1) : 0;
        sb.append("<figure><figcaption>Live bytes over two training steps (zero-grad, forward, backward, optimizer step)"
                + "</figcaption>\n");
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-chart=\"timeline\" data-points=\"%d\" viewBox=\"0 0 %d %d\""
                + " width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"live bytes over the training step\">%n", tl.size(),
                WIDTH, height + top + 24, WIDTH, height + top + 24));
        // phase bands: runs of the same step and phase
        int start = 0;
        for (int i = 1; i <= tl.size(); i++) {
            if (i == tl.size() || tl.get(i).phase() != tl.get(start).phase() || tl.get(i).step() != tl.get(start).step()) {
                MemoryPlan.TimePoint t = tl.get(start);
                double x0 = left + start * dx - dx / 2;
                double x1 = left + (i - 1) * dx + dx / 2;
                String phase = t.phase().name().toLowerCase(Locale.ROOT);
                sb.append(String.format(Locale.ROOT, "<rect class=\"band %s\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\">"
                        + "<title>step %d, %s</title></rect>%n", phase, Math.max(left, x0), top,
                        Math.max(0.5, Math.min(left + plot, x1) - Math.max(left, x0)), height, t.step(), phase.replace('_', ' ')));
                if (x1 - x0 > 60) {
                    sb.append(String.format(Locale.ROOT, "<text class=\"phase\" x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s %d</text>%n",
                            (Math.max(left, x0) + Math.min(left + plot, x1)) / 2, top + height + 16,
                            phase.replace('_', ' '), t.step()));
                }
                start = i;
            }
        }
        axis(sb, left, top, plot, height, Format.bytes(max));
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < tl.size(); i++) {
            double y = top + height - tl.get(i).liveBytes() * (double) height / max;
            pts.append(String.format(Locale.ROOT, "%s%.2f,%.2f", i == 0 ? "" : " ", left + i * dx, y));
        }
        sb.append("<polyline class=\"live\" points=\"").append(pts).append("\"/>\n");
        List<Integer> peaks = new ArrayList<>();
        for (int step : new int[] {1, 2}) {
            int best = -1;
            for (int i = 0; i < tl.size(); i++) {
                if (tl.get(i).step() == step && (best < 0 || tl.get(i).liveBytes() > tl.get(best).liveBytes())) {
                    best = i;
                }
            }
            if (best >= 0) {
                peaks.add(best);
            }
        }
        for (int i : peaks) {
            MemoryPlan.TimePoint t = tl.get(i);
            double x = left + i * dx;
            double y = top + height - t.liveBytes() * (double) height / max;
            boolean right = x > left + plot * 0.6;
            sb.append(String.format(Locale.ROOT, "<circle class=\"peak\" cx=\"%.2f\" cy=\"%.2f\" r=\"5\"><title>peak of step %d:"
                            + " %s at %s</title></circle><text class=\"peaklabel\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\">"
                            + "peak %s (step %d)</text>%n", x, y, t.step(), Format.bytes(t.liveBytes()), esc(t.label()),
                    right ? x - 8 : x + 8, Math.max(top + 12, y - 8), right ? "end" : "start", Format.bytes(t.liveBytes()),
                    t.step()));
        }
        sb.append("</svg></figure>\n");
    }

    // ---- fit -----------------------------------------------------------------------------------

    private static void fit(StringBuilder sb, FitSolver.Fit fit, TrainingSetup setup) {
        var d = fit.device();
        long budget = FitReport.budget(d);
        sb.append("<section id=\"fit\"><h2>Batch fit on ").append(esc(d.name())).append("</h2>\n<p>")
                .append(esc(d.source())).append(", budget ").append(Format.bytes(budget)).append(" (reserve ")
                .append(Format.bytes(d.reserveBytes())).append("); training with ")
                .append(esc(word(setup.optimizer()))).append(", ").append(esc(word(setup.precision()))).append(".</p>\n");
        sb.append("<div class=\"cards\">");
        card(sb, "Largest batch that fits", fit.maxBatch() == 0 ? "none" : Integer.toString(fit.maxBatch()),
                fit.atMax() == null ? "not even batch 1 fits" : "device peak " + Format.bytes(fit.atMax().totalBytes()));
        sb.append("</div>\n");
        List<FitSolver.Probe> probes = new ArrayList<>(fit.table());
        probes.sort(java.util.Comparator.comparingInt(FitSolver.Probe::batch));
        int height = 260;
        int left = 90;
        int top = 14;
        int plot = WIDTH - left - 20;
        long maxY = budget;
        int maxB = 1;
        for (FitSolver.Probe pr : probes) {
            maxY = Math.max(maxY, pr.memory().totalBytes());
            maxB = Math.max(maxB, pr.batch());
        }
        maxY = maxY + maxY / 10;
        sb.append("<figure><figcaption>Device peak against batch, with the budget</figcaption>\n");
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-chart=\"fit\" data-points=\"%d\" viewBox=\"0 0 %d %d\""
                + " width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"memory against batch\">%n", probes.size(), WIDTH,
                height + top + 30, WIDTH, height + top + 30));
        axis(sb, left, top, plot, height, Format.bytes(maxY));
        double by = top + height - budget * (double) height / maxY;
        sb.append(String.format(Locale.ROOT, "<line class=\"limit\" x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\"/>"
                + "<text class=\"limitlabel\" x=\"%d\" y=\"%.2f\" text-anchor=\"end\">budget %s</text>%n", left, by, left + plot,
                by, left + plot, by - 6, Format.bytes(budget)));
        StringBuilder pts = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (FitSolver.Probe pr : probes) {
            double x = left + pr.batch() * (double) plot / maxB;
            double y = top + height - pr.memory().totalBytes() * (double) height / maxY;
            pts.append(pts.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f,%.2f", x, y));
            dots.append(String.format(Locale.ROOT, "<circle class=\"probe %s\" cx=\"%.2f\" cy=\"%.2f\" r=\"4\"><title>batch %d:"
                    + " %s</title></circle>%n", pr.memory().fits() ? "fits" : "nofit", x, y, pr.batch(),
                    Format.bytes(pr.memory().totalBytes())));
        }
        sb.append("<polyline class=\"curve\" points=\"").append(pts).append("\"/>\n").append(dots);
        sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">batch %d</text>"
                + "<text class=\"tick\" x=\"%d\" y=\"%d\">batch 0</text>%n", left + plot, top + height + 18, maxB, left,
                top + height + 18));
        sb.append("</svg></figure>\n</section>\n");
    }

    // ---- text ----------------------------------------------------------------------------------

    /**
     * Text made safe for HTML element content and attribute values.
     *
     * @param text the text, or null
     * @return the escaped text ("" for null)
     */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Every character past ASCII as a numeric reference, so the page reads right whatever charset carried it. */
    private static String ascii(CharSequence html) {
        StringBuilder sb = new StringBuilder(html.length() + 256);
        html.codePoints().forEach(c -> {
            if (c < 128) {
                sb.append((char) c);
            } else {
                sb.append("&#").append(c).append(';');
            }
        });
        return sb.toString();
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;
            max-width:1320px;padding:0 20px 40px;color:#1f2328;background:#fff}
            header{display:flex;align-items:baseline;gap:16px;border-bottom:1px solid #d0d7de;margin-bottom:8px}
            h1{font-size:22px;margin:14px 0 10px}h2{font-size:19px;margin:26px 0 6px}h3{font-size:15px;margin:18px 0 6px}
            .source{color:#57606a;font-family:ui-monospace,"DejaVu Sans Mono",monospace;margin:0}
            .cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
            .card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:150px}
            .card .label{color:#57606a;font-size:12px}.card .big{font-size:20px;font-weight:600}
            .card .small{color:#57606a;font-size:12px}
            .warn{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;border-radius:6px}
            figure{margin:8px 0 14px}figcaption{font-weight:600;font-size:13px;margin-bottom:2px}
            svg.chart{display:block;max-width:100%;height:auto}
            .axis{stroke:#57606a;stroke-width:1}.grid{stroke:#d0d7de;stroke-dasharray:3 3}
            .tick,.label,.phase,.inbar,.peaklabel,.limitlabel{font-size:12px;fill:#57606a}
            .inbar{fill:#fff;font-weight:600}.label{fill:#1f2328}
            .band.zero_grad{fill:#eaeef2}.band.forward{fill:#ddf4ff}.band.backward{fill:#fff1e5}
            .band.optimizer_step{fill:#dafbe1}.band.inference{fill:#f6f8fa}
            .live{fill:none;stroke:#0969da;stroke-width:1.6}.peak{fill:#cf222e}.peaklabel{fill:#cf222e;font-weight:600}
            .limit{stroke:#cf222e;stroke-width:1.5;stroke-dasharray:6 4}.limitlabel{fill:#cf222e}
            .curve{fill:none;stroke:#0969da;stroke-width:1.6}.probe.fits{fill:#1a7f37}.probe.nofit{fill:#cf222e}
            .legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12px;color:#57606a;margin-left:110px}
            .legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px}
            .row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
            table{border-collapse:collapse;font-size:13px}
            th,td{padding:2px 10px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
            th:first-child,td:first-child,.tree td:nth-child(2),.tree td:nth-child(3),.tree th:nth-child(2),.tree th:nth-child(3){text-align:left}
            thead th{position:sticky;top:0;background:#f6f8fa}
            .tree{width:100%}.tree td:first-child{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
            .tw{display:inline-block;width:14px;cursor:pointer;color:#57606a}
            .tw.closed{transform:rotate(-90deg)}tr.hidden{display:none}
            .treebar{margin:4px 0 6px}#search{width:260px;padding:3px 6px;margin-right:10px}
            button.depth{margin:0 2px;padding:1px 8px}
            footer{margin-top:30px;color:#57606a;font-size:12px;border-top:1px solid #d0d7de;padding-top:8px}
            """;

    /** Folding and search of the module tree; records that it ran, or the error it met, on the root element. */
    private static final String SCRIPT = """
            (function () {
              var root = document.documentElement;
              window.addEventListener('error', function (e) { root.setAttribute('data-error', String(e.message)); });
              var rows = Array.prototype.slice.call(document.querySelectorAll('table.tree tbody tr'));
              function depth(r) { return parseInt(r.getAttribute('data-depth'), 10); }
              function show(limit) {
                rows.forEach(function (r) {
                  r.classList.toggle('hidden', depth(r) > limit);
                  var t = r.querySelector('.tw.open, .tw.closed');
                  if (t) { t.classList.toggle('closed', depth(r) >= limit); t.classList.toggle('open', depth(r) < limit); }
                });
              }
              rows.forEach(function (r, i) {
                var t = r.querySelector('.tw.open, .tw.closed');
                if (!t) { return; }
                t.addEventListener('click', function () {
                  var closing = t.classList.contains('open');
                  t.classList.toggle('open', !closing); t.classList.toggle('closed', closing);
                  for (var j = i + 1; j < rows.length && depth(rows[j]) > depth(r); j++) {
                    rows[j].classList.toggle('hidden', closing);
                    var u = rows[j].querySelector('.tw.open, .tw.closed');
                    if (u && !closing) { u.classList.add('open'); u.classList.remove('closed'); }
                  }
                });
              });
              Array.prototype.forEach.call(document.querySelectorAll('button.depth'), function (b) {
                b.addEventListener('click', function () { show(parseInt(b.getAttribute('data-depth'), 10)); });
              });
              var search = document.getElementById('search');
              if (search) {
                search.addEventListener('input', function () {
                  var q = search.value.toLowerCase();
                  rows.forEach(function (r) { r.classList.toggle('hidden', q !== '' && r.textContent.toLowerCase().indexOf(q) < 0); });
                });
              }
              var counts = {};
              Array.prototype.forEach.call(document.querySelectorAll('svg.chart'), function (s) {
                counts[s.getAttribute('data-chart')] = s.querySelectorAll('rect.bar, rect.seg').length
                    + (s.querySelector('polyline') ? s.querySelector('polyline').points.numberOfItems : 0);
              });
              root.setAttribute('data-rendered', JSON.stringify(counts));
            })();
            """;
}
