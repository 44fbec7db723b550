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
    public enum Kind {
        /** No type set. */
        UNDEFINED,
        /** One float, in {@code f}. */
        FLOAT,
        /** One integer, in {@code i}. */
        INT,
        /** One string, in {@code s}. */
        STRING,
        /** One tensor, in {@code t}. */
        TENSOR,
        /** One sub-graph, in {@code g}. */
        GRAPH,
        /** A list of floats, in {@code floats}. */
        FLOATS,
        /** A list of integers, in {@code ints}. */
        INTS,
        /** A list of strings, in {@code strings}. */
        STRINGS,
        /** A list of tensors, in {@code tensors}. */
        TENSORS,
        /** A list of sub-graphs, in {@code graphs}. */
        GRAPHS,
        /** A sparse tensor, in {@code t} as a tensor of its dense dims (its values are not read). */
        SPARSE_TENSOR,
        /** A list of sparse tensors (skipped by the reader). */
        SPARSE_TENSORS,
        /** A type (skipped by the reader). */
        TYPE_PROTO,
        /** A list of types (skipped by the reader). */
        TYPE_PROTOS
    }

    /**
     * Copies the lists; a null list reads as empty.
     *
     * @param name        the attribute name
     * @param kind        which of the value fields is meaningful
     * @param i           the integer, for {@link Kind#INT}
     * @param f           the float, for {@link Kind#FLOAT}
     * @param s           the string, for {@link Kind#STRING}
     * @param t           the tensor, for {@link Kind#TENSOR}
     * @param g           the sub-graph, for {@link Kind#GRAPH}
     * @param ints        the integers, for {@link Kind#INTS}
     * @param floats      the floats, for {@link Kind#FLOATS}
     * @param strings     the strings, for {@link Kind#STRINGS}
     * @param tensors     the tensors, for {@link Kind#TENSORS}
     * @param graphs      the sub-graphs, for {@link Kind#GRAPHS}
     * @param refAttrName inside a function body: the caller's attribute this one refers to, else null
     */
    public Attribute {
        ints = ints == null ? List.of() : List.copyOf(ints);
        floats = floats == null ? List.of() : List.copyOf(floats);
        strings = strings == null ? List.of() : List.copyOf(strings);
        tensors = tensors == null ? List.of() : List.copyOf(tensors);
        graphs = graphs == null ? List.of() : List.copyOf(graphs);
    }

    /**
     * An integer attribute.
     *
     * @param name  the attribute name
     * @param value the integer
     * @return the attribute
     */
    public static Attribute ofInt(String name, long value) {
        return new Attribute(name, Kind.INT, value, 0, null, null, null, null, null, null, null, null, null);
    }

    /**
     * A float attribute.
     *
     * @param name  the attribute name
     * @param value the float
     * @return the attribute
     */
    public static Attribute ofFloat(String name, double value) {
        return new Attribute(name, Kind.FLOAT, 0, value, null, null, null, null, null, null, null, null, null);
    }

    /**
     * A string attribute.
     *
     * @param name  the attribute name
     * @param value the string
     * @return the attribute
     */
    public static Attribute ofString(String name, String value) {
        return new Attribute(name, Kind.STRING, 0, 0, value, null, null, null, null, null, null, null, null);
    }

    /**
     * An integer-list attribute.
     *
     * @param name   the attribute name
     * @param values the integers
     * @return the attribute
     */
    public static Attribute ofInts(String name, List<Long> values) {
        return new Attribute(name, Kind.INTS, 0, 0, null, null, null, values, null, null, null, null, null);
    }

    /**
     * An integer-list attribute.
     *
     * @param name   the attribute name
     * @param values the integers
     * @return the attribute
     */
    public static Attribute ofInts(String name, long... values) {
        return ofInts(name, java.util.Arrays.stream(values).boxed().toList());
    }

    /**
     * A float-list attribute.
     *
     * @param name   the attribute name
     * @param values the floats
     * @return the attribute
     */
    public static Attribute ofFloats(String name, List<Double> values) {
        return new Attribute(name, Kind.FLOATS, 0, 0, null, null, null, null, values, null, null, null, null);
    }

    /**
     * A string-list attribute.
     *
     * @param name   the attribute name
     * @param values the strings
     * @return the attribute
     */
    public static Attribute ofStrings(String name, List<String> values) {
        return new Attribute(name, Kind.STRINGS, 0, 0, null, null, null, null, null, values, null, null, null);
    }

    /**
     * A tensor attribute (a Constant's value).
     *
     * @param name   the attribute name
     * @param tensor the tensor
     * @return the attribute
     */
    public static Attribute ofTensor(String name, TensorData tensor) {
        return new Attribute(name, Kind.TENSOR, 0, 0, null, tensor, null, null, null, null, null, null, null);
    }

    /**
     * A sub-graph attribute (an If branch, a Loop or Scan body).
     *
     * @param name  the attribute name
     * @param graph the sub-graph
     * @return the attribute
     */
    public static Attribute ofGraph(String name, Graph graph) {
        return new Attribute(name, Kind.GRAPH, 0, 0, null, null, graph, null, null, null, null, null, null);
    }

    /**
     * A list-of-sub-graphs attribute.
     *
     * @param name   the attribute name
     * @param graphs the sub-graphs
     * @return the attribute
     */
    public static Attribute ofGraphs(String name, List<Graph> graphs) {
        return new Attribute(name, Kind.GRAPHS, 0, 0, null, null, null, null, null, null, null, graphs, null);
    }
}
