package dev.modelmeter.report;

import java.util.List;

/** A one-line chart of a series: each character is the maximum of its bucket, ▁ lowest, █ highest. */
final class Sparkline {

    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Sparkline() {
    }

    public static String of(List<Long> values, int width) {
        if (values.isEmpty()) {
            return "";
        }
        int buckets = Math.min(width, values.size());
        long[] max = new long[buckets];
        for (int i = 0; i < values.size(); i++) {
            int b = (int) ((long) i * buckets / values.size());
            max[b] = Math.max(max[b], values.get(i));
        }
        long top = 0;
        for (long m : max) {
            top = Math.max(top, m);
        }
        StringBuilder sb = new StringBuilder();
        for (long m : max) {
            // in floating point: bytes × 8 overflows a long for live bytes past 2^60 (a fuzzing finding)
            int level = top <= 0 ? 0 : (int) Math.max(0, Math.min(BARS.length - 1, (double) m * BARS.length / ((double) top + 1)));
            sb.append(BARS[level]);
        }
        return sb.toString();
    }
}
