package dev.modelmeter.hf;

import dev.modelmeter.ModelMeterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Hugging Face model on disk: its {@code config.json} and, when present, the headers of its
 * safetensors weights (one {@code model.safetensors}, or the shards a
 * {@code model.safetensors.index.json} names). Only headers are read.
 *
 * @param config the config
 * @param shards the safetensors headers, in shard order (empty when the folder has no weights)
 */
public record HfCheckpoint(HfConfig config, List<SafetensorsHeader> shards) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Copies the list.
     *
     * @param config see the record
     * @param shards see the record
     */
    public HfCheckpoint {
        shards = List.copyOf(shards);
    }

    /**
     * Whether {@code source} names a Hugging Face model rather than an ONNX file: a folder holding
     * {@code config.json}, a {@code .json} file, or a {@code .safetensors} file.
     *
     * @param source the MODEL argument
     * @return true for a Hugging Face source
     */
    public static boolean isHfSource(String source) {
        Path p = Path.of(source);
        if (Files.isDirectory(p)) {
            return Files.isRegularFile(p.resolve("config.json"));
        }
        String n = p.getFileName() == null ? "" : p.getFileName().toString();
        return n.endsWith(".json") || n.endsWith(".safetensors");
    }

    /**
     * Opens a folder holding config.json, config.json itself, a .safetensors file or a
     * {@code *.safetensors.index.json} beside a config.json.
     *
     * @param source the path
     * @return the checkpoint
     * @throws ModelMeterException naming the path when no config.json is found or a header is bad
     */
    public static HfCheckpoint open(Path source) {
        if (!Files.exists(source)) {
            throw new ModelMeterException(source + ": no such file or folder");
        }
        Path folder = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
        String name = Files.isDirectory(source) ? "" : source.getFileName().toString();
        Path configFile = name.endsWith(".json") && !name.endsWith(".index.json") ? source : folder.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelMeterException(source + ": no config.json beside it (a Hugging Face model needs its config)");
        }
        HfConfig config = HfConfig.read(configFile);
        List<Path> files;
        if (name.endsWith(".safetensors")) {
            files = List.of(source);
        } else if (name.endsWith(".index.json")) {
            files = shardsOf(source);
        } else {
            files = weightsIn(folder);
        }
        List<SafetensorsHeader> headers = new ArrayList<>();
        for (Path f : files) {
            headers.add(SafetensorsHeader.read(f));
        }
        return new HfCheckpoint(config, headers);
    }

    /** The weights a folder holds: its index's shards, else model.safetensors, else none. */
    private static List<Path> weightsIn(Path folder) {
        Path index = folder.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            return shardsOf(index);
        }
        Path single = folder.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new ModelMeterException(folder + ": cannot list (" + e.getMessage() + ")", e);
        }
    }

    /** The distinct shard files of an index's {@code weight_map}, in name order. */
    static List<Path> shardsOf(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(index));
        } catch (JacksonException e) {
            throw new ModelMeterException(index + ": not a JSON index (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelMeterException(index + ": cannot read (" + e.getMessage() + ")", e);
        }
        JsonNode map = root.path("weight_map");
        if (!map.isObject()) {
            throw new ModelMeterException(index + ": no weight_map (not a safetensors index)");
        }
        Set<String> shards = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            shards.add(e.getValue().asString());
        }
        Path dir = index.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        for (String s : new java.util.TreeSet<>(shards)) {
            Path p = dir.resolve(s);
            if (!Files.isRegularFile(p)) {
                throw new ModelMeterException(index + ": shard " + s + " is missing");
            }
            out.add(p);
        }
        return out;
    }

    /**
     * Every tensor of every shard.
     *
     * @return the tensors
     */
    public List<SafetensorsHeader.Tensor> tensors() {
        List<SafetensorsHeader.Tensor> all = new ArrayList<>();
        for (SafetensorsHeader h : shards) {
            all.addAll(h.tensors());
        }
        return all;
    }

    /**
     * Stored bytes per safetensors dtype over all shards (what loading the checkpoint as stored puts in
     * memory: packed 4-bit GPTQ/AWQ tensors count their I32 words, scales and zeros).
     *
     * @return bytes by dtype, in name order
     */
    public Map<String, Long> bytesByDtype() {
        Map<String, Long> out = new TreeMap<>();
        for (SafetensorsHeader.Tensor t : tensors()) {
            out.merge(t.dtype(), t.bytes(), Long::sum);
        }
        return out;
    }
}
