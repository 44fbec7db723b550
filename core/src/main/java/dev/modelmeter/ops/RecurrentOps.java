package dev.modelmeter.ops;

import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.InferenceContext;

import java.util.List;

/**
 * Recurrent layers: RNN (1 gate), GRU (3 gates), LSTM (4 gates).
 *
 * <p>MACs are the products of PyTorch's decomposed recurrent layer ({@code at::native} RNN.cpp): one
 * input projection of the whole sequence ({@code seq·batch × I × G·H}) and one hidden projection per
 * step ({@code batch × H × G·H}), per direction: {@code num_directions × seq × batch × G·H × (I + H)}.
 * FlopCounterMode sees exactly these {@code addmm}s where PyTorch decomposes the layer (GRU and RNN on
 * CPU); where it runs a fused kernel (LSTM on CPU goes to oneDNN, every RNN on GPU to cuDNN) it has no
 * formula and counts 0. We count the arithmetic either way: a figure that changes with the kernel
 * PyTorch picks would not describe the model. The bias adds (two per gate unit per step, when B is
 * given) are {@code otherFlops}; gate nonlinearities and state updates are not estimated.
 */
final class RecurrentOps {

    private RecurrentOps() {
    }

    static void register(OpRegistry r) {
        // W [dirs, H, I], R [dirs, H, H] and B [dirs, 2H] are the layer's weights.
        r.add(OpDef.op("RNN").savesNotModelled("cuDNN's RNN keeps a workspace whose size depends on the kernel; not modelled").shape(ctx -> shape(ctx, 1)).cost(c -> cost(c, 1)).params(1, 2, 3).constants(4));
        // W [dirs, 3H, I], R [dirs, 3H, H] and B [dirs, 6H] are the layer's weights.
        r.add(OpDef.op("GRU").savesNotModelled("cuDNN's RNN keeps a workspace whose size depends on the kernel; not modelled").shape(ctx -> shape(ctx, 3)).cost(c -> cost(c, 3)).params(1, 2, 3).constants(4));
        // W [dirs, 4H, I], R [dirs, 4H, H], B [dirs, 8H] and peepholes P [dirs, 3H] are the layer's weights.
        r.add(OpDef.op("LSTM").savesNotModelled("cuDNN's RNN keeps a workspace whose size depends on the kernel; not modelled").shape(ctx -> shape(ctx, 4)).cost(c -> cost(c, 4)).params(1, 2, 3, 7).constants(4));
    }

    private static long directions(String direction) {
        return "bidirectional".equals(direction) ? 2 : 1;
    }

    /**
     * Y {@code [seq, dirs, batch, H]} (layout 1: {@code [batch, seq, dirs, H]}), Y_h and LSTM's Y_c
     * {@code [dirs, batch, H]} (layout 1: {@code [batch, dirs, H]}). H is the {@code hidden_size}
     * attribute, else R's last dim.
     */
    private static void shape(InferenceContext ctx, int gates) {
        TensorType xt = ctx.input(0);
        Shape x = xt.shape();
        Shape r = ctx.input(2).shape();
        Shape w = ctx.input(1).shape();
        if (x != null && x.rank() != 3) {
            throw ctx.fail("X must have rank 3, got " + x);
        }
        boolean batchFirst = ctx.intAttr("layout", 0) != 0;
        Dim seq = x == null ? Dim.unknown() : x.dim(batchFirst ? 1 : 0);
        Dim batch = x == null ? Dim.unknown() : x.dim(batchFirst ? 0 : 1);
        Dim dirs = Dim.of(directions(ctx.stringAttr("direction", "forward")));
        Dim hidden = ctx.hasAttr("hidden_size") ? Dim.of(ctx.intAttr("hidden_size", 0))
                : r != null && r.rank() == 3 ? r.dim(2)
                : w != null && w.rank() == 3 && w.dim(1).isKnown() ? Dim.of(w.dim(1).value() / gates)
                : Dim.unknown();
        Shape y = new Shape(batchFirst ? List.of(batch, seq, dirs, hidden) : List.of(seq, dirs, batch, hidden));
        Shape state = new Shape(batchFirst ? List.of(batch, dirs, hidden) : List.of(dirs, batch, hidden));
        ctx.output(0, xt.dtype(), y);
        ctx.output(1, xt.dtype(), state);
        ctx.output(2, xt.dtype(), state);
    }

    private static Cost cost(CostContext c, int gates) {
        long[] x = CostText.sizes(c.input(0));
        long[] r = CostText.sizes(c.input(2));
        if (x == null || r == null) {
            return CostText.unknown(c.node().opType());
        }
        boolean batchFirst = c.node().intAttr("layout", 0) != 0;
        long seq = x[batchFirst ? 1 : 0];
        long batch = x[batchFirst ? 0 : 1];
        long input = x[2];
        long hidden = r[2];
        long dirs = directions(c.node().stringAttr("direction", "forward"));
        long gateUnits = Counts.mul(gates, hidden);
        long macs = Counts.mul(Counts.product(dirs, seq, batch, gateUnits), Counts.add(input, hidden));
        long bias = c.input(3) != null ? Counts.product(dirs, seq, batch, 2, gateUnits) : 0;
        return new Cost(macs, bias, "macs = dirs×seq×batch × gates·H × (I + H) = " + dirs + "×" + seq + "×" + batch
                + " × " + gates + "·" + hidden + " × (" + input + " + " + hidden + ") = " + CostText.num(macs)
                + (bias > 0 ? "; bias adds " + CostText.num(bias) + " flops" : ""));
    }
}
