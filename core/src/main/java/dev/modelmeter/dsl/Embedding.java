package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.nn.Embedding(num, dim)}: weight {@code [num, dim]} (parameters {@code num × dim}), looked
 * up with ONNX Gather on axis 0: integer indices of shape S give {@code S + [dim]}.
 */
public class Embedding extends Module {

    private final long dim;

    /**
     * Embedding(num_embeddings, embedding_dim).
     *
     * @param num the number of embeddings (vocabulary)
     * @param dim the embedding size
     */
    public Embedding(long num, long dim) {
        this.dim = dim;
        parameter("weight", num, dim);
    }

    /**
     * The weight, to tie it to another module (an LM head).
     *
     * @return the weight
     */
    public Parameter weight() {
        return parameters().get("weight");
    }

    /** Indices S → S + [dim]. */
    @Override
    protected Tensor forward(Tensor ids) {
        if (!ids.dtype().isInteger()) {
            throw new ModelMeterException("Embedding expects integer indices, got " + ids.type());
        }
        List<Dim> out = new ArrayList<>(ids.shape().dims());
        out.add(Dim.of(dim));
        Tensor w = tensor(ids, "weight");
        return ids.network().emit1("Gather", List.of(w, ids), List.of(Attribute.ofInt("axis", 0)),
                new TensorType(w.dtype(), new Shape(out)));
    }
}
