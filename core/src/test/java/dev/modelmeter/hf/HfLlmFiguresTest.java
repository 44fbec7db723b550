package dev.modelmeter.hf;

import dev.modelmeter.HfSource;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.llm.StoredWeights;
import dev.modelmeter.analysis.llm.WeightFormat;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.zoo.CausalLm;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: KV cache and LoRA figures of configs, worked by hand. */
class HfLlmFiguresTest {

    @Test
    void kvCacheFromConfigs() {
        // Llama-2-7B, fp16, 4096 tokens, batch 1: 2 × 32 × 32 × 128 × 2 × 4096 = 2,147,483,648
        assertThat(HfSource.kvCache(HfTestModels.config("llama-2-7b"), 1).bytes(4096, 1, 2)).isEqualTo(2_147_483_648L);
        // Llama-3-8B (GQA 8 kv heads): 536,870,912
        assertThat(HfSource.kvCache(HfTestModels.config("llama-3-8b"), 1).bytes(4096, 1, 2)).isEqualTo(536_870_912L);
        // Mistral's 4096-token window caps 32k tokens at 4096
        assertThat(HfSource.kvCache(HfTestModels.config("mistral-7b-v0.1"), 1).bytes(32768, 1, 2))
                .isEqualTo(2L * 32 * 8 * 128 * 2 * 4096);
        // Gemma 2B: multi-query (1 kv head), head_dim 256: 2 × 18 × 1 × 256 × 2 bytes per token
        assertThat(HfSource.kvCache(HfTestModels.config("gemma-2b"), 1).bytesPerToken(2)).isEqualTo(2L * 18 * 256 * 2);
        // GPT-2: 2 × 12 × 12 × 64 × 2
        assertThat(HfSource.kvCache(HfTestModels.config("gpt2"), 1).bytesPerToken(2)).isEqualTo(2L * 12 * 12 * 64 * 2);
        // tensor parallel 2: each rank caches half the kv heads
        assertThat(HfSource.kvCache(HfTestModels.config("llama-3-8b"), 2).bytes(4096, 1, 2)).isEqualTo(536_870_912L / 2);
    }

    @Test
    void loraOnQAndVOfLlama2() {
        // r = 8 on q_proj and v_proj (4096 → 4096): 8 × (4096 + 4096) each, 2 per layer, 32 layers = 4,194,304
        Network net = HfModels.network(HfTestModels.config("llama-2-7b"),
                new HfModels.Build(1L, 16, true, new CausalLm.Lora(8, 16, Set.of("q_proj", "v_proj")), 1));
        var s = Analyzer.standard().summarize(net.build(),
                new AnalysisOptions(null, Map.of(), false, HfSource.FREEZE_ALL_BUT_LORA), LayerFolding.LEAVES);
        assertThat(s.params().trainable()).isEqualTo(4_194_304L);
        assertThat(s.params().total()).isEqualTo(6_738_415_616L + 4_194_304L);
    }

    @Test
    void nf4WeightsOfLlama2() {
        // linear weights: 32 × (4·4096² + 3·4096·11008) = 6,476,005,376 elements in NF4 (4.127 bits);
        // embeddings, norms and lm_head in bf16: 6,738,415,616 − 6,476,005,376 = 262,410,240 elements × 2 bytes
        Network net = HfTestModels.network("llama-2-7b", 16, false);
        StoredWeights.Split split = StoredWeights.of(net.build().graph(), net.initializerRoles(), WeightFormat.NF4);
        long linear = 32L * (4L * 4096 * 4096 + 3L * 4096 * 11008);
        assertThat(split.linearElements()).isEqualTo(linear);
        assertThat(split.otherBytes()).isEqualTo((6_738_415_616L - linear) * 2);
        long perAttn = 4096L * 4096;
        long perMlp = 4096L * 11008;
        long nf4 = 32 * (4 * nf4(perAttn) + 3 * nf4(perMlp));
        assertThat(split.linearBytes()).isEqualTo(nf4);
    }

    /** n/2 bytes of codes + one byte of absmax per 64 + 4 bytes per 256 blocks (n divisible here). */
    private static long nf4(long n) {
        return n / 2 + n / 64 + 4 * ((n / 64 + 255) / 256);
    }

    @Test
    void decodeMacsPerToken() {
        // Llama-2-7B at 4096 cached positions: linear weights 32·(4·4096² + 3·4096·11008) + lm_head 32000·4096,
        // attention 2 · 32 layers · 32 heads · 128 · 4096
        Network net = HfTestModels.network("llama-2-7b", 16, false);
        long want = 32L * (4L * 4096 * 4096 + 3L * 4096 * 11008) + 32000L * 4096 + 2L * 32 * 32 * 128 * 4096;
        assertThat(dev.modelmeter.analysis.llm.DecodeMacs.perToken(net.build().graph(), net.initializerRoles(), 0, 32,
                32, 128, 4096)).isEqualTo(want);
        // GPT-2 (tied head: the embedding is the head's weight): 12·(768·2304 + 768² + 2·768·3072) + 50257·768
        Network gpt2 = HfTestModels.network("gpt2", 16, false);
        assertThat(dev.modelmeter.analysis.llm.DecodeMacs.perToken(gpt2.build().graph(), gpt2.initializerRoles(), 0,
                12, 12, 64, 0)).isEqualTo(12L * (768 * 2304 + 768 * 768 + 2 * 768 * 3072) + 50257L * 768);
    }

    @Test
    void mixtralActiveParams() {
        // 32 layers × (8 − 2) experts × 3 × 4096 × 14336 not passed through: 46,702,792,704 − that = 12,879,925,248
        // (Mistral AI's "12.9B active parameters")
        long inactive = HfTestModels.config("mixtral-8x7b").decoder().inactiveExpertParams();
        assertThat(inactive).isEqualTo(32L * 6 * 3 * 4096 * 14336);
        assertThat(46_702_792_704L - inactive).isEqualTo(12_879_925_248L);
    }

    @Test
    void largestUnitIsEmbeddingsPlusHeadForLlama2() {
        // outside the layers: 2 × 32000 × 4096 + 4096 = 262,148,096 > one layer 202,383,360
        assertThat(HfSource.largestUnitParams(HfTestModels.network("llama-2-7b", 16, false))).isEqualTo(262_148_096L);
    }
}
