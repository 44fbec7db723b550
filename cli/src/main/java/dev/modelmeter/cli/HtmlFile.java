package dev.modelmeter.cli;

import dev.modelmeter.ModelMeterException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the {@code --html FILE} report (UTF-8, as its meta charset says). */
final class HtmlFile {

    private HtmlFile() {
    }

    static void write(Path file, String html) {
        try {
            Files.writeString(file, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelMeterException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
