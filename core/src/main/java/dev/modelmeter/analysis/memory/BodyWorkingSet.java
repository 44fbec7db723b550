package dev.modelmeter.analysis.memory;

import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.ops.OpDef;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.shapes.BodyRuns;
import dev.modelmeter.shapes.ShapeInference;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * The temporaries a control-flow node's body holds while one run of it executes (one branch, one loop
 * iteration): its nodes in order, each output allocated when made and freed after its last use inside
 * the body, views and values known at analysis time free. The body's outputs are not counted: they are
 * the node's outputs, which the plan counts. The inference forward adds the largest run's figure at the
 * node; the figure is an estimate (the plan stays approximate), so that a network that sits inside a
 * branch is not reported with only its inputs and outputs.
 */
final class BodyWorkingSet {

    private BodyWorkingSet() {
    }

    /**
     * The largest working set of any run (runs execute one after another; an unknown branch: the larger).
     *
     * @param runs     the node's body runs
     * @param registry the operators (view flags)
     * @param block    the allocator's rounding
     * @return bytes
     */
    static long peak(BodyRuns runs, OpRegistry registry, LongUnaryOperator block) {
        long max = 0;
        for (BodyRuns.Run r : runs.runs()) {
            if (r.body() != null) {
                max = Math.max(max, peakOf(r.body(), registry, block));
            }
        }
        return max;
    }

    private static long peakOf(ShapedGraph body, OpRegistry registry, LongUnaryOperator block) {
        List<Node> order = body.order();
        Set<String> bodyOutputs = new HashSet<>();
        for (ValueInfo o : body.graph().outputs()) {
            bodyOutputs.add(o.name());
        }
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            Node n = order.get(i);
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    lastUse.put(in, i);
                }
            }
            for (String in : ShapeInference.outerReferences(n)) {
                lastUse.put(in, i);
            }
        }
        Map<String, Long> held = new HashMap<>();
        long live = 0;
        long peak = 0;
        for (int i = 0; i < order.size(); i++) {
            Node n = order.get(i);
            OpDef def = registry.find(n);
            boolean view = def != null && def.view();
            for (String out : n.outputs()) {
                if (out.isEmpty() || bodyOutputs.contains(out) || body.values().containsKey(out) || view) {
                    continue;
                }
                TensorType t = body.tensor(out);
                long bytes = t == null ? 0 : t.bytes().orElse(0);
                bytes = bytes == 0 ? 0 : block.applyAsLong(bytes);
                held.put(out, bytes);
                live += bytes;
            }
            BodyRuns nested = body.bodies(n);
            long inner = nested == null ? 0 : peak(nested, registry, block);
            peak = Math.max(peak, live + inner);
            List<String> free = new ArrayList<>();
            for (var e : held.entrySet()) {
                if (lastUse.getOrDefault(e.getKey(), -1) <= i) {
                    free.add(e.getKey());
                }
            }
            for (String v : free) {
                live -= held.remove(v);
            }
        }
        return peak;
    }
}
