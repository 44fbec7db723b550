package dev.modelmeter.graph;

import java.util.stream.LongStream;

/**
 * Checked arithmetic for every count the tool prints: element counts, byte sizes, MACs and FLOPs,
 * memory sums. A hostile file can claim sizes whose product or sum a {@code long} cannot hold; Java's
 * plain arithmetic would wrap to a wrong figure shown as if right. Here an overflow throws
 * {@link CountOverflowException}, the one-line "exceed what can be counted" error.
 */
public final class Counts {

    private Counts() {
    }

    /**
     * {@code a * b}, both counts (not negative).
     *
     * @param a a count
     * @param b a count
     * @return the product
     * @throws CountOverflowException when the product exceeds {@link Long#MAX_VALUE}
     */
    public static long mul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        throw new CountOverflowException("the product " + a + " × " + b + " exceeds what can be counted");
    }

    /**
     * The product of several counts (a MAC or FLOP count from several dims).
     *
     * @param factors the counts, each not negative
     * @return their product
     * @throws CountOverflowException naming the factors when the product exceeds {@link Long#MAX_VALUE}
     */
    public static long product(long... factors) {
        try {
            long p = 1;
            for (long f : factors) {
                p = mul(p, f);
            }
            return p;
        } catch (CountOverflowException e) {
            StringBuilder b = new StringBuilder();
            for (long f : factors) {
                b.append(b.length() == 0 ? "" : " × ").append(f);
            }
            throw new CountOverflowException("the product " + b + " exceeds what can be counted");
        }
    }

    /**
     * {@code a + b}.
     *
     * @param a a count
     * @param b a count
     * @return the sum
     * @throws CountOverflowException when the sum exceeds {@link Long#MAX_VALUE}
     */
    public static long add(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            throw new CountOverflowException("the sum " + a + " + " + b + " exceeds what can be counted");
        }
        return r;
    }

    /**
     * The sum of the counts.
     *
     * @param counts the counts
     * @return their sum
     * @throws CountOverflowException when the sum exceeds {@link Long#MAX_VALUE}
     */
    public static long sum(LongStream counts) {
        return counts.reduce(0, Counts::add);
    }

    /**
     * The product of sizes: the element count of a tensor of these dims.
     *
     * @param sizes the dims, each not negative
     * @return the element count
     * @throws CountOverflowException naming the dims when the count exceeds {@link Long#MAX_VALUE}
     */
    public static long numel(long... sizes) {
        long n = 1;
        for (long s : sizes) {
            long hi = Math.multiplyHigh(n, s);
            long lo = n * s;
            if (!((hi == 0 && lo >= 0) || (hi == -1 && lo < 0))) {
                throw new CountOverflowException(dimsText(sizes) + " elements exceed what can be counted");
            }
            n = lo;
        }
        return n;
    }

    /**
     * Bytes of {@code elements} elements of {@code bits} bits each, rounded up to whole bytes, without
     * forming the bit count (which overflows 8 times sooner than the byte count).
     *
     * @param elements the element count
     * @param bits     bits per element
     * @return the bytes
     * @throws CountOverflowException when the bytes exceed {@link Long#MAX_VALUE}
     */
    public static long bytes(long elements, int bits) {
        // elements * bits / 8 rounded up = (elements / 8) * bits + ceil((elements % 8) * bits / 8)
        return add(mul(elements / 8, bits), ((elements % 8) * bits + 7) / 8);
    }

    private static String dimsText(long[] sizes) {
        StringBuilder b = new StringBuilder();
        for (long s : sizes) {
            b.append(b.length() == 0 ? "" : "x").append(s);
        }
        return b.length() == 0 ? "[]" : b.toString();
    }
}
