package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A value in a network being built: a name, and the type the DSL tracked for it. Its methods are the
 * functional operations ({@code torch.Tensor} methods and {@code torch.nn.functional}) a forward pass
 * uses outside leaf modules — residual additions, reshapes, attention arithmetic — each emitting ONNX
 * nodes in the scope of the module currently running.
 */
public final class Tensor {

    private final Network network;
    private final String name;
    private final TensorType type;

    Tensor(Network network, String name, TensorType type) {
        this.network = network;
        this.name = name;
        this.type = type;
    }

    /**
     * The network this value belongs to.
     *
     * @return the network
     */
    public Network network() {
        return network;
    }

    /**
     * The value's name in the graph (graph outputs are renamed when the model is built).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Element type and shape, as tracked by the DSL.
     *
     * @return the type
     */
    public TensorType type() {
        return type;
    }

    /**
     * The shape.
     *
     * @return the shape
     */
    public Shape shape() {
        return type.shape();
    }

    /**
     * The element type.
     *
     * @return the element type
     */
    public DType dtype() {
        return type.dtype();
    }

    /**
     * The rank.
     *
     * @return the rank
     */
    public int rank() {
        return type.shape().rank();
    }

    /**
     * Dimension {@code axis} (negative counts from the end).
     *
     * @param axis the axis (negative counts from the end)
     * @return the dimension
     */
    public Dim dim(int axis) {
        return shape().dim(DimMath.axis(axis, rank()));
    }

    /**
     * Known size of dimension {@code axis}; fails when it is symbolic or unknown.
     *
     * @param axis the axis (negative counts from the end)
     * @return the size
     */
    public long size(int axis) {
        Dim d = dim(axis);
        if (!d.isKnown()) {
            throw new ModelMeterException("dimension " + axis + " of " + name + " (" + shape() + ") is not known");
        }
        return d.value();
    }

    // ---- element-wise arithmetic (numpy broadcasting) ----

    /**
     * {@code this + other} (ONNX Add).
     *
     * @param other the other operand (broadcast)
     * @return the result
     */
    public Tensor add(Tensor other) {
        return binary("Add", other);
    }

    /**
     * {@code this + scalar}.
     *
     * @param scalar the scalar operand
     * @return the result
     */
    public Tensor add(double scalar) {
        return binary("Add", scalar(scalar));
    }

    /**
     * {@code this - other} (ONNX Sub).
     *
     * @param other the other operand (broadcast)
     * @return the result
     */
    public Tensor sub(Tensor other) {
        return binary("Sub", other);
    }

    /**
     * {@code this * other} (ONNX Mul).
     *
     * @param other the other operand (broadcast)
     * @return the result
     */
    public Tensor mul(Tensor other) {
        return binary("Mul", other);
    }

    /**
     * {@code this * scalar}.
     *
     * @param scalar the scalar operand
     * @return the result
     */
    public Tensor mul(double scalar) {
        return binary("Mul", scalar(scalar));
    }

    /**
     * {@code this / other} (ONNX Div).
     *
     * @param other the other operand (broadcast)
     * @return the result
     */
    public Tensor div(Tensor other) {
        return binary("Div", other);
    }

    /**
     * {@code this / scalar}.
     *
     * @param scalar the scalar operand
     * @return the result
     */
    public Tensor div(double scalar) {
        return binary("Div", scalar(scalar));
    }

    /**
     * {@code scalar - this}.
     *
     * @param scalar the scalar operand
     * @return the result
     */
    public Tensor rsub(double scalar) {
        Tensor s = scalar(scalar);
        return network.emit1("Sub", List.of(s, this), List.of(), type);
    }

    /**
     * {@code this ** exponent} (ONNX Pow with a scalar exponent).
     *
     * @param exponent the exponent
     * @return the result
     */
    public Tensor pow(double exponent) {
        return network.emit1("Pow", List.of(this, scalar(exponent)), List.of(), type);
    }

    /**
     * {@code tanh(this)}.
     *
     * @return the result
     */
    public Tensor tanh() {
        return unary("Tanh");
    }

