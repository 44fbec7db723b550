package dev.modelmeter.ops;

/**
 * What one node costs. {@code macs} are multiply-accumulates of matmul-like work (convolutions,
 * Gemm/MatMul, attention products), counted as PyTorch's FlopCounterMode counts them divided by 2.
 * {@code otherFlops} estimates the arithmetic of everything else (elementwise, normalisation,
 * pooling, softmax), which FlopCounterMode ignores; it is reported apart so that the headline figures
 * stay comparable. {@code formula} is the arithmetic with the numbers put in, for {@code --explain}.
 * {@code approximate} marks a bound rather than an exact figure (an If whose condition is not known counts
 * its larger branch).
 */
public record Cost(long macs, long otherFlops, String formula, boolean approximate) {

    /** No cost (shape arithmetic, views): an operator that declares no cost, with its reason. */
    public static final Cost ZERO = new Cost(0, 0, "");

    /**
     * An exact cost.
     *
     * @param macs       multiply-accumulates
     * @param otherFlops other arithmetic
     * @param formula    the arithmetic with numbers put in
     */
    public Cost(long macs, long otherFlops, String formula) {
        this(macs, otherFlops, formula, false);
    }

    /**
     * A matmul-like cost.
     *
     * @param macs    multiply-accumulates
     * @param formula the arithmetic with numbers put in
     * @return the cost
     */
    public static Cost macs(long macs, String formula) {
        return new Cost(macs, 0, formula);
    }

    /**
     * A cost outside matmul-like work (elementwise, normalisation, pooling), reported apart.
     *
     * @param flops   floating-point operations
     * @param formula the arithmetic with numbers put in
     * @return the cost
     */
    public static Cost other(long flops, String formula) {
        return new Cost(0, flops, formula);
    }

    /**
     * FLOPs in FlopCounterMode's convention: two per multiply-accumulate.
     *
     * @return {@code 2 × macs}
     */
    public long flops() {
        return 2 * macs;
    }
}
