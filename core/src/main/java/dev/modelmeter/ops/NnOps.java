package dev.modelmeter.ops;

/** Operator family: see the class name. */
public final class NnOps implements OpFamily {
    @Override
    public void register(OpRegistry registry) {
    }
}
