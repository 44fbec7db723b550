package dev.modelmeter.ops;

import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.TensorValue;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.List;

import static dev.modelmeter.ops.OpDef.op;

/**
 * Operators outside the tensor, nn and control-flow families: quantisation, random generators,
 * strings, signal processing (windows, DFT, STFT, mel filters), image decoding, sampling grids,
 * Col2Im and CenterCropPad, the {@code ai.onnx.ml} operators of the ONNX suite and the
 * {@code ai.onnx.preview.training} optimisers.
 *
 * <p>Cost convention: elementwise ones (quantise, dequantise, Bernoulli, Binarizer) count one
 * {@code otherFlops} per output element, as {@link ElementwiseOps} does; the others are not costed
 * (they do not appear in the networks modelmeter measures). None of them saves tensors for
 * backward: they are not differentiable, or (Det, DFT) not modelled.
 */
public final class MiscOps implements OpFamily {

    private static final String ML = "ai.onnx.ml";
    private static final String TRAINING = "ai.onnx.preview.training";

    @Override
    public void register(OpRegistry r) {
        registerQuantization(r);
        registerRandom(r);
        registerStrings(r);
        registerSignal(r);
        registerImage(r);
        registerMl(r);
        registerTraining(r);
        registerRecentSequenceOps(r);
    }

    // ---------------------------------------------------------------- quantisation

    private void registerQuantization(OpRegistry r) {
        // y = saturate(round(x / scale) + zero_point): the zero point's type, else output_dtype
        // (opset 21+), else uint8.
        r.add(op("QuantizeLinear").shape(ctx -> {
            TensorType x = ctx.input(0);
            DType out;
            if (ctx.hasInput(2)) {
                out = ctx.input(2).dtype();
            } else {
                long code = ctx.intAttr("output_dtype", 0);
                out = code != 0 ? DType.fromCode((int) code) : DType.UINT8;
            }
            ctx.output(0, out, x.shape());
        }).cost(ElementwiseOps::perElement).saves(AutogradRule.NOTHING).constants(1, 2));
        // y = (x - zero_point) * scale: the scale's type, unless output_dtype says otherwise.
        r.add(op("DequantizeLinear").shape(ctx -> {
            TensorType x = ctx.input(0);
            long code = ctx.intAttr("output_dtype", 0);
            DType out = code != 0 ? DType.fromCode((int) code) : ctx.input(1).dtype();
            ctx.output(0, out, x.shape());
        }).cost(ElementwiseOps::perElement).saves(AutogradRule.NOTHING).constants(1, 2));
        r.add(op("DynamicQuantizeLinear").shape(ctx -> {
            TensorType x = ctx.input(0);
            ctx.output(0, DType.UINT8, x.shape());
            ctx.output(1, DType.FLOAT, Shape.SCALAR);
            ctx.output(2, DType.UINT8, Shape.SCALAR);
        }).cost(ElementwiseOps::perElement).saves(AutogradRule.NOTHING));
    }

    // ---------------------------------------------------------------- random

    private void registerRandom(OpRegistry r) {
        for (String name : List.of("Bernoulli", "RandomUniformLike", "RandomNormalLike")) {
            r.add(op(name).shape(ctx -> {
                TensorType x = ctx.input(0);
                ctx.output(0, dtypeAttr(ctx, "dtype", x.dtype()), x.shape());
            }).cost(ElementwiseOps::perElement).notDifferentiable("a random source"));
        }
        for (String name : List.of("RandomUniform", "RandomNormal")) {
            r.add(op(name).shape(ctx -> {
                long[] shape = ctx.intsAttr("shape");
                if (shape == null) {
                    throw ctx.fail("attribute 'shape' is required");
                }
                ctx.output(0, dtypeAttr(ctx, "dtype", DType.FLOAT), Shape.of(shape));
            }).cost(ElementwiseOps::perElement).notDifferentiable("a random source"));
        }
        // Multinomial: [batch, classes] → [batch, sample_size] of int32 (or dtype).
        r.add(op("Multinomial").shape(ctx -> {
            TensorType x = ctx.input(0);
            DType out = dtypeAttr(ctx, "dtype", DType.INT32);
            Dim samples = Dim.of(ctx.intAttr("sample_size", 1));
            ctx.output(0, out, x.shape() == null ? null : new Shape(List.of(x.shape().dim(0), samples)));
        }).costUnknown("sampling: no FLOP convention").notDifferentiable("a random source: sampled indices"));
        r.add(op("EyeLike").shape(ctx -> {
            TensorType x = ctx.input(0);
            if (x.shape() != null && x.shape().rank() != 2) {
                throw ctx.fail("input must be 2-D, got rank " + x.shape().rank());
            }
            ctx.output(0, dtypeAttr(ctx, "dtype", x.dtype()), x.shape());
        }).noCost("fills a tensor: no arithmetic on data").notDifferentiable("a constant identity matrix"));
        // Det: [*, M, M] → [*].
        r.add(op("Det").savesNotModelled("rare in training graphs; not modelled").shape(ctx -> {
            TensorType x = ctx.input(0);
            Shape s = x.shape();
            if (s == null) {
                ctx.output(0, x.dtype(), null);
                return;
            }
            if (s.rank() < 2) {
                throw ctx.fail("input must have rank >= 2, got " + s.rank());
            }
            ctx.output(0, x.dtype(), new Shape(s.dims().subList(0, s.rank() - 2)));
        }).costUnknown("a matrix factorisation: no FLOP convention in FlopCounterMode"));
    }

