package dev.modelmeter.report;

import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.TensorType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON building blocks shared by the JSON renderers: shapes as lists of ints (symbols as strings). */
public final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /**
     * An empty JSON object from the shared mapper.
     *
     * @return the object
     */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * An empty JSON array from the shared mapper.
     *
     * @return the array
     */
    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /**
     * {@code [1, 3, 224, 224]}; a symbolic dim is its name, an unknown one null; unknown rank is null.
     *
     * @param t the type, or null
     * @return the array, or null
     */
    public static ArrayNode shape(TensorType t) {
        if (t == null || t.shape() == null) {
            return null;
        }
        ArrayNode a = array();
        for (Dim d : t.shape().dims()) {
            if (d instanceof Dim.Known k) {
                a.add(k.value());
            } else if (d instanceof Dim.Symbolic s) {
                a.add(s.name());
            } else {
                a.addNull();
            }
        }
        return a;
    }

    /**
     * {"name":…, "dtype":…, "shape":[…]}.
     *
     * @param name the tensor's name
     * @param t    its type, or null when unknown
     * @return the object
     */
    public static ObjectNode tensor(String name, TensorType t) {
        ObjectNode o = object();
        o.put("name", name);
        o.put("dtype", t == null ? null : t.dtype().displayName());
        o.set("shape", shape(t));
        return o;
    }

    /**
     * A tree as indented JSON text with a trailing newline.
     *
     * @param node a JSON tree (or any value the mapper can write)
     * @return the text
     */
    public static String pretty(Object node) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    }
}
