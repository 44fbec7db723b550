package dev.modelmeter.onnx;

import com.google.protobuf.WireFormat;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the type of a serialised {@code SequenceProto} or {@code OptionalProto} (onnx-data.proto), the
 * form the ONNX test suites store non-tensor inputs in. Only types are kept: a sequence's elements are
 * merged into one element type whose dims are those the elements agree on (unknown where they differ).
 */
final class ValueProtoReader {

    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final ProtoInput in;

    ValueProtoReader(ProtoInput in) {
        this.in = in;
    }

    /**
     * The value's type, read as the message kind {@code declared} says (a sequence, an optional, else a
     * tensor); where the file holds nothing to tell (an empty sequence or optional), the declared type.
     */
    ValueType read(ValueType declared) throws IOException {
        if (declared instanceof ValueType.SequenceType s) {
            ValueType t = readSequence(s.element());
            return t == null ? declared : t;
        }
        if (declared instanceof ValueType.OptionalType o) {
            ValueType t = readOptional(o.element());
            return t == null ? declared : t;
        }
        return TensorProtoReader.read(in).type();
    }

    /** Fields of a SequenceProto up to the end of the current message; null when it has no elements. */
    private ValueType readSequence(ValueType declaredElement) throws IOException {
        List<ValueType> elements = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 3 -> {
                    in.expect(tag, LEN, "SequenceProto.tensor_values");
                    int token = in.enter();
                    TensorData t = TensorProtoReader.read(in);
                    in.exit(token);
                    elements.add(t.type());
                }
                case 5 -> {
                    in.expect(tag, LEN, "SequenceProto.sequence_values");
                    ValueType inner = declaredElement instanceof ValueType.SequenceType s ? s.element() : null;
                    elements.add(nested(() -> readSequence(inner)));
                }
                case 7 -> {
                    in.expect(tag, LEN, "SequenceProto.optional_values");
                    ValueType inner = declaredElement instanceof ValueType.OptionalType o ? o.element() : null;
                    elements.add(nested(() -> readOptional(inner)));
                }
                default -> in.skip(tag);
            }
        }
        elements.removeIf(e -> e == null);
        return elements.isEmpty() ? null : new ValueType.SequenceType(merge(elements));
    }

    /** Fields of an OptionalProto; null when it holds no value. */
    private ValueType readOptional(ValueType declaredElement) throws IOException {
        ValueType value = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 3 -> {
                    in.expect(tag, LEN, "OptionalProto.tensor_value");
                    int token = in.enter();
                    value = TensorProtoReader.read(in).type();
                    in.exit(token);
                }
                case 5 -> {
                    in.expect(tag, LEN, "OptionalProto.sequence_value");
                    ValueType inner = declaredElement instanceof ValueType.SequenceType s ? s.element() : null;
                    ValueType seq = nested(() -> readSequence(inner));
                    value = seq != null ? seq : declaredElement;
                }
                case 7 -> {
                    in.expect(tag, LEN, "OptionalProto.optional_value");
                    ValueType inner = declaredElement instanceof ValueType.OptionalType o ? o.element() : null;
                    value = nested(() -> readOptional(inner));
                }
                default -> in.skip(tag);
            }
        }
        return value == null ? null : new ValueType.OptionalType(value);
    }

    private interface Body {
        ValueType read() throws IOException;
    }

    private ValueType nested(Body body) throws IOException {
        int token = in.enter();
        ValueType t = body.read();
        in.exit(token);
        return t;
    }

    /** One type for all elements: tensors of one rank keep the dims they agree on; anything else, the first. */
    static ValueType merge(List<ValueType> elements) {
        ValueType first = elements.get(0);
        if (!(first instanceof TensorType ft) || ft.shape() == null) {
            return first;
        }
        int rank = ft.shape().rank();
        List<Dim> dims = new ArrayList<>(ft.shape().dims());
        for (ValueType e : elements) {
            if (!(e instanceof TensorType t) || t.dtype() != ft.dtype()) {
                return first;
            }
            if (t.shape() == null || t.shape().rank() != rank) {
                return new TensorType(ft.dtype(), null);
            }
            for (int d = 0; d < rank; d++) {
                if (!t.shape().dim(d).equals(dims.get(d))) {
                    dims.set(d, Dim.unknown());
                }
            }
        }
        return new TensorType(ft.dtype(), new Shape(dims));
    }
}
