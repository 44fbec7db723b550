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
    private int maxWidth;

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

    /**
     * Lines at most {@code width} characters: the widest text (left-aligned) columns are cut, their cells
     * ending in {@code …}; number columns are never cut (a line stays wider only when the numbers alone
     * do not fit). 0 means no limit.
     */
    public TextTable maxWidth(int width) {
        this.maxWidth = width;
        return this;
    }

    private static final int MIN_TEXT = 8;

    public String render() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (List<String> r : rows) {
                widths[c] = Math.max(widths[c], r.get(c).length());
            }
        }
        if (maxWidth > 0) {
            shrink(widths);
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

    /**
     * Narrows the widest text column, one character at a time, until the line fits: first down to the
     * column's header, then, if that is not enough, down to a few characters.
     */
    private void shrink(int[] widths) {
        for (boolean keepHeaders : new boolean[] {true, false}) {
            while (total(widths) > maxWidth) {
                int widest = -1;
                for (int c = 0; c < widths.length; c++) {
                    int floor = keepHeaders ? Math.max(MIN_TEXT, headers.get(c).length()) : MIN_TEXT;
                    if (!rightAligned[c] && widths[c] > floor && (widest < 0 || widths[c] > widths[widest])) {
                        widest = c;
                    }
                }
                if (widest < 0) {
                    break;
                }
                widths[widest]--;
            }
        }
    }

    private static int total(int[] widths) {
        int total = 2 * (widths.length - 1);
        for (int w : widths) {
            total += w;
        }
        return total;
    }

    private static String cut(String cell, int width) {
        return cell.length() <= width ? cell : cell.substring(0, width - 1) + "…";
    }

    private void line(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            String cell = cut(cells.get(c), widths[c]);
            String pad = " ".repeat(widths[c] - cell.length());
            l.append(rightAligned[c] ? pad + cell : cell + pad);
            if (c < widths.length - 1) {
                l.append("  ");
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