    // ---------------------------------------------------------------- strings

    private void registerStrings(OpRegistry r) {
        // Stopwords remove a data-dependent number of strings: known when the strings are, else the
        // last size is unknown.
        r.add(op("StringNormalizer").shape(MiscOps::stringNormalizer).noCost("string work: no floating-point arithmetic").saves(AutogradRule.NOTHING));
        r.add(op("RegexFullMatch").shape(ctx -> ctx.output(0, DType.BOOL, ctx.input(0).shape())).noCost("string work: no floating-point arithmetic")
                .saves(AutogradRule.NOTHING));
        r.add(op("StringConcat").shape(ElementwiseOps.broadcastRule(ElementwiseOps.fixed(DType.STRING), null)).noCost("string work: no floating-point arithmetic")
                .saves(AutogradRule.NOTHING));
        // StringSplit: Y has one more axis, as long as the most substrings any element splits into
        // (known when the strings are; 0 when there are no elements); Z counts them per element.
        r.add(op("StringSplit").shape(MiscOps::stringSplit).noCost("string work: no floating-point arithmetic").saves(AutogradRule.NOTHING));
        // TfIdfVectorizer: [C] → [max(ngram_indexes)+1], [N, C] → [N, max+1], float.
        r.add(op("TfIdfVectorizer").shape(ctx -> {
            TensorType x = ctx.input(0);
            long[] idx = ctx.intsAttr("ngram_indexes");
            long size = 0;
            if (idx != null) {
                for (long i : idx) {
                    size = Math.max(size, i + 1);
                }
            }
            Shape s = x.shape();
            if (s == null) {
                ctx.output(0, DType.FLOAT, null);
            } else if (s.rank() == 1) {
                ctx.output(0, DType.FLOAT, Shape.of(size));
            } else if (s.rank() == 2) {
                ctx.output(0, DType.FLOAT, new Shape(List.of(s.dim(0), Dim.of(size))));
            } else {
                throw ctx.fail("input must be 1-D or 2-D, got rank " + s.rank());
            }
        }).costUnknown("n-gram matching: no FLOP convention").saves(AutogradRule.NOTHING));
    }

    /**
     * StringNormalizer on [C] or [1, C]: strings equal to a stopword (ignoring case unless
     * {@code is_case_sensitive}) are removed; when none is left the output holds one empty string.
     */
    private static void stringNormalizer(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        Shape s = x.shape();
        Attribute stop = ctx.attr("stopwords");
        if (s == null || s.rank() == 0 || stop == null || stop.strings().isEmpty()) {
            ctx.output(0, DType.STRING, s);
            return;
        }
        TensorValue v = ctx.inputValue(0);
        Dim kept = Dim.unknown();
        if (v != null && v.hasStrings()) {
            boolean caseSensitive = ctx.intAttr("is_case_sensitive", 0) != 0;
            java.util.Set<String> stopwords = new java.util.HashSet<>();
            for (String w : stop.strings()) {
                stopwords.add(caseSensitive ? w : w.toLowerCase(java.util.Locale.ROOT));
            }
            long n = 0;
            for (String e : v.strings()) {
                if (!stopwords.contains(caseSensitive ? e : e.toLowerCase(java.util.Locale.ROOT))) {
                    n++;
                }
            }
            kept = Dim.of(Math.max(n, 1));
        }
        ctx.output(0, DType.STRING, s.withDim(s.rank() - 1, kept));
    }

