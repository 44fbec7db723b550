package dev.modelmeter.ops;

import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.shapes.InferenceContext;
import dev.modelmeter.shapes.ShapeException;
import dev.modelmeter.shapes.Shapes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Einsum: the equation's output term (or, implicitly, the broadcast ellipsis dims followed by the
 * letters used exactly once, alphabetically).
 *
 * <p>MACs follow how {@code torch.einsum} runs and FlopCounterMode counts it: operands are contracted
 * left to right; before each pair, letters in only one operand that nothing later needs are summed away
 * (not counted); a pair that shares a letter to sum runs as {@code bmm} and costs the product of the
 * sizes of every letter left in the pair; a pair with nothing to sum runs as an elementwise multiply
 * (0 MACs), and so does a single operand. Ellipsis dims count like letters. (torch may reorder three or
 * more operands with opt_einsum; this counts the left-to-right order.)
 */
final class EinsumOp {

    private EinsumOp() {
    }

    static void register(OpRegistry r) {
        // no weights of its own; a stored operand is a parameter by default.
        r.add(OpDef.op("Einsum").autocast(MemoryFacts.Autocast.LOWER_PRECISION, MemoryFacts.Autocast.UNLISTED).savesNotModelled("einsum's saves depend on the contraction path (each bmm saves its operands); not modelled").shape(EinsumOp::shape).cost(EinsumOp::cost));
    }

    /** One term of the equation: its letters, with '.' standing for the ellipsis (at most once). */
    private record Term(List<Character> labels) {
        boolean hasEllipsis() {
            return labels.contains('.');
        }
    }

    private record Equation(List<Term> inputs, Term output) {
    }

    private static Equation parse(String equation, int operands, java.util.function.Function<String, ShapeException> fail) {
        String eq = equation.replace(" ", "");
        String[] sides = eq.split("->", -1);
        if (sides.length > 2) {
            throw fail.apply("equation '" + equation + "' has more than one '->'");
        }
        String[] lhs = sides[0].split(",", -1);
        if (lhs.length != operands) {
            throw fail.apply("equation '" + equation + "' has " + lhs.length + " terms for " + operands + " inputs");
        }
        List<Term> inputs = new ArrayList<>();
        for (String t : lhs) {
            inputs.add(term(t, equation, fail));
        }
        Term output;
        if (sides.length == 2) {
            output = term(sides[1], equation, fail);
        } else {
            Map<Character, Integer> uses = new LinkedHashMap<>();
            boolean ellipsis = false;
            for (Term t : inputs) {
                for (char c : t.labels()) {
                    if (c == '.') {
                        ellipsis = true;
                    } else {
                        uses.merge(c, 1, Integer::sum);
                    }
                }
            }
            List<Character> out = new ArrayList<>();
            if (ellipsis) {
                out.add('.');
            }
            new TreeSet<>(uses.keySet()).stream().filter(c -> uses.get(c) == 1).forEach(out::add);
            output = new Term(out);
        }
        return new Equation(inputs, output);
    }

    private static Term term(String s, String equation, java.util.function.Function<String, ShapeException> fail) {
        List<Character> labels = new ArrayList<>();
        String rest = s;
        int dots = rest.indexOf("...");
        if (dots >= 0 && rest.indexOf("...", dots + 3) >= 0) {
            throw fail.apply("equation '" + equation + "' has two ellipses in one term");
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (i == dots) {
                labels.add('.');
                i += 2;
            } else if (Character.isLetter(c)) {
                labels.add(c);
            } else {
                throw fail.apply("equation '" + equation + "' has an unexpected character '" + c + "'");
            }
        }
        return new Term(labels);
    }

    /** Sizes of every letter, and the broadcast ellipsis dims, from the operands' shapes. */
    private record Sizes(Map<Character, Dim> letters, List<Dim> ellipsis) {
    }

    private static Sizes sizes(InferenceContext ctx, Equation eq, List<Shape> shapes) {
        Map<Character, Dim> letters = new LinkedHashMap<>();
        Shape ellipsis = Shape.SCALAR;
        for (int i = 0; i < shapes.size(); i++) {
            Shape s = shapes.get(i);
            Term t = eq.inputs().get(i);
            int named = t.labels().size() - (t.hasEllipsis() ? 1 : 0);
            if (t.hasEllipsis() ? s.rank() < named : s.rank() != named) {
                throw ctx.fail("term " + i + " has " + named + " letters but input " + i + " is " + s);
            }
            int ellipsisRank = s.rank() - named;
            int axis = 0;
            for (char c : t.labels()) {
                if (c == '.') {
                    ellipsis = Shapes.broadcast(ctx, ellipsis, new Shape(s.dims().subList(axis, axis + ellipsisRank)));
                    axis += ellipsisRank;
                    continue;
                }
                Dim d = s.dim(axis++);
                Dim seen = letters.get(c);
                if (seen == null || (seen.isKnown() && seen.value() == 1) || !seen.isKnown() && d.isKnown()) {
                    letters.put(c, d);
                } else if (seen.isKnown() && d.isKnown() && d.value() != 1 && seen.value() != d.value()) {
                    throw ctx.fail("letter '" + c + "' has sizes " + seen + " and " + d);
                }
            }
        }
        return new Sizes(letters, ellipsis.dims());
    }

