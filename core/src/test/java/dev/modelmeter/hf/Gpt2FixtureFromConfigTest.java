package dev.modelmeter.hf;

import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.ops.AutogradContext;
import dev.modelmeter.testing.Truth;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: a GPT-2 built from the gpt2 fixture's {@code hf_config} (the config the fixture was made
 * from; its class name gives the architecture) equals the fixture's PyTorch measurements: params and
 * MACs exactly (MACs with the SDPA products, as the ONNX path counts them), saved activations within 5%.
 */
class Gpt2FixtureFromConfigTest {

    private static HfConfig fixtureConfig(Truth t) {
        ObjectNode cfg = ((ObjectNode) t.at("hf_config")).deepCopy();
        String cls = t.at("model_class").asString();
        cfg.putArray("architectures").add(cls.substring(cls.lastIndexOf('.') + 1));
        return HfConfig.parse(t.file("truth.json"), cfg.toString());
    }

    @Test
    void paramsAndMacsExact() {
        Truth t = Truth.of("gpt2");
        long seq = t.at("input_spec").get(0).get("shape").get(1).asLong();
        Network net = HfModels.network(fixtureConfig(t), new HfModels.Build(1L, seq, false, null, 1));
        ModelSummary s = Analyzer.standard().summarize(net.build(), t.options(1), LayerFolding.LEAVES);
        assertThat(s.params().total()).isEqualTo(t.at("params.total").asLong());
        assertThat(s.macs()).isEqualTo(t.at("macs.total_macs_including_cpu_sdpa").asLong());
    }

    @Test
    void bertFromItsFixtureConfig() {
        // the bert_base_uncased fixture (transformers.BertModel): params and MACs (with SDPA) exactly
        Truth t = Truth.of("bert_base_uncased");
        long seq = t.at("input_spec").get(0).get("shape").get(1).asLong();
        Network net = HfModels.network(fixtureConfig(t), new HfModels.Build(1L, seq, false, null, 1));
        ModelSummary s = Analyzer.standard().summarize(net.build(), t.options(1), LayerFolding.LEAVES);
        assertThat(s.params().total()).isEqualTo(t.at("params.total").asLong());
        assertThat(s.macs()).isEqualTo(t.at("macs.total_macs_including_cpu_sdpa").asLong());
    }

    @Test
    void savedActivationsWithinFivePercent() {
        Truth t = Truth.of("gpt2");
        long seq = t.at("input_spec").get(0).get("shape").get(1).asLong();
        Network net = HfModels.network(fixtureConfig(t), new HfModels.Build(8L, seq, true, null, 1));
        var shaped = Analyzer.standard().shape(net.build(), t.options(8), new ArrayList<>());
        MemoryPlan plan = MemoryPlanner.standard().plan(shaped,
                TrainingSetup.defaults(8).withBackend(AutogradContext.Backend.CPU));
        long want = t.at("saved_for_backward.fp32_batch8.bytes").asLong();
        System.out.printf("gpt2 from hf_config, saved at batch 8: ours %,d, truth %,d (%+.2f%%)%n", plan.savedBytes(),
                want, 100.0 * (plan.savedBytes() - want) / want);
        assertThat((double) plan.savedBytes()).isCloseTo((double) want, Percentage.withPercentage(5));
    }
}
