package dev.modelmeter.ops;

/** A pure function of shapes and attributes: what one node costs. */
@FunctionalInterface
public interface CostRule {
    Cost cost(CostContext ctx);
}
