package dev.modelmeter.analysis.llm;

import dev.modelmeter.ModelMeterException;

/**
 * The key-value cache of a decoder: per token and per layer, one key and one value vector per
 * key-value head. Bytes = {@code 2 × layers × kv_heads × head_dim × bytes × batch × tokens}, with tokens
 * capped at the attention window for sliding-window models (Mistral's rolling buffer cache). Grouped-
 * and multi-query attention enter through {@code kv_heads}.
 *
 * @param layers        decoder layers
 * @param kvHeads       key-value heads
 * @param headDim       head size
 * @param slidingWindow attention window in tokens, 0 for none
 */
public record KvCache(int layers, long kvHeads, long headDim, long slidingWindow) {

    /**
     * Checks the sizes.
     *
     * @param layers see the record
     * @param kvHeads see the record
     * @param headDim see the record
     * @param slidingWindow see the record
     */
    public KvCache {
        if (layers < 1 || kvHeads < 1 || headDim < 1 || slidingWindow < 0) {
            throw new ModelMeterException("KV cache sizes must be positive");
        }
    }

    /**
     * Bytes one cached token takes in one sequence: {@code 2 × layers × kv_heads × head_dim × bytes}.
     *
     * @param bytesPerElement 2 for fp16/bf16, 1 for an fp8/int8 cache
     * @return bytes per token
     */
    public long bytesPerToken(long bytesPerElement) {
        return Math.multiplyExact(Math.multiplyExact(2L * layers, kvHeads), Math.multiplyExact(headDim, bytesPerElement));
    }

    /**
     * Tokens actually held for a context of {@code tokens}: the window when there is one.
     *
     * @param tokens the context length
     * @return the cached positions
     */
    public long cachedTokens(long tokens) {
        return slidingWindow > 0 ? Math.min(tokens, slidingWindow) : tokens;
    }

    /**
     * The cache of {@code batch} sequences of {@code tokens} tokens.
     *
     * @param tokens          context length per sequence
     * @param batch           sequences
     * @param bytesPerElement bytes per cached element
     * @return the bytes
     */
    public long bytes(long tokens, long batch, long bytesPerElement) {
        return Math.multiplyExact(Math.multiplyExact(bytesPerToken(bytesPerElement), cachedTokens(tokens)), batch);
    }

    /**
     * How many tokens of cache (summed over sequences, without a window cap) fit in {@code freeBytes}.
     *
     * @param freeBytes       memory left beside the weights and activations
     * @param bytesPerElement bytes per cached element
     * @return the tokens, 0 when none fit
     */
    public long tokensThatFit(long freeBytes, long bytesPerElement) {
        return freeBytes <= 0 ? 0 : freeBytes / bytesPerToken(bytesPerElement);
    }
}
