package dev.modelmeter.ops;

import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;

import java.util.List;

/**
 * What an autograd rule needs to know: the node and its tensor types, which inputs need a gradient
 * (a first conv's input does not; a frozen weight does not), which inputs are parameters or buffers
 * (never counted as saved activations: they live anyway), and the backend whose kernels decide.
 */
public record AutogradContext(Node node, List<TensorType> inputs, List<TensorType> outputs,
                              List<Boolean> inputRequiresGrad, List<Boolean> inputIsWeight, Backend backend) {

    /** Whose kernels run the training step: they differ in what they save. */
    public enum Backend {
        /** NVIDIA GPUs (cuDNN and CUDA kernels). */
        CUDA,
        /** The CPU kernels. */
        CPU
    }

    /**
     * The type of input {@code i}.
     *
     * @param i the input's position
     * @return the type, or null when absent or unknown
     */
    public TensorType input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    /**
     * The type of output {@code i}.
     *
     * @param i the output's position
     * @return the type, or null when absent or unknown
     */
    public TensorType output(int i) {
        return i < outputs.size() ? outputs.get(i) : null;
    }

    /**
     * Whether input {@code i} needs a gradient (derivatives.yaml saves an operand only for the other's gradient).
     *
     * @param i the input's position
     * @return whether it requires grad; false when absent
     */
    public boolean requiresGrad(int i) {
        return i < inputRequiresGrad.size() && inputRequiresGrad.get(i);
    }

    /**
     * Whether input {@code i} is a parameter or buffer, which is never counted as a saved activation.
     *
     * @param i the input's position
     * @return whether it is a weight; false when absent
     */
    public boolean isWeight(int i) {
        return i < inputIsWeight.size() && inputIsWeight.get(i);
    }
}
