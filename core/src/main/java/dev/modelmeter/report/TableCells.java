package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;

/** Cell texts the row tables share. */
final class TableCells {

    private TableCells() {
    }

    /**
     * What a row is: its module's class when the export names it ({@code Bottleneck}, {@code Conv1D}),
     * else its operator when it is one node, else its main operator (the one with the most MACs, else
     * parameters, else the first) and how many more nodes it folds: {@code Conv +9}.
     */
    static String kind(Layer l) {
        if (l.moduleClass() != null) {
            return l.moduleClass();
        }
        return l.nodeCount() <= 1 ? l.op() : l.op() + " +" + (l.nodeCount() - 1);
    }
}
