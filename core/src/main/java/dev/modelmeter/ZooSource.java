package dev.modelmeter;

import dev.modelmeter.graph.Model;
import dev.modelmeter.zoo.Zoo;

/** Resolves {@code zoo:NAME} sources: the eval-mode model of the built-in zoo. */
final class ZooSource {
    private ZooSource() {
    }

    static Model build(String name) {
        return Zoo.build(name);
    }

    static Model buildForTraining(String name) {
        return Zoo.network(name, true).build();
    }
}
