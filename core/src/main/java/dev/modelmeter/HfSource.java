package dev.modelmeter;

import dev.modelmeter.analysis.llm.KvCache;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.hf.HfCheckpoint;
import dev.modelmeter.hf.HfConfig;
import dev.modelmeter.hf.HfModels;
import dev.modelmeter.zoo.DecoderConfig;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face model sources (a folder with config.json, config.json itself, a .safetensors file or
 * index beside one): the checkpoint, the graph built from its config, and the LLM figures that come from
 * the config rather than the graph (KV cache, FSDP units).
 */
public final class HfSource {

    /**
     * Parameters of a LoRA model that are not adapters: freeze them. {@code --freeze} also matches a name's
     * leading dotted parts (docs/CONVENTIONS.md), so the pattern only matches whole tensor names (ending in
     * {@code .weight} / {@code .bias}) outside the adapters; no module prefix of an adapter matches it.
     */
    public static final String FREEZE_ALL_BUT_LORA = "(?!.*\\.lora_[AB]\\.).*\\.(weight|bias)";

    private static final Pattern LAYER = Pattern.compile("^(.*?\\.(?:layers|h|layer)\\.\\d+)\\.");

    private HfSource() {
    }

    /**
     * Whether a MODEL argument is a Hugging Face source rather than ONNX or the zoo.
     *
     * @param source the argument
     * @return true for a folder with config.json, a .json or a .safetensors file
     */
    public static boolean is(String source) {
        return !source.startsWith(ModelMeter.ZOO_PREFIX) && HfCheckpoint.isHfSource(source);
    }

    /**
     * Opens the source: config and safetensors headers.
     *
     * @param source the argument
     * @return the checkpoint
     */
    public static HfCheckpoint open(String source) {
        return HfCheckpoint.open(Path.of(source));
    }

    /** Sequence length of {@link #defaultGraph}: the smaller of this and the config's maximum positions. */
    public static final long DEFAULT_SEQ = 2048;

    /**
     * The graph of a Hugging Face source with a symbolic batch and the default sequence length, as
     * {@link ModelMeter#load} gives it.
     *
     * @param source   the source
     * @param training a training network
     * @return the model
     */
    public static dev.modelmeter.graph.Model defaultGraph(String source, boolean training) {
        HfCheckpoint ckpt = open(source);
        HfConfig c = ckpt.config();
        long seq = Math.min(DEFAULT_SEQ, c.integer("max_position_embeddings", c.integer("n_positions", DEFAULT_SEQ)));
        return network(ckpt, new HfModels.Build("batch", seq, training, null, 1)).build();
    }

    /**
     * Builds the graph.
     *
     * @param checkpoint the checkpoint
     * @param build      how
     * @return the network
     */
    public static Network network(HfCheckpoint checkpoint, HfModels.Build build) {
        return HfModels.network(checkpoint.config(), build);
    }

    /**
     * The KV cache of a decoder config, or null for an encoder (BERT).
     *
     * @param config the config
     * @param tensorParallel the tensor-parallel degree (each rank caches its key-value heads)
     * @return the cache, or null
     */
    public static KvCache kvCache(HfConfig config, int tensorParallel) {
        return switch (config.modelType()) {
            case "bert" -> null;
            case "gpt2" -> {
                long hidden = config.integer("n_embd", 768);
                long heads = config.integer("n_head", 12);
                yield new KvCache(Math.toIntExact(config.integer("n_layer", 12)), heads / tensorParallel,
                        hidden / heads, 0);
            }
            default -> {
                DecoderConfig d = config.decoder().tensorParallelRank(tensorParallel);
                yield new KvCache(d.layers(), d.kvHeads(), d.headDim(), d.slidingWindow());
            }
        };
    }

    /**
     * Parameters (elements) of the largest unit FSDP wraps (one transformer layer: {@code *.layers.N},
     * GPT-2's {@code h.N}, BERT's {@code layer.N}) or of everything outside the layers (embeddings, final
     * norm, untied head), whichever is larger: what a sharded-parameter layout gathers at once.
     *
     * @param net the built network
     * @return the elements
     */
    public static long largestUnitParams(Network net) {
        Map<String, Long> units = new HashMap<>();
        Map<String, InitializerRole> roles = net.initializerRoles();
        for (TensorData t : net.build().graph().initializers()) {
            if (roles.get(t.name()) != InitializerRole.PARAMETER) {
                continue;
            }
            Matcher m = LAYER.matcher(t.name());
            units.merge(m.find() ? m.group(1) : "", t.numel(), Long::sum);
        }
        return units.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
