package dev.modelmeter.hf;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.dsl.Tensor;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.zoo.Bert;
import dev.modelmeter.zoo.CausalLm;
import dev.modelmeter.zoo.DecoderConfig;
import dev.modelmeter.zoo.Gpt2;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the DSL graph of a Hugging Face config (Llama family and Mixtral through {@link CausalLm},
 * GPT-2 through {@link Gpt2}, BERT through {@link Bert}) and checks a checkpoint's header tensors
 * against it.
 */
public final class HfModels {

    /** At most this many mismatching tensors are named, the rest counted. */
    static final int MAX_NAMED = 8;

    private HfModels() {
    }

    /**
     * How to build.
     *
     * @param batch          the batch: a Long, or a symbol name such as "batch"
     * @param seq            the sequence length (the causal mask is built for it)
     * @param training       a training network (dropout kept)
     * @param lora           LoRA adapters (Llama family and Mixtral only), or null
     * @param tensorParallel the tensor-parallel degree: the graph of one rank (1: the whole model)
     */
    public record Build(Object batch, long seq, boolean training, CausalLm.Lora lora, int tensorParallel) {
        /**
         * Checks the sizes.
         *
         * @param batch see the record
         * @param seq see the record
         * @param training see the record
         * @param lora see the record
         * @param tensorParallel see the record
         */
        public Build {
            if (seq < 1 || tensorParallel < 1) {
                throw new ModelMeterException("sequence length and tensor-parallel degree must be positive");
            }
        }
    }

    /**
     * The network of a config.
     *
     * @param config the config
     * @param build  how to build
     * @return the built network
     */
    public static Network network(HfConfig config, Build build) {
        String t = config.modelType();
        if (t.equals("gpt2") || t.equals("bert")) {
            if (build.lora() != null || (t.equals("bert") && build.tensorParallel() > 1)) {
                throw new ModelMeterException(config.file() + ": " + (build.lora() != null ? "LoRA is" : "tensor "
                        + "parallelism is") + " supported for the Llama-family and Mixtral configs"
                        + (build.lora() != null ? "" : " and GPT-2") + ", not " + t);
            }
            return t.equals("gpt2") ? gpt2(config, build) : bert(config, build);
        }
        DecoderConfig d = config.decoder().tensorParallelRank(build.tensorParallel());
        return CausalLm.network(d, build.lora(), build.batch(), build.seq(), build.training());
    }

