package dev.modelmeter.cli;

import dev.modelmeter.HfSource;
import dev.modelmeter.analysis.llm.KvCache;
import dev.modelmeter.analysis.llm.LlmMemory;
import dev.modelmeter.analysis.llm.StoredWeights;
import dev.modelmeter.analysis.llm.WeightFormat;
import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.hf.HfModels;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Gathers what {@link LlmMemory} composes for a Hugging Face source: the options, the graphs, the device. */
final class LlmFigures {

    private LlmFigures() {
    }

    static LlmMemory of(HfInput hf, ShapedGraph shaped, MemoryPlan plan, TrainingSetup setup, LlmOptions llm,
                        Device device) {
        return of(hf, plan, setup, llm, device, llm.layout());
    }

    static LlmMemory of(HfInput hf, MemoryPlan plan, TrainingSetup setup, LlmOptions llm, Device device,
                        dev.modelmeter.analysis.parallel.ParallelLayout layout) {
        Network rank = hf.network();
        int tp = llm.tensorParallel();
        Network whole = tp == 1 ? rank : HfSource.network(hf.checkpoint(),
                new HfModels.Build("batch", hf.seq(), true, llm.loraSpec(), 1));
        WeightFormat format = llm.format();
        StoredWeights.Split stored = format == null ? null
                : StoredWeights.of(rank.build().graph(), rank.initializerRoles(), format);
        KvCache kv = HfSource.kvCache(hf.checkpoint().config(), tp);
        long elementBytes = setup.precision() == TrainingSetup.Precision.FP32 ? 4 : 2;
        Pattern frozen = setup.freeze() == null ? null : Pattern.compile(setup.freeze());
        long rankParams = 0;
        long trainable = 0;
        Map<String, InitializerRole> roles = rank.initializerRoles();
        for (TensorData t : rank.build().graph().initializers()) {
            if (roles.get(t.name()) == InitializerRole.PARAMETER) {
                rankParams += t.numel();
                if (frozen == null || !frozen.matcher(t.name()).matches()) {
                    trainable += t.numel();
                }
            }
        }
        long weightBytes = stored != null ? stored.totalBytes() : rankParams * elementBytes;
        long unitBytes = rankParams == 0 ? 0
                : (long) ((double) HfSource.largestUnitParams(rank) * weightBytes / rankParams);
        long total = 0;
        Map<String, Long> byModule = new HashMap<>();
        Map<String, InitializerRole> wholeRoles = whole.initializerRoles();
        for (TensorData t : whole.build().graph().initializers()) {
            if (wholeRoles.get(t.name()) == InitializerRole.PARAMETER) {
                total += t.numel();
                int dot = t.name().lastIndexOf('.');
                byModule.merge(dot < 0 ? "" : t.name().substring(0, dot), t.numel(), Long::sum);
            }
        }
        long largestModule = byModule.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long active = -1;
        String type = hf.checkpoint().config().modelType();
        if (!type.equals("gpt2") && !type.equals("bert") && hf.checkpoint().config().decoder().isMoe()) {
            active = total - hf.checkpoint().config().decoder().inactiveExpertParams();
        }
        long free = device == null ? -1 : device.budgetBytes();
        long kvTokens = llm.kvCache == null ? hf.seq() : llm.kvCache;
        long decode = -1;
        if (kv != null) {
            var c = hf.checkpoint().config();
            long heads = type.equals("gpt2") ? c.integer("n_head", 12) / tp : c.decoder().tensorParallelRank(tp).heads();
            long inactive = active < 0 ? 0 : (total - active) / tp;
            decode = dev.modelmeter.analysis.llm.DecodeMacs.perToken(rank.build().graph(), roles, inactive, kv.layers(),
                    heads, kv.headDim(), kv.cachedTokens(kvTokens));
        }
        LlmMemory.Setup s = new LlmMemory.Setup(format, kvTokens, setup.batch(),
                elementBytes, layout, llm.adam8bit, trainable, unitBytes, total, largestModule, free, active, decode);
        return LlmMemory.of(plan, stored, kv, s);
    }
}
