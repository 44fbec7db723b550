package dev.modelmeter.analysis.llm;

import java.util.Locale;

/**
 * How a linear layer's weight is stored in memory, and what it costs per element. The quantized formats
 * apply to the weights of linear layers (bitsandbytes and GPTQ/AWQ replace {@code nn.Linear}); embeddings,
 * norms and the LM head stay in the compute dtype.
 *
 * <ul>
 *   <li>{@code fp32} 4 bytes; {@code fp16}, {@code bf16} 2 bytes.</li>
 *   <li>{@code int8} (bitsandbytes LLM.int8(), Dettmers et al. 2022): 1 byte per element plus one fp32
 *       scale per output row ({@code SCB}).</li>
 *   <li>{@code nf4} (QLoRA, Dettmers et al. 2023, §3): 4 bits per element plus one absmax per block of 64;
 *       with double quantization the absmax is 8-bit with one fp32 constant per 256 blocks:
 *       {@code 4 + 8/64 + 32/(64·256) = 4.127} bits per element (without: {@code 4 + 32/64 = 4.5}).</li>
 *   <li>{@code int4} (GPTQ/AWQ, group size 128): 4 bits per element plus, per group of 128 inputs and per
 *       output, an fp16 scale and a packed 4-bit zero point: {@code 4 + 16/128 + 4/128} bits.</li>
 * </ul>
 */
public enum WeightFormat {
    /** float32. */
    FP32,
    /** float16. */
    FP16,
    /** bfloat16. */
    BF16,
    /** bitsandbytes int8 with a per-row fp32 scale. */
    INT8,
    /** QLoRA NF4, block 64, double quantization. */
    NF4,
    /** NF4 without double quantization. */
    NF4_NO_DOUBLE_QUANT,
    /** GPTQ/AWQ 4-bit, group 128. */
    INT4;

    /** NF4 / int8 block sizes and the second-level block of double quantization. */
    static final long NF4_BLOCK = 64;
    static final long DOUBLE_QUANT_BLOCKS = 256;
    static final long GPTQ_GROUP = 128;

    /**
     * Parses {@code fp32, fp16, bf16, int8, nf4, nf4-no-dq, int4} (also {@code gptq}, {@code awq}).
     *
     * @param text the name
     * @return the format, or null when unknown
     */
    public static WeightFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "fp32", "float32" -> FP32;
            case "fp16", "float16" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            case "int8", "8bit", "llm.int8" -> INT8;
            case "nf4", "4bit", "qlora" -> NF4;
            case "nf4-no-dq" -> NF4_NO_DOUBLE_QUANT;
            case "int4", "gptq", "awq" -> INT4;
            default -> null;
        };
    }

    /**
     * Whether the format quantizes (applies only to linear layers' weights).
     *
     * @return true for int8, nf4 and int4
     */
    public boolean quantized() {
        return this == INT8 || this == NF4 || this == NF4_NO_DOUBLE_QUANT || this == INT4;
    }

    /**
     * Bytes of a dense element in a non-quantized format.
     *
     * @return 4 or 2; 2 for the quantized formats (their compute dtype, bf16)
     */
    public long denseBytes() {
        return this == FP32 ? 4 : 2;
    }

    /**
     * Bytes of one linear weight {@code [out, in]} stored in this format, rounded up to whole bytes per
     * component.
     *
     * @param out output features (rows)
     * @param in  input features
     * @return the bytes
     */
    public long linearBytes(long out, long in) {
        long n = Math.multiplyExact(out, in);
        return switch (this) {
            case FP32 -> 4 * n;
            case FP16, BF16 -> 2 * n;
            case INT8 -> n + 4 * out;
            case NF4 -> {
                long blocks = ceil(n, NF4_BLOCK);
                yield ceil(n, 2) + blocks + 4 * ceil(blocks, DOUBLE_QUANT_BLOCKS);
            }
            case NF4_NO_DOUBLE_QUANT -> ceil(n, 2) + 4 * ceil(n, NF4_BLOCK);
            case INT4 -> {
                long groups = ceil(in, GPTQ_GROUP);
                yield ceil(n, 2) + 2 * groups * out + ceil(groups * out, 2);
            }
        };
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
