package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.graph.TensorType;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The summary as a terminal table: one row per module (or node), then the totals. Like torchinfo it can
 * show the rows as a nested tree of modules ({@link Options#tree()}), choose its columns
 * ({@code col_names}) and keep every line within a width, cutting text cells with {@code …}.
 */
public final class SummaryTable {

    private SummaryTable() {
    }

    /** A column the table can show after the row's name. */
    public enum Column {
        /** The module's class, or the operator(s) of the row. */
        KIND("Type", false),
        /** Shapes of the activations entering the row. */
        INPUT_SHAPE("Input shape", false),
        /** Shapes of the values leaving the row. */
        OUTPUT_SHAPE("Output shape", false),
        /** Parameters. */
        PARAMS("Params", true),
        /** Buffer elements. */
        BUFFERS("Buffers", true),
        /** Multiply-accumulates. */
        MACS("MACs", true),
        /** 2 × MACs. */
        FLOPS("FLOPs", true),
        /** Bytes of the row's outputs. */
        OUTPUT_BYTES("Output bytes", true),
        /** Graph nodes folded into the row. */
        NODES("Nodes", true);

        private final String header;
        private final boolean number;

        Column(String header, boolean number) {
            this.header = header;
            this.number = number;
        }

        /**
         * The column a name chooses: ours ({@code output_shape}) or torchinfo's {@code col_names}
         * ({@code input_size}, {@code output_size}, {@code num_params}, {@code mult_adds}).
         *
         * @param name the name
         * @return the column
         * @throws IllegalArgumentException naming the known columns
         */
        public static Column parse(String name) {
            String n = name.strip().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            return switch (n) {
                case "type", "kind", "op", "class" -> KIND;
                case "input_shape", "input_size" -> INPUT_SHAPE;
                case "output_shape", "output_size" -> OUTPUT_SHAPE;
                case "params", "num_params" -> PARAMS;
                case "buffers" -> BUFFERS;
                case "macs", "mult_adds" -> MACS;
                case "flops" -> FLOPS;
                case "output_bytes" -> OUTPUT_BYTES;
                case "nodes" -> NODES;
                default -> throw new IllegalArgumentException("unknown column '" + name + "' (known: type, input_shape,"
                        + " output_shape, params, buffers, macs, flops, output_bytes, nodes; torchinfo's input_size,"
                        + " output_size, num_params, mult_adds)");
            };
        }
    }

    /**
     * How to lay the table out.
     *
     * @param columns the columns after the row's name
     * @param width   the longest line allowed, 0 for no limit
     * @param tree    rows nested under their modules (torchinfo's tree) instead of one flat list
     * @param depth   with {@code tree}: the deepest level shown (modules deeper are summed into their parent)
     */
    public record Options(List<Column> columns, int width, boolean tree, int depth) {
        /** The default columns: type, output shape, params, MACs. */
        public static final List<Column> DEFAULT_COLUMNS = List.of(Column.KIND, Column.OUTPUT_SHAPE, Column.PARAMS,
                Column.MACS);
        /** Flat rows, the default columns, no width limit. */
        public static final Options DEFAULT = new Options(DEFAULT_COLUMNS, 0, false, Integer.MAX_VALUE);

        /**
         * Copies the list.
         *
         * @param columns the columns after the row's name
         * @param width   the longest line allowed, 0 for no limit
         * @param tree    rows nested under their modules
         * @param depth   with {@code tree}: the deepest level shown
         */
        public Options {
            columns = List.copyOf(columns);
        }
    }

    /**
     * The summary as a terminal table with the default layout.
     *
     * @param s the summary
     * @return the text
     */
    public static String render(ModelSummary s) {
        return render(s, Options.DEFAULT);
    }

    /**
     * The summary as a terminal table laid out as asked.
     *
     * @param s the summary
     * @param o the layout
     * @return the text
     */
    public static String render(ModelSummary s, Options o) {
        List<String> headers = new java.util.ArrayList<>();
        headers.add("Layer");
        boolean[] right = new boolean[o.columns().size() + 1];
        for (int i = 0; i < o.columns().size(); i++) {
            headers.add(o.columns().get(i).header);
            right[i + 1] = o.columns().get(i).number;
        }
        TextTable t = new TextTable(headers, right).maxWidth(o.width());
        if (o.tree()) {
            for (ModuleTree.Row r : ModuleTree.of(s.layers(), dev.modelmeter.analysis.ModuleClasses.of(s.nodes()))) {
                if (r.depth() <= o.depth()) {
                    t.add(row("  ".repeat(r.depth() - 1) + r.label(), r.kind(), r.layer(), o.columns()));
                }
            }
        } else {
            for (Layer l : s.layers()) {
                t.add(row(l.name(), TableCells.kind(l), l, o.columns()));
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(s.model().source()).append('\n');
        sb.append(t.render());
        if (o.width() > 0) { // the totals' notes are cut too: no line past the width
            totals(s).lines().forEach(l -> sb.append(l.length() <= o.width() ? l : l.substring(0, o.width() - 1) + "…")
                    .append('\n'));
        } else {
            sb.append(totals(s));
        }
        return sb.toString();
    }

    private static List<String> row(String name, String kind, Layer l, List<Column> columns) {
        List<String> cells = new java.util.ArrayList<>();
        cells.add(name);
        for (Column c : columns) {
            cells.add(switch (c) {
                case KIND -> kind;
                case INPUT_SHAPE -> shapes(l.inputShapes());
                case OUTPUT_SHAPE -> shapes(l.outputShapes());
                case PARAMS -> l.params() == 0 ? "-" : Format.count(l.params());
                case BUFFERS -> l.buffers() == 0 ? "-" : Format.count(l.buffers());
                case MACS -> Format.cost(l.macs(), l.costKnown(), l.approximate());
                case FLOPS -> Format.cost(l.flops(), l.costKnown(), l.approximate());
                case OUTPUT_BYTES -> Format.bytes(l.outputBytes());
                case NODES -> Integer.toString(l.nodeCount());
            });
        }
        return cells;
    }

    static String shapes(List<TensorType> shapes) {
        return shapes.stream().map(x -> x.shape() == null ? "?" : x.shape().toListString())
                .collect(Collectors.joining(", "));
    }

    /** The block under the rows; also used by the Markdown renderer. */
    static String totals(ModelSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append('\n');
        line(sb, "Total params", Format.count(s.params().total()));
        line(sb, "Trainable params", Format.count(s.params().trainable()));
        line(sb, "Non-trainable params", Format.count(s.params().nonTrainable()));
        line(sb, "Buffers", Format.count(s.buffers()) + " elements (" + Format.bytes(s.bufferBytes()) + ")");
        long unknownCosts = s.nodes().stream().filter(n -> !n.costKnown()).count();
        String unknownPart = unknownCosts == 0 ? "" : " + ? (" + unknownCosts + " node(s) of unknown cost: partial)";
        String bound = unknownCosts == 0 && s.approximate() ? " (upper bound: an If's branch is not known: approximate)" : "";
        line(sb, "MACs", (bound.isEmpty() ? "" : "≤") + Format.count(s.macs()) + " (" + Format.shortCount(s.macs()) + ")"
                + unknownPart + bound);
        line(sb, "FLOPs", (bound.isEmpty() ? "" : "≤") + Format.count(s.flops()) + unknownPart
                + " (2 per MAC; matmul-like ops only)");
        line(sb, "Other FLOPs (estimate)", Format.count(s.otherFlops()) + unknownPart
                + " (elementwise, norms, pooling, softmax)");
        String weights = s.weightBytesByDtype().entrySet().stream()
                .map(e -> e.getKey().displayName() + " " + Format.bytes(e.getValue()))
                .collect(Collectors.joining(", "));
        line(sb, "Weight memory", weights.isEmpty() ? "0 B" : weights);
        line(sb, "Input size", Format.bytes(s.inputBytes()));
        line(sb, "Sum of layer outputs", Format.bytes(s.layerOutputBytes()));
        line(sb, "Inference peak", s.inferencePeakBytes() < 0 ? "unknown (shapes unknown)"
                : Format.bytes(s.inferencePeakBytes()) + " (eval, no grad: inputs + live activations; "
                + (s.inferencePeakApproximate() ? "approximate: If/Loop/Scan bodies estimated as one unit; " : "") + "docs/MEMORY.md)");
        sb.append("(KiB/MiB/GiB are 1024-based; MACs count conv/matmul work as PyTorch's FlopCounterMode ÷ 2)\n");
        if (s.partial()) {
            sb.append("PARTIAL: some operators are unknown or some shapes or costs could not be inferred (shown ?);"
                    + " totals miss them.\n");
        }
        if (s.approximate()) {
            sb.append("APPROXIMATE: some If branches are not known from shapes; the larger was counted (shown ≤).\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format("%-24s %s%n", label + ":", value));
    }
}
