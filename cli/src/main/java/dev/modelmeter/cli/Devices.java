package dev.modelmeter.cli;

import dev.modelmeter.analysis.memory.Device;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --gpu} (a catalogue name or a size) and {@code --reserve} sizes. */
final class Devices {

    private static final Pattern SIZE = Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(gib|gb|mib|mb|g|m)?\\s*");

    private Devices() {
    }

    /** {@code rtx4090}, {@code a100-80gb}, or a size: {@code 24GiB}, {@code 24GB} (10⁹), {@code 16384MiB}. */
    static Device parse(String gpu, String reserve) {
        Device device = SIZE.matcher(gpu).matches() ? Device.ofMemory(bytes(gpu)) : Device.named(gpu);
        return reserve == null ? device : device.withReserve(bytes(reserve));
    }

    /** Bytes of a size: GiB/MiB are 1024-based, GB/MB 1000-based, a bare number is GiB. */
    static long bytes(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new UsageException("not a size: '" + text + "' (try 24GiB, 24GB or 512MiB)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "gib" : m.group(2).toLowerCase(Locale.ROOT);
        double factor = switch (unit) {
            case "gib", "g" -> 1024.0 * 1024 * 1024;
            case "gb" -> 1e9;
            case "mib", "m" -> 1024.0 * 1024;
            case "mb" -> 1e6;
            default -> throw new UsageException("unknown unit in '" + text + "'");
        };
        double bytes = v * factor;
        if (bytes >= 0x1p63) {
            throw new UsageException("size '" + text + "' is more bytes than can be counted");
        }
        return (long) bytes;
    }
}
