package dev.modelmeter.analysis;

import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.ops.OpRegistry;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides what each stored tensor is to PyTorch (parameter, buffer, constant) from the input slots
 * that consume it. A tensor consumed as a parameter anywhere is a parameter; otherwise a buffer slot
 * makes it a buffer; otherwise it is a constant. A tensor no node consumes is left out: the exporter
 * kept it, but no computation uses it. Each tensor is one entry, so shared (tied) weights count once.
 */
public final class WeightRoles {

    private WeightRoles() {
    }

    /**
     * Role of every initializer that some node of {@code nodes} consumes, in file order.
     *
     * @param graph    the graph whose initializers are judged
     * @param nodes    the nodes that consume them
     * @param registry the operators' declared input roles
     * @return the role by tensor
     */
    public static Map<TensorData, InitializerRole> assign(Graph graph, List<Node> nodes, OpRegistry registry) {
        Map<String, TensorData> byName = new HashMap<>();
        for (TensorData t : graph.initializers()) {
            byName.put(t.name(), t);
        }
        Map<String, InitializerRole> roles = new HashMap<>();
        for (Node node : nodes) {
            for (int slot = 0; slot < node.inputs().size(); slot++) {
                TensorData t = byName.get(node.inputs().get(slot));
                if (t == null) {
                    continue;
                }
                InitializerRole r = registry.role(node, slot, t);
                roles.merge(t.name(), r, WeightRoles::stronger);
            }
        }
        Map<TensorData, InitializerRole> out = new LinkedHashMap<>();
        for (TensorData t : graph.initializers()) {
            InitializerRole r = roles.get(t.name());
            if (r != null) {
                out.put(t, r);
            }
        }
        return out;
    }

    private static InitializerRole stronger(InitializerRole a, InitializerRole b) {
        if (a == InitializerRole.PARAMETER || b == InitializerRole.PARAMETER) {
            return InitializerRole.PARAMETER;
        }
        if (a == InitializerRole.BUFFER || b == InitializerRole.BUFFER) {
            return InitializerRole.BUFFER;
        }
        return InitializerRole.CONSTANT;
    }
}
