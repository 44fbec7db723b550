package dev.modelmeter.ops;

import dev.modelmeter.graph.Counts;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.InferenceContext;

import java.util.List;

/**
 * Attention (opset 23) and RotaryEmbedding.
 *
 * <p>Attention's MACs are FlopCounterMode's {@code sdpa_flop_count} divided by 2: the score product
 * {@code Q·Kᵀ} ({@code b × h × s_q × s_kv × d}) plus {@code P·V} ({@code b × h × s_q × s_kv × d_v}), with
 * h the query heads (grouped key/value heads are repeated, as SDPA's {@code enable_gqa} does), s_kv
 * including past keys, and no discount for causal masks. {@code otherFlops}: 4 per score (scale, mask add,
 * exp, normalise). RotaryEmbedding has no MACs; {@code otherFlops} 3 per element (two multiplies, one add).
 */
final class AttentionOps {

    private AttentionOps() {
    }

    static void register(OpRegistry r) {
        // no weights: Q, K and V come from projections elsewhere; a stored mask is a constant.
        r.add(OpDef.op("Attention").savesNotModelled("ONNX's fused Attention: which kernel (flash, efficient, math) PyTorch ran decides the saves").shape(AttentionOps::attention).cost(AttentionOps::attentionCost).constants(3));
        // cos_cache and sin_cache are precomputed tables (buffers in PyTorch); position_ids are constants.
        r.add(OpDef.op("RotaryEmbedding").savesNotModelled("rotary embedding is slice-mul-add Python ops in PyTorch; not modelled").shape(NormOps::sameAsInput).cost(c -> NormOps.perElement(c, 3))
                .buffers(1, 2).constants(3));
    }

    /** The sizes one attention call works with; dims may be unknown. */
    private record Dims(Dim batch, Dim qHeads, Dim qSeq, Dim headSize, Dim kvHeads, Dim kvSeq, Dim vHeadSize,
                        Dim totalSeq) {
    }

    private static Dim div(Dim a, long b) {
        return a.isKnown() && b > 0 ? Dim.of(a.value() / b) : Dim.unknown();
    }

    private static Dims dims(InferenceContext ctx) {
        Shape q = ctx.input(0).shape();
        Shape k = ctx.input(1).shape();
        Shape v = ctx.input(2).shape();
        if (q == null || k == null || v == null) {
            return null;
        }
        for (Shape s : List.of(q, k, v)) {
            if (s.rank() != 3 && s.rank() != 4) {
                throw ctx.fail("Q, K and V must have rank 3 or 4, got " + q + ", " + k + ", " + v);
            }
        }
        long qNumHeads = ctx.intAttr("q_num_heads", 0);
        long kvNumHeads = ctx.intAttr("kv_num_heads", 0);
        if ((q.rank() == 3 && qNumHeads <= 0) || ((k.rank() == 3 || v.rank() == 3) && kvNumHeads <= 0)) {
            throw ctx.fail("3-D inputs need the q_num_heads and kv_num_heads attributes");
        }
        Dim qHeads = q.rank() == 4 ? q.dim(1) : Dim.of(qNumHeads);
        Dim qSeq = q.dim(q.rank() - 2);
        Dim headSize = q.rank() == 4 ? q.dim(3) : div(q.dim(2), qNumHeads);
        Dim kvHeads = k.rank() == 4 ? k.dim(1) : Dim.of(kvNumHeads);
        Dim kvSeq = k.dim(k.rank() - 2);
        Dim vHeadSize = v.rank() == 4 ? v.dim(3) : div(v.dim(2), kvNumHeads);
        Dim total = kvSeq;
        TensorType past = ctx.inputOrNull(4);
        if (past != null) {
            Shape p = past.shape();
            total = p != null && p.rank() == 4 && p.dim(2).isKnown() && kvSeq.isKnown()
                    ? Dim.of(p.dim(2).value() + kvSeq.value()) : Dim.unknown();
        }
        return new Dims(q.dim(0), qHeads, qSeq, headSize, kvHeads, kvSeq, vHeadSize, total);
    }

    /**
     * Y {@code [B, s_q, q_heads·d_v]} for 3-D Q, else {@code [B, q_heads, s_q, d_v]}; present_key/value
     * {@code [B, kv_heads, past + s_kv, d or d_v]}; qk_matmul_output {@code [B, q_heads, s_q, past + s_kv]}.
     */
    private static void attention(InferenceContext ctx) {
        TensorType qt = ctx.input(0);
        Dims d = dims(ctx);
        if (d == null) {
            for (int i = 0; i < ctx.outputCount(); i++) {
                ctx.output(i, new TensorType(qt.dtype(), null));
            }
            return;
        }
        Dim yHidden = d.qHeads().isKnown() && d.vHeadSize().isKnown()
                ? Dim.of(d.qHeads().value() * d.vHeadSize().value()) : Dim.unknown();
        ctx.output(0, qt.dtype(), new Shape(qt.shape().rank() == 3
                ? List.of(d.batch(), d.qSeq(), yHidden)
                : List.of(d.batch(), d.qHeads(), d.qSeq(), d.vHeadSize())));
        ctx.output(1, ctx.input(1).dtype(), new Shape(List.of(d.batch(), d.kvHeads(), d.totalSeq(), d.headSize())));
        ctx.output(2, ctx.input(2).dtype(), new Shape(List.of(d.batch(), d.kvHeads(), d.totalSeq(), d.vHeadSize())));
        ctx.output(3, qt.dtype(), new Shape(List.of(d.batch(), d.qHeads(), d.qSeq(), d.totalSeq())));
    }

    private static Cost attentionCost(CostContext c) {
        long[] q = CostText.sizes(c.input(0));
        long[] k = CostText.sizes(c.input(1));
        long[] v = CostText.sizes(c.input(2));
        if (q == null || k == null || v == null) {
            return CostText.unknown("Attention");
        }
        long qNumHeads = c.node().intAttr("q_num_heads", 0);
        long kvNumHeads = c.node().intAttr("kv_num_heads", 0);
        long batch = q[0];
        long heads = q.length == 4 ? q[1] : qNumHeads;
        long sq = q[q.length - 2];
        long d = q.length == 4 ? q[3] : q[2] / Math.max(1, qNumHeads);
        long dv = v.length == 4 ? v[3] : v[2] / Math.max(1, kvNumHeads);
        long skv = k[k.length - 2];
        long[] past = CostText.sizes(c.input(4));
        if (past != null && past.length == 4) {
            skv = Counts.add(skv, past[2]);
        }
        long scores = Counts.product(batch, heads, sq, skv);
        long macs = Counts.mul(scores, Counts.add(d, dv));
        return new Cost(macs, Counts.mul(4, scores), "macs = b×h×s_q×s_kv × (d + d_v) = " + batch + "×" + heads + "×" + sq + "×"
                + skv + " × (" + d + " + " + dv + ") = " + CostText.num(macs) + " (Q·Kᵀ and P·V); softmax "
                + CostText.num(scores) + " scores × 4 flops");
    }
}
