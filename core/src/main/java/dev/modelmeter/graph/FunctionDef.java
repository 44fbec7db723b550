package dev.modelmeter.graph;

import java.util.List;
import java.util.Map;

/**
 * An ONNX model-local function: a named sub-graph that nodes can call like an operator.
 * {@code attributeNames} lists every attribute the function accepts; {@code attributeDefaults} holds
 * the default values of those that have one (ONNX {@code attribute_proto}).
 */
public record FunctionDef(String name, String domain, String overload, List<String> inputs, List<String> outputs,
                          List<String> attributeNames, Map<String, Attribute> attributeDefaults, List<Node> nodes,
                          Map<String, Integer> opsets) {

    /**
     * Copies the collections; a null domain or overload reads as "".
     *
     * @param name              the function's name (the op type nodes call it by)
     * @param domain            its domain
     * @param overload          its overload tag (IR 10), "" when none
     * @param inputs            its formal input names
     * @param outputs           its formal output names
     * @param attributeNames    every attribute it accepts
     * @param attributeDefaults defaults of those that have one
     * @param nodes             its body, in order
     * @param opsets            operator-set versions its body imports, by domain
     */
    public FunctionDef {
        domain = domain == null ? "" : domain;
        overload = overload == null ? "" : overload;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributeNames = List.copyOf(attributeNames);
        attributeDefaults = Map.copyOf(attributeDefaults);
        nodes = List.copyOf(nodes);
        opsets = Map.copyOf(opsets);
    }
}
