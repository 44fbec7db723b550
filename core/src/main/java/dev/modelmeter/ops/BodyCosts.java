package dev.modelmeter.ops;

import java.util.List;

/**
 * The costs of the bodies a control-flow node runs, as the analysis found them (one entry per run the
 * shape rule recorded, see {@code dev.modelmeter.shapes.BodyRuns}); If, Loop and Scan's cost rule
 * combines them.
 *
 * @param runs         each body run with its cost for one execution
 * @param alternatives true when exactly one run happens and which is not known
 * @param note         how the runs were chosen (the branch taken and why), or null
 */
public record BodyCosts(List<Run> runs, boolean alternatives, String note) {

    /**
     * Copies the list.
     *
     * @param runs         each body run
     * @param alternatives whether only one of them runs, not known which
     * @param note         how they were chosen, or null
     */
    public BodyCosts {
        runs = List.copyOf(runs);
    }

    /**
     * One body run.
     *
     * @param label         which body
     * @param macs          its multiply-accumulates for one execution
     * @param otherFlops    its other arithmetic for one execution
     * @param unknown       why its cost is not known (a node inside without a cost), or null when it is
     * @param approximate   whether its figure is itself approximate (a nested If on an unknown condition)
     * @param times         how many times it runs; negative when not known
     * @param timesUnknown  why that count is not known, or null
     */
    public record Run(String label, long macs, long otherFlops, String unknown, boolean approximate, long times,
                      String timesUnknown) {
    }
}
