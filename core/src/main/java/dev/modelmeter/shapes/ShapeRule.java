package dev.modelmeter.shapes;

/**
 * Infers an operator's output types (and, for small integer tensors, output values) from its input
 * types, input values and attributes. A rule that cannot tell a dimension leaves it unknown; a rule
 * that finds the inputs impossible throws {@link ShapeException} via {@link InferenceContext#fail}.
 */
@FunctionalInterface
public interface ShapeRule {
    void infer(InferenceContext ctx);
}
