package dev.modelmeter.hf;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.analysis.ModelSummary;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 12: parameters of graphs built from public config.json files equal the published counts
 * (model cards / papers), the tied embedding counted once.
 */
class HfParamsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // published: Llama 2 paper / HF card "6.74B"; 32000·4096·2 + 32·(4·4096² + 3·4096·11008 + 2·4096) + 4096
            "llama-2-7b, 6738415616",
            // Mistral 7B: 32000·4096·2 + 32·(2·4096² + 2·4096·1024 + 3·4096·14336 + 2·4096) + 4096
            "mistral-7b-v0.1, 7241732096",
            // Llama 3 8B: 128256·4096·2 + 32·(2·4096² + 2·4096·1024 + 3·4096·14336 + 2·4096) + 4096
            "llama-3-8b, 8030261248",
            // Qwen2.5-0.5B, tied: 151936·896 + 24·(896·896+896 + 2·(896·128+128) + 896·896 + 3·896·4864 + 2·896) + 896
            "qwen2.5-0.5b, 494032768",
            // GPT-2 small, tied LM head: the gpt2 fixture's params.total
            "gpt2, 124439808",
            // Gemma 2B (tied, head_dim 256, MQA): 256000·2048 + 18·(2·2048² + 2·2048·256 + 3·2048·16384 + 2·2048) + 2048
            "gemma-2b, 2506172416",
            // Phi-3 mini: 32064·3072·2 + 32·(3072·9216 + 3072² + 3072·16384 + 8192·3072 + 2·3072) + 3072
            "phi-3-mini-4k, 3821079552",
            // Mixtral 8x7B (total): 32000·4096·2 + 32·(2·4096² + 2·4096·1024 + 8·3·4096·14336 + 4096·8 + 2·4096) + 4096
            "mixtral-8x7b, 46702792704"})
    void parametersEqualPublishedCounts(String name, long published) {
        ModelSummary s = HfTestModels.summary(name, 16);
        assertThat(s.params().total()).isEqualTo(published);
        assertThat(s.partial()).isFalse();
    }

    @Test
    void unknownArchitectureIsOneLineListingTheSupportedOnes() {
        assertThatThrownBy(() -> HfConfig.parse(Path.of("x/config.json"), "{\"model_type\": \"mamba\"}"))
                .isInstanceOf(ModelMeterException.class)
                .hasMessage("x/config.json: architecture 'mamba' is not supported; supported model_type values: "
                        + "llama, mistral, qwen2, gemma, phi3, mixtral, gpt2, bert");
    }
}