    /**
     * {@code erf(this)}.
     *
     * @return the result
     */
    public Tensor erf() {
        return unary("Erf");
    }

    /**
     * {@code sqrt(this)}.
     *
     * @return the result
     */
    public Tensor sqrt() {
        return unary("Sqrt");
    }

    /**
     * {@code 1 / this} (ONNX Reciprocal).
     *
     * @return the result
     */
    public Tensor reciprocal() {
        return unary("Reciprocal");
    }

    /**
     * {@code exp(this)}.
     *
     * @return the result
     */
    public Tensor exp() {
        return unary("Exp");
    }

    /**
     * {@code cos(this)}.
     *
     * @return the result
     */
    public Tensor cos() {
        return unary("Cos");
    }

    /**
     * {@code sin(this)}.
     *
     * @return the result
     */
    public Tensor sin() {
        return unary("Sin");
    }

    /**
     * {@code -this} (ONNX Neg).
     *
     * @return the result
     */
    public Tensor neg() {
        return unary("Neg");
    }

    /**
     * {@code this.mean(axis, keepdim=True)} (ONNX ReduceMean with the axes as an input).
     *
     * @param axis the axis (negative counts from the end)
     * @return the result, the axis kept with size 1
     */
    public Tensor mean(int axis) {
        int a = DimMath.axis(axis, rank());
        Tensor axes = network.constant("axes", TensorValue.vector(new long[] {a}));
        return network.emit1("ReduceMean", List.of(this, axes), List.of(Attribute.ofInt("keepdims", 1)),
                new TensorType(dtype(), shape().withDim(a, Dim.of(1))));
    }

    /**
     * {@code expand(sizes)} (ONNX Expand with a constant shape): broadcasts size-1 dimensions, a view in
     * PyTorch.
     *
     * @param sizes the target sizes (numpy broadcasting against this tensor's shape)
     * @return the result
     */
    public Tensor expand(long... sizes) {
        Tensor target = network.constant("shape", TensorValue.vector(sizes));
        return network.emit1("Expand", List.of(this, target), List.of(),
                new TensorType(dtype(), DimMath.broadcast(shape(), Shape.of(sizes))));
    }

    /**
     * {@code relu(this)} (functional, not in place).
     *
     * @return the result
     */
    public Tensor relu() {
        return unary("Relu");
    }

    /**
     * Softmax along {@code axis}.
     *
     * @param axis the axis (negative counts from the end)
     * @return the result
     */
    public Tensor softmax(int axis) {
        return network.emit1("Softmax", List.of(this), List.of(Attribute.ofInt("axis", axis)), type);
    }

    /**
     * {@code F.dropout(x, p, training)}: nothing in an eval network (the identity, as the exporters drop
     * it); in a training network an ONNX Dropout with {@code training_mode=true} and a bool mask output.
     *
     * @param p the probability of zeroing an element
     * @return the result
     */
    public Tensor dropout(double p) {
        return network.isTraining() ? trainingDropout(p) : this;
    }

    /** Dropout in training mode: ratio and training_mode constants, outputs the result and the mask. */
    Tensor trainingDropout(double p) {
        Tensor ratio = network.constant("ratio", new TensorValue(DType.FLOAT, new long[0], new double[] {p}));
        Tensor train = network.constant("training_mode", new TensorValue(DType.BOOL, new long[0], new double[] {1}));
        return network.emit("Dropout", List.of(this, ratio, train), List.of(),
                List.of(type, new TensorType(DType.BOOL, shape())), Map.of()).get(0);
    }

    /**
     * The same values as another element type (ONNX Cast).
     *
     * @param to the target element type
     * @return the result
     */
    public Tensor cast(DType to) {
        return network.emit1("Cast", List.of(this), List.of(Attribute.ofInt("to", to.code())),
                new TensorType(to, shape()));
    }

    /**
     * {@code condition ? x : y} element-wise (ONNX Where), broadcasting all three.
     *
     * @param condition the bool condition
     * @param x the value where the condition is true
     * @param y the value where the condition is false
     * @return the result
     */
    public static Tensor where(Tensor condition, Tensor x, Tensor y) {
        Shape s = DimMath.broadcast(DimMath.broadcast(condition.shape(), x.shape()), y.shape());
        return x.network.emit1("Where", List.of(condition, x, y), List.of(), new TensorType(x.dtype(), s));
    }

