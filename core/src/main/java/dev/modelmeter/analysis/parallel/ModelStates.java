package dev.modelmeter.analysis.parallel;

/**
 * The bytes of model states one (tensor-parallel) rank would hold without sharding, by category.
 *
 * @param parameters     the parameters the forward computes with (and any low-precision working copy)
 * @param gradients      their gradients
 * @param optimizerState optimizer state, including an fp32 master copy kept by mixed-precision optimizers
 */
public record ModelStates(long parameters, long gradients, long optimizerState) {

    /**
     * The ZeRO paper's mixed-precision Adam accounting (Rajbhandari et al. 2020, §3.1): fp16 parameters
     * and gradients (2Ψ + 2Ψ bytes) and K·Ψ bytes of optimizer state (K = 12: fp32 parameters, momentum,
     * variance).
     *
     * @param psi the parameter count Ψ
     * @param k   the optimizer-state multiplier K
     * @return the states
     */
    public static ModelStates zeroPaper(long psi, long k) {
        return new ModelStates(Math.multiplyExact(2, psi), Math.multiplyExact(2, psi), Math.multiplyExact(k, psi));
    }

    /**
     * All three.
     *
     * @return the sum
     */
    public long total() {
        return parameters + gradients + optimizerState;
    }
}
