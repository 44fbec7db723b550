package dev.modelmeter.onnx;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.FunctionDef;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.ValueInfo;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FunctionInlinerTest {

    private static Node node(String name, String op, String domain, List<String> in, List<String> out, Attribute... attrs) {
        Map<String, Attribute> m = new java.util.LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        return new Node(name, op, domain, in, out, m, Map.of(), "");
    }

    private static Attribute ref(String name, Attribute.Kind kind, String refName) {
        return new Attribute(name, kind, 0, 0, null, null, null, null, null, null, null, null, refName);
    }

    /** LeakyScaled(x) -> y: t = LeakyRelu(x, alpha=@alpha); y = Mul(t, x). alpha defaults to 0.5. */
    private static final FunctionDef LEAKY = new FunctionDef("LeakyScaled", "custom", "", List.of("x"), List.of("y"),
            List.of("alpha"), Map.of("alpha", Attribute.ofFloat("alpha", 0.5)),
            List.of(node("lr", "LeakyRelu", "", List.of("x"), List.of("t"), ref("alpha", Attribute.Kind.FLOAT, "alpha")),
                    node("mul", "Mul", "", List.of("t", "x"), List.of("y"))),
            Map.of("", 18));

    /** Twice(x) -> y: calls LeakyScaled twice, forwarding its own alpha. */
    private static final FunctionDef TWICE = new FunctionDef("Twice", "custom", "", List.of("x"), List.of("y"),
            List.of("alpha"), Map.of(),
            List.of(node("a", "LeakyScaled", "custom", List.of("x"), List.of("t"), ref("alpha", Attribute.Kind.FLOAT, "alpha")),
                    node("b", "LeakyScaled", "custom", List.of("t"), List.of("y"))),
            Map.of("", 18, "custom", 1));

    private static Model model(List<Node> nodes) {
        Graph g = new Graph("main", nodes, List.of(new ValueInfo("in", null)), List.of(new ValueInfo("out", null)),
                List.of(), List.of());
        return new Model("test", 10, "", Map.of("", 18), g, List.of(LEAKY, TWICE), Map.of());
    }

    @Test
    void nestedCallsBecomePlainNodesWithUniqueInternalNames() {
        Node call = node("call", "Twice", "custom", List.of("in"), List.of("out"), Attribute.ofFloat("alpha", 0.1))
                .withScope("block.0");
        Model m = FunctionInliner.inline(model(List.of(call)));
        List<Node> nodes = m.graph().nodes();
        assertThat(nodes).extracting(Node::opType).containsExactly("LeakyRelu", "Mul", "LeakyRelu", "Mul");
        // first LeakyScaled got alpha forwarded from the caller (0.1), the second its default (0.5)
        assertThat(nodes.get(0).floatAttr("alpha", -1)).isEqualTo(0.1);
        assertThat(nodes.get(2).floatAttr("alpha", -1)).isEqualTo(0.5);
        assertThat(nodes.get(0).attributes().get("alpha").refAttrName()).isNull();
        // the chain is wired: in -> LeakyRelu -> Mul -> LeakyRelu -> Mul -> out
        assertThat(nodes.get(0).inputs()).containsExactly("in");
        assertThat(nodes.get(1).inputs()).containsExactly(nodes.get(0).outputs().get(0), "in");
        assertThat(nodes.get(2).inputs()).containsExactly(nodes.get(1).outputs().get(0));
        assertThat(nodes.get(3).outputs()).containsExactly("out");
        Set<String> produced = new HashSet<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                assertThat(produced.add(o)).as("unique " + o).isTrue();
            }
            assertThat(n.scope()).isEqualTo("block.0");
        }
        assertThat(m.opsets()).containsEntry("custom", 1);
    }

    @Test
    void twoCallsOfOneFunctionDoNotShareInternalNames() {
        Model m = FunctionInliner.inline(model(List.of(
                node("c1", "LeakyScaled", "custom", List.of("in"), List.of("mid")),
                node("c2", "LeakyScaled", "custom", List.of("mid"), List.of("out")))));
        List<Node> nodes = m.graph().nodes();
        assertThat(nodes).hasSize(4);
        assertThat(nodes.get(0).outputs().get(0)).isNotEqualTo(nodes.get(2).outputs().get(0));
    }

    @Test
    void recursionIsAnError() {
        FunctionDef loop = new FunctionDef("Loopy", "custom", "", List.of("x"), List.of("y"), List.of(), Map.of(),
                List.of(node("again", "Loopy", "custom", List.of("x"), List.of("y"))), Map.of());
        Graph g = new Graph("main", List.of(node("c", "Loopy", "custom", List.of("in"), List.of("out"))),
                List.of(), List.of(), List.of(), List.of());
        Model m = new Model("t", 10, "", Map.of(), g, List.of(loop), Map.of());
        assertThatThrownBy(() -> FunctionInliner.inline(m)).isInstanceOf(ModelMeterException.class)
                .hasMessageContaining("calls itself");
    }
}
