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
    public enum Backend { CUDA, CPU }

    public TensorType input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    public TensorType output(int i) {
        return i < outputs.size() ? outputs.get(i) : null;
    }

    public boolean requiresGrad(int i) {
        return i < inputRequiresGrad.size() && inputRequiresGrad.get(i);
    }

    public boolean isWeight(int i) {
        return i < inputIsWeight.size() && inputIsWeight.get(i);
    }
}
