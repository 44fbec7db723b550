package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Model} the way a PyTorch forward pass runs: declare inputs, give the root module,
 * call it on the inputs, name the outputs, {@link #build()}. The result is the same IR the ONNX reader
 * produces — ONNX operator types (opset {@value #OPSET}), initializers without payloads, each node's
 * {@code scope} set to the module path that emitted it — so the same operator rules apply.
 *
 * <pre>{@code
 * Network net = new Network("tiny");
 * Tensor x = net.input("input", DType.FLOAT, Network.shape("batch", 3, 32, 32));
 * Sequential model = net.root(new Sequential(new Conv2d(3, 8, 3), new ReLU()));
 * net.output("output", model.apply(x));
 * Model m = net.build();
 * }</pre>
 *
 * <p>The graph is the eval-mode graph unless {@link #training(boolean)} asks for the train-mode one
 * (BatchNormalization with {@code training_mode=1} and three outputs, Dropout with a mask output), like
 * the exporters' eval and train exports.
 */
public final class Network {

    /** The default-domain opset the DSL writes (has Gelu, LayerNormalization, Split with a sizes input). */
    public static final int OPSET = 20;

    /** Node metadata key set to "true" on nodes that PyTorch runs in place (ReLU(inplace=True)). */
    public static final String INPLACE = "modelmeter.inplace";

    /** Node metadata key holding the PyTorch class name of the module that emitted the node. */
    public static final String MODULE_CLASS = "modelmeter.module";

    private final String name;
    private boolean training;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<TensorData> constants = new ArrayList<>();
    private final Map<String, InitializerRole> roles = new LinkedHashMap<>();
    private final Map<String, TensorType> types = new HashMap<>();
    private final Map<String, Integer> usedNames = new HashMap<>();
    private final IdentityHashMap<Module, String> paths = new IdentityHashMap<>();
    private final IdentityHashMap<Parameter, String> parameterNames = new IdentityHashMap<>();
    private final List<Parameter> parameterOrder = new ArrayList<>();
    private final IdentityHashMap<Module, Integer> callCounts = new IdentityHashMap<>();
    private final Deque<Module> stack = new ArrayDeque<>();
    private final List<ModuleCall> calls = new ArrayList<>();
    private Module root;
    private Model built;

    /**
     * A network named {@code name}; the built model's source is {@code dsl:<name>}.
     *
     * @param name the network name
     */
    public Network(String name) {
        this.name = name;
    }

    /**
     * Builds the train-mode graph when true; the default is the eval-mode graph.
     *
     * @param train true for the train-mode graph
     * @return this network
     */
    public Network training(boolean train) {
        if (!nodes.isEmpty()) {
            throw new ModelMeterException("choose the mode before emitting nodes");
        }
        this.training = train;
        return this;
    }

    /**
     * True when the train-mode graph is built.
     *
     * @return true in training mode
     */
    public boolean isTraining() {
        return training;
    }

    /**
     * A shape from sizes and symbol names: {@code shape("batch", 3, 224, 224)} has a symbolic first
     * dimension named {@code batch}. Accepts Integer, Long, String and {@link Dim} elements.
     *
     * @param dims sizes (Integer, Long), symbol names (String) or Dim
     * @return the shape
     */
    public static Shape shape(Object... dims) {
        List<Dim> out = new ArrayList<>();
        for (Object d : dims) {
            if (d instanceof Dim dim) {
                out.add(dim);
            } else if (d instanceof Integer || d instanceof Long) {
                long size = ((Number) d).longValue();
                if (size < 0) {
                    throw new ModelMeterException("negative dimension " + size);
                }
                out.add(Dim.of(size));
            } else if (d instanceof String s) {
                out.add(Dim.symbol(s));
            } else {
                throw new ModelMeterException("not a dimension: " + d);
            }
        }
        return new Shape(out);
    }

    /**
     * Declares a graph input.
     *
     * @param inputName the input name
     * @param dtype the element type
     * @param shape the shape, possibly with symbolic dimensions
     * @return the input
     */
    public Tensor input(String inputName, DType dtype, Shape shape) {
        checkOpen();
        String n = uniqueName(inputName);
        if (!n.equals(inputName)) {
            throw new ModelMeterException("input name '" + inputName + "' is already used");
        }
        TensorType t = new TensorType(dtype, shape);
        inputs.add(new ValueInfo(n, t));
        types.put(n, t);
        return new Tensor(this, n, t);
    }

    /**
     * Declares a graph input of known sizes.
     *
     * @param inputName the input name
     * @param dtype the element type
     * @param sizes the known sizes
     * @return the input
     */
    public Tensor input(String inputName, DType dtype, long... sizes) {
        Object[] dims = new Object[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            dims[i] = sizes[i];
        }
        return input(inputName, dtype, shape(dims));
    }

    /**
     * Makes {@code module} the root: walks its tree like {@code named_modules()} (registration order,
     * each module once under the first path that reaches it) to give every module its path and every
     * parameter its name. Call it once, before calling any module.
     *
     * @param <M> the module type
     * @param module the root module
     * @return the root module
     */
    public <M extends Module> M root(M module) {
        checkOpen();
        if (root != null) {
            throw new ModelMeterException("the network already has a root module");
        }
        root = module;
        assignPaths(module, "");
        return module;
    }

    private void assignPaths(Module module, String path) {
        if (paths.containsKey(module)) {
            return;
        }
        paths.put(module, path);
        for (Map.Entry<String, Parameter> p : module.parameters().entrySet()) {
            if (!parameterNames.containsKey(p.getValue())) {
                String pname = path.isEmpty() ? p.getKey() : path + "." + p.getKey();
                parameterNames.put(p.getValue(), pname);
                parameterOrder.add(p.getValue());
                usedNames.put(pname, 1);
            }
        }
        for (Map.Entry<String, Module> c : module.children().entrySet()) {
            assignPaths(c.getValue(), path.isEmpty() ? c.getKey() : path + "." + c.getKey());
        }
    }

    /**
     * The path of a module under the root; fails for a module the root does not reach.
     *
     * @param module the root module
     * @return the module path
     */
    public String pathOf(Module module) {
        String p = paths.get(module);
        if (p == null) {
            throw new ModelMeterException(module.typeName() + " is not reachable from the network's root module"
                    + (root == null ? " (no root given: call Network.root first)" : ""));
        }
        return p;
    }

    /**
     * Names a graph output; {@code value} is renamed to {@code outputName} in the built graph.
     *
     * @param outputName the graph output name
     * @param value the value to expose
     * @return this network
     */
    public Network output(String outputName, Tensor value) {
        checkOpen();
        if (value.network() != this) {
            throw new ModelMeterException("output '" + outputName + "' belongs to another network");
        }
        if (outputs.containsValue(outputName) || (usedNames.containsKey(outputName)
                && !outputName.equals(value.name()))) {
            throw new ModelMeterException("output name '" + outputName + "' is already used");
        }
        Tensor produced = value;
        boolean fromNode = nodes.stream().anyMatch(n -> n.outputs().contains(value.name()));
        if (!fromNode || outputs.containsKey(value.name())) {
            // a graph input, a weight or an already named output: ONNX needs a node to produce the output
            produced = emit("Identity", List.of(value), List.of(), List.of(value.type()), Map.of()).get(0);
        }
        outputs.put(produced.name(), outputName);
        usedNames.put(outputName, 1);
        return this;
    }

    /**
     * The model: nodes in execution order, graph inputs, named outputs with the types the DSL tracked,
     * and initializers — every registered parameter and buffer in {@code named_parameters()} order (also
     * those the forward never used, since PyTorch counts them), then constants. No initializer has a
     * payload; small integer constants (Reshape targets, axes) carry their value.
     *
     * @return the model
     */
    public Model build() {
        if (built != null) {
            return built;
        }
        if (outputs.isEmpty()) {
            throw new ModelMeterException("network '" + name + "' has no outputs");
        }
        List<Node> renamed = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            renamed.add(new Node(n.name(), n.opType(), n.domain(), rename(n.inputs()), rename(n.outputs()),
                    n.attributes(), n.metadata(), n.scope()));
        }
        List<ValueInfo> outs = new ArrayList<>();
        for (Map.Entry<String, String> o : outputs.entrySet()) {
            outs.add(new ValueInfo(o.getValue(), types.get(o.getKey())));
        }
        List<TensorData> inits = new ArrayList<>();
        for (Parameter p : parameterOrder) {
            String pname = parameterNames.get(p);
            inits.add(new TensorData(pname, p.dtype(), p.dims(), null, null));
            roles.put(pname, p.role());
        }
        inits.addAll(constants);
        for (int i = 0; i < calls.size(); i++) {
            ModuleCall c = calls.get(i);
            calls.set(i, new ModuleCall(c.path(), c.typeName(), c.callIndex(), c.leaf(), rename(c.outputs()),
                    c.outputTypes()));
        }
        Graph graph = new Graph(name, renamed, inputs, outs, List.of(), inits);
        built = new Model("dsl:" + name, 10, "modelmeter-dsl", Map.of("", OPSET), graph, List.of(), Map.of());
        return built;
    }

    private List<String> rename(List<String> names) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(outputs.getOrDefault(n, n));
        }
        return out;
    }

    /**
     * Every module call in execution order (leaf and container calls), as forward hooks would see them.
     *
     * @return the calls
     */
    public List<ModuleCall> calls() {
        return Collections.unmodifiableList(calls);
    }

    /**
     * What each initializer of the built model is to PyTorch (parameter, buffer, constant), as the DSL
     * knows it; filled by {@link #build()}.
     *
     * @return the roles by initializer name
     */
    public Map<String, InitializerRole> initializerRoles() {
        return Collections.unmodifiableMap(roles);
    }

    // ---- emission, used by modules and Tensor ----

    /** The tensor of a registered parameter or buffer (its initializer). */
    Tensor parameter(Parameter p) {
        String pname = parameterNames.get(p);
        if (pname == null) {
            throw new ModelMeterException("a parameter of " + (stack.isEmpty() ? "a module" : stack.peek().typeName())
                    + " is not reachable from the network's root module");
        }
        TensorType t = new TensorType(p.dtype(), Shape.of(p.dims()));
        types.put(pname, t);
        return new Tensor(this, pname, t);
    }

    /**
     * A constant initializer holding a small known value (shape targets, axes, scalars, position ids),
     * named {@code <scope>.<hint>} (made unique).
     *
     * @param hint a name hint, prefixed by the current scope
     * @param value the value to expose
     * @return the constant
     */
    public Tensor constant(String hint, TensorValue value) {
        String cname = uniqueName(prefix() + hint);
        List<Long> dims = java.util.Arrays.stream(value.shape()).boxed().toList();
        constants.add(new TensorData(cname, value.dtype(), dims, value, null));
        roles.put(cname, InitializerRole.CONSTANT);
        TensorType t = value.type();
        types.put(cname, t);
        return new Tensor(this, cname, t);
    }

    /**
     * A constant initializer whose contents the analysis never needs (a causal mask): dims only.
     *
     * @param hint a name hint, prefixed by the current scope
     * @param dtype the element type
     * @param dims sizes (Integer, Long), symbol names (String) or Dim
     * @return the constant
     */
    public Tensor constant(String hint, DType dtype, long... dims) {
        String cname = uniqueName(prefix() + hint);
        List<Long> d = java.util.Arrays.stream(dims).boxed().toList();
        constants.add(new TensorData(cname, dtype, d, null, null));
        roles.put(cname, InitializerRole.CONSTANT);
        TensorType t = new TensorType(dtype, Shape.of(dims));
        types.put(cname, t);
        return new Tensor(this, cname, t);
    }

    /**
     * Emits one node in the current module's scope and returns its outputs. A null input is an omitted
     * optional input.
     *
     * @param opType      ONNX operator type in the default domain
     * @param in          inputs (null for omitted optional ones)
     * @param attributes  node attributes
     * @param outputTypes one type per output, as the DSL tracks it
     * @param metadata    extra node metadata (e.g. {@link #INPLACE})
     * @return the outputs, in order
     */
    public List<Tensor> emit(String opType, List<Tensor> in, List<Attribute> attributes, List<TensorType> outputTypes,
                             Map<String, String> metadata) {
        checkOpen();
        String scope = stack.isEmpty() ? "" : pathOf(stack.peek());
        String nodeName = uniqueName((scope.isEmpty() ? "" : scope + "/") + opType);
        List<String> inNames = new ArrayList<>();
        for (Tensor t : in) {
            if (t != null && t.network() != this) {
                throw new ModelMeterException(opType + ": an input belongs to another network");
            }
            inNames.add(t == null ? "" : t.name());
        }
        List<String> outNames = new ArrayList<>();
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < outputTypes.size(); i++) {
            String v = uniqueName(nodeName + ":" + i);
            outNames.add(v);
            types.put(v, outputTypes.get(i));
            out.add(new Tensor(this, v, outputTypes.get(i)));
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            attrs.put(a.name(), a);
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        if (!stack.isEmpty()) {
            meta.putIfAbsent(MODULE_CLASS, stack.peek().typeName());
        }
        nodes.add(new Node(nodeName, opType, "", inNames, outNames, attrs, meta, scope));
        return out;
    }

    /** Emits a node with one output. */
    Tensor emit1(String opType, List<Tensor> in, List<Attribute> attributes, TensorType outputType) {
        return emit(opType, in, attributes, List.of(outputType), Map.of()).get(0);
    }

    void enter(Module module) {
        pathOf(module);
        stack.push(module);
    }

    void exit(Module module) {
        stack.pop();
    }

    void recordCall(Module module, List<Tensor> outs) {
        int index = callCounts.merge(module, 1, Integer::sum) - 1;
        calls.add(new ModuleCall(pathOf(module), module.typeName(), index, module.children().isEmpty(),
                outs.stream().map(Tensor::name).toList(), outs.stream().map(Tensor::type).toList()));
    }

    private String prefix() {
        String scope = stack.isEmpty() ? "" : pathOf(stack.peek());
        return scope.isEmpty() ? "" : scope + ".";
    }

    private String uniqueName(String base) {
        int n = usedNames.merge(base, 1, Integer::sum);
        if (n == 1) {
            return base;
        }
        String candidate = base + "_" + (n - 1);
        while (usedNames.containsKey(candidate)) {
            n = usedNames.merge(base, 1, Integer::sum);
            candidate = base + "_" + (n - 1);
        }
        usedNames.put(candidate, 1);
        return candidate;
    }

    private void checkOpen() {
        if (built != null) {
            throw new ModelMeterException("network '" + name + "' is already built");
        }
    }
}
