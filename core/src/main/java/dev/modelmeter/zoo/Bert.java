package dev.modelmeter.zoo;

import dev.modelmeter.dsl.Attention;
import dev.modelmeter.dsl.Dropout;
import dev.modelmeter.dsl.Embedding;
import dev.modelmeter.dsl.GELU;
import dev.modelmeter.dsl.LayerNorm;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ModuleList;
import dev.modelmeter.dsl.Tanh;
import dev.modelmeter.dsl.Tensor;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorValue;

import java.util.List;

/**
 * Hugging Face {@code BertModel} with the module names of {@code transformers}: {@code embeddings}
 * (word, position and token-type embeddings, LayerNorm, dropout), {@code encoder.layer.N} (self-attention
 * with query/key/value projections, output dense + dropout + LayerNorm on the residual, intermediate
 * dense + GELU, output dense + dropout + LayerNorm on the residual) and {@code pooler} (dense + tanh on
 * the first token). Inputs: {@code input_ids} and {@code attention_mask} [B, S] int64; outputs:
 * {@code last_hidden_state} [B, S, H] and {@code pooler_output} [B, H].
 *
 * <p>Attention runs as PyTorch's SDPA does: functionally, so {@code attention.self.dropout} is registered
 * but never called as a module, and in a training network the probabilities get dropout 0.1. The
 * attention mask becomes HF's additive mask {@code (1 − mask) · min_float} broadcast over heads and
 * query positions. Position ids and the all-zero token-type ids are constants [1, S] (torch keeps them
 * as non-persistent buffers of 512 and slices them).
 */
public final class Bert extends Module {

    private final Embeddings embeddings;
    private final Encoder encoder;
    private final Pooler pooler;

    /**
     * A BERT encoder.
     *
     * @param vocab        vocabulary size
     * @param hidden       hidden size
     * @param layers       number of encoder layers
     * @param heads        attention heads
     * @param intermediate feed-forward size
     * @param maxPositions position-embedding table size
     */
    public Bert(long vocab, long hidden, int layers, long heads, long intermediate, long maxPositions) {
        embeddings = register("embeddings", new Embeddings(vocab, hidden, maxPositions));
        encoder = register("encoder", new Encoder(hidden, layers, heads, intermediate));
        pooler = register("pooler", new Pooler(hidden));
    }

    /**
     * bert-base-uncased sizes: vocabulary 30522, hidden 768, 12 layers, 12 heads, 3072, 512 positions.
     *
     * @return the model
     */
    public static Bert base() {
        return new Bert(30522, 768, 12, 12, 3072, 512);
    }

    /** The HF class name. */
    @Override
    public String typeName() {
        return "BertModel";
    }

    /** [input_ids, attention_mask] → [last_hidden_state, pooler_output]. */
    @Override
    protected List<Tensor> forwardAll(List<Tensor> inputs) {
        Tensor ids = inputs.get(0);
        Tensor mask = inputs.get(1);
        // (1 - mask) * min over [B, 1, 1, S]: 0 where attended, a huge negative score where padded
        Tensor additive = mask.unsqueeze(1, 2).cast(DType.FLOAT).rsub(1.0).mul(Attention.MASKED);
        Tensor h = encoder.applyAll(List.of(embeddings.apply(ids), additive)).get(0);
        return List.of(h, pooler.apply(h));
    }

    private static final class Embeddings extends NamedModule {
        private final Embedding word;
        private final Embedding position;
        private final Embedding tokenType;
        private final LayerNorm norm;
        private final Dropout dropout;

        Embeddings(long vocab, long hidden, long maxPositions) {
            super("BertEmbeddings");
            word = register("word_embeddings", new Embedding(vocab, hidden));
            position = register("position_embeddings", new Embedding(maxPositions, hidden));
            tokenType = register("token_type_embeddings", new Embedding(2, hidden));
            norm = register("LayerNorm", new LayerNorm(hidden, 1e-12));
            dropout = register("dropout", new Dropout(0.1));
        }

        @Override
        protected Tensor forward(Tensor ids) {
            long seq = ids.size(1);
            long[] positions = new long[(int) seq];
            for (int i = 0; i < seq; i++) {
                positions[i] = i;
            }
            Tensor tokenTypes = ids.network().constant("token_type_ids",
                    TensorValue.ofLongs(DType.INT64, new long[] {1, seq}, new long[(int) seq]));
            Tensor positionIds = ids.network().constant("position_ids",
                    TensorValue.ofLongs(DType.INT64, new long[] {1, seq}, positions));
            Tensor e = word.apply(ids).add(tokenType.apply(tokenTypes));
            e = e.add(position.apply(positionIds));
            return dropout.apply(norm.apply(e));
        }
    }

