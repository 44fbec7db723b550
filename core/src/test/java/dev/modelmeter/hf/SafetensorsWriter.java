package dev.modelmeter.hf;

import dev.modelmeter.dsl.Network;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.TensorData;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files for tests: a real header (8-byte little-endian length, JSON) and a payload
 * that is a hole — the file is extended with {@code setLength}, so a 70B checkpoint costs a few hundred
 * kilobytes of disk.
 */
final class SafetensorsWriter {

    private SafetensorsWriter() {
    }

    /** One tensor to write. */
    record Entry(String name, String dtype, List<Long> shape, long bytesPerElement) {
        long bytes() {
            long n = bytesPerElement;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** The parameters of a built network as F16/BF16 entries, in order. */
    static List<Entry> parametersOf(Network net, String dtype) {
        List<Entry> out = new ArrayList<>();
        Map<String, InitializerRole> roles = net.initializerRoles();
        for (TensorData t : net.build().graph().initializers()) {
            if (roles.get(t.name()) == InitializerRole.PARAMETER) {
                out.add(new Entry(t.name(), dtype, t.dims(), 2));
            }
        }
        return out;
    }

    /** Writes one sparse .safetensors file; returns the header bytes written (without the 8-byte length). */
    static long write(Path file, List<Entry> entries) throws IOException {
        StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Entry e : entries) {
            json.append(",\"").append(e.name()).append("\":{\"dtype\":\"").append(e.dtype()).append("\",\"shape\":")
                    .append(e.shape().toString().replace(" ", "")).append(",\"data_offsets\":[").append(offset)
                    .append(',').append(offset + e.bytes()).append("]}");
            offset += e.bytes();
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            f.write(header);
            f.setLength(8 + header.length + offset); // the payload: a hole
        }
        return header.length;
    }

    /** Splits entries into {@code shards} files with an index, as save_pretrained does; returns header bytes. */
    static long writeSharded(Path dir, List<Entry> entries, int shards) throws IOException {
        Map<String, String> weightMap = new LinkedHashMap<>();
        long headerBytes = 0;
        int per = (entries.size() + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
            List<Entry> part = entries.subList(s * per, Math.min(entries.size(), (s + 1) * per));
            headerBytes += write(dir.resolve(name), part);
            for (Entry e : part) {
                weightMap.put(e.name(), name);
            }
        }
        StringBuilder index = new StringBuilder("{\"metadata\":{\"total_size\":0},\"weight_map\":{");
        boolean first = true;
        for (var e : weightMap.entrySet()) {
            index.append(first ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(e.getValue())
                    .append('"');
            first = false;
        }
        index.append("}}");
        Files.writeString(dir.resolve("model.safetensors.index.json"), index);
        return headerBytes;
    }
}
