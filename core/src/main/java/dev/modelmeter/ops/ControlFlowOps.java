package dev.modelmeter.ops;

/** Operator family: see the class name. */
public final class ControlFlowOps implements OpFamily {
    @Override
    public void register(OpRegistry registry) {
    }
}
