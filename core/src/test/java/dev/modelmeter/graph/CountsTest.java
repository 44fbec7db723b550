package dev.modelmeter.graph;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checked counts: exact up to Long.MAX_VALUE = 2^63 - 1, a one-line error beyond, never a wrapped number. */
class CountsTest {

    @Test
    void productsUpToTheLimitAreExact() {
        assertThat(Counts.mul(1L << 31, 1L << 31)).isEqualTo(1L << 62);
        assertThat(Counts.mul(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(Counts.mul(0, Long.MAX_VALUE)).isZero();
        assertThat(Counts.numel(2, 3, 4)).isEqualTo(2 * 3 * 4);
        assertThat(Counts.numel()).isEqualTo(1); // a scalar
    }

    @Test
    void productsBeyondTheLimitThrow() {
        // 2^32 * 2^31 = 2^63, one more than Long.MAX_VALUE; plain Java arithmetic gives Long.MIN_VALUE
        assertThatThrownBy(() -> Counts.mul(1L << 32, 1L << 31)).isInstanceOf(CountOverflowException.class)
                .hasMessageContaining("the product 4294967296 × 2147483648 exceeds what can be counted");
        assertThatThrownBy(() -> Counts.numel(1L << 40, 1L << 40)).isInstanceOf(CountOverflowException.class)
                .hasMessage("1099511627776x1099511627776 elements exceed what can be counted");
        // 3 * 2^62 wraps to a positive number (2^62) in plain arithmetic: still caught
        assertThatThrownBy(() -> Counts.mul(3, 1L << 62)).isInstanceOf(CountOverflowException.class);
    }

    @Test
    void productsOfSeveralFactorsNameThem() {
        assertThat(Counts.product(2, 3, 4)).isEqualTo(24);
        // 2^21 * 2^21 * 2^21 = 2^63: a MatMul's MACs one past the limit
        assertThatThrownBy(() -> Counts.product(1L << 21, 1L << 21, 1L << 21))
                .hasMessage("the product 2097152 × 2097152 × 2097152 exceeds what can be counted");
    }

    @Test
    void sumsBeyondTheLimitThrow() {
        assertThat(Counts.add(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Counts.add(Long.MAX_VALUE, 1)).isInstanceOf(CountOverflowException.class);
        assertThatThrownBy(() -> Counts.sum(LongStream.of(1L << 62, 1L << 62))).isInstanceOf(CountOverflowException.class);
        assertThat(Counts.sum(LongStream.of(1L << 61, 1L << 61))).isEqualTo(1L << 62);
    }

    @Test
    void bytesRoundUpAndDoNotOverflowBeforeTheByteCountDoes() {
        assertThat(Counts.bytes(3, 4)).isEqualTo(2); // 3 int4 = 12 bits -> 2 bytes
        assertThat(Counts.bytes(10, 32)).isEqualTo(40);
        assertThat(Counts.bytes(9, 1)).isEqualTo(2); // 9 bits -> 2 bytes
        // 2^62 bytes of int8 fit, though elements * bits (2^65) would not
        assertThat(Counts.bytes(1L << 62, 8)).isEqualTo(1L << 62);
        // 2^61 float32 = 2^63 bytes: one more than fits
        assertThatThrownBy(() -> Counts.bytes(1L << 61, 32)).isInstanceOf(CountOverflowException.class);
        assertThat(DType.FLOAT.bytesFor(1L << 60)).isEqualTo(1L << 62);
    }

    @Test
    void shapeNumelIsChecked() {
        assertThat(Shape.of(1L << 20, 1L << 20).numel().getAsLong()).isEqualTo(1L << 40);
        assertThatThrownBy(() -> Shape.of(1L << 40, 1L << 40).numel()).isInstanceOf(CountOverflowException.class);
    }
}
