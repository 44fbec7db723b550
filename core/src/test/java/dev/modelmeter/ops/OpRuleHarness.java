package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueType;
import dev.modelmeter.shapes.InferenceContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one operator's shape rule on hand-built inputs: {@code of("Add").in(FLOAT, 2, 3).in(FLOAT, 3)
 * .run()}. Inputs may carry known values; {@code omitted()} leaves an optional input out.
 */
final class OpRuleHarness {

    private final String domain;
    private final String opType;
    private int opset = 21;
    private int outputs = 1;
    private final Map<String, Attribute> attrs = new HashMap<>();
    private final List<String> inputNames = new ArrayList<>();
    private final List<ValueType> types = new ArrayList<>();
    private final List<TensorValue> values = new ArrayList<>();

    private OpRuleHarness(String domain, String opType) {
        this.domain = domain;
        this.opType = opType;
    }

    static OpRuleHarness of(String opType) {
        return new OpRuleHarness("", opType);
    }

    static OpRuleHarness of(String domain, String opType) {
        return new OpRuleHarness(domain, opType);
    }

    OpRuleHarness opset(int v) {
        this.opset = v;
        return this;
    }

    OpRuleHarness outputs(int n) {
        this.outputs = n;
        return this;
    }

    OpRuleHarness attr(Attribute a) {
        attrs.put(a.name(), a);
        return this;
    }

    /** An input of known type and unknown contents. */
    OpRuleHarness in(DType dtype, long... shape) {
        return add(TensorType.of(dtype, shape), null);
    }

    /** An input whose type is given (for symbolic or unknown dims). */
    OpRuleHarness in(TensorType type) {
        return add(type, null);
    }

    /** An input whose contents are known. */
    OpRuleHarness value(TensorValue v) {
        return add(v.type(), v);
    }

    OpRuleHarness omitted() {
        inputNames.add("");
        types.add(null);
        values.add(null);
        return this;
    }

    private OpRuleHarness add(ValueType type, TensorValue v) {
        inputNames.add("in" + inputNames.size());
        types.add(type);
        values.add(v);
        return this;
    }

    Node node() {
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add("out" + i);
        }
        return new Node("n", opType, domain, inputNames, outs, attrs, Map.of(), "");
    }

    InferenceContext run() {
        Node node = node();
        OpDef def = OpRegistry.standard().find(node);
        if (def == null) {
            throw new AssertionError("no rule for " + node.qualifiedOpType());
        }
        InferenceContext ctx = new InferenceContext(node, opset, types, values, (body, ins) -> List.of());
        def.shape().infer(ctx);
        return ctx;
    }

    /** Output {@code i}'s tensor type after running the rule. */
    TensorType type(int i) {
        return (TensorType) run().outputType(i);
    }
}
