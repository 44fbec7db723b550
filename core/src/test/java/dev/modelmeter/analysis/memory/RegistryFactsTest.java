package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.memory.TrainingSetup.Precision;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.ops.AutogradContext.Backend;
import dev.modelmeter.ops.AutogradRule;
import dev.modelmeter.ops.MemoryFacts.Autocast;
import dev.modelmeter.ops.OpDef;
import dev.modelmeter.ops.OpDef.Builder;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.ops.Saves;
import dev.modelmeter.shapes.ShapedGraph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory plan takes an operator's memory facts from its registration alone: an operator unknown to
 * {@code analysis/memory} (domain "test") is planned by what it declares. Figures worked by hand.
 */
class RegistryFactsTest {

    private static final TrainingSetup CPU = TrainingSetup.defaults(2).withBackend(Backend.CPU);

    /** The standard operators plus the given test ones. */
    private static MemoryPlanner plannerWith(Builder... extra) {
        OpRegistry r = new OpRegistry();
        for (OpDef d : OpRegistry.standard().all()) {
            r.add(d);
        }
        r.add(extra);
        return new MemoryPlanner(r);
    }

    private static Builder testOp(String name) {
        return OpDef.op("test", name).shape(ctx -> { });
    }

    /** x[2,8], W[8,8]: w2 = test:{prep}(W); h = test:{lin}(x, w2), the model output. */
    private static ShapedGraph graph(String prep, String lin) {
        MemoryPlannerTest.G g = new MemoryPlannerTest.G().input("x", 2, 8).weight("W", 8, 8);
        g.nodes.add(new Node("prep", prep, "test", List.of("W"), List.of("w2"), Map.of(), Map.of(), "prep"));
        g.types.put("w2", TensorType.of(DType.FLOAT, 8, 8));
        g.nodes.add(new Node("lin", lin, "test", List.of("x", "w2"), List.of("h"), Map.of(), Map.of(), "lin"));
        g.types.put("h", TensorType.of(DType.FLOAT, 2, 8));
        return g.output("h").shaped();
    }

    @Test
    void aLowerPrecisionAutocastCategorySavesTheCastInput() {
        MemoryPlanner planner = plannerWith(testOp("Pass").saves(AutogradRule.NOTHING),
                testOp("Lin").saves(Saves.inputs(0)),
                testOp("LinLow").saves(Saves.inputs(0)).autocast(Autocast.LOWER_PRECISION, Autocast.LOWER_PRECISION));
        TrainingSetup bf16 = CPU.withPrecision(Precision.BF16_MIXED);
        // unlisted: x is saved as it is, fp32: 2·8·4 = 64 bytes
        assertThat(planner.plan(graph("Pass", "Lin"), bf16).savedBytes()).isEqualTo(2 * 8 * 4);
        // lower_precision_fp: x is cast to bf16 first and autograd saves the cast copy: 2·8·2 = 32 bytes
        assertThat(planner.plan(graph("Pass", "LinLow"), bf16).savedBytes()).isEqualTo(2 * 8 * 2);
    }

    @Test
    void aNonDifferentiableOperatorStopsTheGradient() {
        MemoryPlanner planner = plannerWith(testOp("Pass").saves(AutogradRule.NOTHING),
                testOp("Stop").notDifferentiable("a detach, for the test"), testOp("Lin").saves(Saves.inputs(0)));
        // W's gradient reaches Lin through Pass: Lin saves x, 2·8·4 = 64 bytes
        assertThat(planner.plan(graph("Pass", "Lin"), CPU).savedBytes()).isEqualTo(64);
        // through Stop nothing Lin reads needs a gradient (x is a model input): it records nothing
        assertThat(planner.plan(graph("Stop", "Lin"), CPU).savedBytes()).isZero();
    }

    @Test
    void savesNotModelledIsPlannedAsSavingEveryInputAndSaysSo() {
        MemoryPlanner planner = plannerWith(testOp("Pass").saves(AutogradRule.NOTHING),
                testOp("Opaque").savesNotModelled("for the test"));
        MemoryPlan plan = planner.plan(graph("Pass", "Opaque"), CPU);
        // every non-weight input is kept: x (64) and w2, a view-less copy of W's size (8·8·4 = 256)
        assertThat(plan.savedBytes()).isEqualTo(64 + 256);
        assertThat(String.join("\n", plan.warnings())).contains("test:Opaque").contains("approximate");
    }
}
