package dev.modelmeter.testing;

import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.graph.Shape;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A fixture folder of ../shared/fixtures and its truth.json, measured in PyTorch. */
public record Truth(String name, Path dir, JsonNode json) {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    /** Every fixture with a truth.json, sorted by name. */
    public static List<Truth> all() {
        Path root = SharedData.path("fixtures");
        List<Truth> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                Path t = d.resolve("truth.json");
                if (Files.isRegularFile(t)) {
                    out.add(new Truth(d.getFileName().toString(), d, MAPPER.readTree(t.toFile())));
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    public static Truth of(String name) {
        return all().stream().filter(t -> t.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no fixture " + name));
    }

    public Path file(String fileName) {
        return dir.resolve(fileName);
    }

    /** The inputs as truth's input_spec gives them, with the batch replaced when {@code batch} is not null. */
    public AnalysisOptions options(Integer batch) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (JsonNode spec : json.get("input_spec")) {
            List<Long> dims = new ArrayList<>();
            spec.get("shape").forEach(d -> dims.add(d.asLong()));
            if (batch != null) {
                dims.set(0, (long) batch);
            }
            shapes.put(spec.get("name").asString(), Shape.of(dims));
        }
        return new AnalysisOptions(null, shapes, false, null);
    }

    /** The MACs truth counts, attention products included where PyTorch's CPU counter missed them. */
    public long macs() {
        JsonNode m = json.get("macs");
        JsonNode withSdpa = m.get("total_macs_including_cpu_sdpa");
        return withSdpa != null && !withSdpa.isNull() ? withSdpa.asLong() : m.get("total_macs").asLong();
    }

    public JsonNode at(String dottedPath) {
        JsonNode n = json;
        for (String k : dottedPath.split("\\.")) {
            n = n == null ? null : n.get(k);
        }
        return n;
    }
}
