package dev.modelmeter.report;

import dev.modelmeter.analysis.llm.LlmMemory;
import dev.modelmeter.analysis.parallel.PerGpuMemory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * Renders the language-model figures ({@link LlmMemory}) that {@code memory} adds for a Hugging Face
 * source: a block of lines after the memory table, an {@code llm} object in JSON (docs/JSON.md).
 */
public final class LlmReport {

    private LlmReport() {
    }

    /**
     * The table block.
     *
     * @param m the figures
     * @return the text
     */
    public static String table(LlmMemory m) {
        StringBuilder out = new StringBuilder("\nLanguage model (docs/LLM.md)\n");
        if (m.activeParams() >= 0) {
            out.append(String.format(Locale.ROOT, "  active params per token   %s%n", Format.count(m.activeParams())));
        }
        out.append(String.format(Locale.ROOT, "  weights (%s)%s %s%n", m.format() == null ? "as planned"
                : m.format().name().toLowerCase(Locale.ROOT).replace('_', '-'), pad(m), Format.bytes(m.weightBytes())));
        if (m.kvBytesPerToken() > 0) {
            out.append(String.format(Locale.ROOT, "  KV cache                  %s (%s tokens x %d sequences, %s per token)%n",
                    Format.bytes(m.kvBytes()), Format.count(m.kvTokens()), m.kvBatch(), Format.bytes(m.kvBytesPerToken())));
        }
        if (m.decodeMacsPerToken() >= 0) {
            out.append(String.format(Locale.ROOT, "  decode MACs per token     %s (at %s cached tokens)%n",
                    Format.shortCount(m.decodeMacsPerToken()), Format.count(m.kvTokens())));
        }
        out.append(String.format(Locale.ROOT, "  prefill activations       %s%n", Format.bytes(m.prefillBytes())));
        out.append(String.format(Locale.ROOT, "  inference total           %s (weights + KV cache + prefill)%n",
                Format.bytes(m.inferenceBytes())));
        if (m.kvTokensThatFit() >= 0) {
            out.append(String.format(Locale.ROOT, "  KV tokens that fit        %s (beside weights and prefill on the device)%n",
                    Format.count(m.kvTokensThatFit())));
        }
        PerGpuMemory g = m.perGpu();
        out.append(String.format(Locale.ROOT, "  training per GPU          %s on %d GPUs (TP %d x DP %d, %s)%n",
                Format.bytes(g.total()), m.layout().gpus(), m.layout().tensorParallel(), m.layout().dataParallel(),
                m.layout().sharding().label()));
        out.append(String.format(Locale.ROOT, "    parameters %s (gathered unit %s), gradients %s, optimizer %s, activations %s%n",
                Format.bytes(g.parameters()), Format.bytes(g.gatheredParameters()), Format.bytes(g.gradients()),
                Format.bytes(g.optimizerState()), Format.bytes(g.activations())));
        out.append(String.format(Locale.ROOT, "  DeepSpeed estimate        ZeRO-2 %s, ZeRO-3 %s per GPU (model states only)%n",
                Format.bytes(m.deepSpeedZero2().gpuBytes()), Format.bytes(m.deepSpeedZero3().gpuBytes())));
        return out.toString();
    }

    private static String pad(LlmMemory m) {
        int used = 10 + (m.format() == null ? "as planned" : m.format().name()).length();
        return " ".repeat(Math.max(1, 26 - used));
    }

