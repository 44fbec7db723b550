package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.memory.TrainingSetup.Precision;
import dev.modelmeter.graph.Model;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.ops.AutogradContext.Backend;
import dev.modelmeter.shapes.ShapedGraph;
import dev.modelmeter.testing.Truth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.TreeMap;
import java.util.TreeSet;

/** Diagnostic only (run with -Dmm.debug=fixture[:batch[:bf16]]): per-module saved bytes, ours vs truth. */
class MemoryDebugTest {
    @Test
    void dump() {
        String spec = System.getProperty("mm.debug");
        if (spec == null) {
            return;
        }
        String[] p = spec.split(":");
        Truth t = Truth.of(p[0]);
        int batch = p.length > 1 ? Integer.parseInt(p[1]) : 1;
        boolean bf16 = p.length > 2;
        Model model = OnnxReader.read(t.file("train.onnx"));
        ShapedGraph shaped = Analyzer.standard().shape(model, t.options(batch), new ArrayList<>());
        TrainingSetup s = TrainingSetup.defaults(batch).withBackend(Backend.CPU);
        if (bf16) {
            s = s.withPrecision(Precision.BF16_MIXED);
        }
        MemoryPlan plan = MemoryPlanner.standard().plan(shaped, s);
        JsonNode bm = t.at("saved_for_backward." + (bf16 ? "bf16_autocast_batch8" : "fp32_batch" + batch) + ".by_module_bytes");
        TreeSet<String> keys = new TreeSet<>(plan.savedByModule().keySet());
        bm.propertyNames().forEach(keys::add);
        for (String k : keys) {
            long ours = plan.savedByModule().getOrDefault(k, 0L);
            long truth = bm.has(k) ? bm.get(k).asLong() : 0;
            System.out.printf("DBG %-60s truth %,14d ours %,14d %s%n", k, truth, ours, ours == truth ? "" : "  <--");
        }
        System.out.println("DBG total " + plan.savedBytes() + " warnings " + plan.warnings());
        System.out.println("DBG inference " + plan.inference());
        System.out.println("DBG steps " + plan.firstStep() + "\n" + plan.steadyStep());
    }
}
