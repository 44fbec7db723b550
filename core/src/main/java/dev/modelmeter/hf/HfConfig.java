package dev.modelmeter.hf;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.zoo.DecoderConfig;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A Hugging Face {@code config.json}: the architecture ({@code model_type}, else {@code architectures[0]})
 * and the sizes its builder needs, with transformers' defaults where a key is absent.
 */
public final class HfConfig {

    /** The {@code model_type} values we build, in the order the error message lists them. */
    public static final List<String> SUPPORTED = List.of("llama", "mistral", "qwen2", "gemma", "phi3", "mixtral",
            "gpt2", "bert");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final JsonNode root;
    private final String modelType;

    private HfConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
        this.modelType = modelType(file, root);
    }

    /**
     * Reads a config.json.
     *
     * @param file the file
     * @return the config
     * @throws ModelMeterException naming the file when it is not JSON or its architecture is not supported
     */
    public static HfConfig read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new ModelMeterException(file + ": not a JSON config (" + e.getOriginalMessage() + ")", e);
        } catch (java.io.IOException e) {
            throw new ModelMeterException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelMeterException(file + ": not a Hugging Face config (expected a JSON object)");
        }
        return new HfConfig(file, root);
    }

    /**
     * Parses config text (tests, resources).
     *
     * @param file the name to report
     * @param json the text
     * @return the config
     */
    public static HfConfig parse(Path file, String json) {
        try {
            return new HfConfig(file, JSON.readTree(json));
        } catch (JacksonException e) {
            throw new ModelMeterException(file + ": not a JSON config (" + e.getOriginalMessage() + ")", e);
        }
    }

    private static String modelType(Path file, JsonNode root) {
        String type = root.path("model_type").asString("");
        if (type.isEmpty() && root.path("architectures").isArray() && !root.path("architectures").isEmpty()) {
            String arch = root.path("architectures").get(0).asString("").toLowerCase(Locale.ROOT);
            for (String s : SUPPORTED) {
                if (arch.startsWith(s)) {
                    type = s;
                }
            }
            type = type.isEmpty() ? arch : type;
        }
        if (!SUPPORTED.contains(type)) {
            throw new ModelMeterException(file + ": architecture '" + (type.isEmpty() ? "(none)" : type)
                    + "' is not supported; supported model_type values: " + String.join(", ", SUPPORTED));
        }
        return type;
    }

    /**
     * The file read.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * The architecture: one of {@link #SUPPORTED}.
     *
     * @return the model type
     */
    public String modelType() {
        return modelType;
    }

    /**
     * {@code torch_dtype} (the dtype the checkpoint is stored in), or null.
     *
     * @return the dtype name or null
     */
    public String torchDtype() {
        JsonNode n = root.get("torch_dtype");
        if (n == null) {
            n = root.get("dtype");
        }
        return n == null || n.isNull() ? null : n.asString();
    }

    /**
     * An integer key, required.
     *
     * @param key the key
     * @return its value
     */
    public long required(String key) {
        JsonNode n = root.get(key);
        if (n == null || !n.canConvertToLong()) {
            throw new ModelMeterException(file + ": '" + key + "' is missing or not an integer");
        }
        long v = n.asLong();
        if (v < 1) {
            throw new ModelMeterException(file + ": '" + key + "' must be positive, got " + v);
        }
        return v;
    }

    /**
     * An integer key, or a default when absent or null.
     *
     * @param key the key
     * @param otherwise the default
     * @return its value
     */
    public long integer(String key, long otherwise) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? otherwise : required(key);
    }

    /**
     * A boolean key, or a default.
     *
     * @param key the key
     * @param otherwise the default
     * @return its value
     */
    public boolean bool(String key, boolean otherwise) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? otherwise : n.asBoolean();
    }

    /**
     * A number key, or a default.
     *
     * @param key the key
     * @param otherwise the default
     * @return its value
     */
    public double number(String key, double otherwise) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? otherwise : n.asDouble();
    }

    /**
     * A string key, or a default.
     *
     * @param key the key
     * @param otherwise the default
     * @return its value
     */
    public String string(String key, String otherwise) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? otherwise : n.asString();
    }

    /**
     * Whether the config has a {@code quantization_config} (GPTQ, AWQ, bitsandbytes).
     *
     * @return its {@code quant_method}, or null
     */
    public String quantMethod() {
        JsonNode q = root.get("quantization_config");
        return q == null || q.isNull() ? null : q.path("quant_method").asString("unknown");
    }

    /**
     * The decoder description of a Llama-family or Mixtral config, with the defaults of transformers'
     * config classes ({@code LlamaConfig}, {@code MistralConfig}, {@code Qwen2Config}, {@code GemmaConfig},
     * {@code Phi3Config}, {@code MixtralConfig}) for absent keys.
     *
     * @return the decoder config
     * @throws ModelMeterException for GPT-2 and BERT, which are not Llama-family
     */
    public DecoderConfig decoder() {
        String t = modelType;
        if (t.equals("gpt2") || t.equals("bert")) {
            throw new ModelMeterException(file + ": " + t + " is not a Llama-family decoder");
        }
        long hidden = required("hidden_size");
        long heads = required("num_attention_heads");
        long kv = integer("num_key_value_heads", heads);
        long headDim = integer("head_dim", hidden / heads);
        boolean tiedDefault = t.equals("gemma"); // Gemma's config defaults to tied; the others to untied
        String act = string("hidden_activation", string("hidden_act", "silu"));
        String activation = act.startsWith("gelu") ? "gelu_tanh" : "silu";
        if (!act.equals("silu") && !act.startsWith("gelu")) {
            throw new ModelMeterException(file + ": activation '" + act + "' is not supported (silu or gelu)");
        }
        boolean attentionBias = bool("attention_bias", false);
        boolean qkvBias = t.equals("qwen2") || attentionBias;
        long window = 0;
        if (t.equals("mistral") || t.equals("mixtral") || t.equals("phi3")) {
            window = integer("sliding_window", 0);
        } else if (t.equals("qwen2") && bool("use_sliding_window", false)) {
            window = integer("sliding_window", 0);
        }
        return new DecoderConfig(t, required("vocab_size"), hidden, required("intermediate_size"),
                Math.toIntExact(required("num_hidden_layers")), heads, kv, headDim,
                bool("tie_word_embeddings", tiedDefault), qkvBias, attentionBias, bool("mlp_bias", false),
                t.equals("phi3"), t.equals("phi3"), activation, t.equals("gemma"),
                number("rms_norm_eps", 1e-6), number("rope_theta", 10000.0),
                t.equals("mixtral") ? Math.toIntExact(integer("num_local_experts", 8)) : 0,
                t.equals("mixtral") ? Math.toIntExact(integer("num_experts_per_tok", 2)) : 0, window,
                integer("max_position_embeddings", 2048));
    }
}
