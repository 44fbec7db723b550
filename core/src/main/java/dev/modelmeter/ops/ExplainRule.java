package dev.modelmeter.ops;

import java.util.List;

/**
 * The textbook arithmetic behind a node's figures with its numbers put in — its parameters
 * ({@code params = 64 × (3×3×3 + 1) = 1,792}) and output size ({@code H_out = (32 + 2·1 − 3)/1 + 1 = 32})
 * — for {@code --explain}. MACs come with the cost rule's own formula.
 */
@FunctionalInterface
public interface ExplainRule {
    List<String> explain(CostContext ctx);
}