    private static Network gpt2(HfConfig c, Build b) {
        long positions = c.integer("n_positions", c.integer("max_position_embeddings", 1024));
        if (b.seq() > positions) {
            throw new ModelMeterException(c.file() + ": sequence length " + b.seq() + " exceeds n_positions "
                    + positions);
        }
        long hidden = c.integer("n_embd", c.integer("hidden_size", 768));
        String act = c.string("activation_function", "gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu")) {
            throw new ModelMeterException(c.file() + ": GPT-2 activation '" + act + "' is not supported (gelu_new, gelu)");
        }
        Gpt2 model = new Gpt2(c.required("vocab_size"), positions, hidden,
                Math.toIntExact(c.integer("n_layer", c.integer("num_hidden_layers", 12))),
                c.integer("n_head", c.integer("num_attention_heads", 12)), c.integer("n_inner", 4 * hidden),
                act.equals("gelu"), b.tensorParallel());
        Network net = new Network("gpt2").training(b.training());
        Tensor ids = net.input("input_ids", DType.INT64, Network.shape(b.batch(), b.seq()));
        net.output("logits", net.root(model).apply(ids));
        net.build();
        return net;
    }

    private static Network bert(HfConfig c, Build b) {
        long positions = c.integer("max_position_embeddings", 512);
        if (b.seq() > positions) {
            throw new ModelMeterException(c.file() + ": sequence length " + b.seq() + " exceeds max_position_embeddings "
                    + positions);
        }
        Bert model = new Bert(c.required("vocab_size"), c.required("hidden_size"),
                Math.toIntExact(c.required("num_hidden_layers")), c.required("num_attention_heads"),
                c.required("intermediate_size"), positions);
        Network net = new Network("bert").training(b.training());
        Tensor ids = net.input("input_ids", DType.INT64, Network.shape(b.batch(), b.seq()));
        Tensor mask = net.input("attention_mask", DType.INT64, Network.shape(b.batch(), b.seq()));
        List<Tensor> out = net.root(model).applyAll(List.of(ids, mask));
        net.output("last_hidden_state", out.get(0));
        net.output("pooler_output", out.get(1));
        net.build();
        return net;
    }

    /**
     * Compares a checkpoint's header tensors with the parameters and buffers of the graph built from its
     * config: a tensor of the checkpoint the graph lacks, a parameter the checkpoint lacks, or a shape
     * that differs is a warning naming the tensor. Prefixes the checkpoint may omit or add
     * ({@code transformer.}, {@code model.}, {@code bert.}) are aligned; non-persistent buffers
     * (GPT-2's {@code attn.bias}, rotary {@code inv_freq}) are ignored; quantized tensors
     * ({@code qweight}/{@code qzeros}/{@code scales}/{@code g_idx}, bitsandbytes {@code weight.*} states)
     * are matched by their module's weight, without a shape check.
     *
     * @param checkpoint the checkpoint (no warnings when it has no shards)
     * @param net        the network built from its config (tensor-parallel degree 1)
     * @return the warnings
     */
    public static List<String> checkWeights(HfCheckpoint checkpoint, Network net) {
        if (checkpoint.shards().isEmpty()) {
            return List.of();
        }
        Map<String, List<Long>> graph = new LinkedHashMap<>();
        Map<String, InitializerRole> roles = net.initializerRoles();
        for (TensorData t : net.build().graph().initializers()) {
            InitializerRole r = roles.get(t.name());
            if (r == InitializerRole.PARAMETER || r == InitializerRole.BUFFER) {
                graph.put(t.name(), t.dims());
            }
        }
        Set<String> seen = new HashSet<>();
        List<String> extra = new ArrayList<>();
        List<String> shape = new ArrayList<>();
        Map<String, Boolean> quantized = new HashMap<>();
        for (SafetensorsHeader.Tensor t : checkpoint.tensors()) {
            String n = t.name();
            if (n.endsWith(".attn.bias") || n.endsWith(".attn.masked_bias") || n.endsWith("rotary_emb.inv_freq")
                    || n.endsWith("position_ids")) {
                continue;
            }
            boolean quant = false;
            String base = n;
            for (String q : List.of(".qweight", ".qzeros", ".scales", ".g_idx")) {
                if (n.endsWith(q)) {
                    base = n.substring(0, n.length() - q.length()) + ".weight";
                    quant = true;
                }
            }
            int w = n.indexOf(".weight.");
            if (w >= 0) {
                base = n.substring(0, w) + ".weight";
                quant = true;
            }
            String match = align(base, graph);
            if (match == null) {
                extra.add(n);
                continue;
            }
            seen.add(match);
            quantized.merge(match, quant, Boolean::logicalOr);
            if (!quant && !t.shape().equals(graph.get(match))) {
                shape.add(n + " " + t.shape() + " (the config gives " + graph.get(match) + ")");
            }
        }
        List<String> missing = new ArrayList<>();
        for (var e : graph.entrySet()) {
            String n = e.getKey();
            if (!seen.contains(n) && !n.contains("lora_") && roles.get(n) == InitializerRole.PARAMETER
                    && !(n.equals("lm_head.weight") && tiedInGraph(net))) {
                missing.add(n);
            }
        }
        List<String> out = new ArrayList<>();
        String file = checkpoint.shards().size() == 1 ? checkpoint.shards().get(0).file().getFileName().toString()
                : checkpoint.shards().size() + " safetensors shards";
        add(out, file + ": tensor not in the graph built from config.json", extra);
        add(out, file + ": tensor shape differs from config.json", shape);
        add(out, file + ": parameter of the config's graph missing from the checkpoint", missing);
        return out;
    }

    private static boolean tiedInGraph(Network net) {
        return net.build().graph().initializers().stream().noneMatch(t -> t.name().equals("lm_head.weight"));
    }

    private static void add(List<String> out, String what, List<String> names) {
        for (int i = 0; i < names.size() && i < MAX_NAMED; i++) {
            out.add(what + ": " + names.get(i));
        }
        if (names.size() > MAX_NAMED) {
            out.add(what + ": and " + (names.size() - MAX_NAMED) + " more");
        }
    }

    private static String align(String name, Map<String, List<Long>> graph) {
        if (graph.containsKey(name)) {
            return name;
        }
        for (String prefix : List.of("transformer.", "model.", "bert.")) {
            if (graph.containsKey(prefix + name)) {
                return prefix + name;
            }
            if (name.startsWith(prefix) && graph.containsKey(name.substring(prefix.length()))) {
                return name.substring(prefix.length());
            }
        }
        return null;
    }
}
