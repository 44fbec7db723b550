package dev.modelmeter.cli;

import dev.modelmeter.HfSource;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.hf.HfCheckpoint;
import dev.modelmeter.hf.HfModels;

import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face MODEL argument made into a graph: the sequence length from {@code --input input_ids=BxS}
 * (default: the smaller of 2048 and the config's maximum positions), the batch left symbolic for
 * {@code --batch} to bind, LoRA and the tensor-parallel rank from {@link LlmOptions}, and the checkpoint's
 * header tensors checked against the graph (warnings).
 *
 * @param checkpoint the config and headers
 * @param network    the built network (of one tensor-parallel rank when --tp is given)
 * @param seq        the sequence length
 * @param warnings   header/graph mismatches
 */
record HfInput(HfCheckpoint checkpoint, Network network, long seq, List<String> warnings) {

    /** Default sequence length when no --input gives one. */
    static final long DEFAULT_SEQ = HfSource.DEFAULT_SEQ;

    Model model() {
        return network.build();
    }

    static HfInput load(String source, AnalysisOptions options, LlmOptions llm, boolean training) {
        HfCheckpoint ckpt = HfSource.open(source);
        long seq = sequence(options, ckpt);
        int tp = llm.tensorParallel();
        HfModels.Build build = new HfModels.Build("batch", seq, training, llm.loraSpec(), tp);
        Network net = HfSource.network(ckpt, build);
        List<String> warnings = new ArrayList<>();
        if (!ckpt.shards().isEmpty()) {
            Network whole = tp == 1 ? net : HfSource.network(ckpt, new HfModels.Build("batch", seq, training,
                    llm.loraSpec(), 1));
            warnings.addAll(HfModels.checkWeights(ckpt, whole));
        }
        if (ckpt.config().quantMethod() != null && llm.quant == null) {
            warnings.add(ckpt.config().file() + ": quantization_config " + ckpt.config().quantMethod()
                    + ": the graph's weights are planned unquantized; give --quant for the stored format");
        }
        return new HfInput(ckpt, net, seq, warnings);
    }

    private static long sequence(AnalysisOptions options, HfCheckpoint ckpt) {
        for (var e : options.inputShapes().entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().equals("input_ids")) {
                Shape s = e.getValue();
                if (s.rank() != 2 || !s.dim(1).isKnown()) {
                    throw new UsageException("--input " + (e.getKey().isEmpty() ? "" : e.getKey() + "=") + s
                            + ": a language model takes input_ids=BATCHxSEQUENCE");
                }
                return s.dim(1).value();
            }
        }
        var c = ckpt.config();
        long max = c.integer("max_position_embeddings", c.integer("n_positions", DEFAULT_SEQ));
        return Math.min(DEFAULT_SEQ, max);
    }
}
