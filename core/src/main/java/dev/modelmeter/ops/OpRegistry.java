package dev.modelmeter.ops;

import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.shapes.ShapeRule;
import dev.modelmeter.shapes.ShapeRuleLookup;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operators modelmeter knows, keyed by domain and op type. Registering the same operator twice
 * is an error, so each operator has exactly one place. {@link #standard()} holds every family.
 */
public final class OpRegistry implements ShapeRuleLookup {

    /** The families, in a fixed order; adding a family is adding it here. */
    private static final List<OpFamily> FAMILIES = List.of(
            new ElementwiseOps(),
            new TensorOps(),
            new ReductionOps(),
            new NnOps(),
            new ControlFlowOps(),
            new MiscOps());

    private static final OpRegistry STANDARD = build(FAMILIES);

    private final Map<String, OpDef> defs = new LinkedHashMap<>();

    /**
     * The registry of every built-in operator.
     *
     * @return the shared standard registry
     */
    public static OpRegistry standard() {
        return STANDARD;
    }

    static OpRegistry build(List<OpFamily> families) {
        OpRegistry r = new OpRegistry();
        for (OpFamily f : families) {
            f.register(r);
        }
        return r;
    }

    /**
     * Registers one operator.
     *
     * @param def its definition; an operator already registered fails
     */
    public void add(OpDef def) {
        String key = key(def.domain(), def.opType());
        if (defs.putIfAbsent(key, def) != null) {
            throw new IllegalStateException("operator registered twice: " + key);
        }
    }

    /**
     * Registers each builder's definition.
     *
     * @param builders the definitions, unbuilt
     */
    public void add(OpDef.Builder... builders) {
        for (OpDef.Builder b : builders) {
            add(b.build());
        }
    }

    /**
     * The definition for an op type in a domain ("" and "ai.onnx" are the same), or null.
     *
     * @param domain the domain
     * @param opType the operator's name
     * @return the definition
     */
    public OpDef find(String domain, String opType) {
        return defs.get(key(domain, opType));
    }

    /**
     * The definition for a node's operator.
     *
     * @param node the node
     * @return the definition, or null when unknown
     */
    public OpDef find(Node node) {
        return find(node.domain(), node.opType());
    }

    /**
     * Every registered definition, in registration order.
     *
     * @return an unmodifiable view
     */
    public Collection<OpDef> all() {
        return Collections.unmodifiableCollection(defs.values());
    }

    @Override
    public ShapeRule find(Node node, int opsetVersion) {
        OpDef def = find(node);
        return def == null ? null : def.shape();
    }

    /**
     * The role of a stored tensor fed to {@code slot} of {@code node}: what the operator declares, else
     * integer and bool tensors and single-element floats are constants (shape arithmetic, a Pow
     * exponent, a Dropout ratio, an attention scale) and any other float tensor is a parameter.
     *
     * @param node   the node
     * @param slot   the input position the tensor feeds
     * @param tensor the stored tensor
     * @return the role
     */
    public InitializerRole role(Node node, int slot, TensorData tensor) {
        OpDef def = find(node);
        InitializerRole declared = def == null ? null : def.inputRoles().get(slot);
        if (declared != null) {
            return declared;
        }
        return defaultRole(tensor);
    }

    /**
     * The role of a stored tensor when the operator declares none: integer, bool and single-element
     * tensors are constants, any other float tensor is a parameter.
     *
     * @param tensor the stored tensor
     * @return the role
     */
    public static InitializerRole defaultRole(TensorData tensor) {
        if (!tensor.dtype().isFloatingPoint() || tensor.numel() <= 1) {
            return InitializerRole.CONSTANT;
        }
        return InitializerRole.PARAMETER;
    }

    private static String key(String domain, String opType) {
        String d = domain == null || domain.equals("ai.onnx") ? "" : domain;
        return d + ":" + opType;
    }
}
