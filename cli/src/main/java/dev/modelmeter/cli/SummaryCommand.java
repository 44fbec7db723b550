package dev.modelmeter.cli;

import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
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
            description = "table, json, csv or md (default: ${DEFAULT-VALUE})")
    OutputFormat format;

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
        int rows = flat ? 0 : depth == null ? LayerFolding.LEAVES : depth;
        var options = model.toOptions(null); // usage errors first, before touching the file
        java.util.List<String> sourceWarnings = new java.util.ArrayList<>();
        if (llm.lora != null) {
            options = model.toOptions(dev.modelmeter.HfSource.FREEZE_ALL_BUT_LORA);
        }
        ModelSummary s = withWarnings(Analyzer.standard().summarize(model.load(false, options, llm, sourceWarnings),
                options, rows), sourceWarnings);
        String text = style != Style.modelmeter && format == OutputFormat.table
                ? (style == Style.torchsummary ? TorchsummaryStyle.render(s) : TorchstatStyle.render(s))
                : switch (format) {
            case table -> SummaryTable.render(s);
            case json -> SummaryJson.render(s);
            case csv -> SummaryCsv.render(s);
            case md -> SummaryMarkdown.render(s);
        };
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
}
