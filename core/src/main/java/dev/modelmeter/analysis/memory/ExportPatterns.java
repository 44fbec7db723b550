package dev.modelmeter.analysis.memory;

import dev.modelmeter.graph.Node;
import dev.modelmeter.ops.AutogradContext;
import dev.modelmeter.ops.AutogradRule;
import dev.modelmeter.ops.KernelCatalogue;
import dev.modelmeter.ops.MemoryFacts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exporters write some PyTorch kernels out as several ONNX ops; PyTorch ran (and saved for backward)
 * the kernel. These rewrites map the written-out form back onto the plan graph's node list:
 * erf-GELU becomes one GELU, and attention becomes either a fused SDPA node or the math path with the
 * dropout PyTorch applied.
 */
final class ExportPatterns {

    private final PlanGraph g;
    private int synthetic;
    private int fusedAttention;

    ExportPatterns(PlanGraph g) {
        this.g = g;
    }

    /** What the kernel a synthetic node stands for saves ({@link KernelCatalogue}), or null for an unknown one. */
    static AutogradRule savesOf(Node synthetic) {
        KernelCatalogue.Kernel k = KernelCatalogue.find(synthetic.opType());
        return k == null ? null : k.saves();
    }

    /** The memory facts of the kernel a synthetic node stands for; the defaults for an unknown one. */
    static MemoryFacts factsOf(Node synthetic) {
        KernelCatalogue.Kernel k = KernelCatalogue.find(synthetic.opType());
        return k == null ? MemoryFacts.DEFAULT : k.memory();
    }

    /**
     * For {@code Add(bias, MatMul(..))} (or a Conv's) with a 1-D parameter bias, a Linear as the exporter
     * writes it: the matmul's output, else null. PyTorch's addmm wrote one tensor in the matmul's precision.
     */
    static String matmulOfBias(PlanGraph g, Node add) {
        if (!add.opType().equals("Add") || add.inputs().size() != 2) {
            return null;
        }
        for (int b = 0; b < 2; b++) {
            String bias = add.input(b);
            String mm = add.input(1 - b);
            Node p = g.producerOf(mm);
            if (g.isParam(bias) && g.weights.get(bias).dims().size() == 1 && p != null
                    && (p.opType().equals("MatMul") || p.opType().equals("Conv"))) {
                return mm;
            }
        }
        return null;
    }

    /**
     * The Where of PyTorch's {@code _safe_softmax} ({@code Where(IsNaN(s), 0, s)} over a Softmax s): one
     * kernel whose output is the softmax's, which saves nothing of its own and passes its gradient on.
     */
    static boolean isSafeSoftmaxWhere(PlanGraph g, Node where) {
        if (!where.opType().equals("Where") || where.inputs().size() < 3) {
            return false;
        }
        Node cond = g.producerOf(where.input(0));
        Node sm = g.producerOf(where.input(2));
        return cond != null && sm != null && cond.opType().equals("IsNaN") && sm.opType().equals("Softmax")
                && cond.input(0).equals(where.input(2));
    }

    /**
     * A Conv an eval export folded a BatchNorm into: the legacy exporter's constant folding renames the
     * folded weight {@code onnx::Conv_N}; the dynamo exporter adds a bias named {@code <weight>_bias}.
     * PyTorch still ran the BatchNorm: its output existed next to the conv's.
     */
    static boolean foldedBatchNorm(PlanGraph g, Node n) {
        if (!(n.opType().equals("Conv") || n.opType().equals("ConvTranspose")) || n.inputs().size() < 3
                || n.outputs().isEmpty()) { // an output nobody names: nothing to fold after
            return false;
        }
        String w = n.input(1);
        String b = n.input(2);
        return g.weights.containsKey(w) && (w.startsWith("onnx::") || b.equals(w + "_bias"));
    }


