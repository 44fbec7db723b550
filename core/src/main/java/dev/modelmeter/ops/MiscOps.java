package dev.modelmeter.ops;

/** Operator family: see the class name. */
public final class MiscOps implements OpFamily {
    @Override
    public void register(OpRegistry registry) {
    }
}