    /**
     * StringSplit: with a delimiter, Python's {@code str.split(delimiter, maxsplit)}; without one (or
     * an empty one), runs of whitespace separate and leading/trailing whitespace is dropped.
     */
    private static void stringSplit(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        Shape s = x.shape();
        if (s == null) {
            ctx.output(0, DType.STRING, null);
            ctx.output(1, DType.INT64, null);
            return;
        }
        Dim parts = Dim.unknown();
        TensorValue v = ctx.inputValue(0);
        if (s.numel().isPresent() && s.numel().getAsLong() == 0) {
            parts = Dim.of(0);
        } else if (v != null && v.hasStrings()) {
            String delimiter = ctx.stringAttr("delimiter", "");
            long maxParts = ctx.hasAttr("maxsplit") ? ctx.intAttr("maxsplit", 0) + 1 : Long.MAX_VALUE;
            long most = 0;
            for (String e : v.strings()) {
                most = Math.max(most, Math.min(maxParts, splitCount(e, delimiter)));
            }
            parts = Dim.of(most);
        }
        List<Dim> dims = new ArrayList<>(s.dims());
        dims.add(parts);
        ctx.output(0, DType.STRING, new Shape(dims));
        ctx.output(1, DType.INT64, s);
    }

    /** Substrings {@code text} splits into, without a cap. */
    private static long splitCount(String text, String delimiter) {
        if (delimiter.isEmpty()) {
            String t = text.strip();
            return t.isEmpty() ? 0 : t.split("(?U)\\s+").length;
        }
        long count = 1;
        for (int i = text.indexOf(delimiter); i >= 0; i = text.indexOf(delimiter, i + delimiter.length())) {
            count++;
        }
        return count;
    }

    // ---------------------------------------------------------------- signal processing

    private void registerSignal(OpRegistry r) {
        // Windows: a 1-D tensor of `size` (a scalar input) elements of output_datatype (float).
        for (String name : List.of("HannWindow", "HammingWindow", "BlackmanWindow")) {
            r.add(op(name).shape(ctx -> {
                long[] size = ctx.inputLongs(0);
                Dim n = size != null && size.length == 1 ? Dim.of(size[0]) : Dim.unknown();
                ctx.output(0, dtypeAttr(ctx, "output_datatype", DType.FLOAT), new Shape(List.of(n)));
            }).cost(ElementwiseOps::perElement).saves(AutogradRule.NOTHING).constants(0));
        }
        r.add(op("MelWeightMatrix").shape(ctx -> {
            long[] bins = ctx.inputLongs(0);
            long[] dft = ctx.inputLongs(1);
            Dim rows = dft != null && dft.length == 1 ? Dim.of(dft[0] / 2 + 1) : Dim.unknown();
            Dim cols = bins != null && bins.length == 1 ? Dim.of(bins[0]) : Dim.unknown();
            ctx.output(0, dtypeAttr(ctx, "output_datatype", DType.FLOAT), new Shape(List.of(rows, cols)));
        }).cost(ElementwiseOps::perElement).saves(AutogradRule.NOTHING).constants(0, 1, 2, 3, 4));
        r.add(op("DFT").costUnknown("a Fourier transform: no FLOP convention in FlopCounterMode").savesNotModelled("rare in training graphs; not modelled").shape(MiscOps::dft).constants(1, 2));
        r.add(op("STFT").costUnknown("a Fourier transform: no FLOP convention in FlopCounterMode").savesNotModelled("rare in training graphs; not modelled").shape(MiscOps::stft).constants(1, 3));
    }

