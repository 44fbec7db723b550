package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.nn.ModuleList}: children named "0", "1", … that the parent calls itself. Calling the
 * list directly is an error, as in torch.
 */
public class ModuleList extends Module {

    /**
     * A list of the given children.
     *
     * @param modules the children, in order
     */
    public ModuleList(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends a child; returns this list.
     *
     * @param module the child
     * @return the result
     */
    public ModuleList add(Module module) {
        register(Integer.toString(children().size()), module);
        return this;
    }

    /**
     * The i-th child.
     *
     * @param i the position
     * @return the child
     */
    public Module get(int i) {
        if (i < 0 || i >= children().size()) {
            throw new ModelMeterException("ModuleList index " + i + " out of range for " + children().size()
                    + " modules");
        }
        return new ArrayList<>(children().values()).get(i);
    }

    /**
     * The children in order.
     *
     * @return the children
     */
    public List<Module> modules() {
        return List.copyOf(children().values());
    }

    /** A ModuleList is not callable. */
    @Override
    protected Tensor forward(Tensor x) {
        throw new ModelMeterException("ModuleList is not callable; call its children");
    }
}
