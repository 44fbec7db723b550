package dev.modelmeter.ops;

/**
 * Thrown by a cost rule whose figure cannot be known (a loop whose trip count is computed at run time):
 * the node's cost is reported unknown with this reason, never as zero.
 */
public final class UnknownCostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An unknown cost and why.
     *
     * @param reason why the cost is not known, for the user
     */
    public UnknownCostException(String reason) {
        super(reason);
    }
}
