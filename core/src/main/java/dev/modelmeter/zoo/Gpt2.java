package dev.modelmeter.zoo;

import dev.modelmeter.dsl.Attention;
import dev.modelmeter.dsl.Dropout;
import dev.modelmeter.dsl.Embedding;
import dev.modelmeter.dsl.LayerNorm;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ModuleList;
import dev.modelmeter.dsl.Tensor;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;

import java.util.List;

/**
 * Hugging Face {@code GPT2LMHeadModel} with the module names of {@code transformers}:
 * {@code transformer} (token and position embeddings {@code wte}, {@code wpe}, dropout, blocks
 * {@code h.N} with pre-LayerNorm causal self-attention and MLP built from HF's {@code Conv1D}, final
 * {@code ln_f}) and {@code lm_head}, whose weight is the token embedding (tied: one tensor). Input
 * {@code input_ids} [B, S] int64 with a known S (the causal mask is built once from a constant
 * [1, 1, S, S]); output
 * {@code logits} [B, S, vocab].
 *
 * <p>HF's {@code Conv1D} (weight {@code [in, out]}, {@code addmm} on the flattened input) is written as
 * MatMul + Add on the 3-D input: the same arithmetic without the reshapes.
 */
public final class Gpt2 extends Module {

    private final Transformer transformer;
    private final Linear lmHead;

    /**
     * A GPT-2 language model.
     *
     * @param vocab     vocabulary size
     * @param positions position-embedding table size
     * @param hidden    embedding size
     * @param layers    number of blocks
     * @param heads     attention heads
     */
    public Gpt2(long vocab, long positions, long hidden, int layers, long heads) {
        this(vocab, positions, hidden, layers, heads, 4 * hidden, false, 1);
    }

    /**
     * A GPT-2 language model with the MLP width and activation of its config ({@code n_inner},
     * {@code activation_function}).
     *
     * @param vocab     vocabulary size
     * @param positions position-embedding table size
     * @param hidden    embedding size
     * @param layers    number of blocks
     * @param heads     attention heads
     * @param inner     MLP width ({@code n_inner}; HF's default is 4 × hidden)
     * @param exactGelu {@code activation_function = "gelu"} (nn.GELU, one op) instead of {@code gelu_new}
     *                  (the tanh form written out element-wise, as HF's NewGELUActivation runs it)
     * @param tp        tensor-parallel degree: the model of one Megatron rank (heads, attention width, MLP
     *                  width and vocabulary divided by tp; layer norms, position embeddings and the
     *                  row-parallel biases replicated); 1 for the whole model
     */
    public Gpt2(long vocab, long positions, long hidden, int layers, long heads, long inner, boolean exactGelu,
                int tp) {
        if (tp < 1 || heads % tp != 0 || inner % tp != 0 || vocab % tp != 0) {
            throw new dev.modelmeter.ModelMeterException("tensor parallel degree " + tp + " does not divide the heads ("
                    + heads + "), MLP width (" + inner + ") and vocabulary (" + vocab + ")");
        }
        transformer = register("transformer", new Transformer(vocab / tp, positions, hidden, layers, heads / tp,
                inner / tp, exactGelu, hidden / heads * (heads / tp)));
        lmHead = register("lm_head", new Linear(hidden, vocab / tp, false).tieWeight(transformer.wte.weight()));
    }

    /**
     * GPT-2 small (124M): vocabulary 50257, 1024 positions, 768 wide, 12 layers, 12 heads.
     *
     * @return the model
     */
    public static Gpt2 small() {
        return new Gpt2(50257, 1024, 768, 12, 12);
    }

    /** The HF class name. */
    @Override
    public String typeName() {
        return "GPT2LMHeadModel";
    }

    /** input_ids → logits. */
    @Override
    protected Tensor forward(Tensor ids) {
        return lmHead.apply(transformer.apply(ids));
    }

    private static final class Transformer extends NamedModule {
        private final Embedding wte;
        private final Embedding wpe;
        private final Dropout drop;
        private final ModuleList h;
        private final LayerNorm lnF;

        Transformer(long vocab, long positions, long hidden, int layers, long heads, long inner, boolean exactGelu,
                    long width) {
            super("GPT2Model");
            wte = register("wte", new Embedding(vocab, hidden));
            wpe = register("wpe", new Embedding(positions, hidden));
            drop = register("drop", new Dropout(0.1));
            h = register("h", new ModuleList());
            for (int i = 0; i < layers; i++) {
                h.add(new Block(hidden, heads, inner, exactGelu, width));
            }
            lnF = register("ln_f", new LayerNorm(hidden));
        }

