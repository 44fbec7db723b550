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
 * @param memory     the rest of what the memory plan needs: autocast category, differentiability, in-place
 *                   and view behaviour, export-only outputs (see {@link MemoryFacts})
 */
public record OpDef(String domain, String opType, ShapeRule shape, CostRule cost, AutogradRule autograd,
                    Map<Integer, InitializerRole> inputRoles, boolean view, ExplainRule explain,
                    String noCostReason, String unknownCostReason, MemoryFacts memory) {

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
     * @param memory     its memory facts; null: {@link MemoryFacts#DEFAULT}
     */
    public OpDef {
        Objects.requireNonNull(shape, "shape rule of " + opType);
        memory = memory == null ? MemoryFacts.DEFAULT : memory;
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
        private MemoryFacts.Autocast autocastCuda = MemoryFacts.Autocast.UNLISTED;
        private MemoryFacts.Autocast autocastCpu = MemoryFacts.Autocast.UNLISTED;
        private boolean resultTypeOfInput0;
        private boolean resultTypeDeclared;
        private String notDifferentiable;
        private String savesNotModelled;
        private boolean inPlaceWhenSafe;
        private boolean backwardReadsOutput;
        private int exportOnlyOutputsFrom = -1;
        private MemoryFacts.ViewLayout viewLayout;
        private boolean selectViewOnScalarIndex;
        private boolean foldsBatchedOperands;
        private final java.util.Set<Integer> gradientPassesThrough = new java.util.HashSet<>();
        private dev.modelmeter.graph.DType transientIndices;
        private boolean runsSubgraphs;
        private MemoryFacts.TrainingActivity trainingActivity;

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
            return view(MemoryFacts.ViewLayout.SAME_STRIDES);
        }

        /**
         * Output 0 is a view of input 0, with strides laid out as {@code layout} says.
         *
         * @param layout how the output's strides follow from the input's
         * @return this builder
         */
        public Builder view(MemoryFacts.ViewLayout layout) {
            this.view = true;
            this.viewLayout = layout;
            return this;
        }

        /**
         * Its categories in PyTorch's autocast lists for CUDA and for CPU ({@code aten/src/ATen/autocast_mode.h});
         * unlisted by default.
         *
         * @param cuda its category under CUDA autocast
         * @param cpu  its category under CPU autocast
         * @return this builder
         */
        public Builder autocast(MemoryFacts.Autocast cuda, MemoryFacts.Autocast cpu) {
            this.autocastCuda = cuda;
            this.autocastCpu = cpu;
            return this;
        }

        /**
         * Output 0 keeps input 0's element type whatever the other operands' (a norm's fp32 affine
         * parameters do not promote a bf16 input).
         *
         * @return this builder
         */
        public Builder resultTypeOfInput0() {
            this.resultTypeOfInput0 = true;
            return this;
        }

        /**
         * The output's element type is the one the operator names (Cast): autocast and promotion leave it.
         *
         * @return this builder
         */
        public Builder resultTypeDeclared() {
            this.resultTypeDeclared = true;
            return this;
        }

        /**
         * No gradient flows through it; it saves nothing.
         *
         * @param reason why (a comparison, shape arithmetic, a random source)
         * @return this builder
         */
        public Builder notDifferentiable(String reason) {
            this.notDifferentiable = Objects.requireNonNull(reason);
            if (autograd == null) {
                autograd = AutogradRule.NOTHING;
            }
            return this;
        }

        /**
         * Its saved tensors are not modelled: the plan assumes every input is saved and says the figures
         * are approximate.
         *
         * @param reason why not (no training use, kernel-dependent saves, a sub-graph)
         * @return this builder
         */
        public Builder savesNotModelled(String reason) {
            this.savesNotModelled = Objects.requireNonNull(reason);
            return this;
        }

        /**
         * It may overwrite its input when nothing else reads it (what {@code inplace=True} does; ONNX loses it).
         *
         * @return this builder
         */
        public Builder inPlaceWhenSafe() {
            this.inPlaceWhenSafe = true;
            return this;
        }

        /**
         * Its backward reads its own result, so nothing after it may overwrite that result in place.
         *
         * @return this builder
         */
        public Builder backwardReadsOutput() {
            this.backwardReadsOutput = true;
            return this;
        }

        /**
         * Outputs from {@code first} on exist only in the export (running stats, masks, indices, statistics).
         *
         * @param first the first such output's position
         * @return this builder
         */
        public Builder exportOnlyOutputsFrom(int first) {
            this.exportOnlyOutputsFrom = first;
            return this;
        }

        /**
         * A scalar index makes it a select ({@code x[:, i]}): a view dropping the indexed axis.
         *
         * @return this builder
         */
        public Builder selectViewOnScalarIndex() {
            this.selectViewOnScalarIndex = true;
            return this;
        }

        /**
         * It folds its operands' batch dimensions with reshape as {@code torch.matmul} does; an operand that
         * allows no such view is copied.
         *
         * @return this builder
         */
        public Builder foldsBatchedOperands() {
            this.foldsBatchedOperands = true;
            return this;
        }

        /**
         * Input slots whose gradient is the output's gradient itself (for a non-view: when the operand has the
         * output's size and element type).
         *
         * @param slots input positions
         * @return this builder
         */
        public Builder gradientPassesThrough(int... slots) {
            for (int s : slots) {
                gradientPassesThrough.add(s);
            }
            return this;
        }

        /**
         * Its kernel computes indices of this element type per output element even when only the values are
         * asked for.
         *
         * @param dtype the indices' element type
         * @return this builder
         */
        public Builder transientIndices(dev.modelmeter.graph.DType dtype) {
            this.transientIndices = dtype;
            return this;
        }

        /**
         * It runs graph-valued attributes (bodies).
         *
         * @return this builder
         */
        public Builder runsSubgraphs() {
            this.runsSubgraphs = true;
            return this;
        }

        /**
         * It is the identity (a view) unless it runs in training, as decided by {@code activity}.
         *
         * @param activity whether a node is active
         * @return this builder
         */
        public Builder identityUnlessTraining(MemoryFacts.TrainingActivity activity) {
            this.trainingActivity = activity;
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
            MemoryFacts memory = new MemoryFacts(autocastCuda, autocastCpu, resultTypeOfInput0, resultTypeDeclared,
                    notDifferentiable, savesNotModelled, inPlaceWhenSafe, backwardReadsOutput, exportOnlyOutputsFrom,
                    viewLayout, selectViewOnScalarIndex, foldsBatchedOperands, gradientPassesThrough,
                    transientIndices, runsSubgraphs, trainingActivity);
            return new OpDef(domain, opType, shape, cost, autograd, roles, view, explain, noCostReason,
                    unknownCostReason, memory);
        }
    }
}
