package dev.modelmeter.ops;

import java.util.List;

/**
 * What PyTorch's autograd saves for a node's backward (PyTorch's derivatives.yaml is the source; the
 * measured fixtures win over it). Rules return references to inputs/outputs where the saved tensor is
 * one of them, so the memory plan can count each storage once.
 */
@FunctionalInterface
public interface AutogradRule {

    /** Saves nothing: views, additions, concatenation, shape arithmetic. */
    AutogradRule NOTHING = ctx -> List.of();

    /**
     * The tensors autograd keeps from this node's forward.
     *
     * @param ctx the node, its types, and which inputs need a gradient
     * @return the saved tensors (empty when autograd records nothing)
     */
    List<Saved> saved(AutogradContext ctx);
}
