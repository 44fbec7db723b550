package dev.modelmeter.dsl;

/**
 * {@code torch.nn.Sequential}: children called in order, each on the previous one's output. Children
 * added without a name are numbered like torch's ("0", "1", …, counting every child).
 */
public class Sequential extends Module {

    /**
     * A sequence of the given children, named "0", "1", ….
     *
     * @param modules the children, in order
     */
    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends a child named by its position; returns this sequence.
     *
     * @param module the child
     * @return the result
     */
    public Sequential add(Module module) {
        register(Integer.toString(children().size()), module);
        return this;
    }

    /**
     * Appends a child under an explicit name; returns this sequence.
     *
     * @param name the child name
     * @param module the child
     * @return the result
     */
    public Sequential add(String name, Module module) {
        register(name, module);
        return this;
    }

    /** Runs the children in order. */
    @Override
    protected Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module m : children().values()) {
            y = m.apply(y);
        }
        return y;
    }
}
