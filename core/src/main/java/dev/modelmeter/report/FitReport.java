package dev.modelmeter.report;

import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.TrainingSetup;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * Renders the batch solver's answer. The budget is the GPU's memory less the user's reserve; a batch
 * fits when its device peak (graph peak with allocator rounding + CUDA context + workspaces) is within it.
 */
public final class FitReport {

    private FitReport() {
    }

    /**
     * What {@code memory} says at the answer's batch, which {@code fit} repeats in every format.
     *
     * @param warnings    every warning of the analysis at that batch (binding, export checks, the plan's own)
     * @param approximate whether the plan is approximate (see {@code MemoryPlan#approximate})
     * @param partial     whether some size is unknown (figures are lower bounds)
     */
    public record Notes(List<String> warnings, boolean approximate, boolean partial) {
        /**
         * Copies the list.
         *
         * @param warnings    the warnings
         * @param approximate whether the plan is approximate
         * @param partial     whether some size is unknown
         */
        public Notes {
            warnings = List.copyOf(warnings);
        }

        /** Nothing to add. */
        static final Notes NONE = new Notes(List.of(), false, false);
    }

    /**
     * The answer as a terminal table without notes.
     *
     * @param source the model's source, printed as the title
     * @param fit    the solver's answer
     * @param setup  the training step that was fitted
     * @return the text
     */
    public static String table(String source, FitSolver.Fit fit, TrainingSetup setup) {
        return table(source, fit, setup, Notes.NONE);
    }

    /**
     * The answer as JSON without notes.
     *
     * @param source the model's source
     * @param fit    the solver's answer
     * @param setup  the training step that was fitted
     * @return the JSON tree
     */
    public static ObjectNode tree(String source, FitSolver.Fit fit, TrainingSetup setup) {
        return tree(source, fit, setup, Notes.NONE);
    }

    /**
     * The answer as a terminal table: the probes, the largest batch that fits and the device model.
     *
     * @param source the model's source, printed as the title
     * @param fit    the solver's answer
     * @param setup  the training step that was fitted
     * @param notes  what the analysis says at the answer's batch
     * @return the text
     */
    public static String table(String source, FitSolver.Fit fit, TrainingSetup setup, Notes notes) {
        Device d = fit.device();
        StringBuilder sb = new StringBuilder();
        sb.append(source).append('\n');
        sb.append(fit.inference()
                ? String.format(Locale.ROOT, "%s: %s, budget %s (reserve %s); INFERENCE (eval, no grad), %s: training"
                        + " this graph as stored is not meaningful (see the warnings)%n%n", d.name(), d.source(),
                        Format.bytes(budget(d)), Format.bytes(d.reserveBytes()),
                        setup.precision().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                : String.format(Locale.ROOT, "%s: %s, budget %s (reserve %s); training with %s, %s%n%n", d.name(),
                        d.source(), Format.bytes(budget(d)), Format.bytes(d.reserveBytes()),
                        setup.optimizer().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                        setup.precision().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        TextTable t = new TextTable(List.of("Batch", "Graph peak", "With rounding", "Device peak", "Fits"),
                true, true, true, true, false);
        for (FitSolver.Probe p : fit.table()) {
            Device.DeviceMemory m = p.memory();
            t.add(Integer.toString(p.batch()), Format.bytes(m.graphPeakBytes()), Format.bytes(m.allocatorPeakBytes()),
                    Format.bytes(m.totalBytes()), m.fits() ? "yes" : "no");
        }
        sb.append(t.render()).append('\n');
        if (fit.maxBatch() == 0) {
            sb.append("Not even batch 1 fits.\n");
        } else if (fit.atLeast()) {
            sb.append(String.format(Locale.ROOT, "Largest batch that fits: at least %d (device peak %s of %s); the search"
                    + " stops at --max-batch %d%n", fit.maxBatch(), Format.bytes(fit.atMax().totalBytes()),
                    Format.bytes(budget(d)), fit.searchLimit()));
        } else {
            sb.append(String.format(Locale.ROOT, "Largest batch that fits: %d (device peak %s of %s)%n", fit.maxBatch(),
                    Format.bytes(fit.atMax().totalBytes()), Format.bytes(budget(d))));
        }
        if (fit.limit() != null) {
            sb.append("Largest analysable batch: ").append(fit.maxBatch()).append("; ").append(fit.limit())
                    .append(": larger batches may fit\n");
        }
        if (notes.approximate()) {
            sb.append("APPROXIMATE: the memory plan is approximate (see the warnings); so is this answer.\n");
        }
        if (notes.partial()) {
            sb.append("PARTIAL: some sizes are unknown and were counted as 0 bytes; the answer may be too large.\n");
        }
        sb.append(String.format(Locale.ROOT, "Device model: CUDA context %s + workspaces %s; allocator rounds to 512 B"
                + " blocks, 2 MiB segments above 1 MiB (docs/MEMORY.md)%n", Format.bytes(d.contextBytes()),
                Format.bytes(d.workspaceBytes())));
        return sb.toString();
    }

    /**
     * The answer as JSON ({@code modelmeter.fit/1}, see docs/JSON.md).
     *
     * @param source the model's source
     * @param fit    the solver's answer
     * @param setup  the training step that was fitted
     * @param notes  what the analysis says at the answer's batch
     * @return the JSON tree
     */
    public static ObjectNode tree(String source, FitSolver.Fit fit, TrainingSetup setup, Notes notes) {
        Device d = fit.device();
        ObjectNode root = Json.object();
        root.put("schema", "modelmeter.fit/1");
        root.put("source", source);
        root.put("gpu", d.name());
        root.put("memory_bytes", d.memoryBytes());
        root.put("reserve_bytes", d.reserveBytes());
        root.put("budget_bytes", budget(d));
        root.put("context_bytes", d.contextBytes());
        root.put("workspace_bytes", d.workspaceBytes());
        root.put("optimizer", setup.optimizer().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        root.put("precision", setup.precision().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        root.put("step", fit.inference() ? "inference" : "training");
        root.put("max_batch", fit.maxBatch());
        root.put("fits", fit.maxBatch() > 0);
        root.put("max_batch_is_lower_bound", fit.atLeast());
        root.put("search_limit", fit.searchLimit());
        if (fit.limit() != null) {
            root.put("limit", fit.limit());
        } else {
            root.putNull("limit");
        }
        if (fit.atMax() != null) {
            root.put("peak_bytes_at_max_batch", fit.atMax().totalBytes());
        }
        ArrayNode table = root.putArray("table");
        for (FitSolver.Probe p : fit.table()) {
            ObjectNode o = table.addObject();
            o.put("batch", p.batch());
            o.put("graph_peak_bytes", p.memory().graphPeakBytes());
            o.put("allocator_peak_bytes", p.memory().allocatorPeakBytes());
            o.put("device_peak_bytes", p.memory().totalBytes());
            o.put("fits", p.memory().fits());
        }
        root.put("approximate", notes.approximate());
        root.put("partial", notes.partial());
        ArrayNode warnings = root.putArray("warnings");
        notes.warnings().forEach(warnings::add);
        return root;
    }

    /**
     * Memory a step may use: the GPU's memory less the reserve the user keeps free.
     *
     * @param d the device
     * @return the budget in bytes
     */
    public static long budget(Device d) {
        return d.memoryBytes() - d.reserveBytes();
    }
}
