package dev.modelmeter.zoo;

import dev.modelmeter.dsl.Module;

/**
 * A zoo module reported under the class name of the library it reproduces ({@code BertLayer},
 * {@code GPT2Block}), so summaries read like the PyTorch model's.
 */
abstract class NamedModule extends Module {

    private final String type;

    NamedModule(String type) {
        this.type = type;
    }

    @Override
    public String typeName() {
        return type;
    }
}