    /**
     * {@code x * 0.5 * (1 + erf(x / √2))}, as the legacy exporter writes {@code nn.GELU}: PyTorch ran one
     * GELU kernel that saves x (bert's fixture saves 1× the input, not the 3× the pieces would).
     */
    void fuseErfGelu() {
        List<Node> nodes = g.nodes;
        Map<String, List<Node>> cons = g.consumers();
        Map<String, Node> prod = new HashMap<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                prod.put(o, n);
            }
        }
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new HashMap<>();
        for (Node erf : nodes) {
            if (!erf.opType().equals("Erf")) {
                continue;
            }
            Node div = prod.get(erf.input(0));
            if (div == null || !(div.opType().equals("Div") || div.opType().equals("Mul")) || !g.isConstant(div.input(1))) {
                continue;
            }
            String x = div.input(0);
            Node add = sole(cons, erf.outputs().get(0));
            if (add == null || !add.opType().equals("Add")) {
                continue;
            }
            Node mul = sole(cons, add.outputs().get(0));
            if (mul == null || !mul.opType().equals("Mul")) {
                continue;
            }
            List<Node> chain = new ArrayList<>(List.of(div, erf, add, mul));
            String other = mul.input(0).equals(add.outputs().get(0)) ? mul.input(1) : mul.input(0);
            Node last;
            if (other.equals(x)) {
                last = sole(cons, mul.outputs().get(0));
                if (last == null || !last.opType().equals("Mul")) {
                    continue;
                }
                chain.add(last);
            } else {
                Node half = prod.get(other);
                if (half == null || !half.opType().equals("Mul") || !half.inputs().contains(x)
                        || cons.getOrDefault(other, List.of()).size() != 1) {
                    continue;
                }
                chain.add(0, half);
                last = mul;
            }
            if (cons.getOrDefault(div.outputs().get(0), List.of()).size() != 1) {
                continue;
            }
            Node gelu = new Node(div.name() + "#gelu", "Gelu", PlanGraph.DOMAIN, List.of(x), List.of(last.outputs().get(0)),
                    Map.of(), Map.of(), div.scope());
            removed.addAll(chain);
            replaced.put(chain.get(0), gelu);
        }
        replace(nodes, removed, replaced);
    }

    /**
     * {@code Mul(x, Sigmoid(x))}, as both exporters write {@code nn.SiLU} / {@code F.silu}
     * ({@link KernelCatalogue}, "Silu"): PyTorch ran one silu kernel that saves x, where the pieces would
     * save the sigmoid's output and both of the product's operands. The sigmoid must feed only this product
     * (a squeeze-excitation gate {@code x * sigmoid(fc(..))} multiplies another tensor and is not matched).
     * A model that writes {@code x * torch.sigmoid(x)} in Python exports the same ops and is planned as silu.
     */
    void fuseSilu() {
        List<Node> nodes = g.nodes;
        Map<String, List<Node>> cons = g.consumers();
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new HashMap<>();
        for (Node sig : nodes) {
            if (!sig.opType().equals("Sigmoid") || !sig.domain().isEmpty() || sig.outputs().isEmpty()) {
                continue;
            }
            String x = sig.input(0);
            Node mul = sole(cons, sig.outputs().get(0));
            if (x.isEmpty() || mul == null || !mul.opType().equals("Mul") || mul.inputs().size() != 2) {
                continue;
            }
            String s = sig.outputs().get(0);
            boolean xTimesSig = (mul.input(0).equals(x) && mul.input(1).equals(s))
                    || (mul.input(1).equals(x) && mul.input(0).equals(s));
            if (!xTimesSig || g.outputs.contains(s)) {
                continue;
            }
            Node silu = new Node(sig.name() + "#silu", "Silu", PlanGraph.DOMAIN, List.of(x), List.of(mul.outputs().get(0)),
                    Map.of(), Map.of(), mul.scope());
            removed.add(sig);
            removed.add(mul);
            replaced.put(sig, silu);
        }
        replace(nodes, removed, replaced);
    }

    /**
     * {@code Reciprocal(Sqrt(x))} (torchlib) or {@code Div(1, Sqrt(x))} (torch.onnx) is {@code torch.rsqrt}
     * ({@link KernelCatalogue}, "Rsqrt"), as RMSNorm writes it: one kernel that saves its result, where the
     * pieces would save the square root's result too. The square root must feed only this reciprocal.
     */
    void fuseRsqrt() {
        List<Node> nodes = g.nodes;
        Map<String, List<Node>> cons = g.consumers();
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new HashMap<>();
        for (Node sqrt : nodes) {
            if (!sqrt.opType().equals("Sqrt") || !sqrt.domain().isEmpty() || sqrt.outputs().isEmpty()
                    || g.outputs.contains(sqrt.outputs().get(0))) {
                continue;
            }
            String s = sqrt.outputs().get(0);
            Node inv = sole(cons, s);
            boolean reciprocal = inv != null && inv.opType().equals("Reciprocal");
            boolean oneOver = inv != null && inv.opType().equals("Div") && inv.inputs().size() == 2
                    && inv.input(1).equals(s) && isOne(inv.input(0));
            if (!reciprocal && !oneOver) {
                continue;
            }
            Node rsqrt = new Node(sqrt.name() + "#rsqrt", "Rsqrt", PlanGraph.DOMAIN, List.of(sqrt.input(0)),
                    List.of(inv.outputs().get(0)), Map.of(), Map.of(), inv.scope());
            removed.add(sqrt);
            removed.add(inv);
            replaced.put(sqrt, rsqrt);
        }
        replace(nodes, removed, replaced);
    }

    /** True for a value known to be the single number 1 (a constant whose contents the reader kept). */
    private boolean isOne(String v) {
        dev.modelmeter.graph.TensorValue known = g.shaped.values().get(v);
        return known != null && known.size() == 1 && known.get(0) == 1.0;
    }

    private static void replace(List<Node> nodes, Set<Node> removed, Map<Node, Node> replaced) {
        if (removed.isEmpty()) {
            return;
        }
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (replaced.containsKey(n)) {
                out.add(replaced.get(n));
            } else if (!removed.contains(n)) {
                out.add(n);
            }
        }
        nodes.clear();
        nodes.addAll(out);
    }

    /**
     * Attention written out as MatMul → [scale] → [+mask] → Softmax → [safe-softmax Where] → [Dropout] →
     * MatMul. Where PyTorch ran a fused kernel (FUSED mode on CUDA, or on CPU without dropout) the
     * pattern becomes one {@code modelmeter:Attention} node; otherwise (CPU with dropout, or MATH) the
     * math path runs, which is the written-out ops — plus the dropout some exporters drop.
     */
    void mapAttention() {
        List<Node> nodes = g.nodes;
        boolean modelHasDropout = nodes.stream().anyMatch(n -> n.opType().equals("Dropout") && g.dropoutActive(n));
        Map<String, List<Node>> cons = g.consumers();
        Map<String, Node> prod = new HashMap<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                prod.put(o, n);
            }
        }
        Map<Node, List<Node>> insertAfter = new HashMap<>();
        Map<Node, Node> replaceWith = new HashMap<>();
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> rewired = new HashMap<>();
        for (Node softmax : nodes) {
            if (!softmax.opType().equals("Softmax")) {
                continue;
            }
            List<Node> interior = new ArrayList<>();
            // backwards: [Add mask] [Div/Mul scale] MatMul
            String cur = softmax.input(0);
            Node mm1 = null;
            for (int hops = 0; hops < 4; hops++) {
                Node p = prod.get(cur);
                if (p == null || cons.getOrDefault(cur, List.of()).size() != 1) {
                    break;
                }
                if (p.opType().equals("MatMul")) {
                    mm1 = p;
                    break;
                }
                if (!(p.opType().equals("Add") || p.opType().equals("Div") || p.opType().equals("Mul")
                        || p.opType().equals("Where"))) {
                    break;
                }
                interior.add(p);
                cur = p.opType().equals("Where") ? p.input(2)
                        : dependsOnMatMul(p.input(0), prod) ? p.input(0) : p.input(1);
            }
            if (mm1 == null || g.weights.containsKey(mm1.input(1)) || g.weights.containsKey(mm1.input(0))) {
                continue;
            }
            // forwards: [IsNaN/Where] [Dropout] MatMul
            String p = softmax.outputs().get(0);
            List<Node> after = new ArrayList<>();
            List<Node> pc = cons.getOrDefault(p, List.of());
            if (pc.size() == 2) {
                Node where = pc.stream().filter(n -> n.opType().equals("Where")).findFirst().orElse(null);
                Node isnan = pc.stream().filter(n -> n.opType().equals("IsNaN")).findFirst().orElse(null);
                if (where == null || isnan == null) {
                    continue;
                }
                after.add(isnan);
                after.add(where);
                p = where.outputs().get(0);
            }
            Node next = sole(cons, p);
            Node dropout = null;
            if (next != null && next.opType().equals("Dropout")) {
                dropout = next;
                after.add(dropout);
                p = dropout.outputs().get(0);
                next = sole(cons, p);
            }
            if (next == null || !next.opType().equals("MatMul") || !next.input(0).equals(p)) {
                continue;
            }
            Node mm2 = next;
            // the legacy exporter writes SDPA's dropout without training_mode (an ONNX no-op) and dynamo
            // drops it; PyTorch applied it in training whenever the model trains with dropout
            boolean dropoutOn = g.train && (g.setup.attentionDropout() != null ? g.setup.attentionDropout()
                    : (dropout != null && g.dropoutActive(dropout)) || modelHasDropout);
            if (dropout != null && dropoutOn) {
                g.forcedDropout.add(dropout);
            }
            boolean fused = g.setup.attention() == TrainingSetup.AttentionMode.FUSED
                    && (g.setup.backend() == AutogradContext.Backend.CUDA || !dropoutOn);
            if (fused) {
                String q = mm1.input(0);
                String k = mm1.input(1);
                List<Node> scales = new ArrayList<>();
                q = unscale(q, prod, cons, scales);
                k = unscale(k, prod, cons, scales);
                String v = mm2.input(1);
                q = kernelOperand(q, v, prod, cons, scales);
                k = kernelOperand(k, v, prod, cons, scales);
                Node att = new Node(softmax.name() + "#sdpa", "Attention", PlanGraph.DOMAIN, List.of(q, k, v),
                        List.of(mm2.outputs().get(0)), Map.of(), Map.of(), softmax.scope());
                removed.addAll(scales);
                removed.add(mm1);
                removed.addAll(interior);
                removed.add(softmax);
                removed.addAll(after);
                replaceWith.put(mm2, att);
                fusedAttention++;
            } else {
                List<Node> scales = new ArrayList<>();
                unscale(mm1.input(0), prod, cons, scales);
                unscale(mm1.input(1), prod, cons, scales);
                g.attentionMath.addAll(scales);
                g.attentionMath.add(mm1);
                g.attentionMath.addAll(interior);
                g.attentionMath.add(softmax);
                g.attentionMath.addAll(after);
                g.attentionMath.add(mm2);
            }
            if (!fused && dropout == null && dropoutOn) {
                String dropped = p + "#dropout";
                Node d = new Node(softmax.name() + "#dropout", "Dropout", PlanGraph.DOMAIN, List.of(p), List.of(dropped),
                        Map.of(), Map.of(), softmax.scope());
                insertAfter.computeIfAbsent(prod.get(p), x -> new ArrayList<>()).add(d);
                List<String> ins = new ArrayList<>(mm2.inputs());
                ins.set(0, dropped);
                Node mm2b = new Node(mm2.name(), mm2.opType(), mm2.domain(), ins, mm2.outputs(),
                        mm2.attributes(), mm2.metadata(), mm2.scope());
                rewired.put(mm2, mm2b);
                g.attentionMath.remove(mm2);
                g.attentionMath.add(mm2b);
                g.attentionMath.add(d);
                synthetic++;
            }
        }
        if (replaceWith.isEmpty() && insertAfter.isEmpty()) {
            return;
        }
        if (fusedAttention > 0) {
            g.warnings.add(fusedAttention + " attention block(s) planned as fused scaled_dot_product_attention kernels");
        }
        if (!insertAfter.isEmpty()) {
            g.warnings.add(synthetic + " attention block(s) have no Dropout in the export: planned with the attention"
                    + " dropout PyTorch applies in training (math path on CPU); see TrainingSetup.attentionDropout");
        }
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (removed.contains(n)) {
                continue;
            }
            out.add(replaceWith.getOrDefault(n, rewired.getOrDefault(n, n)));
            for (Node extra : insertAfter.getOrDefault(n, List.of())) {
                out.add(extra);
            }
        }
        nodes.clear();
        nodes.addAll(out);
    }

    private boolean dependsOnMatMul(String v, Map<String, Node> prod) {
        Node p = prod.get(v);
        for (int i = 0; i < 4 && p != null; i++) {
            if (p.opType().equals("MatMul")) {
                return true;
            }
            p = prod.get(p.input(0));
        }
        return false;
    }

    /** Steps back over a multiplication by a constant scale feeding only the attention product. */
    private String unscale(String v, Map<String, Node> prod, Map<String, List<Node>> cons, List<Node> scales) {
        Node p = prod.get(v);
        if (p != null && (p.opType().equals("Mul") || p.opType().equals("Div")) && g.isConstant(p.input(1))
                && cons.getOrDefault(v, List.of()).size() == 1) {
            scales.add(p);
            return p.input(0);
        }
        return v;
    }

    /**
     * The tensor the fused kernel receives: exporters reshape and transpose k (and sometimes q) for their
     * written-out matmul; walking back over those view ops (each read only by the next) reaches the
     * [batch, heads, seq, dim] tensor PyTorch passed to SDPA, recognised by having v's shape.
     */
    private String kernelOperand(String x, String v, Map<String, Node> prod, Map<String, List<Node>> cons,
                                 List<Node> removed) {
        var want = g.shaped.tensor(v);
        if (want == null || want.shape() == null) {
            return x;
        }
        String best = x;
        List<Node> walked = new ArrayList<>();
        String cur = x;
        for (int hops = 0; hops < 6; hops++) {
            Node p = prod.get(cur);
            if (p == null || cons.getOrDefault(cur, List.of()).size() != 1 || !(p.opType().equals("Reshape")
                    || p.opType().equals("Transpose") || p.opType().equals("Squeeze") || p.opType().equals("Unsqueeze"))) {
                break;
            }
            walked.add(p);
            cur = p.input(0);
            var t = g.shaped.tensor(cur);
            if (t != null && t.shape() != null && t.shape().equals(want.shape())) {
                best = cur;
                removed.addAll(walked);
                walked.clear();
            }
        }
        return best;
    }

    private static Node sole(Map<String, List<Node>> cons, String v) {
        List<Node> c = cons.getOrDefault(v, List.of());
        return c.size() == 1 ? c.get(0) : null;
    }
}
