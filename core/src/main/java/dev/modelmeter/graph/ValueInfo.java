package dev.modelmeter.graph;

/** A named value with its declared type; {@code type} is null when the file declares none. */
public record ValueInfo(String name, ValueType type) {
}
