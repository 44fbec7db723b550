package dev.modelmeter.dsl;

/**
 * A {@link Linear} with a LoRA adapter (Hu et al. 2021, as PEFT's {@code lora.Linear}):
 * {@code y = x·Wᵀ + b + (x·Aᵀ)·Bᵀ · α/r}, {@code A} [r, in] ({@code lora_A}) and {@code B} [out, r]
 * ({@code lora_B}), no bias. The adapter adds {@code r × (in + out)} parameters; the base weight keeps its
 * name ({@code <path>.weight}) so it can be frozen by name and matched with a checkpoint. LoRA dropout is
 * taken as 0 (the identity), PEFT's default.
 */
public class LoraLinear extends Linear {

    private final Linear loraA;
    private final Linear loraB;
    private final double scaling;

    /**
     * A linear layer with a rank-{@code rank} adapter.
     *
     * @param in    input features
     * @param out   output features
     * @param bias  whether the base layer has a bias
     * @param rank  the adapter rank r
     * @param alpha the LoRA alpha (only scales values: no effect on any figure)
     */
    public LoraLinear(long in, long out, boolean bias, int rank, double alpha) {
        super(in, out, bias);
        loraA = register("lora_A", new Linear(in, rank, false));
        loraB = register("lora_B", new Linear(rank, out, false));
        scaling = alpha / rank;
    }

    /** PEFT's class name. */
    @Override
    public String typeName() {
        return "lora.Linear";
    }

    @Override
    protected Tensor forward(Tensor x) {
        return super.forward(x).add(loraB.apply(loraA.apply(x)).mul(scaling));
    }
}