    private static final class Encoder extends NamedModule {
        private final ModuleList layer = register("layer", new ModuleList());

        Encoder(long hidden, int layers, long heads, long intermediate) {
            super("BertEncoder");
            for (int i = 0; i < layers; i++) {
                layer.add(new Layer(hidden, heads, intermediate));
            }
        }

        @Override
        protected List<Tensor> forwardAll(List<Tensor> inputs) {
            Tensor h = inputs.get(0);
            for (Module m : layer.modules()) {
                h = m.applyAll(List.of(h, inputs.get(1))).get(0);
            }
            return List.of(h);
        }
    }

    private static final class Layer extends NamedModule {
        private final AttentionBlock attention;
        private final Intermediate intermediate;
        private final Output output;

        Layer(long hidden, long heads, long inter) {
            super("BertLayer");
            attention = register("attention", new AttentionBlock(hidden, heads));
            intermediate = register("intermediate", new Intermediate(hidden, inter));
            output = register("output", new Output(inter, hidden, "BertOutput"));
        }

        @Override
        protected List<Tensor> forwardAll(List<Tensor> inputs) {
            Tensor a = attention.applyAll(inputs).get(0);
            return List.of(output.applyAll(List.of(intermediate.apply(a), a)).get(0));
        }
    }

    private static final class AttentionBlock extends NamedModule {
        private final SelfAttention self;
        private final Output output;

        AttentionBlock(long hidden, long heads) {
            super("BertAttention");
            self = register("self", new SelfAttention(hidden, heads));
            output = register("output", new Output(hidden, hidden, "BertSelfOutput"));
        }

        @Override
        protected List<Tensor> forwardAll(List<Tensor> inputs) {
            Tensor context = self.applyAll(inputs).get(0);
            return List.of(output.applyAll(List.of(context, inputs.get(0))).get(0));
        }
    }

    private static final class SelfAttention extends NamedModule {
        private final long heads;
        private final Linear query;
        private final Linear key;
        private final Linear value;

        SelfAttention(long hidden, long heads) {
            super("BertSdpaSelfAttention");
            this.heads = heads;
            query = register("query", new Linear(hidden, hidden));
            key = register("key", new Linear(hidden, hidden));
            value = register("value", new Linear(hidden, hidden));
            register("dropout", new Dropout(0.1)); // as HF; SDPA applies its rate functionally
        }

        @Override
        protected List<Tensor> forwardAll(List<Tensor> inputs) {
            Tensor h = inputs.get(0);
            Tensor q = Attention.splitHeads(query.apply(h), heads);
            Tensor k = Attention.splitHeads(key.apply(h), heads);
            Tensor v = Attention.splitHeads(value.apply(h), heads);
            return List.of(Attention.mergeHeads(Attention.scaledDotProduct(q, k, v, inputs.get(1), null, 0.1)));
        }
    }

    /** dense → dropout → LayerNorm(· + residual): BertSelfOutput and BertOutput. */
    private static final class Output extends NamedModule {
        private final Linear dense;
        private final LayerNorm norm;
        private final Dropout dropout;

        Output(long in, long hidden, String type) {
            super(type);
            dense = register("dense", new Linear(in, hidden));
            norm = register("LayerNorm", new LayerNorm(hidden, 1e-12));
            dropout = register("dropout", new Dropout(0.1));
        }

        @Override
        protected List<Tensor> forwardAll(List<Tensor> inputs) {
            return List.of(norm.apply(dropout.apply(dense.apply(inputs.get(0))).add(inputs.get(1))));
        }
    }

    private static final class Intermediate extends NamedModule {
        private final Linear dense;
        private final GELU act;

        Intermediate(long hidden, long inter) {
            super("BertIntermediate");
            dense = register("dense", new Linear(hidden, inter));
            act = register("intermediate_act_fn", new GELU() {
                @Override
                public String typeName() {
                    return "GELUActivation";
                }
            });
        }

        @Override
        protected Tensor forward(Tensor x) {
            return act.apply(dense.apply(x));
        }
    }

    private static final class Pooler extends NamedModule {
        private final Linear dense;
        private final Tanh activation;

        Pooler(long hidden) {
            super("BertPooler");
            dense = register("dense", new Linear(hidden, hidden));
            activation = register("activation", new Tanh());
        }

        @Override
        protected Tensor forward(Tensor h) {
            return activation.apply(dense.apply(h.select(1, 0)));
        }
    }
}
