package dev.modelmeter.analysis.llm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** KV cache arithmetic, worked by hand from the models' public configs. */
class KvCacheTest {

    @Test
    void llama2And3() {
        // Llama-2-7B: 2 × 32 layers × 32 kv heads × 128 × 2 bytes × 4096 tokens = 2^31
        assertThat(new KvCache(32, 32, 128, 0).bytes(4096, 1, 2)).isEqualTo(2_147_483_648L);
        // Llama-3-8B (GQA, 8 kv heads): a quarter of that
        assertThat(new KvCache(32, 8, 128, 0).bytes(4096, 1, 2)).isEqualTo(536_870_912L);
    }

    @Test
    void slidingWindowCapsTheCache() {
        // Mistral-7B: window 4096; 8192 tokens keep 4096: 2 × 32 × 8 × 128 × 2 × 4096
        KvCache mistral = new KvCache(32, 8, 128, 4096);
        assertThat(mistral.bytes(8192, 1, 2)).isEqualTo(2L * 32 * 8 * 128 * 2 * 4096);
        assertThat(mistral.bytes(1000, 3, 2)).isEqualTo(2L * 32 * 8 * 128 * 2 * 1000 * 3);
    }

    @Test
    void tokensThatFit() {
        // 131072 bytes per token (Llama 3 8B, fp16); 1 GiB holds 8192 tokens
        assertThat(new KvCache(32, 8, 128, 0).tokensThatFit(1L << 30, 2)).isEqualTo(8192);
        assertThat(new KvCache(32, 8, 128, 0).tokensThatFit(-5, 2)).isZero();
    }

    @Test
    void quantizedLinearBytes() {
        // 4096 × 4096 = 16,777,216 elements
        long n = 4096L * 4096;
        assertThat(WeightFormat.BF16.linearBytes(4096, 4096)).isEqualTo(2 * n);
        // int8: n + 4 bytes per output row
        assertThat(WeightFormat.INT8.linearBytes(4096, 4096)).isEqualTo(n + 4 * 4096);
        // NF4 + double quant: n/2 + n/64 one-byte absmax + 4 bytes per 256 blocks = 4.127 bits per element
        assertThat(WeightFormat.NF4.linearBytes(4096, 4096)).isEqualTo(n / 2 + n / 64 + 4 * (n / 64 / 256));
        assertThat(WeightFormat.NF4.linearBytes(4096, 4096) * 8.0 / n).isEqualTo(4 + 8 / 64.0 + 32 / (64.0 * 256));
        // without double quant: 4 + 32/64 = 4.5 bits
        assertThat(WeightFormat.NF4_NO_DOUBLE_QUANT.linearBytes(4096, 4096) * 8.0 / n).isEqualTo(4.5);
        // GPTQ int4 group 128: n/2 + fp16 scale and 4-bit zero per (group, output): 32 groups × 4096 outputs
        assertThat(WeightFormat.INT4.linearBytes(4096, 4096)).isEqualTo(n / 2 + 2 * 32 * 4096 + 32 * 4096 / 2);
    }
}
