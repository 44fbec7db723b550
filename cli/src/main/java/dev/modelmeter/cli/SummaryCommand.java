package dev.modelmeter.cli;

import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.report.HtmlReport;
import dev.modelmeter.report.Json;
import dev.modelmeter.report.OpReport;
import dev.modelmeter.report.SummaryCsv;
import dev.modelmeter.report.SummaryExplain;
import dev.modelmeter.report.SummaryJson;
import dev.modelmeter.report.SummaryMarkdown;
import dev.modelmeter.report.SummaryTable;
import dev.modelmeter.report.TorchstatStyle;
import dev.modelmeter.report.TorchsummaryStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code modelmeter summary MODEL}: per-layer shapes, parameters, MACs and the totals. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Per-layer output shapes, parameters and MACs, and the totals.")
final class SummaryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    LlmOptions llm;

    @Option(names = "--depth", paramLabel = "K", description = "fold rows into modules K levels deep (default: leaf modules)")
    Integer depth;

    @Option(names = "--flat", description = "one row per graph node instead of per module")
    boolean flat;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json, csv, md or html (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = "--html", paramLabel = "FILE", description = "also write the HTML report (charts, module tree) to FILE")
    java.nio.file.Path html;

    @Option(names = "--tree", description = "rows nested under their modules, like torchinfo (with --depth K: K levels)")
    boolean tree;

    @Option(names = "--columns", paramLabel = "LIST", split = ",",
            description = "table columns after the name: type, input_shape, output_shape, params, buffers, macs, flops,"
                    + " output_bytes, nodes (torchinfo's input_size, output_size, num_params, mult_adds work too;"
                    + " default: type,output_shape,params,macs)")
    List<String> columns;

    @Option(names = "--width", paramLabel = "N",
            description = "longest table line; text cells are cut with … (default: $COLUMNS when set, else no limit; 0: no limit)")
    Integer width;

    @Option(names = "--by-op", description = "totals by operator type (count, params, MACs, output bytes) instead of rows")
    boolean byOp;

    @Option(names = "--explain", description = "show the arithmetic behind every number, with the numbers put in")
    boolean explain;

    @Option(names = "--style", paramLabel = "STYLE", defaultValue = "modelmeter",
            description = "modelmeter, torchsummary or torchstat: print the table a seed tool prints (default: ${DEFAULT-VALUE})")
    Style style;

    enum Style { modelmeter, torchsummary, torchstat }

    /** The summary with the source's warnings (Hugging Face header mismatches) first. */
    private static ModelSummary withWarnings(ModelSummary s, java.util.List<String> first) {
        if (first.isEmpty()) {
            return s;
        }
        java.util.List<String> all = new java.util.ArrayList<>(first);
        all.addAll(s.warnings());
        return new ModelSummary(s.model(), s.shaped(), s.nodes(), s.layers(), s.inputs(), s.outputs(), s.params(),
                s.buffers(), s.bufferBytes(), s.macs(), s.otherFlops(), s.weightBytesByDtype(), s.inputBytes(),
                s.layerOutputBytes(), s.inferencePeakBytes(), s.unknownOps(), all);
    }

    @Override
    public Integer call() {
        if (depth != null && depth < 1) {
            throw new UsageException("--depth must be at least 1");
        }
        // an option that would have no effect is a usage error, not silently ignored
        if (flat && depth != null) {
            throw new UsageException("--flat and --depth exclude each other (--flat is one row per node)");
        }
        if (explain && (format != OutputFormat.table || byOp)) {
            throw new UsageException("--explain prints under the table format's rows; it cannot go with "
                    + (byOp ? "--by-op" : "--format " + format));
        }
        if (style != Style.modelmeter && (format != OutputFormat.table || byOp)) {
            throw new UsageException("--style " + style + " is a table view; it cannot go with "
                    + (byOp ? "--by-op" : "--format " + format));
        }
        if (tree && flat) {
            throw new UsageException("--tree and --flat exclude each other");
        }
        if ((tree || columns != null || width != null) && (format != OutputFormat.table || byOp || style != Style.modelmeter)) {
            throw new UsageException("--tree, --columns and --width lay out the table format's rows");
        }
        if (width != null && width < 0) {
            throw new UsageException("--width must be 0 (no limit) or more");
        }
        SummaryTable.Options layout = layout(); // an unknown column is a usage error before reading the file
        // the tree is built from the leaf rows; --depth then says how many of its levels to show
        int rows = flat ? 0 : depth == null || tree ? LayerFolding.LEAVES : depth;
        var options = model.toOptions(null); // usage errors first, before touching the file
        java.util.List<String> sourceWarnings = new java.util.ArrayList<>();
        if (llm.lora != null) {
            options = model.toOptions(dev.modelmeter.HfSource.FREEZE_ALL_BUT_LORA);
        }
        ModelSummary s = withWarnings(Analyzer.standard().summarize(model.load(false, options, llm, sourceWarnings),
                options, rows), sourceWarnings);
        String text = byOp ? switch (format) {
            case table -> OpReport.table(s);
            case json -> Json.pretty(OpReport.tree(s));
            case csv -> OpReport.csv(s);
            case md -> OpReport.markdown(s);
            case html -> HtmlReport.render(new HtmlReport.Page(model.model, s, null, null, null, null));
        } : style != Style.modelmeter && format == OutputFormat.table
                ? (style == Style.torchsummary ? TorchsummaryStyle.render(s) : TorchstatStyle.render(s))
                : switch (format) {
            case table -> SummaryTable.render(s, layout);
            case json -> SummaryJson.render(s);
            case csv -> SummaryCsv.render(s);
            case md -> SummaryMarkdown.render(s);
            case html -> HtmlReport.render(new HtmlReport.Page(model.model, s, null, null, null, null));
        };
        if (html != null) {
            HtmlFile.write(html, HtmlReport.render(new HtmlReport.Page(model.model, s, null, null, null, null)));
        }
        spec.commandLine().getOut().print(text);
        if (explain && format == OutputFormat.table) {
            spec.commandLine().getOut().print(SummaryExplain.render(s));
        }
        if (format == OutputFormat.table) {
            for (String w : s.warnings()) {
                spec.commandLine().getErr().println("warning: " + w);
            }
        }
        return Main.OK;
    }

    private SummaryTable.Options layout() {
        List<SummaryTable.Column> cols = SummaryTable.Options.DEFAULT_COLUMNS;
        if (columns != null) {
            try {
                cols = columns.stream().map(SummaryTable.Column::parse).toList();
            } catch (IllegalArgumentException e) {
                throw new UsageException("--columns: " + e.getMessage());
            }
        }
        return new SummaryTable.Options(cols, width != null ? width : Terminal.columns(), tree,
                tree && depth != null ? depth : Integer.MAX_VALUE);
    }
}
