package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.graph.TensorType;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The summary as JSON; the schema is documented in docs/JSON.md. */
public final class SummaryJson {

    private SummaryJson() {
    }

    /**
     * The summary as a JSON tree ({@code modelmeter.summary/1}).
     *
     * @param s the summary
     * @return the tree
     */
    public static ObjectNode tree(ModelSummary s) {
        ObjectNode root = Json.object();
        root.put("schema", "modelmeter.summary/1");
        ObjectNode model = root.putObject("model");
        model.put("source", s.model().source());
        model.put("producer", s.model().producer());
        model.put("ir_version", s.model().irVersion());
        ObjectNode opsets = model.putObject("opsets");
        s.model().opsets().forEach((d, v) -> opsets.put(d.isEmpty() ? "ai.onnx" : d, v));
        ArrayNode inputs = root.putArray("inputs");
        s.inputs().forEach((n, t) -> inputs.add(Json.tensor(n, t)));
        ArrayNode outputs = root.putArray("outputs");
        s.outputs().forEach((n, t) -> outputs.add(Json.tensor(n, t)));

        ObjectNode params = root.putObject("params");
        params.put("total", s.params().total());
        params.put("trainable", s.params().trainable());
        params.put("non_trainable", s.params().nonTrainable());
        params.put("bytes", s.params().bytes());
        ObjectNode buffers = root.putObject("buffers");
        buffers.put("total", s.buffers());
        buffers.put("bytes", s.bufferBytes());
        // an unknown total is null, never the sum of the known part shown as if whole
        boolean known = s.costsKnown();
        putKnown(root, "macs", s.macs(), known);
        putKnown(root, "flops", s.flops(), known);
        putKnown(root, "other_flops", s.otherFlops(), known);
        root.put("known_macs", s.macs());
        root.put("approximate", s.approximate());
        ObjectNode weights = root.putObject("weight_bytes_by_dtype");
        s.weightBytesByDtype().forEach((d, b) -> weights.put(d.displayName(), b));
        root.put("input_bytes", s.inputBytes());
        root.put("layer_output_bytes", s.layerOutputBytes());
        ObjectNode inference = root.putObject("inference");
        if (s.inferencePeakBytes() >= 0) {
            inference.put("activation_peak_bytes", s.inferencePeakBytes());
        } else {
            inference.putNull("activation_peak_bytes");
        }
        inference.put("approximate", s.inferencePeakApproximate());

        ArrayNode layers = root.putArray("layers");
        for (Layer l : s.layers()) {
            ObjectNode o = layers.addObject();
            o.put("name", l.name());
            o.put("op", l.op());
            o.put("depth", l.depth());
            ArrayNode shapes = o.putArray("output_shapes");
            for (TensorType t : l.outputShapes()) {
                shapes.add(Json.shape(t));
            }
            o.put("params", l.params());
            o.put("buffers", l.buffers());
            putKnown(o, "macs", l.macs(), l.costKnown());
            putKnown(o, "flops", l.flops(), l.costKnown());
            putKnown(o, "other_flops", l.otherFlops(), l.costKnown());
            o.put("partial", !l.costKnown());
            o.put("approximate", l.approximate());
            o.put("output_bytes", l.outputBytes());
            o.put("nodes", l.nodeCount());
        }
        ObjectNode unknown = root.putObject("unknown_ops");
        s.unknownOps().forEach(unknown::put);
        root.put("partial", s.partial());
        ArrayNode warnings = root.putArray("warnings");
        s.warnings().forEach(warnings::add);
        return root;
    }

    private static void putKnown(ObjectNode o, String field, long value, boolean known) {
        if (known) {
            o.put(field, value);
        } else {
            o.putNull(field);
        }
    }

    /**
     * The summary as indented JSON text.
     *
     * @param s the summary
     * @return the text
     */
    public static String render(ModelSummary s) {
        return Json.pretty(tree(s));
    }
}
