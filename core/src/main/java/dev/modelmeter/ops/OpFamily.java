package dev.modelmeter.ops;

/** A group of related operators (math, tensor, nn…) that registers its {@link OpDef}s. */
public interface OpFamily {
    /**
     * Adds this family's operators.
     *
     * @param registry where they go; registering one twice fails
     */
    void register(OpRegistry registry);
}
