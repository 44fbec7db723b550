package dev.modelmeter.hf;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;
import dev.modelmeter.ModelMeterException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of one {@code .safetensors} file: the 8-byte little-endian header length, then that many
 * bytes of JSON mapping each tensor name to its {@code dtype}, {@code shape} and {@code data_offsets}
 * (relative to the end of the header). Only those bytes are read; a payload is never touched, so a
 * shard whose payload is absent (a sparse or truncated file) reads the same.
 *
 * @param file    the file read
 * @param tensors every tensor in header order
 * @param metadata the optional {@code __metadata__} string map (e.g. {@code format: pt})
 */
public record SafetensorsHeader(Path file, List<Tensor> tensors, Map<String, String> metadata) {

    /** Largest header we accept (the format's reference implementation refuses above 100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One tensor's entry.
     *
     * @param name  the tensor name
     * @param dtype the safetensors dtype (F32, F16, BF16, I8, U8, F8_E4M3, I32 for GPTQ/AWQ packed 4-bit, ...)
     * @param shape the sizes
     * @param begin first payload byte, relative to the end of the header
     * @param end   one past the last payload byte
     */
    public record Tensor(String name, String dtype, List<Long> shape, long begin, long end) {

        /**
         * Copies the shape.
         *
         * @param name see the record
         * @param dtype see the record
         * @param shape see the record
         * @param begin see the record
         * @param end see the record
         */
        public Tensor {
            shape = List.copyOf(shape);
        }

        /**
         * Number of elements (product of the shape; 1 for a scalar).
         *
         * @return the element count
         */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        /**
         * Payload bytes as the header places them ({@code end - begin}).
         *
         * @return the byte count
         */
        public long bytes() {
            return end - begin;
        }
    }

    /**
     * Copies the lists.
     *
     * @param file see the record
     * @param tensors see the record
     * @param metadata see the record
     */
    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Reads the header of {@code file}: 8 + N bytes, whatever the file's size.
     *
     * @param file a .safetensors file
     * @return its header
     * @throws ModelMeterException naming the file when it is not a readable safetensors header
     */
    public static SafetensorsHeader read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0, file);
            long n = len.flip().getLong();
            if (n <= 1 || n > MAX_HEADER_BYTES || n > ch.size() - 8) {
                throw new ModelMeterException(file + ": not a safetensors file (header length " + n + " for a file of "
                        + ch.size() + " bytes)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8, file);
            return parse(file, header.array());
        } catch (IOException e) {
            throw new ModelMeterException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new ModelMeterException(file + ": not a safetensors file (ends inside its header)");
            }
            pos += r;
        }
    }

    /** Parses the JSON header with Jackson's streaming parser (no tree for a header of thousands of entries). */
    static SafetensorsHeader parse(Path file, byte[] json) {
        List<Tensor> tensors = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, file, "the header");
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                expect(p.nextToken(), JsonToken.START_OBJECT, file, name);
                if (name.equals("__metadata__")) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String k = p.currentName();
                        p.nextToken();
                        meta.put(k, p.getValueAsString());
                    }
                    continue;
                }
                tensors.add(tensor(p, file, name));
            }
        } catch (JacksonException e) {
            throw new ModelMeterException(file + ": safetensors header is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        return new SafetensorsHeader(file, tensors, meta);
    }

    private static Tensor tensor(JsonParser p, Path file, String name) {
        String dtype = null;
        List<Long> shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String k = p.currentName();
            JsonToken t = p.nextToken();
            switch (k) {
                case "dtype" -> dtype = p.getValueAsString();
                case "shape" -> shape = longs(p, t, file, name);
                case "data_offsets" -> {
                    List<Long> o = longs(p, t, file, name);
                    if (o.size() != 2 || o.get(0) > o.get(1) || o.get(0) < 0) {
                        throw new ModelMeterException(file + ": tensor " + name + " has data_offsets " + o);
                    }
                    offsets = new long[] {o.get(0), o.get(1)};
                }
                default -> p.skipChildren();
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            throw new ModelMeterException(file + ": tensor " + name + " lacks dtype, shape or data_offsets");
        }
        return new Tensor(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static List<Long> longs(JsonParser p, JsonToken t, Path file, String name) {
        expect(t, JsonToken.START_ARRAY, file, name);
        List<Long> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
            long v = p.getLongValue();
            if (v < 0) {
                throw new ModelMeterException(file + ": tensor " + name + " has a negative size or offset");
            }
            out.add(v);
        }
        expect(p.currentToken(), JsonToken.END_ARRAY, file, name);
        return out;
    }

    private static void expect(JsonToken got, JsonToken want, Path file, String where) {
        if (got != want) {
            throw new ModelMeterException(file + ": safetensors header malformed at " + where + " (expected " + want
                    + ", found " + got + ")");
        }
    }
}
