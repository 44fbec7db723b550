package dev.modelmeter.ops;

import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.analysis.LayerFolding;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.analysis.NodeCost;
import dev.modelmeter.graph.Model;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.testing.Truth;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NnOps' MACs on the PyTorch-measured fixtures, split the way FlopCounterMode splits them: the Conv
 * nodes must add up to exactly {@code aten.convolution / 2}, the matrix products (Gemm, MatMul, Einsum,
 * Attention) to exactly the other entries of {@code flops_by_op} / 2, with the CPU attention kernel's
 * products included where PyTorch's counter missed them ({@code flops_by_op_including_cpu_sdpa}). No
 * other operator may count MACs. Both the eval and the training export of every model.
 */
class NnFixtureMacsTest {

    private static final Set<String> CONV = Set.of("Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv");
    private static final Set<String> PRODUCTS = Set.of("Gemm", "MatMul", "MatMulInteger", "QLinearMatMul", "Einsum",
            "Attention", "RNN", "GRU", "LSTM");

    @TestFactory
    Stream<DynamicTest> macsMatchFlopCounterModeByOperator() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Truth t : Truth.all()) {
            for (String file : List.of("model.onnx", "train.onnx")) {
                tests.add(DynamicTest.dynamicTest(t.name() + "/" + file, () -> check(t, file)));
            }
        }
        return tests.stream();
    }

    private static void check(Truth t, String file) {
        Model model = OnnxReader.read(t.file(file));
        ModelSummary s = Analyzer.standard().summarize(model, t.options(null), LayerFolding.LEAVES);
        assertThat(s.unknownOps()).as("operators without a rule").isEmpty();
        JsonNode macs = t.json().get("macs");
        JsonNode byOp = macs.get("flops_by_op_including_cpu_sdpa");
        if (byOp == null || byOp.isNull()) {
            byOp = macs.get("flops_by_op");
        }
        long truthConv = 0;
        long truthProducts = 0;
        for (var e : byOp.properties()) {
            if (e.getKey().equals("aten.convolution")) {
                truthConv += e.getValue().asLong() / 2;
            } else {
                truthProducts += e.getValue().asLong() / 2;
            }
        }
        long conv = 0;
        long products = 0;
        Map<String, Long> others = new TreeMap<>();
        for (NodeCost n : s.nodes()) {
            String op = n.node().opType();
            if (CONV.contains(op)) {
                conv += n.macs();
            } else if (PRODUCTS.contains(op)) {
                products += n.macs();
            } else if (n.macs() != 0) {
                others.merge(op, n.macs(), Long::sum);
            }
        }
        System.out.printf("%s/%s: conv MACs %,d (truth %,d), matmul MACs %,d (truth %,d), total %,d (truth %,d)%n",
                t.name(), file, conv, truthConv, products, truthProducts, s.macs(), t.macs());
        assertThat(others).as("MACs counted by operators FlopCounterMode ignores").isEmpty();
        assertThat(conv).as("Conv MACs = aten.convolution / 2").isEqualTo(truthConv);
        assertThat(products).as("matrix-product MACs = (addmm + mm + bmm + sdpa) / 2").isEqualTo(truthProducts);
        assertThat(s.macs()).as("total MACs").isEqualTo(t.macs());
    }
}
