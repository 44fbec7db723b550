package dev.modelmeter.ops;

import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueType;

import java.util.ArrayList;
import java.util.List;

/**
 * The type that covers two possible types of one value: the branches of an If, the iterations of a
 * loop-carried value, the elements of a sequence. Equal dims stay; differing ones become unknown;
 * differing ranks leave the rank unknown. A {@link ValueType.SequenceType} whose element is null is
 * an empty sequence (SequenceEmpty): its element type is whatever gets inserted first.
 */
final class TypeUnion {

    private TypeUnion() {
    }

    /** The union of two types; null (unknown) when either is unknown or they differ in kind. */
    static ValueType union(ValueType a, ValueType b) {
        if (a == null || b == null) {
            return null;
        }
        if (a instanceof TensorType ta && b instanceof TensorType tb) {
            return new TensorType(ta.dtype(), union(ta.shape(), tb.shape()));
        }
        if (a instanceof ValueType.SequenceType sa && b instanceof ValueType.SequenceType sb) {
            return new ValueType.SequenceType(element(sa.element(), sb.element()));
        }
        if (a instanceof ValueType.OptionalType oa && b instanceof ValueType.OptionalType ob) {
            ValueType e = oa.element() == null ? ob.element() : ob.element() == null ? oa.element()
                    : union(oa.element(), ob.element());
            return new ValueType.OptionalType(e);
        }
        return null;
    }

    /** The union of two sequence element types, where null means "no element yet". */
    static ValueType element(ValueType a, ValueType b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        ValueType u = union(a, b);
        return u != null ? u : a instanceof TensorType ta ? new TensorType(ta.dtype(), null) : a;
    }

    /** Shapes: same rank keeps equal dims; otherwise the rank is unknown (null). */
    static Shape union(Shape a, Shape b) {
        if (a == null || b == null || a.rank() != b.rank()) {
            return null;
        }
        List<Dim> out = new ArrayList<>(a.rank());
        for (int i = 0; i < a.rank(); i++) {
            out.add(a.dim(i).equals(b.dim(i)) ? a.dim(i) : Dim.unknown());
        }
        return new Shape(out);
    }
}