    /**
     * The {@code llm} JSON object.
     *
     * @param m the figures
     * @return the node
     */
    public static ObjectNode tree(LlmMemory m) {
        ObjectNode o = Json.object();
        if (m.activeParams() >= 0) {
            o.put("active_params", m.activeParams());
        } else {
            o.putNull("active_params");
        }
        if (m.decodeMacsPerToken() >= 0) {
            o.put("decode_macs_per_token", m.decodeMacsPerToken());
        } else {
            o.putNull("decode_macs_per_token");
        }
        o.put("weight_format", m.format() == null ? null : m.format().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        o.put("weights_bytes", m.weightBytes());
        ObjectNode kv = o.putObject("kv_cache");
        kv.put("bytes_per_token", m.kvBytesPerToken());
        kv.put("tokens", m.kvTokens());
        kv.put("batch", m.kvBatch());
        kv.put("bytes", m.kvBytes());
        if (m.kvTokensThatFit() >= 0) {
            kv.put("tokens_that_fit", m.kvTokensThatFit());
        } else {
            kv.putNull("tokens_that_fit");
        }
        ObjectNode inf = o.putObject("inference");
        inf.put("prefill_activation_bytes", m.prefillBytes());
        inf.put("total_bytes", m.inferenceBytes());
        ObjectNode par = o.putObject("parallel");
        par.put("gpus", m.layout().gpus());
        par.put("tensor_parallel", m.layout().tensorParallel());
        par.put("data_parallel", m.layout().dataParallel());
        par.put("sharding", m.layout().sharding().label());
        par.put("shard_group", m.layout().shardGroup());
        PerGpuMemory g = m.perGpu();
        ObjectNode pg = o.putObject("per_gpu");
        pg.put("parameters_bytes", g.parameters());
        pg.put("gathered_parameters_bytes", g.gatheredParameters());
        pg.put("gradients_bytes", g.gradients());
        pg.put("optimizer_bytes", g.optimizerState());
        pg.put("activations_bytes", g.activations());
        pg.put("total_bytes", g.total());
        ObjectNode ds = o.putObject("deepspeed_estimate");
        ds.put("zero2_gpu_bytes", m.deepSpeedZero2().gpuBytes());
        ds.put("zero3_gpu_bytes", m.deepSpeedZero3().gpuBytes());
        return o;
    }

    /**
     * A fit under a parallel layout.
     *
     * @param gpu        the device's name
     * @param budget     bytes per GPU a step may use
     * @param layout     the layout asked for
     * @param batch      the largest batch that fits (or the batch the GPU count was sought for); 0 when none
     * @param gpus       the GPUs of the answer (the fewest that fit, 0 when none; or the layout's)
     * @param at         the figures at the answer, or null when nothing fits
     */
    public record Fit(String gpu, long budget, dev.modelmeter.analysis.parallel.ParallelLayout layout, int batch,
                      int gpus, LlmMemory at) {
    }

    /**
     * The fit as text.
     *
     * @param f      the fit
     * @param fewest whether the question was the fewest GPUs
     * @return the text
     */
    public static String fitTable(Fit f, boolean fewest) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "GPU %s, budget %s per GPU; %s, tensor parallel %d%n", f.gpu(),
                Format.bytes(f.budget()), f.layout().sharding().label(),
                f.layout().tensorParallel()));
        if (fewest) {
            out.append(f.gpus() == 0 ? String.format(Locale.ROOT, "No GPU count up to %d fits batch %d.%n",
                    dev.modelmeter.analysis.parallel.ParallelFit.MAX_GPUS, f.batch())
                    : String.format(Locale.ROOT, "Fewest GPUs for batch %d: %d%n", f.batch(), f.gpus()));
        } else {
            out.append(f.batch() == 0 ? String.format(Locale.ROOT, "Batch 1 does not fit on %d GPUs.%n", f.gpus())
                    : f.batch() >= dev.modelmeter.analysis.memory.FitSolver.MAX_BATCH
                    ? String.format(Locale.ROOT, "Largest batch per data-parallel rank on %d GPUs: at least %d (the search"
                            + " stops there)%n", f.gpus(), f.batch())
                    : String.format(Locale.ROOT, "Largest batch per data-parallel rank on %d GPUs: %d%n", f.gpus(), f.batch()));
        }
        if (f.at() != null) {
            PerGpuMemory g = f.at().perGpu();
            out.append(String.format(Locale.ROOT, "Per GPU there: %s (parameters %s, gradients %s, optimizer %s, activations %s)%n",
                    Format.bytes(g.total()), Format.bytes(g.parameters()), Format.bytes(g.gradients()),
                    Format.bytes(g.optimizerState()), Format.bytes(g.activations())));
        }
        out.append("(per-GPU memory as docs/LLM.md composes it; allocator rounding not included)\n");
        return out.toString();
    }

    /**
     * The fit as JSON.
     *
     * @param f      the fit
     * @param fewest whether the question was the fewest GPUs
     * @return the node
     */
    public static ObjectNode fitTree(Fit f, boolean fewest) {
        ObjectNode o = Json.object();
        o.put("schema", "modelmeter.llm-fit/1");
        o.put("gpu", f.gpu());
        o.put("budget_bytes", f.budget());
        o.put("question", fewest ? "fewest_gpus" : "max_batch");
        o.put("sharding", f.layout().sharding().label());
        o.put("tensor_parallel", f.layout().tensorParallel());
        if (fewest) {
            o.put("batch", f.batch());
            o.put("fewest_gpus", f.gpus());
        } else {
            o.put("gpus", f.gpus());
            o.put("max_batch", f.batch());
            o.put("max_batch_is_lower_bound", f.batch() >= dev.modelmeter.analysis.memory.FitSolver.MAX_BATCH);
        }
        if (f.at() != null) {
            o.set("llm", tree(f.at()));
        } else {
            o.putNull("llm");
        }
        return o;
    }
}