    /**
     * {@code torch.cat(tensors, axis)} (ONNX Concat): sizes along {@code axis} add up, the others must agree.
     *
     * @param axis    the axis (negative counts from the end)
     * @param tensors the tensors, at least one, all of the same rank
     * @return the concatenation
     */
    public static Tensor cat(int axis, Tensor... tensors) {
        if (tensors.length == 0) {
            throw new ModelMeterException("cat needs at least one tensor");
        }
        Tensor first = tensors[0];
        int a = DimMath.axis(axis, first.rank());
        long known = 0;
        boolean allKnown = true;
        for (Tensor t : tensors) {
            if (t.rank() != first.rank()) {
                throw new ModelMeterException("cat: tensors of rank " + first.rank() + " and " + t.rank());
            }
            for (int d = 0; d < t.rank(); d++) {
                Dim x = t.shape().dim(d);
                Dim y = first.shape().dim(d);
                if (d != a && x.isKnown() && y.isKnown() && x.value() != y.value()) {
                    throw new ModelMeterException("cat: shapes " + first.shape() + " and " + t.shape()
                            + " differ outside axis " + a);
                }
            }
            Dim d = t.shape().dim(a);
            if (d.isKnown()) {
                known += d.value();
            } else {
                allKnown = false;
            }
        }
        Shape out = first.shape().withDim(a, allKnown ? Dim.of(known) : Dim.unknown());
        return first.network.emit1("Concat", List.of(tensors), List.of(Attribute.ofInt("axis", a)),
                new TensorType(first.dtype(), out));
    }

    private Tensor unary(String op) {
        return network.emit1(op, List.of(this), List.of(), type);
    }

    private Tensor binary(String op, Tensor other) {
        return network.emit1(op, List.of(this, other), List.of(),
                new TensorType(dtype(), DimMath.broadcast(shape(), other.shape())));
    }

    /** A 0-d constant of this tensor's element type (ONNX binary ops need equal element types). */
    private Tensor scalar(double v) {
        return network.constant("scalar", new TensorValue(dtype(), new long[0], new double[] {v}));
    }

    // ---- linear algebra ----

    /**
     * Matrix product with numpy batch broadcasting (ONNX MatMul).
     *
     * @param other the other operand (broadcast)
     * @return the result
     */
    public Tensor matmul(Tensor other) {
        return network.emit1("MatMul", List.of(this, other), List.of(),
                new TensorType(dtype(), DimMath.matmul(shape(), other.shape())));
    }

    // ---- shape and data movement (views in PyTorch) ----

