package dev.modelmeter.analysis;

import dev.modelmeter.ModelMeter;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.MemoryPlanner;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.graph.Model;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Control flow is counted: the branch an If takes when its condition is computable, the larger branch
 * (marked approximate) when it is not, a Loop's or Scan's body × its trip count, and an unknown trip
 * count is partial, never zero. The models are crafted by {@code controlflow/make_models.py} (weights are
 * zeros; only shapes matter); every expected figure is worked by hand below.
 */
class ControlFlowCostTest {

    private static Model model(String name) {
        try {
            return ModelMeter.load(Path.of(ControlFlowCostTest.class.getResource("/controlflow/" + name + ".onnx").toURI())
                    .toString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelSummary summary(String name) {
        return Analyzer.standard().summarize(model(name), AnalysisOptions.defaults(), LayerFolding.LEAVES);
    }

    // then_branch: x[2,16] @ W1[16,32]             = 2·16·32          = 1,024 MACs
    // else_branch: x[2,16] @ W2[16,8] @ W3[8,32]   = 2·16·8 + 2·8·32  =   768 MACs
    private static final long THEN_MACS = 2 * 16 * 32;
    private static final long ELSE_MACS = 2 * 16 * 8 + 2 * 8 * 32;

    @Test
    void ifWithAConditionComputableFromShapesCountsTheBranchTaken() {
        // cond = (x.shape[1] == 99) is false for x [2,16]: the else branch, the smaller one, runs
        ModelSummary s = summary("if_known");
        assertThat(s.macs()).isEqualTo(ELSE_MACS);
        assertThat(s.partial()).isFalse();
        assertThat(s.approximate()).isFalse();
    }

    @Test
    void ifWithARuntimeConditionCountsTheLargerBranchAndSaysSo() {
        ModelSummary s = summary("if_unknown");
        assertThat(s.macs()).isEqualTo(Math.max(THEN_MACS, ELSE_MACS));
        assertThat(s.approximate()).isTrue();
        assertThat(s.partial()).isFalse();
        assertThat(s.warnings()).anyMatch(w -> w.contains("branch not known") && w.contains("approximate"));
        assertThat(s.layers()).singleElement().satisfies(l -> assertThat(l.approximate()).isTrue());
    }

    // LSTM, hidden 16, input 8, seq 5, batch 1, one direction: dirs·seq·batch · 4H · (I + H)
    // = 1·5·1 · 64 · (8 + 16) = 7,680 MACs; its bias adds dirs·seq·batch · 2 · 4H = 5 · 128 = 640 other FLOPs
    private static final long LSTM_MACS = 1 * 5 * 1 * 4 * 16 * (8 + 16);

    @Test
    void nestedIfOnTheRankFollowsTheBranchesTakenToTheLstm() {
        // outer and inner conditions are Size(Shape(x)) == 3 for x [5,1,8]: both then branches run; the
        // branches not taken would give the LSTM a rank-5 input (or none)
        ModelSummary s = summary("nested_if_lstm");
        assertThat(s.macs()).isEqualTo(LSTM_MACS);
        assertThat(s.outputs().get("h").shape().toListString()).isEqualTo("[1, 1, 16]"); // Y_h [dirs, batch, H]
        assertThat(s.partial()).isFalse();
        assertThat(s.approximate()).isFalse();
    }

    @Test
    void aBranchThatCannotRunWithTheseShapesIsNotTheOneTaken() {
        // the inner If tests a runtime flag; its else branch feeds the LSTM rank 5, which cannot run
        ModelSummary s = summary("nested_if_runtime_flag");
        assertThat(s.macs()).isEqualTo(LSTM_MACS);
        assertThat(s.outputs().get("h").shape().toListString()).isEqualTo("[1, 1, 16]");
        assertThat(s.warnings()).anyMatch(w -> w.contains("else_branch cannot run") && w.contains("must have rank 3"));
    }

    // Loop body: h[1,16] @ U[16,16] = 256 MACs per iteration
    private static final long BODY_MACS = 16 * 16;

    @Test
    void loopWithAKnownTripCountIsBodyTimesTrips() {
        assertThat(summary("loop_known").macs()).isEqualTo(3 * BODY_MACS); // M = 3, followed one by one
        assertThat(summary("loop_long").macs()).isEqualTo(1000 * BODY_MACS); // M = 1000, beyond unrolling
        assertThat(summary("loop_known").partial()).isFalse();
    }

    @Test
    void loopWithAnUnknownTripCountIsPartialWithTheReason() {
        ModelSummary s = summary("loop_unknown");
        assertThat(s.partial()).isTrue();
        assertThat(s.costsKnown()).isFalse();
        assertThat(s.nodes()).singleElement().satisfies(n -> {
            assertThat(n.costKnown()).isFalse();
            assertThat(n.costNote()).contains("trip count unknown").contains("256 MACs");
        });
        assertThat(s.warnings()).anyMatch(w -> w.contains("trip count unknown") && w.contains("partial"));
    }

    @Test
    void scanIsBodyTimesSequenceLength() {
        // body: x_t[1,16] @ W[16,16] + h[1,16] @ U[16,16] = 256 + 256 MACs, 16 adds; 5 steps
        ModelSummary s = summary("scan");
        assertThat(s.macs()).isEqualTo(5 * (256 + 256));
        assertThat(s.otherFlops()).isEqualTo(5 * 16);
    }

    @Test
    void anOperatorWithoutACostRuleIsUnknownNotZero() {
        // DFT's cost is declared unknown; the MatMul after it is [1,16,2] @ [2,4] = 16·2·4 = 128 MACs
        ModelSummary s = summary("dft_then_matmul");
        assertThat(s.partial()).isTrue();
        assertThat(s.costsKnown()).isFalse();
        assertThat(s.macs()).as("the known part").isEqualTo(16 * 2 * 4);
        assertThat(s.layers()).filteredOn(l -> l.op().equals("DFT")).singleElement()
                .satisfies(l -> assertThat(l.costKnown()).isFalse());
        assertThat(s.warnings()).anyMatch(w -> w.contains("DFT") && w.contains("partial"));
    }

    @Test
    void theInferencePeakHoldsOneRunOfTheBodyNextToItsOutputs() {
        // if_known: x [2,16] float32 = 128 B; the else branch's temporary x @ W2 = [2,8] = 64 B; the If's
        // output [2,32] = 256 B (the branch's output, counted once): 128 + 64 + 256 = 448 B
        assertThat(summary("if_known").inferencePeakBytes()).isEqualTo(2 * 16 * 4 + 2 * 8 * 4 + 2 * 32 * 4);
        // scan: h0 [1,16] 64 B + x [5,1,16] 320 B + output h [1,16] 64 B, and in the body a = x_t @ W and
        // b = h @ U ([1,16] each, 64 B) live together at the Add: 64 + 320 + 64 + 128 = 576 B
        assertThat(summary("scan").inferencePeakBytes()).isEqualTo(64 + 5 * 16 * 4 + 64 + 2 * 64);
        assertThat(summary("scan").inferencePeakApproximate()).isTrue();
    }

    @Test
    void memoryOfAGraphWithControlFlowIsMarkedApproximate() {
        Model m = model("if_known");
        List<String> warnings = new ArrayList<>();
        var shaped = Analyzer.standard().shape(m, AnalysisOptions.defaults(), warnings);
        MemoryPlan plan = MemoryPlanner.standard().plan(shaped, TrainingSetup.defaults(2));
        assertThat(plan.approximate()).isTrue();
        assertThat(plan.warnings()).anyMatch(w -> w.contains("If") && w.contains("approximate"));
    }
}
