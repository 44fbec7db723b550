package dev.modelmeter.ops;

import java.util.List;

/**
 * The textbook arithmetic behind a node's figures with its numbers put in — its parameters
 * ({@code params = 64 × (3×3×3 + 1) = 1,792}) and output size ({@code H_out = (32 + 2·1 − 3)/1 + 1 = 32})
 * — for {@code --explain}. MACs come with the cost rule's own formula.
 */
@FunctionalInterface
public interface ExplainRule {
    /**
     * The lines of arithmetic for this node.
     *
     * @param ctx the node and its input and output types
     * @return one formula per line; empty when there is nothing to derive
     */
    List<String> explain(CostContext ctx);
}