    /**
     * Reorders the dimensions ({@code permute}; ONNX Transpose with {@code perm}).
     *
     * @param perm the source axis of each output axis
     * @return the result
     */
    public Tensor permute(int... perm) {
        if (perm.length != rank()) {
            throw new ModelMeterException("permute: " + perm.length + " axes for a tensor of rank " + rank());
        }
        List<Dim> dims = new ArrayList<>();
        long[] p = new long[perm.length];
        boolean[] used = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            p[i] = DimMath.axis(perm[i], rank());
            if (used[(int) p[i]]) {
                throw new ModelMeterException("permute: " + Arrays.toString(perm) + " is not a permutation");
            }
            used[(int) p[i]] = true;
            dims.add(shape().dim((int) p[i]));
        }
        return network.emit1("Transpose", List.of(this), List.of(Attribute.ofInts("perm", p)),
                new TensorType(dtype(), new Shape(dims)));
    }

    /**
     * Swaps two dimensions ({@code transpose(a, b)}).
     *
     * @param a the first axis
     * @param b the second axis
     * @return the result
     */
    public Tensor transpose(int a, int b) {
        int[] perm = new int[rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        int x = DimMath.axis(a, rank());
        int y = DimMath.axis(b, rank());
        perm[x] = y;
        perm[y] = x;
        return permute(perm);
    }

    /**
     * {@code view(dims)} with PyTorch's semantics (one size may be -1, inferred from the element count),
     * emitted as a Reshape with a constant target. Sizes must be positive or -1: ONNX would read a 0 as
     * "copy the input's size".
     *
     * @param dims the target sizes, at most one -1
     * @return the result
     */
    public Tensor view(long... dims) {
        Shape out = DimMath.view(shape(), dims);
        Tensor target = network.constant("shape", TensorValue.vector(dims));
        return network.emit1("Reshape", List.of(this, target), List.of(), new TensorType(dtype(), out));
    }

    /**
     * Reshape to a target that may keep dimensions of the input: a 0 in {@code onnxTarget} copies the
     * input's size there (ONNX semantics), -1 is inferred. Used where PyTorch code writes
     * {@code x.view(x.size(0), x.size(1), heads, d)} for a symbolic batch.
     *
     * @param onnxTarget the target, 0 copying the input size, -1 inferred
     * @return the result
     */
    public Tensor reshapeKeeping(long... onnxTarget) {
        List<Dim> dims = new ArrayList<>();
        long[] viewDims = new long[onnxTarget.length];
        for (int i = 0; i < onnxTarget.length; i++) {
            if (onnxTarget[i] < -1 || (onnxTarget[i] == 0 && i >= rank())) {
                throw new ModelMeterException("reshape: invalid target " + Arrays.toString(onnxTarget) + " for "
                        + shape());
            }
            if (onnxTarget[i] == 0) {
                dims.add(shape().dim(i));
                viewDims[i] = 1;
            } else {
                dims.add(onnxTarget[i] == -1 ? Dim.unknown() : Dim.of(onnxTarget[i]));
                viewDims[i] = onnxTarget[i];
            }
        }
        Shape out = new Shape(dims);
        int inferred = -1;
        for (int i = 0; i < onnxTarget.length; i++) {
            if (onnxTarget[i] == -1) {
                inferred = i;
            }
        }
        if (inferred >= 0) {
            // the -1 takes what the copied and given sizes leave of the input's elements
            Dim rest = remainder(shape(), out, inferred);
            out = out.withDim(inferred, rest);
        }
        Tensor target = network.constant("shape", TensorValue.vector(onnxTarget));
        return network.emit1("Reshape", List.of(this, target), List.of(), new TensorType(dtype(), out));
    }

    private static Dim remainder(Shape in, Shape out, int inferred) {
        List<Dim> inDims = new ArrayList<>(in.dims());
        long knownOut = 1;
        for (int i = 0; i < out.rank(); i++) {
            if (i == inferred) {
                continue;
            }
            Dim d = out.dim(i);
            if (d.isKnown()) {
                knownOut *= d.value();
            } else if (!inDims.remove(d)) {
                return Dim.unknown();
            }
        }
        Dim rest = DimMath.product(new Shape(inDims), 0, inDims.size());
        if (rest.isKnown()) {
            return rest.value() % knownOut == 0 ? Dim.of(rest.value() / knownOut) : Dim.unknown();
        }
        return knownOut == 1 ? rest : Dim.unknown();
    }

    /**
     * {@code torch.flatten(x, startDim)} (to the last dimension): ONNX Flatten when the result is 2-D
     * ({@code startDim == 1}), otherwise a Reshape that keeps the leading dimensions.
     *
     * @param startDim the first dimension to merge
     * @return the result
     */
    public Tensor flatten(int startDim) {
        int start = DimMath.axis(startDim, rank());
        if (start == 1) {
            Shape out = new Shape(List.of(shape().dim(0), DimMath.product(shape(), 1, rank())));
            return network.emit1("Flatten", List.of(this), List.of(Attribute.ofInt("axis", 1)),
                    new TensorType(dtype(), out));
        }
        long[] target = new long[start + 1];
        target[start] = -1;
        List<Dim> dims = new ArrayList<>(shape().dims().subList(0, start));
        dims.add(DimMath.product(shape(), start, rank()));
        Tensor t = network.constant("shape", TensorValue.vector(target));
        return network.emit1("Reshape", List.of(this, t), List.of(), new TensorType(dtype(), new Shape(dims)));
    }

    /**
     * Inserts size-1 dimensions at {@code axes} of the result (ONNX Unsqueeze, axes as an input).
     *
     * @param axes the axes of the result that get size 1
     * @return the result
     */
    public Tensor unsqueeze(long... axes) {
        int outRank = rank() + axes.length;
        boolean[] inserted = new boolean[outRank];
        for (long a : axes) {
            inserted[DimMath.axis(a, outRank)] = true;
        }
        List<Dim> dims = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < outRank; i++) {
            dims.add(inserted[i] ? Dim.of(1) : shape().dim(j++));
        }
        Tensor ax = network.constant("axes", TensorValue.vector(axes));
        return network.emit1("Unsqueeze", List.of(this, ax), List.of(), new TensorType(dtype(), new Shape(dims)));
    }

    /**
     * {@code x.select(axis, index)}, i.e. {@code x[:, index]} for axis 1: ONNX Gather with a scalar index.
     *
     * @param axis the axis (negative counts from the end)
     * @param index the index
     * @return the result
     */
    public Tensor select(int axis, long index) {
        int a = DimMath.axis(axis, rank());
        List<Dim> dims = new ArrayList<>(shape().dims());
        dims.remove(a);
        Tensor idx = network.constant("index", TensorValue.scalar(index));
        return network.emit1("Gather", List.of(this, idx), List.of(Attribute.ofInt("axis", a)),
                new TensorType(dtype(), new Shape(dims)));
    }

    /**
     * Splits along {@code axis} into parts of the given sizes (ONNX Split with a sizes input).
     *
     * @param axis the axis (negative counts from the end)
     * @param sizes the size of each part
     * @return the parts, in order
     */
    public List<Tensor> split(int axis, long... sizes) {
        int a = DimMath.axis(axis, rank());
        Dim whole = shape().dim(a);
        long sum = Arrays.stream(sizes).sum();
        if (whole.isKnown() && whole.value() != sum) {
            throw new ModelMeterException("split: sizes " + Arrays.toString(sizes) + " do not add up to " + whole);
        }
        List<TensorType> outs = new ArrayList<>();
        for (long s : sizes) {
            outs.add(new TensorType(dtype(), shape().withDim(a, Dim.of(s))));
        }
        Tensor split = network.constant("split", TensorValue.vector(sizes));
        return network.emit("Split", List.of(this, split), List.of(Attribute.ofInt("axis", a)), outs, Map.of());
    }

    /**
     * {@code adaptive_avg_pool2d(x, (outH, outW))} as the exporters write it: GlobalAveragePool for 1×1;
     * otherwise an AveragePool with kernel = stride = input/output when the input's height and width are
     * known and divisible by the output size (an input already of that size gets a 1×1 window, an
     * identity). Uneven windows have no single ONNX operator and are refused.
     *
     * @param outH output height
     * @param outW output width
     * @return the result
     */
    public Tensor adaptiveAvgPool2d(long outH, long outW) {
        if (rank() != 4) {
            throw new ModelMeterException("adaptive_avg_pool2d expects a 4-D input, got " + shape());
        }
        List<Dim> out = new ArrayList<>(shape().dims().subList(0, 2));
        out.add(Dim.of(outH));
        out.add(Dim.of(outW));
        TensorType t = new TensorType(dtype(), new Shape(out));
        if (outH == 1 && outW == 1) {
            return network.emit1("GlobalAveragePool", List.of(this), List.of(), t);
        }
        Dim h = dim(2);
        Dim w = dim(3);
        if (!h.isKnown() || !w.isKnown() || h.value() % outH != 0 || w.value() % outW != 0) {
            throw new ModelMeterException("adaptive_avg_pool2d to " + outH + "x" + outW + " on input " + shape()
                    + ": only output 1x1 or an input size divisible by the output size can be written in ONNX");
        }
        long kh = h.value() / outH;
        long kw = w.value() / outW;
        return network.emit1("AveragePool", List.of(this), List.of(
                Attribute.ofInts("kernel_shape", kh, kw),
                Attribute.ofInts("strides", kh, kw)), t);
    }

    @Override
    public String toString() {
        return name + ": " + type;
    }
}
