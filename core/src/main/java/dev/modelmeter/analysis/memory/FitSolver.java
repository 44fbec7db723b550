package dev.modelmeter.analysis.memory;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.analysis.memory.Device.DeviceMemory;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The largest batch whose training step fits a device. Memory grows with the batch, so the search
 * doubles the batch until it no longer fits, then bisects between the last fit and the first miss.
 * Every probe is {@link Device#training}, the same function {@code memory --gpu} reports, so the answer
 * and that report agree by construction.
 *
 * <p>The search never stops silently: when the bound is reached with every probe fitting, the answer is
 * a lower bound ({@link Fit#atLeast()}); when a larger batch cannot be analysed (a file with the batch
 * built into its constants), the answer is the largest analysable batch that fits, with the reason
 * ({@link Fit#limit()}).
 */
public final class FitSolver {

    /** Default upper limit of the search (the user can set another). */
    public static final int MAX_BATCH = 1 << 20;

    private final MemoryPlanner planner;

    /**
     * A solver probing with this planner.
     *
     * @param planner plans each probe's step
     */
    public FitSolver(MemoryPlanner planner) {
        this.planner = planner;
    }

    /**
     * One probe: the batch and its device figure.
     *
     * @param batch  the batch probed
     * @param memory the device figure at that batch
     */
    public record Probe(int batch, DeviceMemory memory) {
    }

    /**
     * @param maxBatch   the largest batch that fits, 0 when not even batch 1 does
     * @param atMax      the device figure at {@code maxBatch}, null when nothing fits
     * @param table      the doubling probes (1, 2, 4, …) and the answer, in batch order
     * @param atLeast    true when the search stopped at its bound with every probe fitting: larger batches
     *                   may fit too, {@code maxBatch} is a lower bound
     * @param searchLimit the bound the search stopped at
     * @param limit      why a larger batch could not be analysed (the batch and the analysis's message), or
     *                   null when every probe was analysed
     * @param inference  true when the batch is fitted for inference (eval, no grad): a graph whose training as
     *                   stored is not meaningful (quantized) is fitted so
     */
    public record Fit(Device device, int maxBatch, DeviceMemory atMax, List<Probe> table, boolean atLeast,
                      int searchLimit, String limit, boolean inference) {

        /**
         * A training fit.
         *
         * @param device      the GPU
         * @param maxBatch    the largest batch that fits
         * @param atMax       the device figure there
         * @param table       the probes
         * @param atLeast     whether maxBatch is a lower bound
         * @param searchLimit the search bound
         * @param limit       why a larger batch could not be analysed, or null
         */
        public Fit(Device device, int maxBatch, DeviceMemory atMax, List<Probe> table, boolean atLeast,
                   int searchLimit, String limit) {
            this(device, maxBatch, atMax, table, atLeast, searchLimit, limit, false);
        }

        /**
         * Copies the table.
         *
         * @param device      the device fitted
         * @param maxBatch    the largest batch that fits
         * @param atMax       the device figure at that batch
         * @param table       the probes
         * @param atLeast     whether the answer is a lower bound (search bound reached)
         * @param searchLimit the search bound
         * @param limit       why a larger batch could not be analysed, or null
         * @param inference   whether the batch is fitted for inference
         */
        public Fit {
            table = List.copyOf(table);
        }
    }

    /**
     * Solves with the default bound {@link #MAX_BATCH}.
     *
     * @param shapedForBatch the model's graph bound to a batch size (the caller's shape inference)
     * @param setup          the step; its batch is replaced by each probe's
     * @param device         the device to fit
     * @return the largest batch that fits, with the probes made
     */
    public Fit solve(IntFunction<ShapedGraph> shapedForBatch, TrainingSetup setup, Device device) {
        return solve(shapedForBatch, setup, device, MAX_BATCH);
    }

    /**
     * @param shapedForBatch the model's graph bound to a batch size (the caller's shape inference)
     * @param setup          the step; its batch is replaced by each probe's
     * @param device         the device to fit
     * @param maxBatch       the largest batch the search tries (at least 1)
     * @return the largest batch that fits, with the probes made
     * @throws ModelMeterException when not even batch 1 can be analysed
     */
    public Fit solve(IntFunction<ShapedGraph> shapedForBatch, TrainingSetup setup, Device device, int maxBatch) {
        return solve(shapedForBatch, setup, device, maxBatch, false);
    }

    /**
     * The largest batch whose inference (eval, no grad) fits the device: the answer for a graph whose
     * training as stored is not meaningful (a quantized graph), where a training batch would be a wrong number.
     *
     * @param shapedForBatch the graph shaped at a batch
     * @param setup          the precision and backend (the optimizer plays no part)
     * @param device         the GPU
     * @param maxBatch       the search bound
     * @return the answer, with {@link Fit#inference()} true
     */
    public Fit solveInference(IntFunction<ShapedGraph> shapedForBatch, TrainingSetup setup, Device device, int maxBatch) {
        return solve(shapedForBatch, setup, device, maxBatch, true);
    }

    private Fit solve(IntFunction<ShapedGraph> shapedForBatch, TrainingSetup setup, Device device, int maxBatch,
                      boolean inference) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the search bound must be at least 1, got " + maxBatch);
        }
        List<Probe> table = new ArrayList<>();
        Probe first = probe(shapedForBatch, setup, device, inference, 1); // batch 1 not analysable: the model's error
        table.add(first);
        if (!first.memory().fits()) {
            return new Fit(device, 0, null, table, false, maxBatch, null, inference);
        }
        Probe lastFit = first;
        int miss = -1;
        String limit = null;
        for (long b = 2; lastFit.batch() < maxBatch; b *= 2) {
            int batch = (int) Math.min(b, maxBatch);
            Probe p;
            try {
                p = probe(shapedForBatch, setup, device, inference, batch);
            } catch (ModelMeterException e) {
                limit = unanalysable(batch, e);
                miss = batch;
                break;
            }
            table.add(p);
            if (!p.memory().fits()) {
                miss = batch;
                break;
            }
            lastFit = p;
        }
        if (miss < 0) {
            return new Fit(device, lastFit.batch(), lastFit.memory(), table, true, maxBatch, null, inference);
        }
        int lo = lastFit.batch();
        int hi = miss;
        Probe best = lastFit;
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            Probe p;
            try {
                p = probe(shapedForBatch, setup, device, inference, mid);
            } catch (ModelMeterException e) {
                limit = unanalysable(mid, e);
                hi = mid;
                continue;
            }
            if (p.memory().fits()) {
                lo = mid;
                best = p;
            } else {
                hi = mid;
                limit = null; // a batch that does not fit lies below any unanalysable one: memory decides
            }
        }
        if (best != lastFit) {
            table.add(best);
            table.sort(java.util.Comparator.comparingInt(Probe::batch));
        }
        return new Fit(device, best.batch(), best.memory(), table, false, maxBatch, limit, inference);
    }

    private static String unanalysable(int batch, ModelMeterException e) {
        return "batch " + batch + " cannot be analysed (" + e.getMessage() + ")";
    }

    private Probe probe(IntFunction<ShapedGraph> shapedForBatch, TrainingSetup setup, Device device, boolean inference,
                        int batch) {
        ShapedGraph shaped = shapedForBatch.apply(batch);
        TrainingSetup at = setup.withBatch(batch);
        return new Probe(batch, inference ? device.inference(planner, shaped, at) : device.training(planner, shaped, at));
    }
}
