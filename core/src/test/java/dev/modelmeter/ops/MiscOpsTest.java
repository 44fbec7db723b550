package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import org.junit.jupiter.api.Test;

import static dev.modelmeter.graph.DType.FLOAT;
import static dev.modelmeter.graph.DType.INT64;
import static org.assertj.core.api.Assertions.assertThat;

/** Expected shapes worked from the ONNX operator specification. */
class MiscOpsTest {

    @Test
    void quantizeTakesTheZeroPointType() {
        assertThat(OpRuleHarness.of("QuantizeLinear").in(FLOAT, 1, 3).in(FLOAT).in(DType.INT8).type(0))
                .isEqualTo(TensorType.of(DType.INT8, 1, 3));
        // no zero point, no output_dtype: uint8
        assertThat(OpRuleHarness.of("QuantizeLinear").in(FLOAT, 4).in(FLOAT).type(0))
                .isEqualTo(TensorType.of(DType.UINT8, 4));
        assertThat(OpRuleHarness.of("DequantizeLinear").in(DType.INT8, 4).in(DType.FLOAT16).type(0))
                .isEqualTo(TensorType.of(DType.FLOAT16, 4));
    }

    @Test
    void dftOneSidedAndInverse() {
        // rfft along axis 1 of [1,10,10,1]: 10/2+1 = 6 bins, complex → [1,6,10,2]
        assertThat(OpRuleHarness.of("DFT").opset(20).attr(Attribute.ofInt("onesided", 1)).in(FLOAT, 1, 10, 10, 1)
                .omitted().value(TensorValue.scalar(1)).type(0)).isEqualTo(TensorType.of(FLOAT, 1, 6, 10, 2));
        // irfft of [1,6,10,2] along axis 1: 2·(6−1) = 10 real samples → [1,10,10,1]
        assertThat(OpRuleHarness.of("DFT").opset(19).attr(Attribute.ofInt("onesided", 1))
                .attr(Attribute.ofInt("inverse", 1)).in(FLOAT, 1, 6, 10, 2).type(0))
                .isEqualTo(TensorType.of(FLOAT, 1, 10, 10, 1));
    }

    @Test
    void stftFramesAndBins() {
        // 128 samples, frames of 16 every 8: (128−16)/8+1 = 15 frames; one-sided 16/2+1 = 9 bins
        assertThat(OpRuleHarness.of("STFT").opset(17).in(FLOAT, 1, 128, 1).value(TensorValue.scalar(8)).omitted()
                .value(TensorValue.scalar(16)).type(0)).isEqualTo(TensorType.of(FLOAT, 1, 15, 9, 2));
    }

    @Test
    void col2imAndCenterCropPad() {
        // [1, 5, 5] with image [5,5] and block [1,5]: C = 5 / (1·5) = 1 → [1,1,5,5]
        assertThat(OpRuleHarness.of("Col2Im").in(FLOAT, 1, 5, 5).value(TensorValue.vector(5, 5))
                .value(TensorValue.vector(1, 5)).type(0)).isEqualTo(TensorType.of(FLOAT, 1, 1, 5, 5));
        // [20,8,3] cropped/padded to [10,9] on axes 0,1 → [10,9,3]
        assertThat(OpRuleHarness.of("CenterCropPad").attr(Attribute.ofInts("axes", 0, 1)).in(FLOAT, 20, 8, 3)
                .value(TensorValue.vector(10, 9)).type(0)).isEqualTo(TensorType.of(FLOAT, 10, 9, 3));
    }

    @Test
    void windowsAndMelMatrix() {
        assertThat(OpRuleHarness.of("HannWindow").value(TensorValue.scalar(10)).type(0))
                .isEqualTo(TensorType.of(FLOAT, 10));
        // dft_length 16 → 16/2+1 = 9 rows, 8 mel bins
        assertThat(OpRuleHarness.of("MelWeightMatrix").value(TensorValue.scalar(8)).value(TensorValue.scalar(16))
                .value(TensorValue.scalar(8192)).in(FLOAT).in(FLOAT).type(0)).isEqualTo(TensorType.of(FLOAT, 9, 8));
    }

    @Test
    void optimizersUpdateEachGroup() {
        // Adam(R, T, X1, X2, G1, G2, V1, V2, H1, H2) → X1', X2', V1', V2', H1', H2'
        OpRuleHarness adam = OpRuleHarness.of("ai.onnx.preview.training", "Adam").outputs(6).opset(1)
                .in(FLOAT).in(INT64).in(FLOAT, 1).in(FLOAT, 2).in(FLOAT, 1).in(FLOAT, 2)
                .in(FLOAT, 1).in(FLOAT, 2).in(FLOAT, 1).in(FLOAT, 2);
        assertThat(adam.type(3)).isEqualTo(TensorType.of(FLOAT, 2));
        assertThat(adam.type(4)).isEqualTo(TensorType.of(FLOAT, 1));
    }

    @Test
    void detDropsTheMatrixAxes() {
        assertThat(OpRuleHarness.of("Det").in(FLOAT, 3, 2, 2).type(0)).isEqualTo(TensorType.of(FLOAT, 3));
    }

