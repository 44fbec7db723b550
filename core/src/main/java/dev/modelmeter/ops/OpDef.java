package dev.modelmeter.ops;

import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.shapes.ShapeRule;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything modelmeter knows about one operator, in one place: its shape rule, its cost rule, what
 * autograd saves for it, whether its output is a view of its input, and what role a stored tensor
 * plays at each input slot. Families register these with {@link OpRegistry}.
 *
 * @param inputRoles role of an initializer at an input slot; slots not listed follow
 *                   {@link OpRegistry#defaultRole}
 * @param autograd   null when the saved tensors are not modelled (the memory plan warns)
 * @param view       true when output 0 shares its input 0's storage in PyTorch (reshape, transpose,
 *                   squeeze…): it allocates nothing
 * @param explain    the arithmetic behind its parameters and output size for {@code --explain}; null when
 *                   there is nothing to derive beyond the cost formula
 * @param cost       null when the operator has no cost rule: then either {@code noCostReason} says why it
 *                   costs nothing, or its cost is unknown (the summary is partial), never a silent zero
 * @param noCostReason why the operator costs nothing (a view, shape arithmetic…), or null when it has a cost
 *                   rule or its cost is unknown
 * @param unknownCostReason why the operator's cost is not modelled (no FLOP convention for string work,
 *                   sampling, tree traversal…): its nodes are reported with an unknown cost (partial)
 */
public record OpDef(String domain, String opType, ShapeRule shape, CostRule cost, AutogradRule autograd,
                    Map<Integer, InitializerRole> inputRoles, boolean view, ExplainRule explain,
                    String noCostReason, String unknownCostReason) {

    /**
     * Checks the shape rule is given and that an operator does not both have a cost rule and declare none.
     *
     * @param domain     the operator's domain, "" for the default
     * @param opType     the operator's name
     * @param shape      its shape rule
     * @param cost       its cost rule (null: none)
     * @param autograd   what autograd saves for it, or null
     * @param inputRoles role of an initializer at an input slot
     * @param view       whether output 0 shares input 0's storage
     * @param explain    the arithmetic for {@code --explain}, or null
     * @param noCostReason why it costs nothing, or null
     * @param unknownCostReason why its cost is not modelled, or null
     */
    public OpDef {
        Objects.requireNonNull(shape, "shape rule of " + opType);
        int declarations = (cost != null ? 1 : 0) + (noCostReason != null ? 1 : 0) + (unknownCostReason != null ? 1 : 0);
        if (declarations > 1) {
            throw new IllegalArgumentException(opType + " declares its cost more than once (rule, no cost, unknown)");
        }
        inputRoles = Map.copyOf(inputRoles);
    }

    /**
     * Whether the operator says what it costs: a rule, a reasoned zero, or a reasoned unknown.
     *
     * @return false for an operator registered without a cost declaration
     */
    public boolean declaresCost() {
        return cost != null || noCostReason != null || unknownCostReason != null;
    }

    /**
     * Whether the operator's cost can be computed: it has a cost rule or declares that it costs nothing.
     *
     * @return false when its cost is unknown
     */
    public boolean hasCost() {
        return cost != null || noCostReason != null;
    }

    /**
     * The cost of one node of this operator: its rule's figure, {@link Cost#ZERO} when it declares no cost.
     *
     * @param ctx the node with its types
     * @return the cost
     * @throws IllegalStateException when the operator has no cost rule (check {@link #hasCost()} first)
     */
    public Cost costOf(CostContext ctx) {
        if (cost != null) {
            return cost.cost(ctx);
        }
        if (noCostReason != null) {
            return Cost.ZERO;
        }
        throw new IllegalStateException(opType + " has no cost rule");
    }

    /**
     * Starts the definition of an operator in the default ONNX domain.
     *
     * @param opType the operator's name
     * @return the builder
     */
    public static Builder op(String opType) {
        return new Builder("", opType);
    }

    /**
     * Starts the definition of an operator in another domain ({@code com.microsoft}).
     *
     * @param domain the operator's domain
     * @param opType the operator's name
     * @return the builder
     */
    public static Builder op(String domain, String opType) {
        return new Builder(domain, opType);
    }

    /** Builds an {@link OpDef}; only the shape rule is required. */
    public static final class Builder {
        private final String domain;
        private final String opType;
        private ShapeRule shape;
        private CostRule cost;
        private AutogradRule autograd;
        private final Map<Integer, InitializerRole> roles = new HashMap<>();
        private boolean view;
        private ExplainRule explain;
        private String noCostReason;
        private String unknownCostReason;

        private Builder(String domain, String opType) {
            this.domain = domain;
            this.opType = opType;
        }

        /**
         * The shape rule (required).
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder shape(ShapeRule rule) {
            this.shape = rule;
            return this;
        }

        /**
         * The cost rule; without one (and without {@link #noCost}) the operator's cost is unknown.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder cost(CostRule rule) {
            this.cost = rule;
            return this;
        }

        /**
         * Declares that the operator costs nothing, and why ({@code "a view: moves no data"}).
         *
         * @param reason one line saying why its cost is zero
         * @return this builder
         */
        public Builder noCost(String reason) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("noCost of " + opType + " needs a reason");
            }
            this.noCostReason = reason;
            return this;
        }

        /**
         * Declares that the operator's cost is not modelled, and why: its nodes are reported with an
         * unknown cost, never a zero.
         *
         * @param reason one line saying why its cost is not modelled
         * @return this builder
         */
        public Builder costUnknown(String reason) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("costUnknown of " + opType + " needs a reason");
            }
            this.unknownCostReason = reason;
            return this;
        }

        /**
         * What autograd saves; without it the memory plan warns that the operator is not modelled.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder saves(AutogradRule rule) {
            this.autograd = rule;
            return this;
        }

        /**
         * Input slots whose initializers are trainable parameters (Conv W and B, Gemm B and C).
         *
         * @param slots input positions
         * @return this builder
         */
        public Builder params(int... slots) {
            for (int s : slots) {
                roles.put(s, InitializerRole.PARAMETER);
            }
            return this;
        }

        /**
         * Input slots whose initializers are buffers (BatchNorm running mean and variance).
         *
         * @param slots input positions
         * @return this builder
         */
        public Builder buffers(int... slots) {
            for (int s : slots) {
                roles.put(s, InitializerRole.BUFFER);
            }
            return this;
        }

        /**
         * Input slots whose initializers are constants (shapes, axes, scalars).
         *
         * @param slots input positions
         * @return this builder
         */
        public Builder constants(int... slots) {
            for (int s : slots) {
                roles.put(s, InitializerRole.CONSTANT);
            }
            return this;
        }

        /**
         * Output 0 is a view of input 0 (shares its storage).
         *
         * @return this builder
         */
        public Builder view() {
            this.view = true;
            return this;
        }

        /**
         * The arithmetic behind its parameters and output size, for {@code --explain}.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder explain(ExplainRule rule) {
            this.explain = rule;
            return this;
        }

        /**
         * The definition.
         *
         * @return the operator's definition
         */
        public OpDef build() {
            return new OpDef(domain, opType, shape, cost, autograd, roles, view, explain, noCostReason,
                    unknownCostReason);
        }
    }
}
