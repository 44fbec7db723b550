package dev.modelmeter.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
public final class ScopeNames {

    /** The dynamo exporter's metadata key for the module stack of a node. */
    public static final String NAME_SCOPES_KEY = "pkg.torch.onnx.name_scopes";
    /** The dynamo exporter's metadata key for the classes of that module stack. */
    public static final String CLASS_HIERARCHY_KEY = "pkg.torch.onnx.class_hierarchy";

    private ScopeNames() {
    }

    /** The module path of a node, or "" when none can be told. */
    public static String of(String nodeName, String opType, List<String> inputs, Map<String, String> metadata) {
        String scopes = metadata.get(NAME_SCOPES_KEY);
        if (scopes != null) {
            if (isFoldedBatchNorm(opType, inputs, metadata)) {
                String weight = inputs.get(1);
                return weight.substring(0, weight.length() - ".weight".length());
            }
            return fromNameScopes(scopes);
        }
        return fromLegacyName(nodeName == null ? "" : nodeName);
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
