package dev.modelmeter.cli;

import dev.modelmeter.analysis.llm.WeightFormat;
import dev.modelmeter.analysis.parallel.ParallelLayout;
import dev.modelmeter.analysis.parallel.Sharding;
import dev.modelmeter.zoo.CausalLm;
import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Options for Hugging Face language models (docs/LLM.md): LoRA adapters, the weight format, the
 * parallel layout, the KV cache. They apply to a Hugging Face MODEL only.
 */
final class LlmOptions {

    @Option(names = "--lora", paramLabel = "SPEC",
            description = "LoRA adapters, e.g. r=16,target=q_proj|v_proj (alpha=N accepted; it changes no figure); freezes every other parameter")
    String lora;

    @Option(names = "--quant", paramLabel = "FORMAT",
            description = "weights of linear layers stored as fp32, fp16, bf16, int8, nf4 (QLoRA, double quantization), nf4-no-dq or int4 (GPTQ/AWQ)")
    String quant;

    @Option(names = "--gpus", paramLabel = "N", description = "GPUs in all (default: 1)")
    Integer gpus;

    @Option(names = "--gpus-per-node", paramLabel = "N", description = "GPUs per node, for hybrid sharding and DeepSpeed's estimate (default: 8)")
    Integer gpusPerNode;

    @Option(names = "--zero", paramLabel = "STAGE",
            description = "what data-parallel ranks shard: 0 (DDP), 1, 2, 3, or FSDP's full-shard, shard-grad-op, hybrid (default: 0)")
    String zero;

    @Option(names = "--tp", paramLabel = "T", description = "tensor-parallel degree (Megatron split of attention, MLP and vocabulary; default: 1)")
    Integer tp;

    @Option(names = "--kv-cache", paramLabel = "TOKENS", description = "context tokens per sequence in the KV cache (default: the sequence length)")
    Long kvCache;

    @Option(names = "--adam-8bit", description = "8-bit Adam (bitsandbytes): optimizer state of 2 bytes per trainable parameter")
    boolean adam8bit;

    /** Whether any option of this group was given. */
    boolean any() {
        return lora != null || quant != null || gpus != null || gpusPerNode != null || zero != null || tp != null
                || kvCache != null || adam8bit;
    }

    int tensorParallel() {
        if (tp != null && tp < 1) {
            throw new UsageException("--tp must be at least 1, got " + tp);
        }
        return tp == null ? 1 : tp;
    }

    WeightFormat format() {
        if (quant == null) {
            return null;
        }
        WeightFormat f = WeightFormat.parse(quant);
        if (f == null) {
            throw new UsageException("--quant '" + quant + "' is not one of fp32, fp16, bf16, int8, nf4, nf4-no-dq, int4");
        }
        return f;
    }

    ParallelLayout layout() {
        int n = gpus == null ? 1 : gpus;
        int perNode = gpusPerNode == null ? 8 : gpusPerNode;
        if (n < 1 || perNode < 1) {
            throw new UsageException("--gpus and --gpus-per-node must be at least 1");
        }
        Sharding s = zero == null ? Sharding.NONE : Sharding.parse(zero);
        if (s == null) {
            throw new UsageException("--zero '" + zero + "' is not one of 0, 1, 2, 3, ddp, full-shard, shard-grad-op, hybrid");
        }
        try {
            return new ParallelLayout(n, tensorParallel(), s, Math.min(perNode, n));
        } catch (dev.modelmeter.ModelMeterException e) {
            throw new UsageException(e.getMessage());
        }
    }

    CausalLm.Lora loraSpec() {
        if (lora == null) {
            return null;
        }
        Integer rank = null;
        double alpha = 0;
        Set<String> targets = new LinkedHashSet<>();
        for (String part : lora.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : part.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "r", "rank" -> rank = Integer.parseInt(value);
                    case "alpha" -> alpha = Double.parseDouble(value);
                    case "target", "targets", "target_modules" -> {
                        for (String t : value.split("\\|")) {
                            if (!t.isBlank()) {
                                targets.add(t.trim());
                            }
                        }
                    }
                    default -> throw new UsageException("--lora " + lora + ": unknown part '" + part
                            + "' (expected r=N,target=NAME|NAME[,alpha=N])");
                }
            } catch (NumberFormatException e) {
                throw new UsageException("--lora " + lora + ": '" + value + "' is not a number");
            }
        }
        if (rank == null || rank < 1 || targets.isEmpty()) {
            throw new UsageException("--lora " + lora + ": needs r=N (at least 1) and target=NAME|NAME");
        }
        return new CausalLm.Lora(rank, alpha == 0 ? rank : alpha, targets);
    }
}
