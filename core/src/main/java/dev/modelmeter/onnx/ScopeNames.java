package dev.modelmeter.onnx;

import dev.modelmeter.graph.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recovers a node's PyTorch module path ({@code layer1.0.conv1}) from what the exporters leave:
 * <ul>
 *   <li>the dynamo exporter writes {@code pkg.torch.onnx.name_scopes} metadata, a Python list literal
 *       of the qualified module names from the root down followed by the FX node name:
 *       {@code ['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'convolution']};</li>
 *   <li>the legacy TorchScript exporter names nodes {@code /layer1/layer1.0/conv1/Conv}: one segment per
 *       module, then the op. A child of a Sequential or ModuleList is written with its parent's
 *       attribute name ({@code layer1.0} under {@code layer1}, {@code layer.0} under {@code encoder}),
 *       so a segment that already starts with the previous segment replaces it.</li>
 * </ul>
 * Anything else (names like {@code Conv_0}) has no recoverable scope: the empty string.
 *
 * <p>One correction: the dynamo exporter's optimiser folds an eval-mode BatchNorm into the preceding
 * Conv, and the surviving Conv node carries the BatchNorm's metadata ({@code bn1}). Its weight
 * initializer still has the convolution's parameter name ({@code conv1.weight}), so for a Conv whose
 * metadata says the innermost module is a BatchNorm, the scope comes from that name.
 */
final class ScopeNames {

    /** The dynamo exporter's metadata key for the module stack of a node. */
    public static final String NAME_SCOPES_KEY = "pkg.torch.onnx.name_scopes";
    /** The dynamo exporter's metadata key for the classes of that module stack. */
    public static final String CLASS_HIERARCHY_KEY = "pkg.torch.onnx.class_hierarchy";

    private ScopeNames() {
    }

    /** The module path of a node, or "" when none can be told. */
    static String of(String nodeName, String opType, List<String> inputs, Map<String, String> metadata) {
        String scopes = metadata.get(NAME_SCOPES_KEY);
        if (scopes != null) {
            if (isFoldedBatchNorm(opType, inputs, metadata)) {
                String weight = inputs.get(1);
                return weight.substring(0, weight.length() - ".weight".length());
            }
            return fromNameScopes(scopes);
        }
        return canonicalFromParameters(fromLegacyName(nodeName == null ? "" : nodeName), inputs);
    }

    /**
     * The legacy exporter writes each module as the tail of its qualified name, so a module registered
     * under two names ({@code layer1} and {@code conv.0}) shows up under the path it was called through
     * ({@code conv/layer1/layer1.0}); the parameter names it writes are PyTorch's first-registered ones
     * ({@code layer1.0.weight}). When the path ends with the module a parameter input belongs to, that
     * module's full name is the canonical scope. A path that does not end with it (a tied weight used by
     * another module) is left alone.
     */
    private static String canonicalFromParameters(String path, List<String> inputs) {
        if (path.isEmpty()) {
            return path;
        }
        for (int i = 1; i < inputs.size(); i++) {
            String module = parameterModule(inputs.get(i));
            if (module != null && !module.equals(path) && path.endsWith("." + module)) {
                return module;
            }
        }
        return path;
    }

    private static String parameterModule(String input) {
        for (String suffix : new String[] {".weight", ".bias"}) {
            if (input.endsWith(suffix) && input.length() > suffix.length()) {
                return input.substring(0, input.length() - suffix.length());
            }
        }
        return null;
    }

    private static boolean isFoldedBatchNorm(String opType, List<String> inputs, Map<String, String> metadata) {
        if (!(opType.equals("Conv") || opType.equals("ConvTranspose")) || inputs.size() < 2
                || !inputs.get(1).endsWith(".weight") || inputs.get(1).length() <= ".weight".length()) {
            return false;
        }
        List<String> classes = parseStringList(metadata.getOrDefault(CLASS_HIERARCHY_KEY, ""));
        // the last entry is the ATen op, the one before it the innermost module's class
        return classes.size() >= 2 && classes.get(classes.size() - 2).contains("BatchNorm");
    }

    /**
     * Corrections that need the whole graph, for nodes named by the legacy exporter (no name_scopes
     * metadata):
     * <ol>
     *   <li>aliases: where a parameter showed that path {@code conv.layer1.0} is module {@code layer1.0}
     *       (see {@link #of}), every other path under {@code conv.layer1} is renamed the same way, so the
     *       parameter-free ReLU {@code conv.layer1.2} becomes {@code layer1.2};</li>
     *   <li>repeated calls: the exporter names the second and later calls of one module {@code relu_1},
     *       {@code relu_2}; such a scope becomes {@code relu} when {@code relu} is itself a scope in the
     *       graph and no parameter belongs to {@code relu_1} (a real module of that name would own them
     *       or not be called alongside its namesake).</li>
     * </ol>
     */
    static List<Node> refine(List<Node> nodes, Set<String> initializerNames) {
        Map<String, String> aliases = new HashMap<>();
        for (Node n : nodes) {
            if (n.metadata().containsKey(NAME_SCOPES_KEY)) {
                continue;
            }
            String path = fromLegacyName(n.name());
            String scope = n.scope();
            if (!scope.isEmpty() && !scope.equals(path) && path.endsWith("." + scope)) {
                String first = scope.split("\\.")[0];
                String outer = path.substring(0, path.length() - scope.length() - 1);
                aliases.put(outer + "." + first, first);
            }
        }
        Set<String> scopes = new HashSet<>();
        List<Node> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            Node m = n;
            if (!aliases.isEmpty() && !n.metadata().containsKey(NAME_SCOPES_KEY)) {
                m = n.withScope(unalias(n.scope(), aliases));
            }
            scopes.add(m.scope());
            out.add(m);
        }
        for (int i = 0; i < out.size(); i++) {
            Node n = out.get(i);
            if (n.metadata().containsKey(NAME_SCOPES_KEY)) {
                continue;
            }
            Matcher repeat = REPEATED_CALL.matcher(n.scope());
            if (repeat.matches() && scopes.contains(repeat.group(1)) && !ownsParameters(n.scope(), initializerNames)) {
                out.set(i, n.withScope(repeat.group(1)));
            }
        }
        return out;
    }

    /** A last path segment with a call counter: {@code layer1.0.relu_2} → group 1 {@code layer1.0.relu}. */
    private static final Pattern REPEATED_CALL = Pattern.compile("(.*[^.])_[0-9]+");

    private static String unalias(String scope, Map<String, String> aliases) {
        for (Map.Entry<String, String> a : aliases.entrySet()) {
            if (scope.equals(a.getKey())) {
                return a.getValue();
            }
            if (scope.startsWith(a.getKey() + ".")) {
                return a.getValue() + scope.substring(a.getKey().length());
            }
        }
        return scope;
    }

    private static boolean ownsParameters(String scope, Set<String> initializerNames) {
        String prefix = scope + ".";
        for (String name : initializerNames) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code ['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'convolution']} → {@code layer1.0.conv1}. */
    static String fromNameScopes(String literal) {
        List<String> items = parseStringList(literal);
        if (items.size() < 2) {
            return "";
        }
        // the last item is the FX node (the op), the others are modules from the root down
        return joinSegments(items.subList(0, items.size() - 1));
    }

    /** {@code /layer1/layer1.0/conv1/Conv} → {@code layer1.0.conv1}; no slash → "". */
    static String fromLegacyName(String name) {
        int last = name.lastIndexOf('/');
        if (!name.startsWith("/") || last <= 0) {
            return "";
        }
        List<String> segments = new ArrayList<>();
        for (String s : name.substring(0, last).split("/")) {
            segments.add(s);
        }
        return joinSegments(segments);
    }

    /**
     * Joins module segments into a dotted path. A segment that extends the path so far (fully qualified,
     * as name_scopes writes them) replaces it; one that extends the previous segment ({@code layer1.0}
     * after {@code layer1}) replaces that segment; any other is appended.
     */
    private static String joinSegments(List<String> segments) {
        String path = "";
        String previous = "";
        for (String s : segments) {
            if (s.isEmpty()) {
                continue;
            }
            if (!path.isEmpty() && s.startsWith(path + ".")) {
                path = s;
            } else if (!previous.isEmpty() && s.startsWith(previous + ".") && path.endsWith(previous)) {
                path = path.substring(0, path.length() - previous.length()) + s;
            } else {
                path = path.isEmpty() ? s : path + "." + s;
            }
            previous = s;
        }
        return path;
    }

    /** The strings of a Python list literal of quoted strings; unparseable text gives what was read. */
    static List<String> parseStringList(String literal) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = literal.length();
        while (i < n) {
            char c = literal.charAt(i);
            if (c == '\'' || c == '"') {
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                while (j < n && literal.charAt(j) != c) {
                    if (literal.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    sb.append(literal.charAt(j));
                    j++;
                }
                out.add(sb.toString());
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
