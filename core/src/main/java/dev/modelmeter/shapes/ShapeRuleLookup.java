package dev.modelmeter.shapes;

import dev.modelmeter.graph.Node;

/** Finds the shape rule for a node given the opset version in force for its domain; null when unknown. */
@FunctionalInterface
public interface ShapeRuleLookup {
    ShapeRule find(Node node, int opsetVersion);
}
