package dev.modelmeter.ops;

import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorValue;

import java.util.Map;
import java.util.Set;

/**
 * What the memory plan needs to know about an operator besides its autograd saves ({@link OpDef#autograd}),
 * declared on its registration so that adding an operator touches its family file only. Every fact has a
 * default that is the truth for most operators (not in an autocast list, differentiable, not in place,
 * all outputs real); an operator states only where it differs.
 *
 * @param autocastCuda           its category in PyTorch's CUDA autocast lists
 * @param autocastCpu            its category in PyTorch's CPU autocast lists
 * @param resultTypeOfInput0     output 0 has input 0's element type whatever the other operands' (norms with
 *                               fp32 affine parameters under bf16, Gather, Dropout); otherwise PyTorch's type
 *                               promotion over the tensor operands decides
 * @param resultTypeDeclared     the output's element type is the one the operator names (Cast): neither
 *                               autocast nor promotion changes it
 * @param notDifferentiable      why no gradient flows through it (comparisons, shape arithmetic, random
 *                               sources), or null when it is differentiable
 * @param savesNotModelled       why its saved tensors are not modelled (the plan then assumes it saves every
 *                               input and says the figure is approximate), or null
 * @param inPlaceWhenSafe        it may overwrite its input when nothing else reads it (torchvision's
 *                               {@code ReLU(inplace=True)}: safe because it saves its output, not its input)
 * @param backwardReadsOutput    its backward reads its own result, so a following op may not overwrite it
 * @param exportOnlyOutputsFrom  outputs from this index on exist only in the export (BatchNorm's running
 *                               stats, Dropout's mask, MaxPool's indices, LayerNorm's mean and inverse
 *                               deviation): PyTorch keeps them, if at all, as saved tensors of the node;
 *                               -1 when every output is real
 * @param viewLayout             for a view ({@link OpDef#view}): how its output's strides follow from its
 *                               input's; null otherwise
 * @param selectViewOnScalarIndex a scalar index makes it {@code x[:, i]}, a select: a view that drops the axis
 * @param foldsBatchedOperands   {@code torch.matmul}: it folds its operands' batch dimensions with reshape,
 *                               and an operand whose strides allow no such view is copied (the copy is saved)
 * @param gradientPassesThrough  input slots whose gradient is the output's gradient itself (views; an add
 *                               whose operand has the output's size and type): no storage of its own
 * @param transientIndices       element type of indices its kernel computes per output element even when only
 *                               the values are asked for (max_pool2d runs max_pool2d_with_indices), or null
 * @param runsSubgraphs          it runs graph-valued attributes (If, Loop, Scan bodies)
 * @param trainingActivity       for an op that is the identity unless it runs in training (Dropout): whether a
 *                               node is active; null for every other op
 */
public record MemoryFacts(Autocast autocastCuda, Autocast autocastCpu, boolean resultTypeOfInput0,
                          boolean resultTypeDeclared, String notDifferentiable, String savesNotModelled,
                          boolean inPlaceWhenSafe, boolean backwardReadsOutput, int exportOnlyOutputsFrom,
                          ViewLayout viewLayout, boolean selectViewOnScalarIndex, boolean foldsBatchedOperands,
                          Set<Integer> gradientPassesThrough, DType transientIndices, boolean runsSubgraphs,
                          TrainingActivity trainingActivity) {

    /** The facts of an operator that declares none (and of an unknown operator). */
    public static final MemoryFacts DEFAULT = new MemoryFacts(Autocast.UNLISTED, Autocast.UNLISTED, false, false,
            null, null, false, false, -1, null, false, false, Set.of(), null, false, null);

    /**
     * Copies the slot set; the fields are described on the record.
     *
     * @param autocastCuda see the record
     * @param autocastCpu see the record
     * @param resultTypeOfInput0 see the record
     * @param resultTypeDeclared see the record
     * @param notDifferentiable see the record
     * @param savesNotModelled see the record
     * @param inPlaceWhenSafe see the record
     * @param backwardReadsOutput see the record
     * @param exportOnlyOutputsFrom see the record
     * @param viewLayout see the record
     * @param selectViewOnScalarIndex see the record
     * @param foldsBatchedOperands see the record
     * @param gradientPassesThrough see the record
     * @param transientIndices see the record
     * @param runsSubgraphs see the record
     * @param trainingActivity see the record
     */
    public MemoryFacts {
        gradientPassesThrough = Set.copyOf(gradientPassesThrough);
    }

    /**
     * A category of PyTorch's autocast op lists ({@code aten/src/ATen/autocast_mode.h}:
     * {@code AT_FORALL_LOWER_PRECISION_FP}, {@code AT_FORALL_FP32}, {@code AT_FORALL_FP32_SET_OPT_DTYPE};
     * the CPU lists in {@code autocast_mode.cpp}).
     */
    public enum Autocast {
        /** Runs in the autocast type (bf16/fp16): its floating inputs are cast first and saved cast. */
        LOWER_PRECISION,
        /** Runs in float32: its inputs are upcast, its output is float32. */
        FP32,
        /** In no list (or in the promote list): runs in its inputs' type, by type promotion. */
        UNLISTED
    }

    /** How a view's output strides follow from its input's. */
    public enum ViewLayout {
        /** Same strides when the rank is kept (slices, splits, identity). */
        SAME_STRIDES,
        /** Permuted strides ({@code perm} attribute; reversed when absent). */
        PERMUTE,
        /** ATen's computeStride for a reshape: may find no view, and then PyTorch copies. */
        RESHAPE,
        /** Zero strides on broadcast axes. */
        EXPAND
    }

    /** Whether a node of an identity-unless-training op (Dropout) is active. */
    @FunctionalInterface
    public interface TrainingActivity {
        /**
         * Whether the node runs its training behaviour.
         *
         * @param node  the node
         * @param known values known before the run (constants, shape arithmetic), by name
         * @return true when active
         */
        boolean active(Node node, Map<String, TensorValue> known);
    }

    /**
     * The autocast category on a backend.
     *
     * @param backend the backend
     * @return its category there
     */
    public Autocast autocast(AutogradContext.Backend backend) {
        return backend == AutogradContext.Backend.CUDA ? autocastCuda : autocastCpu;
    }

    /**
     * Whether output {@code k} exists only in the export.
     *
     * @param k the output's position
     * @return true for an export-only output
     */
    public boolean exportOnly(int k) {
        return exportOnlyOutputsFrom >= 0 && k >= exportOnlyOutputsFrom;
    }
}
