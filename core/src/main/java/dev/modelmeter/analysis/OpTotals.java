package dev.modelmeter.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Totals by operator type (what fvcore's {@code by_operator} and onnx-tool's op table print): how many
 * nodes of each type the graph runs, and the parameters, MACs and output bytes they account for. Sums
 * of node figures, so the columns add up to the summary's totals. A type with a node whose cost is not
 * known says so ({@link OpTotal#costKnown()}), so its MACs are a lower bound, never a confident figure.
 */
public final class OpTotals {

    private OpTotals() {
    }

    /**
     * One operator type's totals.
     *
     * @param op          the ONNX operator type ({@code Conv}, {@code MatMul})
     * @param count       how many nodes of this type the graph runs (nodes folded to constants at analysis time excluded, as in the rows)
     * @param params      parameters its nodes consume
     * @param macs        multiply-accumulates of its nodes
     * @param otherFlops  estimated non-MAC FLOPs of its nodes
     * @param outputBytes bytes of its nodes' outputs
     * @param costKnown   false when at least one node of this type has an unknown cost
     */
    public record OpTotal(String op, int count, long params, long macs, long otherFlops, long outputBytes,
                          boolean costKnown) {
    }

    /**
     * Totals of the summary's nodes by operator type, the largest MACs first (then params, then name).
     *
     * @param s the summary
     * @return one entry per operator type
     */
    public static List<OpTotal> of(ModelSummary s) {
        Map<String, OpTotal> byOp = new LinkedHashMap<>();
        for (NodeCost n : s.nodes()) {
            if (n.constantFolded() && n.params() == 0 && n.buffers() == 0) { // computed at analysis time, as the rows skip it
                continue;
            }
            String op = n.node().opType();
            OpTotal t = byOp.getOrDefault(op, new OpTotal(op, 0, 0, 0, 0, 0, true));
            byOp.put(op, new OpTotal(op, t.count() + 1, t.params() + n.params(), t.macs() + n.macs(),
                    t.otherFlops() + n.otherFlops(), t.outputBytes() + n.outputBytes(), t.costKnown() && n.costKnown()));
        }
        List<OpTotal> list = new ArrayList<>(byOp.values());
        list.sort(Comparator.comparingLong(OpTotal::macs).reversed().thenComparing(Comparator.comparingLong(OpTotal::params)
                .reversed()).thenComparing(OpTotal::op));
        return List.copyOf(list);
    }
}