    @Test
    void imageDecoderReadsThePngHeader() {
        // PNG: 8-byte signature, IHDR chunk (length, "IHDR"), then width and height as big-endian int32:
        // width 0x0140 = 320, height 0x00F0 = 240 → [240, 320, 3] for RGB
        long[] png = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                0, 0, 0x01, 0x40, 0, 0, 0, 0xF0, 8, 2, 0, 0, 0};
        TensorValue bytes = TensorValue.ofLongs(DType.UINT8, new long[] {png.length}, png);
        assertThat(OpRuleHarness.of("ImageDecoder").value(bytes).type(0)).isEqualTo(TensorType.of(DType.UINT8, 240, 320, 3));
    }

    @Test
    void stringSplitSizesFromTheStrings() {
        // "a,b,,c" splits at 3 commas into 4 parts; "x" into 1 → Y [2, 4], Z [2]
        TensorValue x = TensorValue.ofStrings(new long[] {2}, java.util.List.of("a,b,,c", "x"));
        OpRuleHarness split = OpRuleHarness.of("StringSplit").outputs(2).opset(20)
                .attr(Attribute.ofString("delimiter", ",")).value(x);
        assertThat(split.type(0)).isEqualTo(TensorType.of(DType.STRING, 2, 4));
        assertThat(split.type(1)).isEqualTo(TensorType.of(INT64, 2));
        // maxsplit 1: at most 2 parts
        assertThat(OpRuleHarness.of("StringSplit").outputs(2).opset(20).attr(Attribute.ofString("delimiter", ","))
                .attr(Attribute.ofInt("maxsplit", 1)).value(x).type(0)).isEqualTo(TensorType.of(DType.STRING, 2, 2));
        // no delimiter: whitespace runs separate, " hello   world " → 2 parts
        TensorValue w = TensorValue.ofStrings(new long[] {1}, java.util.List.of(" hello   world "));
        assertThat(OpRuleHarness.of("StringSplit").outputs(2).opset(20).value(w).type(0))
                .isEqualTo(TensorType.of(DType.STRING, 1, 2));
    }

    @Test
    void stringNormalizerDropsStopwords() {
        // stopword "monday" (case-insensitive by default) removes 2 of 4 strings → [2]
        TensorValue x = TensorValue.ofStrings(new long[] {4}, java.util.List.of("Monday", "tuesday", "MONDAY", "x"));
        assertThat(OpRuleHarness.of("StringNormalizer").opset(10)
                .attr(Attribute.ofStrings("stopwords", java.util.List.of("monday"))).value(x).type(0))
                .isEqualTo(TensorType.of(DType.STRING, 2));
        // case-sensitive: only an exact "monday" goes; none here → all 4 stay
        assertThat(OpRuleHarness.of("StringNormalizer").opset(10).attr(Attribute.ofInt("is_case_sensitive", 1))
                .attr(Attribute.ofStrings("stopwords", java.util.List.of("monday"))).value(x).type(0))
                .isEqualTo(TensorType.of(DType.STRING, 4));
    }

    @Test
    void causalConvWithStateKeepsKMinusOneSamples() {
        // input [2,4,8], depthwise weight [4,1,4]: output [2,4,8], state keeps K−1 = 3 samples → [2,4,3]
        OpRuleHarness h = OpRuleHarness.of("CausalConvWithState").outputs(2).opset(27).in(FLOAT, 2, 4, 8).in(FLOAT, 4, 1, 4);
        assertThat(h.type(0)).isEqualTo(TensorType.of(FLOAT, 2, 4, 8));
        assertThat(h.type(1)).isEqualTo(TensorType.of(FLOAT, 2, 4, 3));
    }

    @Test
    void linearAttentionHeads() {
        // q [2,4,64], k/v [2,4,8] with 8 query heads and 1 kv head: Dk = Dv = 8/1 = 8;
        // output [2,4,8·8 = 64], state [B=2, Hkv=1, Dk=8, Dv=8]
        OpRuleHarness h = OpRuleHarness.of("LinearAttention").outputs(2).opset(27)
                .attr(Attribute.ofInt("q_num_heads", 8)).attr(Attribute.ofInt("kv_num_heads", 1))
                .in(FLOAT, 2, 4, 64).in(FLOAT, 2, 4, 8).in(FLOAT, 2, 4, 8);
        assertThat(h.type(0)).isEqualTo(TensorType.of(FLOAT, 2, 4, 64));
        assertThat(h.type(1)).isEqualTo(TensorType.of(FLOAT, 2, 1, 8, 8));
    }

    @Test
    void flexAttentionTakesTheValueHeadSize() {
        // Q [2,4,8,16], K [2,4,6,16], V [2,4,6,32] → [2,4,8,32]
        assertThat(OpRuleHarness.of("ai.onnx.preview", "FlexAttention").opset(1).in(FLOAT, 2, 4, 8, 16)
                .in(FLOAT, 2, 4, 6, 16).in(FLOAT, 2, 4, 6, 32).type(0)).isEqualTo(TensorType.of(FLOAT, 2, 4, 8, 32));
    }
}
