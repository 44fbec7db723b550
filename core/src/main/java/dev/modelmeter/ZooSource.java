package dev.modelmeter;

import dev.modelmeter.graph.Model;

/** Resolves {@code zoo:NAME} sources (the zoo is wired in when it lands). */
final class ZooSource {
    private ZooSource() {
    }

    static Model build(String name) {
        throw new ModelMeterException("zoo:" + name + ": the model zoo is not available in this build");
    }
}
