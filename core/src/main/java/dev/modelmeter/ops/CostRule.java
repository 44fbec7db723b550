package dev.modelmeter.ops;

/** A pure function of shapes and attributes: what one node costs. */
@FunctionalInterface
public interface CostRule {
    /**
     * What this node costs.
     *
     * @param ctx the node and its (known) input and output types
     * @return the cost
     */
    Cost cost(CostContext ctx);
}
