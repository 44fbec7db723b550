package dev.modelmeter.shapes;

import dev.modelmeter.graph.Node;

/** Finds the shape rule for a node given the opset version in force for its domain; null when unknown. */
@FunctionalInterface
public interface ShapeRuleLookup {
    /**
     * The rule for {@code node}.
     *
     * @param node         the node
     * @param opsetVersion the opset version in force for the node's domain
     * @return the rule, or null when no rule covers it
     */
    ShapeRule find(Node node, int opsetVersion);
}
