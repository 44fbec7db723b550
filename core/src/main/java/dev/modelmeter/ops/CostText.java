package dev.modelmeter.ops;

import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writing cost formulas with the numbers put in ({@code 1×64×32×32 × (3/1) × 3×3 = 1,769,472}), and
 * reading the known sizes a cost rule needs.
 */
final class CostText {

    private CostText() {
    }

    /** {@code 1769472} as {@code 1,769,472}. */
    static String num(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** Sizes joined by {@code ×}; an empty list (a scalar) prints as {@code 1}. */
    static String dims(long... sizes) {
        if (sizes.length == 0) {
            return "1";
        }
        return Arrays.stream(sizes).mapToObj(Long::toString).collect(Collectors.joining("×"));
    }

    /** The known sizes of a tensor type, or null when it is absent or any dim is not known. */
    static long[] sizes(TensorType t) {
        if (t == null || t.shape() == null || !t.shape().isFullyKnown()) {
            return null;
        }
        return t.shape().sizes();
    }

    static long product(long[] sizes, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p = Math.multiplyExact(p, sizes[i]);
        }
        return p;
    }

    static long product(long[] sizes) {
        return product(sizes, 0, sizes.length);
    }

    static long[] slice(long[] sizes, int from, int to) {
        return Arrays.copyOfRange(sizes, from, to);
    }

    /** What a cost rule returns when a shape it needs is not known: nothing counted, and said so. */
    static Cost unknown(String what) {
        // never a zero shown as if known: the node's cost is reported unknown (partial)
        throw new UnknownCostException(what + ": shapes not known, cost not counted");
    }

    static String shape(Shape s) {
        return s == null ? "?" : s.toString();
    }
}
