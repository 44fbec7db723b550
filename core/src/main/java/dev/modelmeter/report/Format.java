package dev.modelmeter.report;

import java.util.Locale;

/**
 * Number formatting shared by the renderers. Byte sizes use binary units and say so: KiB = 1024,
 * MiB = 1024², GiB = 1024³ bytes. Counts get thousands separators and, for big ones, a short form
 * with decimal prefixes (M = 10⁶, G = 10⁹) as torchinfo prints them.
 */
public final class Format {

    private Format() {
    }

    /**
     * {@code 15,119,690}.
     *
     * @param n the count
     * @return the text
     */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * {@code 313.59 M}, {@code 4.09 G}; small counts stay exact.
     *
     * @param n the count
     * @return the text
     */
    public static String shortCount(long n) {
        double a = Math.abs((double) n);
        if (a >= 1e12) {
            return String.format(Locale.ROOT, "%.2f T", n / 1e12);
        }
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.2f G", n / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.2f K", n / 1e3);
        }
        return count(n);
    }

    /**
     * {@code 57.68 MiB}; exact bytes below 1 KiB.
     *
     * @param b the bytes
     * @return the text
     */
    public static String bytes(long b) {
        double a = Math.abs((double) b);
        if (a >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        }
        if (a >= 1L << 20) {
            return String.format(Locale.ROOT, "%.2f MiB", b / (double) (1L << 20));
        }
        if (a >= 1L << 10) {
            return String.format(Locale.ROOT, "%.2f KiB", b / (double) (1L << 10));
        }
        return b + " B";
    }

    /** What a table shows for a cost that is not known: never a zero, never the {@code -} of a real zero. */
    public static final String UNKNOWN = "?";

    /**
     * A row's cost in a table: {@code -} for a real zero, {@code ?} when unknown, {@code 1,024 + ?} when
     * only part of a folded row is known, {@code ≤1,024} for an upper bound (an If's larger branch).
     *
     * @param value       the known figure (the known part when {@code known} is false)
     * @param known       whether every part is known
     * @param approximate whether the figure is an upper bound
     * @return the text
     */
    public static String cost(long value, boolean known, boolean approximate) {
        if (!known) {
            return value == 0 ? UNKNOWN : count(value) + " + " + UNKNOWN;
        }
        if (value == 0) {
            return "-";
        }
        return (approximate ? "≤" : "") + count(value);
    }
}
