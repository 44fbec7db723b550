package dev.modelmeter.zoo;

import dev.modelmeter.dsl.Attention;
import dev.modelmeter.dsl.Embedding;
import dev.modelmeter.dsl.GELU;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.LoraLinear;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ModuleList;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.dsl.RMSNorm;
import dev.modelmeter.dsl.Rotary;
import dev.modelmeter.dsl.SiLU;
import dev.modelmeter.dsl.Tensor;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face Llama-family causal language model ({@code LlamaForCausalLM}, {@code MistralForCausalLM},
 * {@code Qwen2ForCausalLM}, {@code GemmaForCausalLM}, {@code Phi3ForCausalLM}, {@code MixtralForCausalLM})
 * with transformers' module names: {@code model.embed_tokens}, {@code model.layers.N} (RMSNorm,
 * rotary grouped-query self-attention, RMSNorm, gated MLP or a mixture of experts), {@code model.norm},
 * {@code lm_head} (the embedding's tensor when tied). The forward is the eager implementation's ops:
 * rotary tables computed once, {@code repeat_kv} for grouped-query attention, a causal mask built once
 * (so the sequence length must be known), softmax attention written out (the planner recognises it as
 * one SDPA call with {@code --attention fused}).
 *
 * <p>A mixture of experts is planned with balanced routing: each of the E experts of a layer processes
 * {@code ⌈S·k/E⌉} tokens of each sequence (k experts per token), so MACs and activations are those of
 * the active experts while every expert's parameters are counted; routing imbalance is not modelled.
 */
public final class CausalLm extends Module {

    /**
     * LoRA adapters to add.
     *
     * @param rank    the rank r
     * @param alpha   the alpha (no effect on any figure)
     * @param targets names of the linear layers to adapt, matched against the last component of the module
     *                path as PEFT matches a list of {@code target_modules}
     */
    public record Lora(int rank, double alpha, Set<String> targets) {
        /**
         * Copies the targets.
         *
         * @param rank see the record
         * @param alpha see the record
         * @param targets see the record
         */
        public Lora {
            targets = Set.copyOf(targets);
        }
    }

    private final DecoderConfig config;
    private final Decoder model;
    private final Linear lmHead;

    /**
     * The model, or one tensor-parallel rank of it when {@code config} came from
     * {@link DecoderConfig#tensorParallelRank}.
     *
     * @param config the sizes
     * @param lora   adapters to add, or null
     */
    public CausalLm(DecoderConfig config, Lora lora) {
        this.config = config;
        model = register("model", new Decoder(config, lora));
        lmHead = register("lm_head", linear(config.hidden(), config.vocab(), false, "lm_head", lora));
        if (config.tiedEmbeddings()) {
            lmHead.tieWeight(model.embedTokens.weight());
        }
    }

    /** transformers' class name for the family. */
    @Override
    public String typeName() {
        return switch (config.family()) {
            case "mistral" -> "MistralForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            case "gemma" -> "GemmaForCausalLM";
            case "phi3" -> "Phi3ForCausalLM";
            case "mixtral" -> "MixtralForCausalLM";
            default -> "LlamaForCausalLM";
        };
    }

    /** input_ids [B, S] → logits [B, S, vocab]. */
    @Override
    protected Tensor forward(Tensor ids) {
        return lmHead.apply(model.apply(ids));
    }

    /**
     * Builds a network of the model on {@code input_ids} [batch, seq] (batch may be a symbol name).
     *
     * @param config   the sizes
     * @param lora     adapters, or null
     * @param batch    the batch: a Long or a symbol name
     * @param seq      the sequence length
     * @param training a training network (dropout kept)
     * @return the network, built
     */
    public static Network network(DecoderConfig config, Lora lora, Object batch, long seq, boolean training) {
        Network net = new Network(config.family()).training(training);
        Tensor ids = net.input("input_ids", DType.INT64, Network.shape(batch, seq));
        CausalLm root = net.root(new CausalLm(config, lora));
        net.output("logits", root.apply(ids));
        net.build();
        return net;
    }

    static Linear linear(long in, long out, boolean bias, String name, Lora lora) {
        if (lora != null && lora.targets().contains(name)) {
            return new LoraLinear(in, out, bias, lora.rank(), lora.alpha());
        }
        return new Linear(in, out, bias);
    }

    private final class Decoder extends NamedModule {
        private final Embedding embedTokens;
        private final ModuleList layers;
        private final RMSNorm norm;

        Decoder(DecoderConfig c, Lora lora) {
            super(familyPrefix(c) + "Model");
            embedTokens = register("embed_tokens", new Embedding(c.vocab(), c.hidden()));
            layers = register("layers", new ModuleList());
            for (int i = 0; i < c.layers(); i++) {
                layers.add(new Layer(c, lora));
            }
            norm = register("norm", new RMSNorm(c.hidden(), c.normEps(), c.gemma()));
        }

        @Override
        protected Tensor forward(Tensor ids) {
            Network net = ids.network();
            long seq = ids.size(1);
            Tensor x = embedTokens.apply(ids);
            if (config.gemma()) {
                x = x.mul(Math.sqrt(config.hidden())); // GemmaModel: hidden_states * normalizer
            }
            List<Tensor> cosSin = Rotary.cosSin(net, seq, config.headDim(), config.ropeTheta());
            Tensor causal = Attention.causalMask(net, seq);
            for (Module layer : layers.modules()) {
                x = layer.applyAll(List.of(x, causal, cosSin.get(0), cosSin.get(1))).get(0);
            }
            return norm.apply(x);
        }
    }

    private static String familyPrefix(DecoderConfig c) {
        return switch (c.family()) {
            case "mistral" -> "Mistral";
            case "qwen2" -> "Qwen2";
            case "gemma" -> "Gemma";
            case "phi3" -> "Phi3";
            case "mixtral" -> "Mixtral";
            default -> "Llama";
        };
    }

    private static final class Layer extends NamedModule {
        private final RMSNorm inputLayernorm;
        private final SelfAttention selfAttn;
        private final RMSNorm postAttentionLayernorm;
        private final Module mlp;

        Layer(DecoderConfig c, Lora lora) {
            super(familyPrefix(c) + "DecoderLayer");
            inputLayernorm = register("input_layernorm", new RMSNorm(c.hidden(), c.normEps(), c.gemma()));
            selfAttn = register("self_attn", new SelfAttention(c, lora));
            postAttentionLayernorm = register("post_attention_layernorm",
                    new RMSNorm(c.hidden(), c.normEps(), c.gemma()));
            mlp = c.isMoe() ? register("block_sparse_moe", new SparseMoe(c, lora))
                    : register("mlp", new GatedMlp(c, lora));
        }

        /** [hidden, causal mask, cos, sin] → hidden. */
        @Override
        protected List<Tensor> forwardAll(List<Tensor> in) {
            Tensor x = in.get(0);
            Tensor h = selfAttn.applyAll(List.of(inputLayernorm.apply(x), in.get(1), in.get(2), in.get(3)))
                    .get(0).add(x);
            return List.of(h.add(mlp.apply(postAttentionLayernorm.apply(h))));
        }
    }

    private static final class SelfAttention extends NamedModule {
        private final DecoderConfig c;
        private final Linear qkvProj;
        private final Linear qProj;
        private final Linear kProj;
        private final Linear vProj;
        private final Linear oProj;

        SelfAttention(DecoderConfig c, Lora lora) {
            super(familyPrefix(c) + "Attention");
            this.c = c;
            long q = c.heads() * c.headDim();
            long kv = c.kvHeads() * c.headDim();
            if (c.fusedQkv()) {
                qkvProj = register("qkv_proj", linear(c.hidden(), q + 2 * kv, c.qkvBias(), "qkv_proj", lora));
                qProj = null;
                kProj = null;
                vProj = null;
            } else {
                qkvProj = null;
                qProj = register("q_proj", linear(c.hidden(), q, c.qkvBias(), "q_proj", lora));
                kProj = register("k_proj", linear(c.hidden(), kv, c.qkvBias(), "k_proj", lora));
                vProj = register("v_proj", linear(c.hidden(), kv, c.qkvBias(), "v_proj", lora));
            }
            oProj = register("o_proj", linear(q, c.hidden(), c.outBias(), "o_proj", lora));
        }

        /** [hidden, causal mask, cos, sin] → hidden. */
        @Override
        protected List<Tensor> forwardAll(List<Tensor> in) {
            Tensor x = in.get(0);
            long q = c.heads() * c.headDim();
            long kv = c.kvHeads() * c.headDim();
            Tensor qs;
            Tensor ks;
            Tensor vs;
            if (qkvProj != null) {
                List<Tensor> parts = qkvProj.apply(x).split(-1, q, kv, kv);
                qs = parts.get(0);
                ks = parts.get(1);
                vs = parts.get(2);
            } else {
                qs = qProj.apply(x);
                ks = kProj.apply(x);
                vs = vProj.apply(x);
            }
            Tensor cos = in.get(2);
            Tensor sin = in.get(3);
            Tensor qh = Rotary.apply(Attention.splitHeads(qs, c.heads()), cos, sin);
            Tensor kh = Rotary.apply(Attention.splitHeads(ks, c.kvHeads()), cos, sin);
            Tensor vh = Attention.splitHeads(vs, c.kvHeads());
            long rep = c.heads() / c.kvHeads();
            Tensor context = Attention.scaledDotProduct(qh, Attention.repeatKv(kh, rep), Attention.repeatKv(vh, rep),
                    in.get(1), null, 0.0);
            return List.of(oProj.apply(Attention.mergeHeads(context)));
        }
    }

    /** {@code down(act(gate(x)) · up(x))}. */
    private static final class GatedMlp extends NamedModule {
        private final Linear gateUpProj;
        private final Linear gateProj;
        private final Linear upProj;
        private final Linear downProj;
        private final Module act;
        private final long inter;

        GatedMlp(DecoderConfig c, Lora lora) {
            super(familyPrefix(c) + "MLP");
            inter = c.intermediate();
            if (c.fusedGateUp()) {
                gateUpProj = register("gate_up_proj", linear(c.hidden(), 2 * inter, c.mlpBias(), "gate_up_proj", lora));
                gateProj = null;
                upProj = null;
            } else {
                gateUpProj = null;
                gateProj = register("gate_proj", linear(c.hidden(), inter, c.mlpBias(), "gate_proj", lora));
                upProj = register("up_proj", linear(c.hidden(), inter, c.mlpBias(), "up_proj", lora));
            }
            downProj = register("down_proj", linear(inter, c.hidden(), c.mlpBias(), "down_proj", lora));
            act = register("act_fn", activation(c));
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor gate;
            Tensor up;
            if (gateUpProj != null) {
                List<Tensor> parts = gateUpProj.apply(x).split(-1, inter, inter);
                gate = parts.get(0);
                up = parts.get(1);
            } else {
                gate = gateProj.apply(x);
                up = upProj.apply(x);
            }
            return downProj.apply(act.apply(gate).mul(up));
        }
    }

    static Module activation(DecoderConfig c) {
        return c.activation().equals("silu") ? new SiLU() : new GELU("tanh");
    }

    /** Mixtral's expert: {@code w2(act(w1(x)) · w3(x))}. */
    private static final class Expert extends NamedModule {
        private final Linear w1;
        private final Linear w2;
        private final Linear w3;
        private final Module act;

        Expert(DecoderConfig c, Lora lora) {
            super("MixtralBlockSparseTop2MLP");
            w1 = register("w1", linear(c.hidden(), c.intermediate(), false, "w1", lora));
            w2 = register("w2", linear(c.intermediate(), c.hidden(), false, "w2", lora));
            w3 = register("w3", linear(c.hidden(), c.intermediate(), false, "w3", lora));
            act = register("act_fn", activation(c));
        }

        @Override
        protected Tensor forward(Tensor x) {
            return w2.apply(act.apply(w1.apply(x)).mul(w3.apply(x)));
        }
    }

    /**
     * Mixtral's sparse MoE block: router {@code gate} [hidden → E], softmax, top-k, weights renormalised;
     * each expert runs on its share of the tokens (balanced: ⌈S·k/E⌉ per sequence, gathered from the
     * input), the outputs are weighted and summed per token.
     */
    private static final class SparseMoe extends NamedModule {
        private final DecoderConfig c;
        private final Linear gate;
        private final ModuleList experts;

        SparseMoe(DecoderConfig c, Lora lora) {
            super("MixtralSparseMoeBlock");
            this.c = c;
            gate = register("gate", new Linear(c.hidden(), c.experts(), false));
            experts = register("experts", new ModuleList());
            for (int i = 0; i < c.experts(); i++) {
                experts.add(new Expert(c, lora));
            }
        }

        @Override
        protected Tensor forward(Tensor x) {
            Network net = x.network();
            long seq = x.size(1);
            int k = c.expertsPerToken();
            Tensor probs = gate.apply(x).softmax(-1);
            Tensor kConst = net.constant("k", TensorValue.vector(k));
            TensorType topType = new TensorType(probs.dtype(), probs.shape().withDim(2, Dim.of(k)));
            List<Tensor> top = net.emit("TopK", List.of(probs, kConst), List.of(Attribute.ofInt("axis", -1)),
                    List.of(topType, new TensorType(DType.INT64, topType.shape())), Map.of());
            Tensor axes = net.constant("axes", TensorValue.vector(2));
            Tensor sum = net.emit("ReduceSum", List.of(top.get(0), axes), List.of(Attribute.ofInt("keepdims", 1)),
                    List.of(new TensorType(probs.dtype(), topType.shape().withDim(2, Dim.of(1)))), Map.of()).get(0);
            Tensor weights = top.get(0).div(sum);
            long perExpert = (seq * k + c.experts() - 1) / c.experts();
            List<Tensor> outs = new ArrayList<>();
            for (Module expert : experts.modules()) {
                Tensor idx = net.constant("token_index", DType.INT64, perExpert);
                Tensor tokens = net.emit("Gather", List.of(x, idx), List.of(Attribute.ofInt("axis", 1)),
                        List.of(new TensorType(x.dtype(), x.shape().withDim(1, Dim.of(perExpert)))), Map.of()).get(0);
                outs.add(expert.apply(tokens));
            }
            Tensor all = Tensor.cat(1, outs.toArray(new Tensor[0]));
            long routed = perExpert * c.experts();
            if (routed != seq * k) {
                // balanced routing rounds up; keep the S·k routed rows the combine multiplies
                Tensor keep = net.constant("routed_index", DType.INT64, seq * k);
                all = net.emit("Gather", List.of(all, keep), List.of(Attribute.ofInt("axis", 1)),
                        List.of(new TensorType(x.dtype(), all.shape().withDim(1, Dim.of(seq * k)))), Map.of()).get(0);
            }
            Tensor perToken = all.reshapeKeeping(0, seq, k, c.hidden());
            Tensor weighted = perToken.mul(weights.unsqueeze(-1));
            return net.emit("ReduceSum", List.of(weighted, axes), List.of(Attribute.ofInt("keepdims", 0)),
                    List.of(x.type()), Map.of()).get(0);
        }
    }
}
