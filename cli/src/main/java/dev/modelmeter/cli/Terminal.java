package dev.modelmeter.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** What the CLI knows of the terminal it prints to. */
final class Terminal {

    /** Width assumed for a terminal whose size cannot be read. */
    static final int FALLBACK = 120;

    private Terminal() {
    }

    /**
     * The width tables must fit: {@code $COLUMNS} when the shell exports it; else, when printing to a
     * terminal, its width as {@code stty} reports it (120 when it cannot); else 0 — no limit, so output
     * piped to a file or another program keeps every character.
     */
    static int columns() {
        String c = System.getenv("COLUMNS");
        if (c != null) {
            try {
                return Math.max(0, Integer.parseInt(c.strip()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        if (System.console() == null) {
            return 0;
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
            if (!p.waitFor(1, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return FALLBACK;
            }
            String[] size = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip().split("\\s+");
            return size.length == 2 ? Integer.parseInt(size[1]) : FALLBACK;
        } catch (IOException | NumberFormatException e) {
            return FALLBACK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FALLBACK;
        }
    }
}
