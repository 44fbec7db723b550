package dev.modelmeter.onnx;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.ValueInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks what a parsed model claims about itself where a claim cannot be true: external data at a
 * negative offset or length, or past the end of any file a 64-bit offset can address, or past the end
 * of the data file itself (found by its size alone: the file is never opened, and only looked at when
 * it lies in the model's own directory tree), a stated length that disagrees with the tensor's dims,
 * and a graph output listed twice. Each is a {@link ModelMeterException} with its reason.
 */
final class ClaimsCheck {

    private ClaimsCheck() {
    }

    static void check(Path modelFile, Graph graph) {
        for (TensorData t : graph.initializers()) {
            if (t.location() != null && t.location().isExternal()) {
                checkExternal(modelFile, t);
            }
        }
        Set<String> seen = new HashSet<>();
        for (ValueInfo out : graph.outputs()) {
            if (!seen.add(out.name())) {
                // the memory of an output would be counted once per listing
                throw new ModelMeterException("graph output '" + out.name() + "' is listed twice (ONNX names each output once)");
            }
        }
    }

    private static void checkExternal(Path modelFile, TensorData t) {
        TensorData.PayloadLocation at = t.location();
        String where = "tensor '" + t.name() + "': external data";
        if (at.offset() < 0) {
            throw new ModelMeterException(where + " offset " + at.offset() + " is negative");
        }
        if (at.length() < -1) {
            throw new ModelMeterException(where + " length " + at.length() + " is negative");
        }
        long length = at.length();
        if (length >= 0 && t.dtype() != DType.STRING && t.dtype() != DType.UNDEFINED) {
            long bytes = t.bytes(); // the dims were checked countable when read
            if (bytes != length) {
                throw new ModelMeterException(where + " length " + length + " disagrees with its dims "
                        + t.dims() + " of " + t.dtype().displayName() + " (" + bytes + " bytes)");
            }
        }
        boolean sized = t.dtype() != DType.STRING && t.dtype() != DType.UNDEFINED;
        long payload = length >= 0 ? length : sized ? t.bytes() : 0;
        long end = at.offset() + payload;
        if (end < 0) {
            throw new ModelMeterException(where + " at offset " + at.offset() + ", " + payload
                    + " bytes, ends past the largest file a 64-bit offset can address");
        }
        Path data = dataFile(modelFile, at.externalFile());
        if (data == null) {
            return;
        }
        long size;
        try {
            size = Files.size(data); // a stat: the file is not opened
        } catch (IOException e) {
            return;
        }
        if (end > size) {
            throw new ModelMeterException(where + " at offset " + at.offset() + ", " + payload + " bytes, lies past the end of "
                    + at.externalFile() + " (" + size + " bytes)");
        }
    }

    /** The data file, when it exists and lies under the model's directory; else null (not looked at). */
    private static Path dataFile(Path modelFile, String location) {
        if (location == null || location.isEmpty()) {
            return null;
        }
        try {
            Path dir = modelFile.toAbsolutePath().normalize().getParent();
            if (dir == null) {
                return null;
            }
            Path data = dir.resolve(location).normalize();
            if (!data.startsWith(dir) || !Files.isRegularFile(data, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            return data;
        } catch (InvalidPathException | SecurityException e) {
            return null;
        }
    }
}
