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
                m.layout().sharding().name().toLowerCase(Locale.ROOT)));
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
        par.put("sharding", m.layout().sharding().name().toLowerCase(Locale.ROOT));
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
}
