package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A building block, as {@code torch.nn.Module}: it owns named child modules and named parameters or
 * buffers, registered in its constructor, and its {@link #forward} emits ONNX nodes for one call.
 * A module's path ({@code layer1.0.conv1}) is the chain of names from the network's root, known once
 * the root is given to {@link Network#root}; nodes emitted during a call carry that path as their scope,
 * and its parameters become initializers named {@code <path>.<name>}.
 *
 * <p>Single-input modules override {@link #forward(Tensor)}; modules with several inputs or outputs
 * override {@link #forwardAll(List)}.
 */
public abstract class Module {

    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();

    /** A module with no children and no parameters yet. */
    protected Module() {
    }

    /**
     * Registers a child under {@code name} (unique within this module) and returns it.
     *
     * @param <M> the module type
     * @param name the name, unique in this module, without dots
     * @param child the child module
     * @return the registered module or tensor
     */
    protected <M extends Module> M register(String name, M child) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new ModelMeterException("module name '" + name + "' must be non-empty and contain no '.'");
        }
        if (children.putIfAbsent(name, child) != null || parameters.containsKey(name)) {
            throw new ModelMeterException("'" + name + "' is registered twice in " + typeName());
        }
        return child;
    }

    /**
     * Registers a tensor (a new one, or another module's for tied weights) under {@code name}; returns it.
     *
     * @param name the name, unique in this module, without dots
     * @param tensor the tensor (shared when another module registers it too)
     * @return the registered module or tensor
     */
    protected Parameter register(String name, Parameter tensor) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new ModelMeterException("parameter name '" + name + "' must be non-empty and contain no '.'");
        }
        if (parameters.putIfAbsent(name, tensor) != null || children.containsKey(name)) {
            throw new ModelMeterException("'" + name + "' is registered twice in " + typeName());
        }
        return tensor;
    }

    /**
     * Registers a new float32 trainable parameter with the given dims; returns it.
     *
     * @param name the name, unique in this module, without dots
     * @param dims the sizes
     * @return the new parameter
     */
    protected Parameter parameter(String name, long... dims) {
        return register(name, Parameter.of(dims));
    }

    /**
     * Registers a new buffer with the given element type and dims; returns it.
     *
     * @param name the name, unique in this module, without dots
     * @param dtype the element type
     * @param dims the sizes
     * @return the new buffer
     */
    protected Parameter buffer(String name, DType dtype, long... dims) {
        return register(name, Parameter.buffer(dtype, dims));
    }

    /**
     * Replaces a registered tensor by another (used to tie weights after construction).
     *
     * @param name the name, unique in this module, without dots
     * @param tensor the tensor (shared when another module registers it too)
     */
    protected void replace(String name, Parameter tensor) {
        if (!parameters.containsKey(name)) {
            throw new ModelMeterException(typeName() + " has no parameter '" + name + "'");
        }
        parameters.put(name, tensor);
    }

    /**
     * The child modules in registration order.
     *
     * @return the children by name
     */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * This module's own parameters and buffers (not its children's) in registration order.
     *
     * @return the parameters and buffers by name
     */
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * The class name PyTorch prints for this module; by default the Java class's simple name.
     *
     * @return the class name
     */
    public String typeName() {
        return getClass().getSimpleName();
    }

    /**
     * Calls the module on one or more inputs and returns its first output.
     *
     * @param inputs the inputs, in order
     * @return the first output
     */
    public final Tensor apply(Tensor... inputs) {
        return applyAll(List.of(inputs)).get(0);
    }

    /**
     * Calls the module: enters its scope, emits its nodes, records the call (see
     * {@link Network#calls()}) and returns its outputs.
     *
     * @param inputs the inputs, in order
     * @return the outputs
     */
    public final List<Tensor> applyAll(List<Tensor> inputs) {
        if (inputs.isEmpty()) {
            throw new ModelMeterException(typeName() + " called without inputs");
        }
        Network net = inputs.get(0).network();
        net.enter(this);
        List<Tensor> outputs;
        try {
            outputs = List.copyOf(forwardAll(inputs));
        } finally {
            net.exit(this);
        }
        net.recordCall(this, outputs);
        return outputs;
    }

    /**
     * Emits this module's nodes for a call with several inputs; by default one input, one output.
     *
     * @param inputs the inputs, in order
     * @return the outputs
     */
    protected List<Tensor> forwardAll(List<Tensor> inputs) {
        if (inputs.size() != 1) {
            throw new ModelMeterException(typeName() + " takes 1 input, got " + inputs.size());
        }
        return List.of(forward(inputs.get(0)));
    }

    /**
     * Emits this module's nodes for a call on one input and returns its output.
     *
     * @param x the input
     * @return the output
     */
    protected Tensor forward(Tensor x) {
        throw new ModelMeterException(typeName() + " does not take a single input");
    }

    /**
     * The tensor of one of this module's registered parameters, in the network {@code like} belongs to.
     *
     * @param like any tensor of the network being built
     * @param parameterName the registered name
     * @return the tensor
     */
    protected Tensor tensor(Tensor like, String parameterName) {
        Parameter p = parameters.get(parameterName);
        if (p == null) {
            throw new ModelMeterException(typeName() + " has no parameter '" + parameterName + "'");
        }
        return like.network().parameter(p);
    }
}
