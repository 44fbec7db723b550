package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.memory.TrainingSetup.Optimizer;

/**
 * What PyTorch's optimizers keep per parameter and what their {@code step()} allocates for a moment,
 * with default arguments (Adam/AdamW betas, eps; RMSprop not centered, no momentum; SGD_MOMENTUM
 * momentum 0.9).
 *
 * <p>State per parameter tensor: SGD none; SGD with momentum a momentum buffer (a clone of the first
 * gradient, made inside the first step); Adam/AdamW exp_avg and exp_avg_sq plus a float32 {@code step}
 * scalar tensor (4 bytes; the fixtures' AdamW state is 2 × params + 4 bytes per parameter tensor);
 * Adagrad a sum (created when the optimizer is constructed) and a step scalar; RMSprop square_avg and a
 * step scalar. State created by {@code _init_group} exists for every parameter before the first update.
 *
 * <p>Temporaries: on CPU PyTorch uses the per-tensor ("for-loop") implementation: Adam computes
 * {@code exp_avg_sq.sqrt() / bias_correction2_sqrt}, two parameter-sized tensors alive together (the
 * fixtures' AdamW peak holds 2 × the largest parameter beyond state and grads); Adagrad and RMSprop one
 * ({@code sqrt().add_(eps)}); SGD none. On CUDA the default is the foreach implementation, whose
 * {@code _foreach_sqrt} makes one temporary per parameter of the group at once: 1 × all parameters.
 */
final class Optimizers {

    static final long STEP_SCALAR_BYTES = 4;

    private Optimizers() {
    }

    /** Parameter-sized state tensors per parameter. */
    static int stateTensors(Optimizer o) {
        return switch (o) {
            case SGD -> 0;
            case SGD_MOMENTUM, ADAGRAD, RMSPROP -> 1;
            case ADAM, ADAMW -> 2;
        };
    }

    /** Bytes of scalar state per parameter tensor (the {@code step} counter). */
    static long scalarBytes(Optimizer o) {
        return switch (o) {
            case SGD, SGD_MOMENTUM -> 0;
            case ADAM, ADAMW, ADAGRAD, RMSPROP -> STEP_SCALAR_BYTES;
        };
    }

    /** Parameter-sized temporaries the per-tensor implementation holds at once while updating one parameter. */
    static int perTensorTemporaries(Optimizer o) {
        return switch (o) {
            case SGD, SGD_MOMENTUM -> 0;
            case ADAGRAD, RMSPROP -> 1;
            case ADAM, ADAMW -> 2;
        };
    }

    /** Parameter-sized temporaries the foreach implementation holds for the whole group (× all params). */
    static int foreachTemporaries(Optimizer o) {
        return switch (o) {
            case SGD, SGD_MOMENTUM -> 0;
            case ADAGRAD, RMSPROP, ADAM, ADAMW -> 1;
        };
    }

    /** True when the state is created lazily, parameter by parameter, inside the update loop. */
    static boolean stateCreatedDuringUpdate(Optimizer o) {
        return o == Optimizer.SGD_MOMENTUM;
    }

    /** True when the state exists before the first step (Adagrad fills it in its constructor). */
    static boolean stateCreatedAtConstruction(Optimizer o) {
        return o == Optimizer.ADAGRAD;
    }
}
