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

    List<Saved> saved(AutogradContext ctx);
}
