package dev.modelmeter.shapes;

/**
 * Infers an operator's output types (and, for small integer tensors, output values) from its input
 * types, input values and attributes. A rule that cannot tell a dimension leaves it unknown; a rule
 * that finds the inputs impossible throws {@link ShapeException} via {@link InferenceContext#fail}.
 */
@FunctionalInterface
public interface ShapeRule {
    /**
     * Sets the node's output types (and values, where small and known) on {@code ctx}.
     *
     * @param ctx the node's inputs and attributes, and where its outputs go
     */
    void infer(InferenceContext ctx);
}
