package dev.modelmeter.report;

import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlan.Breakdown;
import dev.modelmeter.analysis.memory.MemoryPlan.StepPeak;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a memory plan: the breakdown table, where the peak is, saved activations per module, a sparkline. */
public final class MemoryReport {

    private MemoryReport() {
    }

    /**
     * The plan as a terminal report: the breakdown at each step's peak, where the peaks fall, saved
     * activations by module and a sparkline of live bytes.
     *
     * @param source the model's source, printed as the title
     * @param p      the plan
     * @param device the device figures, or null when no GPU was given
     * @return the text
     */
    public static String table(String source, MemoryPlan p, DeviceFigures device) {
        StringBuilder sb = new StringBuilder();
        var s = p.setup();
        sb.append(source).append('\n');
        sb.append("Stored parameters: ").append(p.stored().label()).append('\n');
        if (!p.trainingMeaningful()) {
            sb.append("Training: not meaningful as stored: ").append(p.stored().notTrainable())
                    .append(". Inference figures only.\n\n");
            sb.append(String.format(Locale.ROOT, "Inference: batch %d, %s, %s kernels%n", s.batch(),
                    s.precision().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    s.backend().name().toLowerCase(Locale.ROOT)));
            sb.append("Weights (parameters): ").append(Format.bytes(p.statics().params())).append('\n');
            sb.append("Buffers:              ").append(Format.bytes(p.statics().buffers())).append('\n');
            sb.append("Inference peak (eval, no grad; inputs + activations): ")
                    .append(Format.bytes(p.inference().peakBeyondWeightsBytes())).append(" at ")
                    .append(label(p.inference().scope(), p.inference().at())).append('\n');
            if (device != null) {
                sb.append(String.format(Locale.ROOT, "On %s: inference %s of %s — %s%n", device.name(),
                        Format.bytes(device.peakBytes()), Format.bytes(device.budgetBytes()),
                        device.peakBytes() <= device.budgetBytes() ? "fits" : "does NOT fit"));
            }
            sb.append("(KiB/MiB/GiB are 1024-based; see docs/MEMORY.md for what each part counts)\n");
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "Training step: batch %d, %s, %s, %s kernels, %s attention%n%n", s.batch(),
                s.precision().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                s.optimizer().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                s.backend().name().toLowerCase(Locale.ROOT), s.attention().name().toLowerCase(Locale.ROOT)));
        TextTable t = new TextTable(List.of("At the peak", "First step", "Later steps"), false, true, true);
        Breakdown a = p.firstStep().breakdown();
        Breakdown b = p.steadyStep().breakdown();
        t.add("Weights (parameters)", Format.bytes(a.weights()), Format.bytes(b.weights()));
        t.add("Buffers", Format.bytes(a.buffers()), Format.bytes(b.buffers()));
        t.add("Inputs and target", Format.bytes(a.inputs()), Format.bytes(b.inputs()));
        t.add("Gradients", Format.bytes(a.gradients()), Format.bytes(b.gradients()));
        t.add("Optimizer state", Format.bytes(a.optimizerState()), Format.bytes(b.optimizerState()));
        t.add("Saved activations", Format.bytes(a.savedActivations()), Format.bytes(b.savedActivations()));
        t.add("Transients", Format.bytes(a.transients()), Format.bytes(b.transients()));
        t.add("Peak", Format.bytes(p.firstStep().peakBytes()), Format.bytes(p.steadyStep().peakBytes()));
        sb.append(t.render());
        sb.append('\n');
        sb.append("Peak of the first step: ").append(where(p.firstStep())).append('\n');
        sb.append("Peak of later steps:    ").append(where(p.steadyStep())).append('\n');
        sb.append("Saved for backward (one forward): ").append(Format.bytes(p.savedBytes())).append('\n');
        sb.append("Inference peak (eval, no grad; inputs + activations): ")
                .append(Format.bytes(p.inference().peakBeyondWeightsBytes())).append(" at ")
                .append(label(p.inference().scope(), p.inference().at())).append('\n');
        if (device != null) {
            sb.append(String.format(Locale.ROOT, "On %s: %s of %s (graph peak %s + CUDA context, workspaces, allocator rounding, reserve) — %s%n",
                    device.name(), Format.bytes(device.peakBytes()), Format.bytes(device.budgetBytes()),
                    Format.bytes(p.peakBytes()), device.peakBytes() <= device.budgetBytes() ? "fits" : "does NOT fit"));
        }
        sb.append("Memory over the two steps: ").append(Sparkline.of(
                p.timeline().stream().map(MemoryPlan.TimePoint::liveBytes).toList(), 60)).append('\n');
        sb.append('\n');
        TextTable layers = new TextTable(List.of("Module", "Saved for backward"), false, true);
        p.savedByModule().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(15)
                .forEach(e -> layers.add(e.getKey().isEmpty() ? "(model)" : e.getKey(), Format.bytes(e.getValue())));
        sb.append("Largest saved activations by module:\n").append(layers.render());
        if (p.approximate()) {
            sb.append("APPROXIMATE: operators without an autograd rule were assumed to save every input, and"
                    + " If/Loop/Scan bodies' temporaries are not simulated (see the warnings).\n");
        }
        if (p.partial()) {
            sb.append("PARTIAL: some sizes are unknown and were counted as 0 bytes; the figures are lower bounds.\n");
        }
        sb.append("(KiB/MiB/GiB are 1024-based; see docs/MEMORY.md for what each part counts)\n");
        return sb.toString();
    }

    private static String where(StepPeak s) {
        return s.phase().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", " + label(s.scope(), s.at());
    }

    private static String label(String scope, String at) {
        if (scope != null && !scope.isEmpty()) {
            return scope + (at == null || at.isEmpty() ? "" : " (" + at + ")");
        }
        return at == null || at.isEmpty() ? "start" : at;
    }

    /**
     * The breakdown at each step's peak as CSV: one line per part, bytes.
     *
     * @param p the plan
     * @return the CSV text
     */
    public static String csv(MemoryPlan p) {
        if (!p.trainingMeaningful()) {
            // training parts are not figures for a quantized graph: empty cells, and the reason on its own row
            StringBuilder sb = new StringBuilder("part,first_step_bytes,later_steps_bytes\n");
            sb.append("weights,").append(p.statics().params()).append(',').append(p.statics().params()).append('\n');
            sb.append("buffers,").append(p.statics().buffers()).append(',').append(p.statics().buffers()).append('\n');
            for (String part : List.of("inputs", "gradients", "optimizer_state", "saved_activations", "transients",
                    "peak", "saved_for_backward")) {
                sb.append(part).append(",,\n");
            }
            sb.append("inference_peak,").append(p.inference().peakBeyondWeightsBytes()).append(',')
                    .append(p.inference().peakBeyondWeightsBytes()).append('\n');
            String why = "\"training not meaningful as stored: " + p.stored().notTrainable().replace("\"", "\"\"") + "\"";
            sb.append("note,").append(why).append(',').append(why).append('\n');
            return sb.toString();
        }
        Breakdown a = p.firstStep().breakdown();
        Breakdown b = p.steadyStep().breakdown();
        StringBuilder sb = new StringBuilder("part,first_step_bytes,later_steps_bytes\n");
        long[][] rows = {{a.weights(), b.weights()}, {a.buffers(), b.buffers()}, {a.inputs(), b.inputs()},
            {a.gradients(), b.gradients()}, {a.optimizerState(), b.optimizerState()},
            {a.savedActivations(), b.savedActivations()}, {a.transients(), b.transients()},
            {p.firstStep().peakBytes(), p.steadyStep().peakBytes()}};
        String[] names = {"weights", "buffers", "inputs", "gradients", "optimizer_state", "saved_activations",
            "transients", "peak"};
        for (int i = 0; i < names.length; i++) {
            sb.append(names[i]).append(',').append(rows[i][0]).append(',').append(rows[i][1]).append('\n');
        }
        sb.append("saved_for_backward,").append(p.savedBytes()).append(',').append(p.savedBytes()).append('\n');
        sb.append("inference_peak,").append(p.inference().peakBeyondWeightsBytes()).append(',')
                .append(p.inference().peakBeyondWeightsBytes()).append('\n');
        // the flags travel in every format: a figure is exact only when both are false
        sb.append("approximate,").append(p.approximate()).append(',').append(p.approximate()).append('\n');
        sb.append("partial,").append(p.partial()).append(',').append(p.partial()).append('\n');
        return sb.toString();
    }

    /**
     * The report as GitHub Markdown: the breakdown at each step's peak and the largest saved activations
     * as tables, the other figures as a list.
     *
     * @param source the model's source
     * @param p      the plan
     * @param device the device figures, or null
     * @return the text
     */
    public static String markdown(String source, MemoryPlan p, DeviceFigures device) {
        StringBuilder sb = new StringBuilder();
        var s = p.setup();
        sb.append("### ").append(Markdown.cell(source)).append("\n\n");
        sb.append("Stored parameters: ").append(Markdown.cell(p.stored().label())).append(".\n\n");
        if (!p.trainingMeaningful()) {
            sb.append("**Training: not meaningful as stored**: ").append(Markdown.cell(p.stored().notTrainable()))
                    .append(". Inference figures only.\n\n");
            sb.append(String.format(Locale.ROOT, "Inference: batch %d, %s, %s kernels.%n%n", s.batch(),
                    s.precision().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    s.backend().name().toLowerCase(Locale.ROOT)));
            sb.append("| Inference | Bytes |\n|---|---:|\n");
            sb.append("| Weights (parameters) | ").append(Format.bytes(p.statics().params())).append(" |\n");
            sb.append("| Buffers | ").append(Format.bytes(p.statics().buffers())).append(" |\n");
            sb.append("| Inference peak (eval, no grad; inputs + activations) | ")
                    .append(Format.bytes(p.inference().peakBeyondWeightsBytes())).append(" |\n");
            if (device != null) {
                sb.append("| On ").append(Markdown.cell(device.name())).append(" (of ")
                        .append(Format.bytes(device.budgetBytes())).append(device.peakBytes() <= device.budgetBytes()
                                ? ", fits" : ", does **not** fit").append(") | ")
                        .append(Format.bytes(device.peakBytes())).append(" |\n");
            }
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "Training step: batch %d, %s, %s, %s kernels, %s attention.%n%n", s.batch(),
                s.precision().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                s.optimizer().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                s.backend().name().toLowerCase(Locale.ROOT), s.attention().name().toLowerCase(Locale.ROOT)));
        Breakdown a = p.firstStep().breakdown();
        Breakdown b = p.steadyStep().breakdown();
        sb.append("| At the peak | First step | Later steps |\n|---|---:|---:|\n");
        String[] names = {"Weights (parameters)", "Buffers", "Inputs and target", "Gradients", "Optimizer state",
            "Saved activations", "Transients", "**Peak**"};
        long[][] rows = {{a.weights(), b.weights()}, {a.buffers(), b.buffers()}, {a.inputs(), b.inputs()},
            {a.gradients(), b.gradients()}, {a.optimizerState(), b.optimizerState()},
            {a.savedActivations(), b.savedActivations()}, {a.transients(), b.transients()},
            {p.firstStep().peakBytes(), p.steadyStep().peakBytes()}};
        for (int i = 0; i < names.length; i++) {
            sb.append("| ").append(names[i]).append(" | ").append(Format.bytes(rows[i][0])).append(" | ")
                    .append(Format.bytes(rows[i][1])).append(" |\n");
        }
        sb.append('\n');
        sb.append("- Peak of the first step: ").append(Markdown.cell(where(p.firstStep()))).append('\n');
        sb.append("- Peak of later steps: ").append(Markdown.cell(where(p.steadyStep()))).append('\n');
        sb.append("- Saved for backward (one forward): ").append(Format.bytes(p.savedBytes())).append('\n');
        sb.append("- Inference peak (eval, no grad; inputs + activations): ")
                .append(Format.bytes(p.inference().peakBeyondWeightsBytes())).append(" at ")
                .append(Markdown.cell(label(p.inference().scope(), p.inference().at()))).append('\n');
        if (device != null) {
            sb.append(String.format(Locale.ROOT, "- On %s: %s of %s (graph peak %s + CUDA context, workspaces, allocator"
                            + " rounding, reserve): %s%n", Markdown.cell(device.name()), Format.bytes(device.peakBytes()),
                    Format.bytes(device.budgetBytes()), Format.bytes(p.peakBytes()),
                    device.peakBytes() <= device.budgetBytes() ? "fits" : "does **not** fit"));
        }
        if (p.approximate()) {
            sb.append("- **Approximate**: operators without an autograd rule were assumed to save every input, and"
                    + " If/Loop/Scan bodies' temporaries are not simulated (see the warnings).\n");
        }
        if (p.partial()) {
            sb.append("- **Partial**: some sizes are unknown and were counted as 0 bytes; the figures are lower bounds.\n");
        }
        sb.append("\n| Module | Saved for backward |\n|---|---:|\n");
        p.savedByModule().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(15)
                .forEach(e -> sb.append("| ").append(Markdown.cell(e.getKey().isEmpty() ? "(model)" : e.getKey()))
                        .append(" | ").append(Format.bytes(e.getValue())).append(" |\n"));
        sb.append("\nKiB/MiB/GiB are 1024-based; docs/MEMORY.md says what each part counts.\n");
        return sb.toString();
    }

    /** What the device adds to the graph's peak (null when no --gpu was given). */
    public record DeviceFigures(String name, long peakBytes, long budgetBytes) {
    }

    /**
     * The plan as JSON (schema in docs/JSON.md).
     *
     * @param warnings the caller's warnings (input binding, export checks), printed before the plan's own
     * @param source   the model's source
     * @param p        the plan
     * @param device   the device figures, or null
     * @return the JSON tree
     */
    public static ObjectNode tree(String source, MemoryPlan p, DeviceFigures device, List<String> warnings) {
        ObjectNode root = Json.object();
        root.put("schema", "modelmeter.memory/1");
        root.put("source", source);
        var s = p.setup();
        root.put("batch", s.batch());
        ObjectNode setup = root.putObject("setup");
        setup.put("precision", s.precision().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        setup.put("optimizer", s.optimizer().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        setup.put("backend", s.backend().name().toLowerCase(Locale.ROOT));
        setup.put("attention", s.attention().name().toLowerCase(Locale.ROOT));
        setup.put("freeze", s.freeze());
        setup.put("checkpoint", s.checkpoint());
        root.put("stored_parameters", p.stored().label());
        ObjectNode training = root.putObject("training");
        training.put("meaningful", p.trainingMeaningful());
        if (!p.trainingMeaningful()) {
            training.put("reason", p.stored().notTrainable());
            training.put("weights_bytes", p.statics().params());
            training.put("buffers_bytes", p.statics().buffers());
        } else {
            trainingFigures(training, p);
        }
        inferenceAndRest(root, p, device, warnings);
        return root;
    }

    private static void trainingFigures(ObjectNode training, MemoryPlan p) {
        training.put("peak_bytes", p.firstStep().peakBytes());
        training.put("steady_peak_bytes", p.steadyStep().peakBytes());
        training.put("weights_bytes", p.statics().params());
        training.put("buffers_bytes", p.statics().buffers());
        training.put("inputs_bytes", p.statics().inputs() + p.statics().target());
        training.put("gradients_bytes", p.statics().trainableParams());
        training.put("optimizer_bytes", Math.max(p.firstStep().breakdown().optimizerState(),
                p.steadyStep().breakdown().optimizerState()));
        training.put("saved_activations_bytes", p.savedBytes());
        training.set("first_step", step(p.firstStep()));
        training.set("steady_step", step(p.steadyStep()));
        ObjectNode byModule = training.putObject("saved_by_module");
        p.savedByModule().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> byModule.put(e.getKey(), e.getValue()));
        ObjectNode byDtype = training.putObject("saved_by_dtype");
        new java.util.TreeMap<>(p.savedByDType()).forEach(byDtype::put);
        ArrayNode series = training.putArray("timeline");
        for (MemoryPlan.TimePoint tp : p.timeline()) {
            ObjectNode o = series.addObject();
            o.put("step", tp.step());
            o.put("phase", tp.phase().name().toLowerCase(Locale.ROOT));
            o.put("event", tp.label());
            o.put("live_bytes", tp.liveBytes());
        }
    }

    private static void inferenceAndRest(ObjectNode root, MemoryPlan p, DeviceFigures device, List<String> warnings) {
        ObjectNode inference = root.putObject("inference");
        inference.put("activation_peak_bytes", p.inference().peakBeyondWeightsBytes());
        inference.put("inputs_bytes", p.inference().inputBytes());
        inference.put("outputs_bytes", p.inference().outputBytes());
        inference.put("peak_at", label(p.inference().scope(), p.inference().at()));
        if (device != null) {
            ObjectNode d = root.putObject("device");
            d.put("name", device.name());
            d.put("peak_bytes", device.peakBytes());
            d.put("budget_bytes", device.budgetBytes());
            d.put("fits", device.peakBytes() <= device.budgetBytes());
        }
        root.put("approximate", p.approximate());
        root.put("partial", p.partial());
        ArrayNode warningList = root.putArray("warnings");
        java.util.stream.Stream.concat(warnings.stream(), p.warnings().stream()).distinct().forEach(warningList::add);
    }

    private static ObjectNode step(StepPeak s) {
        ObjectNode o = Json.object();
        o.put("peak_bytes", s.peakBytes());
        o.put("peak_phase", s.phase().name().toLowerCase(Locale.ROOT));
        o.put("peak_at", label(s.scope(), s.at()));
        Breakdown b = s.breakdown();
        ObjectNode bd = o.putObject("breakdown_at_peak");
        bd.put("weights", b.weights());
        bd.put("buffers", b.buffers());
        bd.put("inputs", b.inputs());
        bd.put("gradients", b.gradients());
        bd.put("optimizer_state", b.optimizerState());
        bd.put("saved_activations", b.savedActivations());
        bd.put("transients", b.transients());
        return o;
    }
}
