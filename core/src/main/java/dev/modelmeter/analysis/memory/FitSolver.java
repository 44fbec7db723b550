package dev.modelmeter.analysis.memory;

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
 */
public final class FitSolver {

    /** Upper limit of the search: no real step has a batch beyond this. */
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

    /** One probe: the batch and its device figure. */
    public record Probe(int batch, DeviceMemory memory) {
    }

    /**
     * @param maxBatch the largest batch that fits, 0 when not even batch 1 does
     * @param table    the doubling probes (1, 2, 4, …) and the answer, in batch order
     */
    public record Fit(Device device, int maxBatch, DeviceMemory atMax, List<Probe> table) {
    }

    /**
     * @param shapedForBatch the model's graph bound to a batch size (the caller's shape inference)
     * @param setup          the step; its batch is replaced by each probe's
     * @param device         the device to fit
     * @return the largest batch that fits, with the probes made
     */
    public Fit solve(IntFunction<ShapedGraph> shapedForBatch, TrainingSetup setup, Device device) {
        List<Probe> table = new ArrayList<>();
        Probe first = probe(shapedForBatch, setup, device, 1);
        table.add(first);
        if (!first.memory().fits()) {
            return new Fit(device, 0, null, table);
        }
        Probe lastFit = first;
        int miss = -1;
        for (int b = 2; b <= MAX_BATCH; b *= 2) {
            Probe p = probe(shapedForBatch, setup, device, b);
            table.add(p);
            if (!p.memory().fits()) {
                miss = b;
                break;
            }
            lastFit = p;
        }
        if (miss < 0) {
            return new Fit(device, lastFit.batch(), lastFit.memory(), table);
        }
        int lo = lastFit.batch();
        int hi = miss;
        Probe best = lastFit;
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            Probe p = probe(shapedForBatch, setup, device, mid);
            if (p.memory().fits()) {
                lo = mid;
                best = p;
            } else {
                hi = mid;
            }
        }
        if (best != lastFit) {
            table.add(best);
            table.sort(java.util.Comparator.comparingInt(Probe::batch));
        }
        return new Fit(device, best.batch(), best.memory(), table);
    }

    private Probe probe(IntFunction<ShapedGraph> shapedForBatch, TrainingSetup setup, Device device, int batch) {
        return new Probe(batch, device.training(planner, shapedForBatch.apply(batch), setup.withBatch(batch)));
    }
}
