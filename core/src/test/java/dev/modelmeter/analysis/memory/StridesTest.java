package dev.modelmeter.analysis.memory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** View-or-copy decisions, checked against what PyTorch does (and what the gpt2 fixture measured). */
class StridesTest {

    @Test
    void contiguousAndTransposed() {
        assertThat(Strides.contiguous(new long[] {2, 3, 4})).containsExactly(12, 4, 1);
        long[] t = Strides.permute(new long[] {12, 4, 1}, new long[] {0, 2, 1});
        assertThat(t).containsExactly(12, 1, 4);
        // x.transpose(1, 2).reshape(2, 12) must copy; x.reshape(6, 4) is a view
        assertThat(Strides.view(new long[] {2, 4, 3}, t, new long[] {2, 12})).isNull();
        assertThat(Strides.view(new long[] {2, 3, 4}, new long[] {12, 4, 1}, new long[] {6, 4})).containsExactly(4, 1);
    }

    /**
     * GPT-2's value: c_attn output [b,128,2304] split on the last axis, viewed as [b,128,12,64] and
     * transposed to [b,12,128,64]; matmul folds it to [b·12,128,64]. At b = 1 that is a view (the fixture
     * saves the whole c_attn storage), at b = 8 a copy (the fixture saves a tensor of v's own size).
     */
    @Test
    void gpt2ValueFoldsOnlyAtBatchOne() {
        for (int b : new int[] {1, 8}) {
            long[] split = {128L * 2304, 2304, 1};
            long[] heads = Strides.view(new long[] {b, 128, 768}, split, new long[] {b, 128, 12, 64});
            assertThat(heads).isNotNull();
            long[] v = Strides.permute(heads, new long[] {0, 2, 1, 3});
            long[] folded = Strides.view(new long[] {b, 12, 128, 64}, v, new long[] {b * 12L, 128, 64});
            if (b == 1) {
                assertThat(folded).isNotNull();
            } else {
                assertThat(folded).isNull();
            }
        }
    }
}
