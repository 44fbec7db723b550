package dev.modelmeter.graph;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operator call. Inputs and outputs name values; an empty name is an omitted optional input or
 * output (ONNX's convention). {@code scope} is the module path the node belongs to
 * ({@code layer1.0.conv1}), recovered by the reader from names or metadata, set directly by the DSL;
 * empty when unknown.
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                   Map<String, Attribute> attributes, Map<String, String> metadata, String scope) {

    public Node {
        domain = domain == null ? "" : domain;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
        metadata = Map.copyOf(metadata);
        scope = scope == null ? "" : scope;
    }

    public Optional<Attribute> attribute(String attrName) {
        return Optional.ofNullable(attributes.get(attrName));
    }

    public long intAttr(String attrName, long defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.i();
    }

    public double floatAttr(String attrName, double defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.f();
    }

    public String stringAttr(String attrName, String defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null || a.s() == null ? defaultValue : a.s();
    }

    /** The ints of a list attribute, or null when absent. */
    public List<Long> intsAttr(String attrName) {
        Attribute a = attributes.get(attrName);
        return a == null ? null : a.ints();
    }

    /** The i-th input name, or "" when the input is absent or omitted. */
    public String input(int index) {
        return index < inputs.size() ? inputs.get(index) : "";
    }

    public Node withScope(String newScope) {
        return new Node(name, opType, domain, inputs, outputs, attributes, metadata, newScope);
    }

    /** {@code domain:opType}, or just the op type in the default domain. */
    public String qualifiedOpType() {
        return domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + ":" + opType;
    }
}
