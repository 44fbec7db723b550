package dev.modelmeter.ops;

import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Autograd rules several operator families share, so each registration names one instead of copying a
 * lambda. What each operator saves is documented next to its registration.
 */
public final class Saves {

    private Saves() {
    }

    /**
     * Always saves these inputs, whether or not anything needs a gradient (a first conv saves the model
     * input and its weight: the fixtures measure it).
     */
    public static AutogradRule inputs(int... slots) {
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

    /** Element count of a tensor, 0 when unknown (a saved extra of unknown size is not counted). */
    public static long numel(TensorType t) {
        return t == null ? 0 : t.numel().orElse(0);
    }
}
