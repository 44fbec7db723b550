package dev.modelmeter.cli;

import dev.modelmeter.ModelMeter;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.ModelDiff;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.ops.AutogradContext;
import dev.modelmeter.report.DiffReport;
import dev.modelmeter.report.Format;
import dev.modelmeter.report.Json;
import dev.modelmeter.shapes.ShapedGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code modelmeter diff A B}: two models, or one model under two setups ({@code model.onnx@batch=16}),
 * with per-module and total deltas; budgets on B make it a CI gate (exit status 3 when one is broken).
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two models, or one model under two setups: totals and per-module deltas (B - A).",
            "A side is MODEL or MODEL@key=value,... with keys batch, optimizer, precision, freeze, checkpoint,"
                    + " backend, attention (e.g. model.onnx@batch=32,precision=bf16-mixed).",
            "Exit status 3 when B breaks a --max-* budget."})
final class DiffCommand implements Callable<Integer> {

    /** Exit status when B breaks a budget. */
    static final int OVER_BUDGET = 3;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "the first model (an .onnx file or zoo:NAME), optionally @key=value,...")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "the second model, or the same with other @key=value settings")
    String b;

    @Option(names = "--batch", paramLabel = "N", description = "batch of both sides unless a side sets its own")
    Integer batch;

    @Option(names = "--depth", paramLabel = "K", defaultValue = "1",
            description = "compare modules K path levels deep (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--no-memory", description = "skip the training-step memory plans (parameters and MACs only)")
    boolean noMemory;

    @Option(names = "--all", description = "list every module, not only those that differ")
    boolean all;

    @Mixin
    TrainingOptions training;

    @Option(names = "--max-params", paramLabel = "COUNT", description = "budget: B's parameters (e.g. 25M, 1.5G, 3000000)")
    String maxParams;

    @Option(names = "--max-macs", paramLabel = "COUNT", description = "budget: B's MACs (e.g. 4.5G)")
    String maxMacs;

    @Option(names = "--max-peak", paramLabel = "SIZE", description = "budget: B's training-step peak (e.g. 12GiB)")
    String maxPeak;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, json, csv, md or html (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = "--html", paramLabel = "FILE", description = "also write the HTML comparison (paired bars per module) to FILE")
    java.nio.file.Path html;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override
    public Integer call() {
        if (depth < 1) {
            throw new UsageException("--depth must be at least 1");
        }
        if (batch != null && batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        if (noMemory && maxPeak != null) {
            throw new UsageException("--max-peak needs the memory plans; drop --no-memory");
        }
        Long paramBudget = maxParams == null ? null : count("--max-params", maxParams);
        Long macBudget = maxMacs == null ? null : count("--max-macs", maxMacs);
        Long peakBudget = maxPeak == null ? null : Devices.bytes(maxPeak);
        training.setup(1); // a bad --freeze/--checkpoint is a usage error, before reading files
        SideSpec sa = parse(a);
        SideSpec sb = parse(b);
        ModelDiff d = ModelDiff.of(side(sa), side(sb));

        List<String> violations = new ArrayList<>();
        for (ModelDiff.Figure f : d.totals()) {
            Long budget = switch (f.key()) {
                case "params" -> paramBudget;
                case "macs" -> macBudget;
                case "training_peak_bytes" -> peakBudget;
                default -> null;
            };
            if (budget != null && f.b() > budget) {
                violations.add(String.format(Locale.ROOT, "B's %s %s exceeds the budget %s", f.key().replace('_', ' '),
                        f.bytes() ? Format.bytes(f.b()) : Format.count(f.b()),
                        f.bytes() ? Format.bytes(budget) : Format.count(budget)));
            }
        }
        String text = switch (format) {
            case json -> Json.pretty(DiffReport.tree(d, violations));
            case csv -> DiffReport.csv(d);
            case md -> DiffReport.markdown(d, all);
            case html -> dev.modelmeter.report.HtmlReport.diff(d);
            default -> DiffReport.table(d, all);
        };
        spec.commandLine().getOut().print(text);
        if (html != null) {
            HtmlFile.write(html, format == OutputFormat.html ? text : dev.modelmeter.report.HtmlReport.diff(d));
        }
        for (String v : violations) {
            spec.commandLine().getErr().println("modelmeter: over budget: " + v);
        }
        return violations.isEmpty() ? Main.OK : OVER_BUDGET;
    }

    /** A side: the model and its setting overrides. */
    private record SideSpec(String label, String model, Map<String, String> settings) {
    }

    private static final List<String> KEYS = List.of("batch", "optimizer", "precision", "freeze", "checkpoint", "backend",
            "attention");

    private static SideSpec parse(String side) {
        int at = side.lastIndexOf('@');
        Map<String, String> settings = new LinkedHashMap<>();
        if (at > 0 && side.indexOf('=', at) > 0) {
            for (String kv : side.substring(at + 1).split(",")) {
                int eq = kv.indexOf('=');
                String key = eq < 0 ? kv : kv.substring(0, eq).strip();
                if (eq < 0 || !KEYS.contains(key)) {
                    throw new UsageException("'" + side + "': expected MODEL@key=value,... with keys " + KEYS);
                }
                settings.put(key, kv.substring(eq + 1).strip());
            }
            return new SideSpec(side, side.substring(0, at), settings);
        }
        return new SideSpec(side, side, settings);
    }

    private ModelDiff.Side side(SideSpec s) {
        Integer n = batch;
        if (s.settings().containsKey("batch")) {
            try {
                n = Integer.parseInt(s.settings().get("batch"));
            } catch (NumberFormatException e) {
                throw new UsageException("'" + s.label() + "': batch must be a number");
            }
            if (n < 1) {
                throw new UsageException("'" + s.label() + "': batch must be at least 1");
            }
        }
        String freeze = s.settings().getOrDefault("freeze", training.freeze);
        AnalysisOptions options = new AnalysisOptions(n, Map.of(), false, freeze);
        ModelSummary summary = Analyzer.standard().summarize(ModelMeter.load(s.model()), options, depth);
        MemoryPlan plan = null;
        if (!noMemory) {
            ShapedGraph shaped = Analyzer.standard().shape(ModelMeter.loadForTraining(s.model()), options, new ArrayList<>());
            TrainingSetup setup = overrides(training.setup(Batches.of(shaped, options)), s);
            plan = MemoryPlanner.standard().plan(shaped, setup);
        }
        return new ModelDiff.Side(s.label(), summary, plan);
    }

    private static TrainingSetup overrides(TrainingSetup setup, SideSpec s) {
        TrainingSetup t = setup;
        try {
            for (Map.Entry<String, String> e : s.settings().entrySet()) {
                String v = e.getValue();
                t = switch (e.getKey()) {
                    case "optimizer" -> t.withOptimizer(TrainingOptions.constant(TrainingSetup.Optimizer.class, v));
                    case "precision" -> t.withPrecision(TrainingOptions.constant(TrainingSetup.Precision.class, v));
                    case "backend" -> t.withBackend(TrainingOptions.constant(AutogradContext.Backend.class, v));
                    case "attention" -> t.withAttention(TrainingOptions.constant(TrainingSetup.AttentionMode.class, v));
                    case "freeze" -> t.withFreeze(v);
                    case "checkpoint" -> t.withCheckpoint(v);
                    default -> t;
                };
            }
        } catch (picocli.CommandLine.TypeConversionException e) {
            throw new UsageException("'" + s.label() + "': " + e.getMessage());
        }
        return t;
    }

    /** {@code 25M} = 25·10⁶, {@code 1.5G} = 1.5·10⁹, {@code 300K}, or a plain count. */
    static long count(String option, String text) {
        String t = text.strip().toUpperCase(Locale.ROOT).replace(",", "").replace("_", "");
        double factor = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G") || t.endsWith("T")) {
            factor = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1e3;
                case 'M' -> 1e6;
                case 'G' -> 1e9;
                default -> 1e12;
            };
            t = t.substring(0, t.length() - 1).strip();
        }
        try {
            double v = Double.parseDouble(t) * factor;
            if (v < 0 || v > Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return Math.round(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " '" + text + "': expected a count such as 25M, 1.5G or 3000000");
        }
    }
}
