package dev.modelmeter.ops;

/** A group of related operators (math, tensor, nn…) that registers its {@link OpDef}s. */
public interface OpFamily {
    void register(OpRegistry registry);
}
