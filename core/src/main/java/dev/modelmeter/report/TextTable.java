package dev.modelmeter.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain monospace table: a header, a rule, rows, columns padded to their widest cell; text columns
 * left-aligned and number columns right-aligned. Small on purpose: golden tests need exact output.
 */
final class TextTable {

    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(List<String> headers, boolean... rightAligned) {
        this.headers = List.copyOf(headers);
        this.rightAligned = rightAligned.length == headers.size() ? rightAligned.clone() : new boolean[headers.size()];
    }

    public void add(List<String> row) {
        rows.add(List.copyOf(row));
    }

    public void add(String... cells) {
        add(List.of(cells));
    }

    public String render() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (List<String> r : rows) {
                widths[c] = Math.max(widths[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, widths);
        int total = 0;
        for (int w : widths) {
            total += w;
        }
        total += 2 * (widths.length - 1);
        sb.append("-".repeat(total)).append('\n');
        for (List<String> r : rows) {
            line(sb, r, widths);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            l.append(rightAligned[c] ? pad + cell : cell + pad);
            if (c < widths.length - 1) {
                l.append("  ");
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
