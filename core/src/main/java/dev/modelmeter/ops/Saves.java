package dev.modelmeter.ops;

import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Autograd rules several operator families share, so each registration names one instead of copying a
 * lambda. What each operator saves, and why, is documented next to its registration. Two flavours:
 * {@link #inputs} and {@link #output} follow derivatives.yaml (nothing when no input needs a grad,
 * parameters not listed); {@link #inputsAlways} is for kernels the fixtures show saving regardless
 * (a first conv saves the model input).
 */
public final class Saves {

    private Saves() {
    }

    /**
     * Always saves these inputs, whether or not anything needs a gradient (a first conv saves the model
     * input and its weight: the fixtures measure it).
     *
     * @param slots the input positions to save
     * @return the rule
     */
    public static AutogradRule inputsAlways(int... slots) {
        List<Saved> saved = new ArrayList<>();
        for (int s : slots) {
            saved.add(Saved.input(s));
        }
        List<Saved> fixed = List.copyOf(saved);
        return ctx -> fixed;
    }

    /**
     * A two-operand product (mm/addmm/matmul): saves each operand only when the <em>other</em> one needs a
     * gradient, derivatives.yaml's separate formulas. A Linear saves its input; Q·Kᵀ saves both.
     *
     * @return the rule
     */
    public static AutogradRule eachOperandForTheOther() {
        return ctx -> {
            List<Saved> s = new ArrayList<>();
            if (ctx.requiresGrad(1)) {
                s.add(Saved.input(0));
            }
            if (ctx.requiresGrad(0)) {
                s.add(Saved.input(1));
            }
            return s;
        };
    }

    /**
     * True when any input needs a gradient: otherwise autograd records nothing for the node.
     *
     * @param ctx the node
     * @return whether any input requires grad
     */
    public static boolean anyRequiresGrad(AutogradContext ctx) {
        for (int i = 0; i < ctx.inputs().size(); i++) {
            if (ctx.requiresGrad(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Saves the given inputs when any input needs a gradient, parameters excepted (they live anyway):
     * derivatives.yaml's rule for most elementwise and reduction ops.
     *
     * @param slots the input positions to save
     * @return the rule
     */
    public static AutogradRule inputs(int... slots) {
        return ctx -> {
            if (!anyRequiresGrad(ctx)) {
                return List.of();
            }
            List<Saved> out = new ArrayList<>();
            for (int s : slots) {
                if (ctx.input(s) != null && !ctx.isWeight(s)) {
                    out.add(Saved.input(s));
                }
            }
            return out;
        };
    }

    /**
     * Saves output 0 when any input needs a gradient (relu, sigmoid, exp, softmax: their result).
     *
     * @return the rule
     */
    public static AutogradRule output() {
        return ctx -> anyRequiresGrad(ctx) ? List.of(Saved.output(0)) : List.of();
    }

    /**
     * Element count of a tensor, 0 when unknown (a saved extra of unknown size is not counted).
     *
     * @param t the tensor type, or null
     * @return the count
     */
    public static long numel(TensorType t) {
        return t == null ? 0 : t.numel().orElse(0);
    }
}