    private static void shape(InferenceContext ctx) {
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            shapes.add(ctx.input(i).shape());
        }
        Equation eq = parse(ctx.stringAttr("equation", ""), ctx.inputCount(), ctx::fail);
        if (shapes.contains(null)) {
            ctx.output(0, new TensorType(ctx.input(0).dtype(), null));
            return;
        }
        Sizes sizes = sizes(ctx, eq, shapes);
        List<Dim> out = new ArrayList<>();
        for (char c : eq.output().labels()) {
            if (c == '.') {
                out.addAll(sizes.ellipsis());
            } else if (sizes.letters().containsKey(c)) {
                out.add(sizes.letters().get(c));
            } else {
                throw ctx.fail("output letter '" + c + "' appears in no input");
            }
        }
        ctx.output(0, ctx.input(0).dtype(), new Shape(out));
    }

    private static Cost cost(CostContext c) {
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < c.inputs().size(); i++) {
            long[] s = CostText.sizes(c.input(i));
            if (s == null) {
                return CostText.unknown("Einsum");
            }
            shapes.add(Shape.of(s));
        }
        String equation = c.node().stringAttr("equation", "");
        Equation eq = parse(equation, shapes.size(), ShapeException::new);
        Sizes sizes = sizes(new InferenceContext(c.node(), c.opset(), List.of(), List.of(), null), eq, shapes);
        // the ellipsis dims act as one more label per dim; name them with characters letters never use
        Map<Character, Long> size = new LinkedHashMap<>();
        sizes.letters().forEach((k, v) -> size.put(k, v.value()));
        List<Character> ellipsisLabels = new ArrayList<>();
        for (int i = 0; i < sizes.ellipsis().size(); i++) {
            char label = (char) ('0' + i);
            ellipsisLabels.add(label);
            size.put(label, sizes.ellipsis().get(i).value());
        }
        List<Set<Character>> operands = new ArrayList<>();
        for (Term t : eq.inputs()) {
            operands.add(expand(t, ellipsisLabels));
        }
        Set<Character> output = expand(eq.output(), ellipsisLabels);
        long macs = 0;
        List<String> steps = new ArrayList<>();
        Set<Character> acc = operands.get(0);
        for (int i = 1; i < operands.size(); i++) {
            Set<Character> later = new LinkedHashSet<>(output);
            for (int j = i + 1; j < operands.size(); j++) {
                later.addAll(operands.get(j));
            }
            Set<Character> right = operands.get(i);
            Set<Character> kept = new LinkedHashSet<>();
            Set<Character> summed = new LinkedHashSet<>();
            for (Set<Character> side : List.of(acc, right)) {
                for (char l : side) {
                    boolean both = acc.contains(l) && right.contains(l);
                    if (later.contains(l) || both) {
                        kept.add(l);
                    }
                    if (both && !later.contains(l)) {
                        summed.add(l);
                    }
                }
            }
            if (!summed.isEmpty()) {
                long product = 1;
                StringBuilder factors = new StringBuilder();
                for (char l : kept) {
                    product = Math.multiplyExact(product, size.get(l));
                    factors.append(factors.length() == 0 ? "" : "×").append(size.get(l));
                }
                macs = Math.addExact(macs, product);
                steps.add(factors + " = " + CostText.num(product));
            }
            Set<Character> next = new LinkedHashSet<>(kept);
            next.removeAll(summed);
            acc = next;
        }
        if (steps.isEmpty()) {
            return Cost.macs(0, "macs = 0: '" + equation + "' sums nothing across operands (elementwise or a single operand)");
        }
        return Cost.macs(macs, "macs = " + String.join(" + ", steps) + (steps.size() > 1 ? " = " + CostText.num(macs) : "")
                + " ('" + equation + "' as bmm)");
    }

    private static Set<Character> expand(Term t, List<Character> ellipsisLabels) {
        Set<Character> out = new LinkedHashSet<>();
        for (char l : t.labels()) {
            if (l == '.') {
                out.addAll(ellipsisLabels);
            } else {
                out.add(l);
            }
        }
        return out;
    }
}
