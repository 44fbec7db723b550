package dev.modelmeter.analysis;

import dev.modelmeter.analysis.memory.MemoryPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two models, or one model under two setups, side by side: the totals and each module's parameters and
 * MACs, with B − A. Modules are matched by path; one only one side has is reported with the other side
 * absent (null), never as zero.
 *
 * @param a       the first side
 * @param b       the second side
 * @param totals  parameters, MACs and (when both sides were planned) memory
 * @param modules per module path, in A's order then B's new ones
 */
public record ModelDiff(Side a, Side b, List<Figure> totals, List<ModuleDelta> modules) {

    /**
     * Copies the lists.
     *
     * @param a       the first side
     * @param b       the second side
     * @param totals  the total figures
     * @param modules the module rows
     */
    public ModelDiff {
        totals = List.copyOf(totals);
        modules = List.copyOf(modules);
    }

    /**
     * One side: what was analysed.
     *
     * @param label   how the user named it ({@code model.onnx@batch=16})
     * @param summary its summary, rows folded as asked
     * @param plan    its training-step plan, or null when memory was not asked for
     */
    public record Side(String label, ModelSummary summary, MemoryPlan plan) {
    }

    /**
     * A total on both sides.
     *
     * @param key   a stable name ({@code params}, {@code training_peak_bytes})
     * @param bytes whether it counts bytes (else elements or operations)
     * @param a     A's value
     * @param b     B's value
     */
    public record Figure(String key, boolean bytes, long a, long b) {
        /**
         * B − A.
         *
         * @return the change
         */
        public long delta() {
            return Math.subtractExact(b, a);
        }
    }

    /**
     * A module's figures on both sides; a side without the module has null.
     *
     * @param module  the module path ("" rows of the graph itself are named by their operator)
     * @param paramsA A's parameters, or null
     * @param paramsB B's parameters, or null
     * @param macsA   A's MACs, or null
     * @param macsB   B's MACs, or null
     */
    public record ModuleDelta(String module, Long paramsA, Long paramsB, Long macsA, Long macsB) {
        /**
         * Whether anything differs, presence included.
         *
         * @return true when the sides differ
         */
        public boolean changed() {
            return !java.util.Objects.equals(paramsA, paramsB) || !java.util.Objects.equals(macsA, macsB);
        }
    }

    /**
     * Compares two analysed sides.
     *
     * @param a the first side
     * @param b the second side
     * @return the comparison
     */
    public static ModelDiff of(Side a, Side b) {
        ModelSummary sa = a.summary();
        ModelSummary sb = b.summary();
        List<Figure> totals = new ArrayList<>();
        totals.add(new Figure("params", false, sa.params().total(), sb.params().total()));
        totals.add(new Figure("trainable_params", false, sa.params().trainable(), sb.params().trainable()));
        totals.add(new Figure("macs", false, sa.macs(), sb.macs()));
        totals.add(new Figure("weight_bytes", true, sa.params().bytes() + sa.bufferBytes(),
                sb.params().bytes() + sb.bufferBytes()));
        if (sa.inferencePeakBytes() >= 0 && sb.inferencePeakBytes() >= 0) {
            totals.add(new Figure("inference_peak_bytes", true, sa.inferencePeakBytes(), sb.inferencePeakBytes()));
        }
        if (a.plan() != null && b.plan() != null) {
            totals.add(new Figure("training_peak_bytes", true, a.plan().peakBytes(), b.plan().peakBytes()));
            totals.add(new Figure("saved_activations_bytes", true, a.plan().savedBytes(), b.plan().savedBytes()));
        }
        Map<String, long[]> ma = byModule(sa);
        Map<String, long[]> mb = byModule(sb);
        List<ModuleDelta> modules = new ArrayList<>();
        ma.forEach((k, v) -> {
            long[] w = mb.get(k);
            modules.add(new ModuleDelta(k, v[0], w == null ? null : w[0], v[1], w == null ? null : w[1]));
        });
        mb.forEach((k, w) -> {
            if (!ma.containsKey(k)) {
                modules.add(new ModuleDelta(k, null, w[0], null, w[1]));
            }
        });
        return new ModelDiff(a, b, totals, modules);
    }

    /** Params and MACs per row name, rows of the same name (a module called twice) summed. */
    private static Map<String, long[]> byModule(ModelSummary s) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Layer l : s.layers()) {
            long[] v = m.computeIfAbsent(l.name(), k -> new long[2]);
            v[0] += l.params();
            v[1] += l.macs();
        }
        return m;
    }
}
