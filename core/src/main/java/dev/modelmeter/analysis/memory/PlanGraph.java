package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.WeightRoles;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.InitializerRole;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.ops.AutogradContext;
import dev.modelmeter.ops.AutogradRule;
import dev.modelmeter.ops.OpDef;
import dev.modelmeter.ops.OpRegistry;
import dev.modelmeter.ops.Saved;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The shaped graph as PyTorch would run it, ready for the step simulation: shape-arithmetic nodes
 * dropped, exporter decompositions mapped back to the kernels PyTorch ran (erf-GELU, safe softmax,
 * attention), the element type every value has at run time under the precision policy, which values
 * need a gradient, which outputs share their input's storage (views, in-place ReLU, bias adds), and what
 * each node saves for backward.
 */
final class PlanGraph {

    /** A synthetic node's domain: kernels recognised in an export. */
    static final String DOMAIN = "modelmeter";

    /** Matmul-like ops autocast runs in the lower precision (its {@code lower_precision_fp} list). */
    private static final Set<String> AUTOCAST_LOW = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm",
            "modelmeter:Attention");
    /**
     * Ops CUDA autocast runs in float32 (its fp32 list: softmax, log_softmax, layer_norm, group_norm, exp,
     * log, pow, reciprocal, rsqrt, softplus, sum, prod, norm, logsumexp, cumsum).
     */
    private static final Set<String> AUTOCAST_FP32_CUDA = Set.of("Softmax", "LogSoftmax", "LayerNormalization",
            "GroupNormalization", "Exp", "Log", "Pow", "Reciprocal", "Softplus", "ReduceSum", "ReduceProd",
            "ReduceL2", "ReduceLogSumExp", "CumSum");
    /** Ops whose output is the input's element type whatever the weights' (norms with fp32 affine params). */
    private static final Set<String> DTYPE_OF_INPUT0 = Set.of("BatchNormalization", "LayerNormalization",
            "GroupNormalization", "InstanceNormalization", "Gather", "Dropout", "modelmeter:Dropout");
    /** Activations torchvision runs with inplace=True that save their <em>output</em> (so in place is safe). */
    private static final Set<String> INPLACE_CANDIDATES = Set.of("Relu");
    /** Ops that produce no gradient for their inputs. */
    private static final Set<String> NON_DIFFERENTIABLE = Set.of("Shape", "Size", "Equal", "Less", "Greater",
            "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf", "ArgMax", "ArgMin",
            "NonZero", "Range", "ConstantOfShape", "RandomNormal", "RandomUniform", "RandomNormalLike",
            "RandomUniformLike", "Bernoulli", "Multinomial", "OneHot", "Round", "Floor", "Ceil", "Sign", "TopK",
            "EyeLike", "Constant");

    final ShapedGraph shaped;
    final TrainingSetup setup;
    final List<Node> nodes = new ArrayList<>();
    final Map<String, TensorType> types = new HashMap<>();
    final Map<String, TensorData> weights = new LinkedHashMap<>();
    final Map<String, InitializerRole> roles = new HashMap<>();
    final Set<String> trainable = new LinkedHashSet<>();
    final Set<String> inputs = new LinkedHashSet<>();
    final List<String> outputs = new ArrayList<>();
    final Map<String, Node> producer = new HashMap<>();
    final Map<String, Integer> uses = new HashMap<>();
    final Set<String> requiresGrad = new HashSet<>();
    /** Output value → the input value whose storage it shares. */
    final Map<String, String> aliasOf = new HashMap<>();
    /** Outputs PyTorch never allocates (BatchNorm's running-stat outputs, Dropout's mask output). */
    final Set<String> phantom = new HashSet<>();
    /** Nodes whose floating inputs are copied to another precision first, and that precision. */
    final Map<Node, DType> castInputsTo = new HashMap<>();
    /** Nodes of an unfused attention (math path): under autocast on CPU it upcasts q, k, v to float32. */
    final Set<Node> attentionMath = new HashSet<>();
    final Map<Node, List<Saved>> saved = new HashMap<>();
    final Set<Node> inGraph = new HashSet<>();
    final Set<String> unknownRules = new TreeSet<>();
    final List<String> warnings = new ArrayList<>();
    final boolean train;

    private final OpRegistry registry;
    final Set<Node> forcedDropout = new HashSet<>();
    /** Checkpointed modules: [first, last] node index each, and each node's segment. */
    final List<int[]> segments = new ArrayList<>();
    final List<String> segmentModule = new ArrayList<>();
    final Map<Node, Integer> segmentOf = new HashMap<>();
    /** Value → index of the node after which Python's references to it end (module-call liveness). */
    final Map<String, Integer> heldUntil = new HashMap<>();

    PlanGraph(ShapedGraph shaped, TrainingSetup setup, OpRegistry registry, boolean train) {
        this.shaped = shaped;
        this.setup = setup;
        this.registry = registry;
        this.train = train;
        collectWeights();
        for (ValueInfo in : shaped.graph().inputs()) {
            if (!weights.containsKey(in.name())) {
                inputs.add(in.name());
            }
        }
        for (ValueInfo out : shaped.graph().outputs()) {
            outputs.add(out.name());
        }
        keepLiveNodes();
        ExportPatterns patterns = new ExportPatterns(this);
        patterns.fuseErfGelu();
        patterns.mapAttention();
        index();
        runtimeTypes();
        if (train) {
            propagateRequiresGrad();
        }
        warnUnknownSizes();
        aliasesAndPhantoms();
        foldedOperands();
        moduleLiveness();
        if (train) {
            checkpointSegments();
            computeSaves();
        }
    }

    // ---- weights ----------------------------------------------------------------------------------

    private void collectWeights() {
        Map<TensorData, InitializerRole> assigned = WeightRoles.assign(shaped.graph(), shaped.order(), registry);
        Set<String> runningStats = new HashSet<>();
        for (Node n : shaped.order()) {
            OpDef def = registry.find(n);
            if (n.opType().equals("BatchNormalization") && (def == null || def.inputRoles().isEmpty())) {
                // until NnOps declares them: BatchNorm's running mean and variance are buffers
                runningStats.add(n.input(3));
                runningStats.add(n.input(4));
            }
        }
        Pattern frozen = setup.freezePattern();
        for (var e : assigned.entrySet()) {
            InitializerRole role = runningStats.contains(e.getKey().name()) ? InitializerRole.BUFFER : e.getValue();
            weights.put(e.getKey().name(), e.getKey());
            roles.put(e.getKey().name(), role);
            if (role != e.getValue()) {
                continue;
            }
            if (e.getValue() == InitializerRole.PARAMETER
                    && (frozen == null || !frozen.matcher(e.getKey().name()).matches())) {
                trainable.add(e.getKey().name());
            }
        }
    }

    boolean isParam(String v) {
        return roles.get(v) == InitializerRole.PARAMETER;
    }

    boolean isBuffer(String v) {
        return roles.get(v) == InitializerRole.BUFFER;
    }

    /** Bytes a weight occupies in memory under the precision policy (a bf16 model halves float weights). */
    long weightBytes(TensorData t) {
        return runtimeDType(t.dtype()).bytesFor(t.numel());
    }

    DType runtimeDType(DType declared) {
        if (setup.precision() == TrainingSetup.Precision.BF16 && declared.isFloatingPoint()) {
            return DType.BFLOAT16;
        }
        return declared;
    }

    DType lowPrecision() {
        return setup.precision() == TrainingSetup.Precision.FP16_MIXED ? DType.FLOAT16 : DType.BFLOAT16;
    }

    // ---- which nodes run --------------------------------------------------------------------------

    /**
     * Keeps the nodes whose values depend on a real input or a weight; shape arithmetic over constants
     * (Shape → Gather → Concat chains, Constant nodes) holds a few bytes and is dropped.
     */
    private void keepLiveNodes() {
        Set<String> live = new HashSet<>(inputs);
        live.addAll(weights.keySet());
        Map<String, TensorValue> known = shaped.values();
        for (Node n : shaped.order()) {
            boolean anyLive = false;
            for (String in : n.inputs()) {
                if (!in.isEmpty() && live.contains(in) && !known.containsKey(in)) {
                    anyLive = true;
                }
            }
            boolean allKnown = !n.outputs().isEmpty();
            for (String out : n.outputs()) {
                if (!out.isEmpty() && !known.containsKey(out)) {
                    allKnown = false;
                }
            }
            if (anyLive && !allKnown) {
                nodes.add(n);
                for (String out : n.outputs()) {
                    if (!out.isEmpty()) {
                        live.add(out);
                    }
                }
            }
        }
    }

    private void index() {
        producer.clear();
        uses.clear();
        for (Node n : nodes) {
            for (String out : n.outputs()) {
                if (!out.isEmpty()) {
                    producer.put(out, n);
                }
            }
            for (String in : new LinkedHashSet<>(n.inputs())) {
                if (!in.isEmpty()) {
                    uses.merge(in, 1, Integer::sum);
                }
            }
        }
    }

    Map<String, List<Node>> consumers() {
        Map<String, List<Node>> c = new HashMap<>();
        for (Node n : nodes) {
            for (String in : new LinkedHashSet<>(n.inputs())) {
                if (!in.isEmpty()) {
                    c.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        return c;
    }

    /** True for a value no node computes from a real input or a trainable weight (a constant). */
    boolean isConstant(String v) {
        if (v.isEmpty() || shaped.values().containsKey(v)) {
            return true;
        }
        if (inputs.contains(v)) {
            return false;
        }
        if (weights.containsKey(v)) {
            return !isParam(v);
        }
        Map<String, Node> prod = new HashMap<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                prod.put(o, n);
            }
        }
        return !prod.containsKey(v);
    }

    /** A Dropout runs in training unless its ratio is a known 0 or its training_mode a known false. */
    boolean dropoutActive(Node n) {
        if (n.domain().equals(DOMAIN) || forcedDropout.contains(n)) {
            return true;
        }
        TensorValue ratio = shaped.values().get(n.input(1));
        if (ratio != null && ratio.size() == 1 && ratio.get(0) == 0.0) {
            return false;
        }
        if (n.input(1).isEmpty() && n.attributes().containsKey("ratio") && n.floatAttr("ratio", 0.5) == 0.0) {
            return false;
        }
        TensorValue mode = shaped.values().get(n.input(2));
        if (n.input(2).isEmpty()) {
            // opset ≥ 12 without training_mode: inference; older opsets: the exporter only wrote it in training
            return n.outputs().size() > 1 && !n.outputs().get(1).isEmpty();
        }
        return mode == null || mode.size() != 1 || mode.get(0) != 0.0;
    }

    // ---- run-time element types -------------------------------------------------------------------

    private void runtimeTypes() {
        for (String in : inputs) {
            TensorType t = shaped.tensor(in);
            if (t != null) {
                types.put(in, t.withDType(runtimeDType(t.dtype())));
            }
        }
        for (var e : weights.entrySet()) {
            types.put(e.getKey(), e.getValue().type().withDType(runtimeDType(e.getValue().dtype())));
        }
        for (Node n : nodes) {
            for (int k = 0; k < n.outputs().size(); k++) {
                String out = n.outputs().get(k);
                if (out.isEmpty()) {
                    continue;
                }
                TensorType t = shaped.tensor(out);
                if (t == null && n.domain().equals(DOMAIN)) {
                    t = types.get(n.input(0));
                    if (n.opType().equals("Attention")) {
                        t = shaped.tensor(out);
                    }
                }
                if (t == null) {
                    continue;
                }
                types.put(out, t.withDType(outputDType(n, k, t.dtype())));
            }
        }
    }

    private DType outputDType(Node n, int k, DType declared) {
        if (!declared.isFloatingPoint()) {
            return declared;
        }
        if (setup.precision() == TrainingSetup.Precision.BF16) {
            return DType.BFLOAT16;
        }
        if (!setup.autocast()) {
            return declared;
        }
        String op = n.qualifiedOpType();
        if (attentionMath.contains(n) && setup.backend() == AutogradContext.Backend.CPU) {
            // scaled_dot_product_attention is autocast to bf16, but its CPU math path computes in float32
            castInputsTo.put(n, DType.FLOAT);
            return DType.FLOAT;
        }
        if (AUTOCAST_LOW.contains(op)) {
            castInputsTo.put(n, lowPrecision());
            return lowPrecision();
        }
        if (op.equals("Add")) {
            String mm = linearOfBias(n);
            if (mm != null && types.containsKey(mm)) {
                return types.get(mm).dtype(); // addmm: the bias joins the matmul's precision
            }
        }
        if (setup.backend() == AutogradContext.Backend.CUDA && AUTOCAST_FP32_CUDA.contains(op)) {
            return DType.FLOAT;
        }
        if (op.equals("Cast")) {
            return declared;
        }
        if (DTYPE_OF_INPUT0.contains(op) || (k > 0 && !op.equals("Split"))) {
            TensorType in = types.get(n.input(0));
            return in != null && in.dtype().isFloatingPoint() ? in.dtype() : declared;
        }
        // PyTorch's type promotion: a float32 tensor operand (not a 0-dim scalar) makes the result float32
        DType result = null;
        for (String in : n.inputs()) {
            TensorType t = in.isEmpty() ? null : types.get(in);
            if (t == null || !t.dtype().isFloatingPoint() || isScalar(t)) {
                continue;
            }
            if (result == null || t.dtype().bits() > result.bits()) {
                result = t.dtype();
            }
        }
        return result == null ? declared : result;
    }

    private static boolean isScalar(TensorType t) {
        return t.numel().orElse(2) <= 1;
    }

    /** Values whose size is unknown count as 0 bytes: say so, the figures are then lower bounds. */
    private void warnUnknownSizes() {
        Set<String> controlFlow = new TreeSet<>();
        for (Node n : nodes) {
            if (Set.of("If", "Loop", "Scan").contains(n.opType())) {
                controlFlow.add(n.opType());
            }
        }
        if (!controlFlow.isEmpty()) {
            warnings.add(controlFlow + " bodies are not simulated: their outputs are counted, their temporaries"
                    + " and saved tensors are not (approximate)");
        }
        int unknown = 0;
        for (Node n : nodes) {
            for (String out : n.outputs()) {
                TensorType t = out.isEmpty() ? null : types.get(out);
                if (!out.isEmpty() && (t == null || !t.isFullyKnown())) {
                    unknown++;
                }
            }
        }
        if (unknown > 0) {
            warnings.add(unknown + " value(s) of unknown size counted as 0 bytes: memory figures are lower bounds"
                    + " (bind the symbolic dimensions with --batch / --input)");
        }
    }

    // ---- gradients ----------------------------------------------------------------------------------

    private void propagateRequiresGrad() {
        requiresGrad.addAll(trainable);
        for (Node n : nodes) {
            if (NON_DIFFERENTIABLE.contains(n.opType()) && !n.domain().equals(DOMAIN)) {
                continue;
            }
            boolean any = false;
            for (String in : n.inputs()) {
                if (!in.isEmpty() && requiresGrad.contains(in)) {
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            inGraph.add(n);
            for (String out : n.outputs()) {
                TensorType t = types.get(out);
                if (!out.isEmpty() && t != null && t.dtype().isFloatingPoint() && !phantomOutput(n, out)) {
                    requiresGrad.add(out);
                }
            }
        }
    }

    private static boolean phantomOutput(Node n, String out) {
        int k = n.outputs().indexOf(out);
        return k > 0 && (n.opType().equals("BatchNormalization") || n.opType().equals("Dropout")
                || n.opType().equals("MaxPool") || n.opType().equals("LayerNormalization"));
    }

    // ---- storage sharing ----------------------------------------------------------------------------

    private void aliasesAndPhantoms() {
        Map<String, List<Node>> cons = consumers();
        for (Node n : nodes) {
            for (int k = 1; k < n.outputs().size(); k++) {
                if (phantomOutput(n, n.outputs().get(k))) {
                    phantom.add(n.outputs().get(k));
                }
            }
            String op = n.qualifiedOpType();
            String out0 = n.outputs().isEmpty() ? "" : n.outputs().get(0);
            if (out0.isEmpty() || n.input(0).isEmpty()) {
                continue;
            }
            OpDef def = registry.find(n);
            boolean view = (def != null && def.view())
                    || (!train && (op.equals("Dropout") || op.equals("modelmeter:Dropout")));
            if (view && viewStrides(n)) {
                for (String o : n.outputs()) {
                    if (!o.isEmpty() && !phantom.contains(o)) {
                        aliasOf.put(o, n.input(0));
                    }
                }
                continue;
            }
            if (view) {
                continue; // reshape of a tensor whose strides allow no view: PyTorch copies
            }
            if (op.equals("Gather") && !weights.containsKey(n.input(0)) && isScalarIndex(n.input(1))) {
                aliasOf.put(out0, n.input(0)); // x[:, i] is a select: a view
                long[] st = strides(n.input(0));
                if (st != null) {
                    int axis = (int) n.intAttr("axis", 0);
                    axis = axis < 0 ? axis + st.length : axis;
                    long[] out = new long[st.length - 1];
                    for (int i = 0, j = 0; i < st.length; i++) {
                        if (i != axis) {
                            out[j++] = st[i];
                        }
                    }
                    strideOf.put(out0, out);
                }
                continue;
            }
            if (op.equals("Where") && isSafeSoftmax(n)) {
                aliasOf.put(out0, n.input(2)); // _safe_softmax is one kernel: its output is the softmax's
                continue;
            }
            String inplace = n.metadata().get("modelmeter.inplace");
            // only ops that save their output share storage when run in place: the fixtures show ReLU6 and
            // Hardswish with inplace=True keep a separate saved tensor, as if not in place
            if (INPLACE_CANDIDATES.contains(op)
                    && ("true".equals(inplace) || (inplace == null && canOverwrite(n.input(0), cons)))) {
                aliasOf.put(out0, n.input(0));
                continue;
            }
            if (op.equals("Add")) {
                // Linear exported as MatMul + Add(bias): PyTorch's addmm writes one tensor
                String mm = linearOfBias(n);
                if (mm != null && cons.getOrDefault(mm, List.of()).size() == 1 && !outputs.contains(mm)) {
                    aliasOf.put(out0, mm);
                }
            }
        }
    }

    // ---- strides of views --------------------------------------------------------------------------

    /** Strides of views that are not contiguous; every other value is contiguous. */
    private final Map<String, long[]> strideOf = new HashMap<>();
    /** MatMul input slots PyTorch copies before its bmm/mm (a view it cannot fold): the copy is what it saves. */
    final Map<Node, Set<Integer>> copiedOperands = new HashMap<>();

    private long[] shape(String v) {
        TensorType t = types.get(v);
        if (t == null) {
            t = shaped.tensor(v);
        }
        return t != null && t.isFullyKnown() ? t.shape().sizes() : null;
    }

    /** The strides of a value, or null when its shape is not known. */
    private long[] strides(String v) {
        long[] st = strideOf.get(v);
        if (st != null) {
            return st;
        }
        long[] sh = shape(v);
        return sh == null ? null : Strides.contiguous(sh);
    }

    /**
     * Records the strides of a view op's outputs; false when the op cannot be a view (a reshape of a
     * transposed or split tensor that ATen's computeStride rejects), so PyTorch copies.
     */
    private boolean viewStrides(Node n) {
        String op = n.opType();
        long[] inShape = shape(n.input(0));
        long[] inStrides = strides(n.input(0));
        if (inShape == null || inStrides == null) {
            return true;
        }
        for (String o : n.outputs()) {
            long[] outShape = o.isEmpty() ? null : shape(o);
            if (outShape == null) {
                continue;
            }
            long[] st;
            switch (op) {
                case "Transpose" -> {
                    List<Long> perm = n.intsAttr("perm");
                    long[] p = new long[inShape.length];
                    for (int i = 0; i < p.length; i++) {
                        p[i] = perm == null ? p.length - 1 - i : perm.get(i);
                    }
                    st = Strides.permute(inStrides, p);
                }
                case "Reshape", "Flatten", "Squeeze", "Unsqueeze" -> {
                    st = Strides.view(inShape, inStrides, outShape);
                    if (st == null) {
                        return false;
                    }
                }
                case "Expand" -> st = Strides.expand(inShape, inStrides, outShape);
                case "Split", "Slice" -> st = outShape.length == inStrides.length ? inStrides : null;
                default -> st = outShape.length == inStrides.length ? inStrides : null;
            }
            if (st != null && !Strides.isContiguous(outShape, st)) {
                strideOf.put(o, st);
            }
        }
        return true;
    }

    /**
     * matmul folds its operands into bmm/mm with {@code reshape}; an operand whose strides allow no such
     * view (GPT-2's v, a transposed split, at batch > 1) is copied, and bmm saves the copy.
     */
    private void foldedOperands() {
        for (Node n : nodes) {
            if (!n.opType().equals("MatMul") || n.inputs().size() < 2) {
                continue;
            }
            long[] a = shape(n.input(0));
            long[] b = shape(n.input(1));
            if (a == null || b == null || a.length < 3) {
                continue;
            }
            Set<Integer> copied = new HashSet<>();
            if (b.length >= 3) {
                int rank = Math.max(a.length, b.length);
                long[] batch = new long[rank - 2];
                for (int i = 0; i < batch.length; i++) {
                    int ia = i - (rank - a.length);
                    int ib = i - (rank - b.length);
                    batch[i] = Math.max(ia >= 0 ? a[ia] : 1, ib >= 0 ? b[ib] : 1);
                }
                for (int slot = 0; slot < 2; slot++) {
                    if (!foldable(n.input(slot), batch)) {
                        copied.add(slot);
                    }
                }
            } else {
                long rows = 1;
                for (int i = 0; i < a.length - 1; i++) {
                    rows *= a[i];
                }
                long[] st = strides(n.input(0));
                if (st != null && Strides.view(a, st, new long[] {rows, a[a.length - 1]}) == null) {
                    copied.add(0);
                }
            }
            if (!copied.isEmpty()) {
                copiedOperands.put(n, copied);
            }
        }
    }

    private boolean foldable(String v, long[] batch) {
        long[] sh = shape(v);
        long[] st = strides(v);
        if (sh == null || st == null) {
            return true;
        }
        long[] full = new long[batch.length + 2];
        System.arraycopy(batch, 0, full, 0, batch.length);
        full[batch.length] = sh[sh.length - 2];
        full[batch.length + 1] = sh[sh.length - 1];
        long[] expanded = Strides.expand(sh, st, full);
        long prod = 1;
        for (long d : batch) {
            prod *= d;
        }
        return Strides.view(full, expanded, new long[] {prod, full[batch.length], full[batch.length + 1]}) != null;
    }

    /** Elements of a MatMul operand once broadcast to the product's batch (the size of its copy). */
    long foldedNumel(Node n, int slot) {
        long[] a = shape(n.input(0));
        long[] b = shape(n.input(1));
        long[] self = slot == 0 ? a : b;
        long numel = self[self.length - 1] * self[self.length - 2];
        if (b.length < 3) {
            long all = 1;
            for (long d : self) {
                all *= d;
            }
            return all;
        }
        int rank = Math.max(a.length, b.length);
        for (int i = 0; i < rank - 2; i++) {
            int ia = i - (rank - a.length);
            int ib = i - (rank - b.length);
            numel *= Math.max(ia >= 0 ? a[ia] : 1, ib >= 0 ? b[ib] : 1);
        }
        return numel;
    }

    /**
     * A Conv an eval export folded a BatchNorm into: the legacy exporter's constant folding renames the
     * folded weight {@code onnx::Conv_N}; the dynamo exporter adds a bias named {@code <weight>_bias}.
     * PyTorch still ran the BatchNorm: its output existed next to the conv's.
     */
    boolean foldedBatchNorm(Node n) {
        if (!(n.opType().equals("Conv") || n.opType().equals("ConvTranspose")) || n.inputs().size() < 3
                || n.outputs().isEmpty()) { // an output nobody names: nothing to fold after
            return false;
        }
        String w = n.input(1);
        String b = n.input(2);
        return weights.containsKey(w) && (w.startsWith("onnx::") || b.equals(w + "_bias"));
    }

    /** For {@code Add(bias, MatMul(..))} with a 1-D parameter bias: the matmul's output, else null. */
    private String linearOfBias(Node add) {
        if (!add.opType().equals("Add") || add.inputs().size() != 2) {
            return null;
        }
        for (int b = 0; b < 2; b++) {
            String bias = add.input(b);
            String mm = add.input(1 - b);
            Node p = producerOf(mm);
            if (isParam(bias) && weights.get(bias).dims().size() == 1 && p != null
                    && (p.opType().equals("MatMul") || p.opType().equals("Conv"))) {
                return mm;
            }
        }
        return null;
    }

    private Node producerOf(String v) {
        return producer.get(v);
    }

    private boolean isScalarIndex(String v) {
        TensorValue known = shaped.values().get(v);
        TensorType t = shaped.tensor(v);
        return known != null && t != null && t.shape() != null && t.shape().rank() == 0;
    }

    private boolean isSafeSoftmax(Node where) {
        Node cond = producerOf(where.input(0));
        Node sm = producerOf(where.input(2));
        return cond != null && sm != null && cond.opType().equals("IsNaN") && sm.opType().equals("Softmax")
                && cond.input(0).equals(where.input(2));
    }

    /**
     * ONNX loses {@code inplace=True}. A ReLU may overwrite its input when nothing else reads it: the
     * input is computed (not a model input or weight), is not a model output, has this ReLU as its only
     * consumer, is not itself a view, and its producer does not save it for backward. That is what
     * torchvision's {@code ReLU(inplace=True)} after Conv/BN/Add does; for a model that really used an
     * out-of-place ReLU the saved bytes are the same (one storage either way), only a transient differs.
     * Metadata {@code modelmeter.inplace=true|false} on a node overrides the guess.
     */
    private boolean canOverwrite(String in, Map<String, List<Node>> cons) {
        if (inputs.contains(in) || weights.containsKey(in) || outputs.contains(in) || aliasOf.containsKey(in)) {
            return false;
        }
        if (cons.getOrDefault(in, List.of()).size() != 1) {
            return false;
        }
        Node p = producerOf(in);
        if (p == null) {
            return false;
        }
        String op = p.opType();
        // producers that keep their own output for backward would lose it
        return !Set.of("Relu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Exp", "Sqrt", "Reciprocal", "Elu",
                "Selu", "Celu", "Pow").contains(op);
    }

    // ---- Python references ----------------------------------------------------------------------

    /**
     * A tensor passed into a module call stays referenced by the caller's frame until that call returns
     * ({@code x = self.layer1(x)} holds the old x while layer1 runs; a block keeps its input for the
     * residual). So a value lives until the last node of the outermost module, among those its consumer
     * runs in, that its producer is not part of. The module boundaries come from the node scopes.
     */
    private void moduleLiveness() {
        // runEnd[i][k]: the last node of the module call (path prefix of k+1 parts) node i runs in; a module
        // called several times (ResNet's shared relu) is several calls, each a contiguous run of nodes
        int[][] runEnd = new int[nodes.size()][];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            String[] path = path(nodes.get(i).scope());
            String[] next = i + 1 < nodes.size() ? path(nodes.get(i + 1).scope()) : new String[0];
            runEnd[i] = new int[path.length];
            for (int k = 0; k < path.length; k++) {
                boolean same = next.length > k;
                for (int m = 0; same && m <= k; m++) {
                    same = path[m].equals(next[m]);
                }
                runEnd[i][k] = same && runEnd[i + 1].length > k ? runEnd[i + 1][k] : i;
            }
        }
        Map<String, String> producerScope = new HashMap<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                producerScope.put(o, n.scope());
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node c = nodes.get(i);
            String[] cp = path(c.scope());
            for (String v : new LinkedHashSet<>(c.inputs())) {
                if (v.isEmpty() || weights.containsKey(v)) {
                    continue;
                }
                String[] pp = path(producerScope.getOrDefault(v, ""));
                int k = 0;
                while (k < pp.length && k < cp.length && pp[k].equals(cp[k])) {
                    k++;
                }
                if (k >= cp.length) {
                    continue; // consumed in the producer's own module (or an enclosing one): plain dataflow
                }
                int until = runEnd[i][k];
                if (until > i) {
                    heldUntil.merge(v, until, Math::max);
                }
            }
        }
    }

    /**
     * Modules whose scope matches the checkpoint regex (the outermost matching prefix of each node's
     * scope): each contiguous run of their nodes is one {@code torch.utils.checkpoint} call.
     */
    private void checkpointSegments() {
        Pattern p = setup.checkpointPattern();
        if (p == null) {
            return;
        }
        String current = null;
        for (int i = 0; i < nodes.size(); i++) {
            String module = null;
            String[] parts = path(nodes.get(i).scope());
            for (int k = 1; k <= parts.length && module == null; k++) {
                String prefix = String.join(".", java.util.Arrays.copyOf(parts, k));
                if (p.matcher(prefix).matches()) {
                    module = prefix;
                }
            }
            if (module == null) {
                current = null;
                continue;
            }
            if (!module.equals(current)) {
                segments.add(new int[] {i, i});
                segmentModule.add(module);
                current = module;
            }
            segments.get(segments.size() - 1)[1] = i;
            segmentOf.put(nodes.get(i), segments.size() - 1);
        }
        if (segments.isEmpty()) {
            warnings.add("--checkpoint '" + setup.checkpoint() + "' matches no module scope");
        }
    }

    private static String[] path(String scope) {
        return scope == null || scope.isEmpty() ? new String[0] : scope.split("\\.");
    }

    // ---- saved for backward -------------------------------------------------------------------------

    private void computeSaves() {
        for (Node n : nodes) {
            if (!inGraph.contains(n)) {
                continue;
            }
            AutogradRule rule = autogradRule(n);
            if (rule == null) {
                unknownRules.add(n.qualifiedOpType());
                rule = PlanGraph::saveAllInputs;
            }
            List<TensorType> ins = new ArrayList<>();
            List<Boolean> rg = new ArrayList<>();
            List<Boolean> w = new ArrayList<>();
            for (String in : n.inputs()) {
                ins.add(in.isEmpty() ? null : types.get(in));
                rg.add(!in.isEmpty() && requiresGrad.contains(in));
                w.add(!in.isEmpty() && weights.containsKey(in));
            }
            List<TensorType> outs = new ArrayList<>();
            for (String out : n.outputs()) {
                outs.add(out.isEmpty() ? null : types.get(out));
            }
            if (n.opType().equals("Where") && n.input(2).equals(aliasOf.get(n.outputs().get(0)))) {
                saved.put(n, List.of()); // part of _safe_softmax, which saves only the softmax output
                continue;
            }
            if (n.opType().equals("Dropout") && !dropoutActive(n)) {
                saved.put(n, List.of());
                continue;
            }
            try {
                saved.put(n, rule.saved(new AutogradContext(n, ins, outs, rg, w, setup.backend())));
            } catch (RuntimeException e) {
                warnings.add(n.opType() + " '" + n.name() + "': autograd rule failed (" + e.getMessage() + ")");
                saved.put(n, List.of());
            }
        }
        if (!unknownRules.isEmpty()) {
            warnings.add("no autograd rule for " + unknownRules + ": assumed they save every input (approximate)");
        }
    }

    /** The operator's registered rule, or a synthetic node's kernel's; null when none is known. */
    private AutogradRule autogradRule(Node n) {
        if (n.domain().equals(DOMAIN)) {
            return ExportPatterns.savesOf(n, registry);
        }
        OpDef def = registry.find(n);
        return def == null ? null : def.autograd();
    }

    /** Conservative default for an operator without a rule: it saves every input. */
    private static List<Saved> saveAllInputs(AutogradContext ctx) {
        List<Saved> s = new ArrayList<>();
        for (int i = 0; i < ctx.inputs().size(); i++) {
            if (ctx.input(i) != null) {
                s.add(Saved.input(i));
            }
        }
        return s;
    }

    /** Bytes of a value at run time, 0 when unknown. */
    long bytes(String v) {
        TensorType t = types.get(v);
        return t == null ? 0 : t.bytes().orElse(0);
    }
}
