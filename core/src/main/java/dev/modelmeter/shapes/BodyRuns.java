package dev.modelmeter.shapes;

import java.util.List;

/**
 * What a control-flow node (If, Loop, Scan) runs, as its shape rule found it: each body inferred with
 * the types it runs with, and how often it runs. The analysis costs these bodies; the shape rule only
 * says which runs count.
 *
 * @param runs         the bodies that run, in order (an unrolled loop has one run per iteration)
 * @param alternatives true when exactly one of the runs happens and which is not known (an If whose
 *                     condition is not computable from shapes): the analysis counts the larger and says so
 * @param note         how the runs were chosen, for the user (the branch taken and why), or null
 */
public record BodyRuns(List<Run> runs, boolean alternatives, String note) {

    /**
     * Copies the list.
     *
     * @param runs         the bodies that run
     * @param alternatives whether only one of them runs, not known which
     * @param note         how they were chosen, or null
     */
    public BodyRuns {
        runs = List.copyOf(runs);
    }

    /**
     * One body with the types it runs with.
     *
     * @param label        which body ({@code then_branch}, {@code body}, {@code body (iteration 2)})
     * @param body         the body's nodes with their inferred types
     * @param times        how many times it runs; negative when not known
     * @param timesUnknown why the count is not known (null when it is)
     */
    public record Run(String label, ShapedGraph body, long times, String timesUnknown) {
    }
}
