package dev.modelmeter.zoo;

import dev.modelmeter.ModelMeterException;

/**
 * The sizes and switches of a Llama-family decoder-only language model (Llama 2/3, Mistral, Qwen2/2.5,
 * Gemma, Phi-3, and Mixtral's mixture of experts), as Hugging Face's {@code config.json} gives them.
 *
 * @param family          the {@code model_type} (llama, mistral, qwen2, gemma, phi3, mixtral)
 * @param vocab           {@code vocab_size}
 * @param hidden          {@code hidden_size}
 * @param intermediate    {@code intermediate_size} (per expert for a mixture of experts)
 * @param layers          {@code num_hidden_layers}
 * @param heads           {@code num_attention_heads}
 * @param kvHeads         {@code num_key_value_heads} (= heads for multi-head, 1 for multi-query)
 * @param headDim         {@code head_dim} (default hidden / heads)
 * @param tiedEmbeddings  {@code tie_word_embeddings}: the LM head reuses the token embedding
 * @param qkvBias         q, k and v projections have a bias (Qwen2; Llama's {@code attention_bias})
 * @param outBias         the output projection has a bias (Llama's {@code attention_bias})
 * @param mlpBias         the MLP projections have a bias (Llama's {@code mlp_bias})
 * @param fusedQkv        one {@code qkv_proj} instead of three (Phi-3)
 * @param fusedGateUp     one {@code gate_up_proj} instead of two (Phi-3)
 * @param activation      {@code silu}, or {@code gelu_tanh} (Gemma's GeGLU)
 * @param gemma           Gemma's conventions: embeddings scaled by √hidden, norms scale by 1 + weight
 * @param normEps         the RMSNorm epsilon
 * @param ropeTheta       the rotary base θ
 * @param experts         experts per layer (0 for a dense MLP)
 * @param expertsPerToken experts each token is routed to
 * @param slidingWindow   attention window in tokens (0 for none): bounds the KV cache
 * @param maxPositions    {@code max_position_embeddings}
 */
public record DecoderConfig(String family, long vocab, long hidden, long intermediate, int layers, long heads,
                            long kvHeads, long headDim, boolean tiedEmbeddings, boolean qkvBias, boolean outBias,
                            boolean mlpBias, boolean fusedQkv, boolean fusedGateUp, String activation, boolean gemma,
                            double normEps, double ropeTheta, int experts, int expertsPerToken, long slidingWindow,
                            long maxPositions) {

    /**
     * Checks the sizes agree with one another.
     *
     * @param family see the record
     * @param vocab see the record
     * @param hidden see the record
     * @param intermediate see the record
     * @param layers see the record
     * @param heads see the record
     * @param kvHeads see the record
     * @param headDim see the record
     * @param tiedEmbeddings see the record
     * @param qkvBias see the record
     * @param outBias see the record
     * @param mlpBias see the record
     * @param fusedQkv see the record
     * @param fusedGateUp see the record
     * @param activation see the record
     * @param gemma see the record
     * @param normEps see the record
     * @param ropeTheta see the record
     * @param experts see the record
     * @param expertsPerToken see the record
     * @param slidingWindow see the record
     * @param maxPositions see the record
     */
    public DecoderConfig {
        if (vocab < 1 || hidden < 1 || intermediate < 1 || layers < 1 || heads < 1 || kvHeads < 1 || headDim < 1) {
            throw new ModelMeterException(family + " config: sizes must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new ModelMeterException(family + " config: " + heads + " attention heads are not a multiple of "
                    + kvHeads + " key-value heads");
        }
        if (experts > 0 && (expertsPerToken < 1 || expertsPerToken > experts)) {
            throw new ModelMeterException(family + " config: " + expertsPerToken + " experts per token of " + experts);
        }
        if (!activation.equals("silu") && !activation.equals("gelu_tanh")) {
            throw new ModelMeterException(family + " config: activation '" + activation + "' is not silu or gelu_tanh");
        }
    }

    /**
     * Whether the MLP is a mixture of experts.
     *
     * @return true for a mixture of experts
     */
    public boolean isMoe() {
        return experts > 0;
    }

    /**
     * Parameters a token does not pass through: the {@code E − k} experts of each layer it is not routed to
     * ({@code layers × (E − k) × 3 × hidden × intermediate}); 0 for a dense model.
     *
     * @return the inactive expert parameters
     */
    public long inactiveExpertParams() {
        return isMoe() ? Math.multiplyExact((long) layers * (experts - expertsPerToken), 3 * hidden * intermediate) : 0;
    }

    /**
     * The same model as one rank of a Megatron tensor-parallel group of {@code t}: attention heads,
     * key-value heads, the MLP's intermediate size and the vocabulary split {@code t} ways.
     *
     * @param t the tensor-parallel degree
     * @return the per-rank configuration
     * @throws ModelMeterException when a size does not divide by t
     */
    public DecoderConfig tensorParallelRank(int t) {
        if (t == 1) {
            return this;
        }
        for (long[] s : new long[][] {{heads, 0}, {kvHeads, 1}, {intermediate, 2}, {vocab, 3}}) {
            if (s[0] % t != 0) {
                String what = new String[] {"attention heads", "key-value heads", "intermediate size", "vocabulary"}
                        [(int) s[1]];
                throw new ModelMeterException("tensor parallel degree " + t + " does not divide the " + what + " ("
                        + s[0] + ")");
            }
        }
        return new DecoderConfig(family, vocab / t, hidden, intermediate / t, layers, heads / t, kvHeads / t, headDim,
                tiedEmbeddings, qkvBias, outBias, mlpBias, fusedQkv, fusedGateUp, activation, gemma, normEps,
                ropeTheta, experts, expertsPerToken, slidingWindow, maxPositions);
    }
}
