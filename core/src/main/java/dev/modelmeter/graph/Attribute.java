package dev.modelmeter.graph;

import java.util.List;

/**
 * A node attribute. Exactly the fields matching {@code kind} are meaningful; list fields are empty
 * otherwise. Graph attributes (If/Loop/Scan bodies) are kept as parsed sub-graphs.
 */
public record Attribute(String name, Kind kind, long i, double f, String s, TensorData t, Graph g,
                        List<Long> ints, List<Double> floats, List<String> strings, List<TensorData> tensors,
                        List<Graph> graphs, String refAttrName) {

    /** ONNX {@code AttributeProto.AttributeType}. */
    public enum Kind { UNDEFINED, FLOAT, INT, STRING, TENSOR, GRAPH, FLOATS, INTS, STRINGS, TENSORS, GRAPHS,
        SPARSE_TENSOR, SPARSE_TENSORS, TYPE_PROTO, TYPE_PROTOS }

    public Attribute {
        ints = ints == null ? List.of() : List.copyOf(ints);
        floats = floats == null ? List.of() : List.copyOf(floats);
        strings = strings == null ? List.of() : List.copyOf(strings);
        tensors = tensors == null ? List.of() : List.copyOf(tensors);
        graphs = graphs == null ? List.of() : List.copyOf(graphs);
    }

    public static Attribute ofInt(String name, long value) {
        return new Attribute(name, Kind.INT, value, 0, null, null, null, null, null, null, null, null, null);
    }

    public static Attribute ofFloat(String name, double value) {
        return new Attribute(name, Kind.FLOAT, 0, value, null, null, null, null, null, null, null, null, null);
    }

    public static Attribute ofString(String name, String value) {
        return new Attribute(name, Kind.STRING, 0, 0, value, null, null, null, null, null, null, null, null);
    }

    public static Attribute ofInts(String name, List<Long> values) {
        return new Attribute(name, Kind.INTS, 0, 0, null, null, null, values, null, null, null, null, null);
    }

    public static Attribute ofInts(String name, long... values) {
        return ofInts(name, java.util.Arrays.stream(values).boxed().toList());
    }

    public static Attribute ofFloats(String name, List<Double> values) {
        return new Attribute(name, Kind.FLOATS, 0, 0, null, null, null, null, values, null, null, null, null);
    }

    public static Attribute ofStrings(String name, List<String> values) {
        return new Attribute(name, Kind.STRINGS, 0, 0, null, null, null, null, null, values, null, null, null);
    }

    public static Attribute ofTensor(String name, TensorData tensor) {
        return new Attribute(name, Kind.TENSOR, 0, 0, null, tensor, null, null, null, null, null, null, null);
    }

    public static Attribute ofGraph(String name, Graph graph) {
        return new Attribute(name, Kind.GRAPH, 0, 0, null, null, graph, null, null, null, null, null, null);
    }

    public static Attribute ofGraphs(String name, List<Graph> graphs) {
        return new Attribute(name, Kind.GRAPHS, 0, 0, null, null, null, null, null, null, null, graphs, null);
    }
}
