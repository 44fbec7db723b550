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

    /**
     * Copies the collections; a null domain or scope reads as "".
     *
     * @param name       the node's name (may be empty)
     * @param opType     the operator
     * @param domain     the operator's domain, "" for the default
     * @param inputs     input value names, "" for an omitted optional input
     * @param outputs    output value names, "" for an omitted optional output
     * @param attributes attributes by name
     * @param metadata   the node's metadata properties
     * @param scope      the module path, "" when unknown
     */
    public Node {
        domain = domain == null ? "" : domain;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
        metadata = Map.copyOf(metadata);
        scope = scope == null ? "" : scope;
    }

    /**
     * An attribute by name.
     *
     * @param attrName the attribute name
     * @return the attribute, or empty when not set
     */
    public Optional<Attribute> attribute(String attrName) {
        return Optional.ofNullable(attributes.get(attrName));
    }

    /**
     * An integer attribute.
     *
     * @param attrName     the attribute name
     * @param defaultValue returned when the attribute is not set
     * @return the value
     */
    public long intAttr(String attrName, long defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.i();
    }

    /**
     * A float attribute.
     *
     * @param attrName     the attribute name
     * @param defaultValue returned when the attribute is not set
     * @return the value
     */
    public double floatAttr(String attrName, double defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.f();
    }

    /**
     * A string attribute.
     *
     * @param attrName     the attribute name
     * @param defaultValue returned when the attribute is not set
     * @return the value
     */
    public String stringAttr(String attrName, String defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null || a.s() == null ? defaultValue : a.s();
    }

    /**
     * The ints of a list attribute, or null when absent.
     *
     * @param attrName the attribute name
     * @return the ints, or null
     */
    public List<Long> intsAttr(String attrName) {
        Attribute a = attributes.get(attrName);
        return a == null ? null : a.ints();
    }

    /**
     * The i-th input name, or "" when the input is absent or omitted.
     *
     * @param index the input's position
     * @return the name
     */
    public String input(int index) {
        return index < inputs.size() ? inputs.get(index) : "";
    }

    /**
     * This node under another module path (the reader corrects scopes once it has seen the whole graph).
     *
     * @param newScope the module path
     * @return a copy with that scope
     */
    public Node withScope(String newScope) {
        return new Node(name, opType, domain, inputs, outputs, attributes, metadata, newScope);
    }

    /**
     * {@code domain:opType}, or just the op type in the default domain.
     *
     * @return the qualified name
     */
    public String qualifiedOpType() {
        return domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + ":" + opType;
    }
}