    /**
     * DFT over [batch, ..., signal, 1|2]: the last axis becomes 2 (complex), or 1 for an inverse
     * one-sided (irfft) transform; the transformed axis becomes dft_length (default: its size), cut
     * to floor(n/2)+1 for a forward one-sided transform, or 2(n−1) for an inverse one-sided one
     * without dft_length. The axis is an attribute (default 1) before opset 20, an input
     * (default −2) from 20 on.
     */
    private static void dft(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        Shape s = x.shape();
        if (s == null) {
            ctx.output(0, x.dtype(), null);
            return;
        }
        int rank = s.rank();
        if (rank < 2) {
            throw ctx.fail("input must have rank >= 2, got " + rank);
        }
        boolean inverse = ctx.intAttr("inverse", 0) != 0;
        boolean onesided = ctx.intAttr("onesided", 0) != 0;
        Integer axis;
        if (ctx.opset() < 20) {
            axis = Shapes.axis(ctx, ctx.intAttr("axis", 1), rank);
        } else if (!ctx.hasInput(2)) {
            axis = rank - 2;
        } else {
            long[] a = ctx.inputLongs(2);
            axis = a != null && a.length == 1 ? Shapes.axis(ctx, a[0], rank) : null;
        }
        Dim length = null; // null: dft_length not given
        if (ctx.hasInput(1)) {
            long[] l = ctx.inputLongs(1);
            length = l != null && l.length == 1 ? Dim.of(l[0]) : Dim.unknown();
        }
        List<Dim> dims = new ArrayList<>(s.dims());
        dims.set(rank - 1, Dim.of(inverse && onesided ? 1 : 2));
        if (axis == null) {
            if (length != null || onesided) {
                for (int i = 0; i < rank - 1; i++) {
                    dims.set(i, i == 0 ? dims.get(0) : Dim.unknown());
                }
            }
        } else {
            Dim n = length != null ? length : s.dim(axis);
            Dim out;
            if (onesided && !inverse) {
                out = n.isKnown() ? Dim.of(n.value() / 2 + 1) : Dim.unknown();
            } else if (onesided && length == null) {
                out = n.isKnown() ? Dim.of(2 * (n.value() - 1)) : Dim.unknown();
            } else {
                out = n;
            }
            dims.set(axis, out);
        }
        ctx.output(0, x.dtype(), new Shape(dims));
    }

    /**
     * STFT(signal [batch, length, 1|2], frame_step, window?, frame_length?) → [batch, frames, bins, 2]
     * with frames = floor((length − frame_length) / frame_step) + 1 and bins = floor(frame_length/2)+1
     * when one-sided (the default), else frame_length. The frame length is the window's length when
     * no frame_length is given.
     */
    private static void stft(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        Shape s = x.shape();
        if (s == null) {
            ctx.output(0, x.dtype(), null);
            return;
        }
        if (s.rank() != 3) {
            throw ctx.fail("signal must be [batch, length, 1 or 2], got rank " + s.rank());
        }
        long[] step = ctx.inputLongs(1);
        Dim frameLength = Dim.unknown();
        if (ctx.hasInput(3)) {
            long[] fl = ctx.inputLongs(3);
            frameLength = fl != null && fl.length == 1 ? Dim.of(fl[0]) : Dim.unknown();
        } else if (ctx.hasInput(2) && ctx.input(2).shape() != null && ctx.input(2).shape().rank() == 1) {
            frameLength = ctx.input(2).shape().dim(0);
        }
        Dim frames = Dim.unknown();
        Dim len = s.dim(1);
        if (frameLength.isKnown() && len.isKnown() && step != null && step.length == 1 && step[0] > 0) {
            frames = Dim.of(Math.floorDiv(len.value() - frameLength.value(), step[0]) + 1);
        }
        boolean onesided = ctx.intAttr("onesided", 1) != 0;
        Dim bins = !frameLength.isKnown() ? Dim.unknown()
                : onesided ? Dim.of(frameLength.value() / 2 + 1) : frameLength;
        ctx.output(0, x.dtype(), new Shape(List.of(s.dim(0), frames, bins, Dim.of(2))));
    }

    // ---------------------------------------------------------------- images and grids