        @Override
        protected Tensor forward(Tensor ids) {
            long seq = ids.size(1);
            long[] positions = new long[(int) seq];
            for (int i = 0; i < seq; i++) {
                positions[i] = i;
            }
            Tensor positionIds = ids.network().constant("position_ids",
                    TensorValue.ofLongs(DType.INT64, new long[] {1, seq}, positions));
            Tensor causal = Attention.causalMask(ids.network(), seq);
            Tensor x = drop.apply(wte.apply(ids).add(wpe.apply(positionIds)));
            for (Module block : h.modules()) {
                x = block.apply(x, causal);
            }
            return lnF.apply(x);
        }
    }

    private static final class Block extends NamedModule {
        private final LayerNorm ln1;
        private final SelfAttention attn;
        private final LayerNorm ln2;
        private final Mlp mlp;

        Block(long hidden, long heads, long inner, boolean exactGelu, long width) {
            super("GPT2Block");
            ln1 = register("ln_1", new LayerNorm(hidden));
            attn = register("attn", new SelfAttention(hidden, heads, width));
            ln2 = register("ln_2", new LayerNorm(hidden));
            mlp = register("mlp", new Mlp(hidden, inner, exactGelu));
        }

        /** [hidden, causal mask] → hidden. */
        @Override
        protected List<Tensor> forwardAll(List<Tensor> inputs) {
            Tensor x = inputs.get(0);
            Tensor h = attn.apply(ln1.apply(x), inputs.get(1)).add(x);
            return List.of(h.add(mlp.apply(ln2.apply(h))));
        }
    }

    private static final class SelfAttention extends NamedModule {
        private final long width;
        private final long heads;
        private final Conv1D cAttn;
        private final Conv1D cProj;
        private final Dropout residDropout;

        SelfAttention(long hidden, long heads, long width) {
            super("GPT2Attention");
            this.width = width;
            this.heads = heads;
            cAttn = register("c_attn", new Conv1D(3 * width, hidden));
            cProj = register("c_proj", new Conv1D(hidden, width));
            register("attn_dropout", new Dropout(0.1)); // registered like HF; SDPA applies its rate functionally
            residDropout = register("resid_dropout", new Dropout(0.1));
        }

        /** [hidden, causal mask] → hidden. */
        @Override
        protected List<Tensor> forwardAll(List<Tensor> inputs) {
            Tensor x = inputs.get(0);
            List<Tensor> qkv = cAttn.apply(x).split(2, width, width, width);
            Tensor q = Attention.splitHeads(qkv.get(0), heads);
            Tensor k = Attention.splitHeads(qkv.get(1), heads);
            Tensor v = Attention.splitHeads(qkv.get(2), heads);
            Tensor context = Attention.mergeHeads(Attention.scaledDotProduct(q, k, v, inputs.get(1), null, 0.1));
            return List.of(residDropout.apply(cProj.apply(context)));
        }
    }

    private static final class Mlp extends NamedModule {
        private final Conv1D cFc;
        private final Conv1D cProj;
        private final Module act;
        private final Dropout dropout;

        Mlp(long hidden, long inner, boolean exactGelu) {
            super("GPT2MLP");
            cFc = register("c_fc", new Conv1D(inner, hidden));
            cProj = register("c_proj", new Conv1D(hidden, inner));
            act = register("act", exactGelu ? new dev.modelmeter.dsl.GELU() : new NewGelu());
            dropout = register("dropout", new Dropout(0.1));
        }

        @Override
        protected Tensor forward(Tensor x) {
            return dropout.apply(cProj.apply(act.apply(cFc.apply(x))));
        }
    }

    /** HF {@code Conv1D(nf, nx)}: a Linear whose weight is stored {@code [nx, nf]} (in, out). */
    private static final class Conv1D extends NamedModule {
        private final long nf;

        Conv1D(long nf, long nx) {
            super("Conv1D");
            this.nf = nf;
            parameter("weight", nx, nf);
            parameter("bias", nf);
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor w = tensor(x, "weight");
            Tensor b = tensor(x, "bias");
            if (x.rank() == 2) {
                return x.network().emit("Gemm", List.of(x, w, b), List.<Attribute>of(),
                        List.of(new TensorType(x.dtype(), x.shape().withDim(1, Dim.of(nf)))), java.util.Map.of())
                        .get(0);
            }
            return x.matmul(w).add(b);
        }
    }

    /** HF {@code NewGELUActivation}: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, element-wise ops. */
    private static final class NewGelu extends NamedModule {
        NewGelu() {
            super("NewGELUActivation");
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor inner = x.add(x.pow(3.0).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
            return x.mul(0.5).mul(inner.tanh().add(1.0));
        }
    }
}
