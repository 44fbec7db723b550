package dev.modelmeter.ops;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Unknown is never zero: every registered operator has a cost rule or declares, with a reason, that it
 * costs nothing. An operator that does neither would be reported with an unknown cost (partial), so a
 * new registration must decide.
 */
class CostDeclarationTest {

    @Test
    void everyRegisteredOperatorHasACostRuleOrAReasonedZero() {
        List<String> undeclared = OpRegistry.standard().all().stream()
                .filter(d -> !d.declaresCost())
                .map(CostDeclarationTest::name)
                .toList();
        assertThat(undeclared).as("operators with neither .cost(...) nor .noCost(reason) nor .costUnknown(reason)")
                .isEmpty();
    }

    /**
     * Operators whose cost is declared unknown (reported partial, never zero): a reviewed list, so that a
     * new one is a decision, not an omission. If, Loop and Scan are here because their rule reads the
     * bodies the analysis costs (see {@link #controlFlowCostsItsBodies}).
     */
    @Test
    void theOperatorsWithADeclaredUnknownCostAreTheReviewedOnes() {
        List<String> unknown = OpRegistry.standard().all().stream()
                .filter(d -> d.unknownCostReason() != null)
                .map(CostDeclarationTest::name)
                .sorted()
                .toList();
        assertThat(unknown).containsExactlyInAnyOrder("SequenceMap", "Multinomial", "Det", "TfIdfVectorizer", "DFT",
                "STFT", "ImageDecoder", "AffineGrid", "Col2Im", "ai.onnx.ml:TreeEnsemble",
                "ai.onnx.preview.training:Adagrad", "ai.onnx.preview.training:Adam",
                "ai.onnx.preview.training:Momentum", "ai.onnx.preview.training:Gradient", "LinearAttention");
    }

    @Test
    void controlFlowCostsItsBodies() {
        for (String op : List.of("If", "Loop", "Scan")) {
            assertThat(OpRegistry.standard().find("", op).cost()).as(op).isNotNull();
        }
    }

    private static String name(OpDef d) {
        return (d.domain().isEmpty() ? "" : d.domain() + ":") + d.opType();
    }

    @Test
    void aDeclaredZeroSaysWhyInOneLine() {
        for (OpDef d : OpRegistry.standard().all()) {
            if (d.noCostReason() != null) {
                assertThat(d.noCostReason()).as(d.opType()).isNotBlank().doesNotContain("\n");
            }
        }
    }

    @Test
    void anOperatorCannotBothCostAndDeclareNoCost() {
        assertThatThrownBy(() -> OpDef.op("X").shape(ctx -> { }).cost(ctx -> Cost.ZERO).noCost("why").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpDef.op("X").shape(ctx -> { }).noCost(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutEitherTheCostIsUnknownNotZero() {
        OpDef d = OpDef.op("X").shape(ctx -> { }).build();
        assertThat(d.hasCost()).isFalse();
        assertThatThrownBy(() -> d.costOf(null)).isInstanceOf(IllegalStateException.class);
        OpDef free = OpDef.op("Y").shape(ctx -> { }).noCost("a view").build();
        assertThat(free.costOf(null)).isEqualTo(Cost.ZERO);
    }
}
