package dev.modelmeter.ops;

import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link ExplainRule}s of the layers users derive by hand: convolution and pooling output sizes, and
 * the parameter counts of conv, linear and normalisation layers.
 */
final class Explanations {

    private static final String[] AXES = {"H_out", "W_out", "D_out"};

    private Explanations() {
    }

    /** Conv: {@code params = Co × (Kh×Kw×Cin/groups + 1)} and the output size of each spatial axis. */
    static List<String> conv(CostContext c) {
        List<String> lines = new ArrayList<>();
        long[] w = CostText.sizes(c.input(1));
        if (w != null) {
            long perFilter = CostText.product(w, 1, w.length);
            boolean bias = c.input(2) != null;
            long params = w[0] * (perFilter + (bias ? 1 : 0));
            String kernel = CostText.dims(CostText.slice(w, 2, w.length)) + "×" + w[1];
            lines.add("params = Co × (" + (w.length == 4 ? "Kh×Kw" : "K") + "×Cin/groups" + (bias ? " + 1" : "") + ") = "
                    + w[0] + " × (" + kernel + (bias ? " + 1" : "") + ") = " + CostText.num(params));
        }
        lines.addAll(windows(c, w == null ? null : CostText.slice(w, 2, w.length), false));
        return lines;
    }

    /** MaxPool / AveragePool: the output size of each spatial axis. */
    static List<String> pool(CostContext c) {
        return windows(c, c.node().intsAttr("kernel_shape") == null ? null
                : c.node().intsAttr("kernel_shape").stream().mapToLong(Long::longValue).toArray(),
                c.node().intAttr("ceil_mode", 0) == 1);
    }

    private static List<String> windows(CostContext c, long[] kernel, boolean ceil) {
        long[] x = CostText.sizes(c.input(0));
        long[] out = CostText.sizes(c.output(0));
        if (x == null || out == null || kernel == null || x.length != kernel.length + 2) {
            return List.of();
        }
        int n = kernel.length;
        String autoPad = c.node().stringAttr("auto_pad", "NOTSET");
        long[] strides = ints(c, "strides", n, 1);
        long[] dilations = ints(c, "dilations", n, 1);
        long[] pads = autoPad.equals("NOTSET") ? ints(c, "pads", 2 * n, 0) : new long[2 * n];
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String axis = n <= 2 ? AXES[i + (n == 1 ? 1 : 0)] : "out" + i;
            long in = x[2 + i];
            long o = out[2 + i];
            if (autoPad.startsWith("SAME")) {
                lines.add(axis + " = ⌈" + in + "/" + strides[i] + "⌉ = " + o + " (auto_pad " + autoPad + ")");
                continue;
            }
            String open = ceil ? "⌈" : "";
            String close = ceil ? "⌉" : "";
            String padText = pads[i] == pads[i + n] ? (pads[i] == 0 ? "" : " + 2·" + pads[i])
                    : " + " + pads[i] + " + " + pads[i + n];
            String window = dilations[i] == 1 ? " − " + kernel[i] : " − " + dilations[i] + "·(" + kernel[i] + "−1) − 1";
            lines.add(axis + " = " + open + "(" + in + padText + window + ")/" + strides[i] + close + " + 1 = " + o);
        }
        return lines;
    }

    /** Gemm as a linear layer: {@code params = (D1 + 1) × D2}. */
    static List<String> linear(CostContext c) {
        long[] w = CostText.sizes(c.input(1));
        if (w == null || w.length != 2) {
            return List.of();
        }
        boolean transB = c.node().intAttr("transB", 0) == 1;
        long in = transB ? w[1] : w[0];
        long out = transB ? w[0] : w[1];
        boolean bias = c.input(2) != null;
        if (!bias) {
            return List.of("params = D1 × D2 = " + in + " × " + out + " = " + CostText.num(in * out));
        }
        return List.of("params = (D1 + 1) × D2 = (" + in + " + 1) × " + out + " = " + CostText.num((in + 1) * out));
    }

    /** BatchNorm: {@code 2 × C} parameters (scale, shift) and {@code 2 × C} buffers (running mean, variance). */
    static List<String> batchNorm(CostContext c) {
        TensorType scale = c.input(1);
        if (scale == null || !scale.isFullyKnown()) {
            return List.of();
        }
        long ch = scale.numel().getAsLong();
        return List.of("params = 2 × C = 2 × " + ch + " = " + CostText.num(2 * ch)
                + " (weight, bias); buffers = 2 × " + ch + " = " + CostText.num(2 * ch) + " (running mean, var)");
    }

    /** LayerNorm: {@code 2 × D} parameters. */
    static List<String> layerNorm(CostContext c) {
        TensorType scale = c.input(1);
        if (scale == null || !scale.isFullyKnown()) {
            return List.of();
        }
        long d = scale.numel().getAsLong();
        boolean bias = c.input(2) != null;
        return List.of(bias ? "params = 2 × D = 2 × " + d + " = " + CostText.num(2 * d)
                : "params = D = " + CostText.num(d));
    }

    private static long[] ints(CostContext c, String name, int n, long fill) {
        List<Long> v = c.node().intsAttr(name);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = v == null || v.size() != n ? fill : v.get(i);
        }
        return out;
    }
}