    private void registerImage(OpRegistry r) {
        // ImageDecoder: [height, width, channels] uint8; only the channel count is known beforehand.
        // When the encoded bytes are known, the image header tells the height and width.
        r.add(op("ImageDecoder").shape(ctx -> {
            ctx.input(0);
            long channels = "Grayscale".equals(ctx.stringAttr("pixel_format", "RGB")) ? 1 : 3;
            TensorValue encoded = ctx.inputValue(0);
            long[] hw = null;
            if (encoded != null) {
                byte[] bytes = new byte[encoded.size()];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) encoded.getLong(i);
                }
                hw = ImageHeaders.size(bytes);
            }
            Dim h = hw != null ? Dim.of(hw[0]) : Dim.unknown();
            Dim w = hw != null ? Dim.of(hw[1]) : Dim.unknown();
            ctx.output(0, DType.UINT8, new Shape(List.of(h, w, Dim.of(channels))));
        }).costUnknown("image decoding: no FLOP convention").saves(AutogradRule.NOTHING));
        // AffineGrid(theta [N,2,3] | [N,3,4], size [N,C,H,W] | [N,C,D,H,W]) → [N,H,W,2] | [N,D,H,W,3].
        r.add(op("AffineGrid").savesNotModelled("rare in training graphs; not modelled").shape(ctx -> {
            TensorType theta = ctx.input(0);
            long[] size = ctx.inputLongs(1);
            int spatial;
            if (size != null) {
                spatial = size.length - 2;
            } else if (ctx.input(1).isFullyKnown() && ctx.input(1).shape().rank() == 1) {
                spatial = (int) ctx.input(1).shape().dim(0).value() - 2;
            } else if (theta.shape() != null && theta.shape().rank() == 3 && theta.shape().dim(1).isKnown()) {
                spatial = (int) theta.shape().dim(1).value();
            } else {
                ctx.output(0, theta.dtype(), null);
                return;
            }
            if (spatial != 2 && spatial != 3) {
                throw ctx.fail("only 2-D and 3-D grids exist, got " + spatial + " spatial dims");
            }
            List<Dim> dims = new ArrayList<>();
            dims.add(size != null ? Dim.of(size[0])
                    : theta.shape() != null && theta.shape().rank() == 3 ? theta.shape().dim(0) : Dim.unknown());
            for (int i = 0; i < spatial; i++) {
                dims.add(size != null ? Dim.of(size[2 + i]) : Dim.unknown());
            }
            dims.add(Dim.of(spatial));
            ctx.output(0, theta.dtype(), new Shape(dims));
        }).costUnknown("grid generation: not modelled").constants(1));
        // Col2Im(input [N, C·∏block, L], image_shape, block_shape) → [N, C, *image_shape].
        r.add(op("Col2Im").savesNotModelled("rare in training graphs; not modelled").shape(ctx -> {
            TensorType x = ctx.input(0);
            long[] image = ctx.inputLongs(1);
            long[] block = ctx.inputLongs(2);
            Shape s = x.shape();
            int spatial = image != null ? image.length : block != null ? block.length : -1;
            if (spatial < 0 && ctx.input(1).isFullyKnown() && ctx.input(1).shape().rank() == 1) {
                spatial = (int) ctx.input(1).shape().dim(0).value();
            }
            if (s == null || spatial < 0) {
                ctx.output(0, x.dtype(), null);
                return;
            }
            if (s.rank() != 3) {
                throw ctx.fail("input must be [N, C*prod(block_shape), L], got rank " + s.rank());
            }
            List<Dim> dims = new ArrayList<>();
            dims.add(s.dim(0));
            Dim channels = Dim.unknown();
            if (block != null && s.dim(1).isKnown()) {
                long prod = 1;
                for (long b : block) {
                    prod *= b;
                }
                if (prod <= 0 || s.dim(1).value() % prod != 0) {
                    throw ctx.fail("dimension 1 (" + s.dim(1) + ") is not a multiple of the block size " + prod);
                }
                channels = Dim.of(s.dim(1).value() / prod);
            }
            dims.add(channels);
            for (int i = 0; i < spatial; i++) {
                dims.add(image != null ? Dim.of(image[i]) : Dim.unknown());
            }
            ctx.output(0, x.dtype(), new Shape(dims));
        }).costUnknown("patch folding: not modelled").constants(1, 2));
        // CenterCropPad(input, shape): the sizes at `axes` (default: all) become `shape`.
        r.add(op("CenterCropPad").savesNotModelled("rare in training graphs; not modelled").shape(ctx -> {
            TensorType x = ctx.input(0);
            long[] target = ctx.inputLongs(1);
            Shape s = x.shape();
            if (s == null) {
                ctx.output(0, x.dtype(), null);
                return;
            }
            int rank = s.rank();
            long[] axes = ctx.intsAttr("axes");
            if (axes == null) {
                axes = new long[rank];
                for (int i = 0; i < rank; i++) {
                    axes[i] = i;
                }
            }
            List<Dim> dims = new ArrayList<>(s.dims());
            for (int i = 0; i < axes.length; i++) {
                int a = Shapes.axis(ctx, axes[i], rank);
                dims.set(a, target != null && i < target.length ? Dim.of(target[i]) : Dim.unknown());
            }
            ctx.output(0, x.dtype(), new Shape(dims));
        }).noCost("copies data: no arithmetic (FLOPs count arithmetic only)").constants(1));
    }

    // ---------------------------------------------------------------- ai.onnx.ml

    private void registerMl(OpRegistry r) {
        // LabelEncoder maps each element; the output type is that of the values_* attribute given.
        r.add(op(ML, "LabelEncoder").shape(ctx -> {
            TensorType x = ctx.input(0);
            DType out;
            if (ctx.hasAttr("values_tensor") && ctx.attr("values_tensor").t() != null) {
                out = ctx.attr("values_tensor").t().dtype();
            } else if (ctx.hasAttr("values_strings")) {
                out = DType.STRING;
            } else if (ctx.hasAttr("values_int64s")) {
                out = DType.INT64;
            } else if (ctx.hasAttr("values_floats")) {
                out = DType.FLOAT;
            } else {
                out = ctx.opset() < 2 ? (x.dtype() == DType.STRING ? DType.INT64 : DType.STRING) : DType.UNDEFINED;
            }
            ctx.output(0, out, x.shape());
        }).noCost("a table lookup: no arithmetic").saves(AutogradRule.NOTHING));
        // ArrayFeatureExtractor(X [..., F], Y indices) → [..., |Y|] (a 1-D X gives [1, |Y|]).
        r.add(op(ML, "ArrayFeatureExtractor").shape(ctx -> {
            TensorType x = ctx.input(0);
            TensorType y = ctx.input(1);
            Shape s = x.shape();
            Dim k = y.shape() == null ? Dim.unknown() : Shapes.product(y.shape(), 0, y.shape().rank());
            if (s == null) {
                ctx.output(0, x.dtype(), null);
                return;
            }
            List<Dim> dims = new ArrayList<>();
            if (s.rank() <= 1) {
                dims.add(Dim.of(1));
            } else {
                dims.addAll(s.dims().subList(0, s.rank() - 1));
            }
            dims.add(k);
            ctx.output(0, x.dtype(), new Shape(dims));
        }).noCost("copies data: no arithmetic (FLOPs count arithmetic only)").saves(AutogradRule.NOTHING));
        r.add(op(ML, "Binarizer").shape(ctx -> ctx.output(0, ctx.input(0)))
                .cost(ElementwiseOps::perElement).saves(AutogradRule.NOTHING));
        // TreeEnsemble (ml opset 5): [N, F] → [N, n_targets] of X's type.
        r.add(op(ML, "TreeEnsemble").shape(ctx -> {
            TensorType x = ctx.input(0);
            Dim targets = ctx.hasAttr("n_targets") ? Dim.of(ctx.intAttr("n_targets", 1)) : Dim.unknown();
            Dim n = x.shape() != null && x.shape().rank() >= 1 ? x.shape().dim(0) : Dim.unknown();
            ctx.output(0, x.dtype(), new Shape(List.of(n, targets)));
        }).costUnknown("tree traversal: comparisons, no FLOP convention").saves(AutogradRule.NOTHING));
    }

    // ---------------------------------------------------------------- training optimisers

    /**
     * Adagrad(R, T, X…, G…, H…) → X_new…, H_new…; Adam(R, T, X…, G…, V…, H…) → X_new…, V_new…,
     * H_new…; Momentum(R, T, X…, G…, V…) → X_new…, V_new…. Each output has the type of the input
     * group it updates.
     */
    private void registerTraining(OpRegistry r) {
        optimizer(r, "Adagrad", 3, new int[] {0, 2});
        optimizer(r, "Adam", 4, new int[] {0, 2, 3});
        optimizer(r, "Momentum", 3, new int[] {0, 2});
        r.add(op(TRAINING, "Gradient").shape(MiscOps::gradient).costUnknown("a training operator: not modelled").saves(AutogradRule.NOTHING));
    }

    /**
     * Gradient (preview.training): output i is the gradient of y with respect to the i-th name in
     * {@code xs}, whose value is fed as input i; it has that input's type.
     */
    private static void gradient(InferenceContext ctx) {
        Attribute xs = ctx.attr("xs");
        int n = xs == null ? 0 : xs.strings().size();
        if (ctx.outputCount() > n || ctx.inputCount() < n) {
            throw ctx.fail("expects one output per name in 'xs' (" + n + "), fed as the first inputs");
        }
        for (int i = 0; i < ctx.outputCount(); i++) {
            ctx.output(i, ctx.inputType(i));
        }
    }

    private static void optimizer(OpRegistry r, String name, int groups, int[] outputGroups) {
        r.add(op(TRAINING, name).shape(ctx -> {
            int tensors = ctx.inputCount() - 2;
            if (tensors <= 0 || tensors % groups != 0) {
                throw ctx.fail("expects R, T and " + groups + " groups of tensors, got " + ctx.inputCount() + " inputs");
            }
            int n = tensors / groups;
            for (int o = 0; o < ctx.outputCount(); o++) {
                int group = o / n;
                if (group >= outputGroups.length) {
                    throw ctx.fail("has more outputs than " + outputGroups.length + " groups of " + n);
                }
                ctx.output(o, ctx.input(2 + outputGroups[group] * n + o % n));
            }
        }).costUnknown("an optimizer update: not modelled").saves(AutogradRule.NOTHING));
    }

    // ---------------------------------------------------------------- recent sequence-model ops

    /**
     * Recent operators for state-space and linear-attention language models (opset 27) and
     * FlexAttention ({@code ai.onnx.preview}), which no other family registers.
     */
    private void registerRecentSequenceOps(OpRegistry r) {
        // CausalConvWithState(input [B, C, L], weight [C, 1, K], bias?, past_state? [B, C, K-1]):
        // a depthwise causal conv; output [B, C, L], present_state [B, C, K-1].
        r.add(op("CausalConvWithState").savesNotModelled("a fused kernel with state; not modelled").shape(ctx -> {
            TensorType x = ctx.input(0);
            TensorType w = ctx.input(1);
            ctx.output(0, x);
            Shape xs = x.shape();
            if (ctx.hasInput(3) && ctx.input(3).shape() != null) {
                ctx.output(1, ctx.input(3).withDType(x.dtype()));
            } else if (xs != null && xs.rank() == 3 && w.shape() != null && w.shape().rank() >= 1) {
                Dim k = w.shape().dim(w.shape().rank() - 1);
                Dim state = k.isKnown() ? Dim.of(Math.max(0, k.value() - 1)) : Dim.unknown();
                ctx.output(1, x.dtype(), new Shape(List.of(xs.dim(0), xs.dim(1), state)));
            } else {
                ctx.output(1, x.dtype(), xs == null ? null : Shape.unknownDims(xs.rank()));
            }
        }).cost(ctx -> {
            // B·C·L outputs, K multiply-accumulates each (a depthwise Conv1d, as FlopCounterMode counts it)
            long out = ctx.outputNumel(0);
            TensorType w = ctx.input(1);
            long k = w != null && w.isFullyKnown() && w.shape().rank() >= 1
                    ? w.shape().dim(w.shape().rank() - 1).value() : 0;
            return Cost.macs(out * k, out + " outputs × " + k + " taps");
        }).params(1, 2));
        r.add(op("LinearAttention").costUnknown("not modelled").savesNotModelled("a fused kernel with state; not modelled").shape(MiscOps::linearAttention));
        // FlexAttention(Q [B, Hq, Lq, Dk], K [B, Hkv, Lk, Dk], V [B, Hkv, Lk, Dv]) → [B, Hq, Lq, Dv].
        r.add(op("ai.onnx.preview", "FlexAttention").savesNotModelled("a fused kernel with state; not modelled").shape(ctx -> {
            TensorType q = ctx.input(0);
            TensorType v = ctx.input(2);
            if (q.shape() == null || v.shape() == null || q.shape().rank() != 4 || v.shape().rank() != 4) {
                ctx.output(0, q.dtype(), q.shape() == null ? null : Shape.unknownDims(q.shape().rank()));
                return;
            }
            ctx.output(0, q.dtype(), q.shape().withDim(3, v.shape().dim(3)));
        }).cost(ctx -> {
            // Q·Kᵀ: B·Hq·Lq·Lk·Dk, then P·V: B·Hq·Lq·Lk·Dv multiply-accumulates
            TensorType q = ctx.input(0);
            TensorType k = ctx.input(1);
            TensorType v = ctx.input(2);
            if (q == null || k == null || v == null || !q.isFullyKnown() || !k.isFullyKnown() || !v.isFullyKnown()) {
                return CostText.unknown("FlexAttention");
            }
            long[] qs = q.shape().sizes();
            long lk = k.shape().dim(2).value();
            long dv = v.shape().dim(3).value();
            long rows = qs[0] * qs[1] * qs[2];
            return Cost.macs(rows * lk * (qs[3] + dv), rows + " rows × " + lk + " keys × (" + qs[3] + " + " + dv + ")");
        }));
    }

    /**
     * LinearAttention(query, key, value, past_state?, decay?, beta?) with q_num_heads and
     * kv_num_heads: 3-D inputs [B, T, H·D] give output [B, T, Hq·Dv] and present_state
     * [B, Hkv, Dk, Dv]; 4-D inputs [B, H, T, D] give output [B, Hq, T, Dv].
     */
    private static void linearAttention(InferenceContext ctx) {
        TensorType q = ctx.input(0);
        TensorType k = ctx.input(1);
        TensorType v = ctx.input(2);
        Shape qs = q.shape();
        Shape ks = k.shape();
        Shape vs = v.shape();
        if (qs == null || ks == null || vs == null || qs.rank() != ks.rank() || qs.rank() != vs.rank()
                || (qs.rank() != 3 && qs.rank() != 4)) {
            ctx.output(0, q.dtype(), qs == null ? null : Shape.unknownDims(qs.rank()));
            ctx.output(1, q.dtype(), ctx.hasInput(3) && ctx.input(3).shape() != null ? ctx.input(3).shape() : null);
            return;
        }
        Dim batch = qs.dim(0);
        Dim dk;
        Dim dv;
        Dim hq;
        Dim hkv;
        Shape out;
        if (qs.rank() == 4) {
            hq = qs.dim(1);
            hkv = ks.dim(1);
            dk = ks.dim(3);
            dv = vs.dim(3);
            out = new Shape(List.of(batch, hq, qs.dim(2), dv));
        } else {
            hq = ctx.hasAttr("q_num_heads") ? Dim.of(ctx.intAttr("q_num_heads", 1)) : Dim.unknown();
            hkv = ctx.hasAttr("kv_num_heads") ? Dim.of(ctx.intAttr("kv_num_heads", 1)) : hq;
            dk = divide(ks.dim(2), hkv);
            dv = divide(vs.dim(2), hkv);
            Dim width = hq.isKnown() && dv.isKnown() ? Dim.of(hq.value() * dv.value()) : Dim.unknown();
            out = new Shape(List.of(batch, qs.dim(1), width));
        }
        ctx.output(0, q.dtype(), out);
        if (ctx.hasInput(3) && ctx.input(3).shape() != null) {
            ctx.output(1, ctx.input(3).withDType(q.dtype()));
        } else {
            ctx.output(1, q.dtype(), new Shape(List.of(batch, hkv, dk, dv)));
        }
    }

    private static Dim divide(Dim total, Dim parts) {
        return total.isKnown() && parts.isKnown() && parts.value() > 0 && total.value() % parts.value() == 0
                ? Dim.of(total.value() / parts.value()) : Dim.unknown();
    }

    // ---------------------------------------------------------------- helpers

    /** An element-type attribute (a TensorProto.DataType number), or the fallback when absent. */
    private static DType dtypeAttr(InferenceContext ctx, String name, DType fallback) {
        if (!ctx.hasAttr(name)) {
            return fallback;
        }
        DType t = DType.fromCode((int) ctx.intAttr(name, 0));
        if (t == DType.UNDEFINED) {
            throw ctx.fail("'" + name + "' names no known element type");
        }
        return t;
    }
}
