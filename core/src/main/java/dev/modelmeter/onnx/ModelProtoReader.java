package dev.modelmeter.onnx;

import com.google.protobuf.WireFormat;
import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.Attribute;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.FunctionDef;
import dev.modelmeter.graph.Graph;
import dev.modelmeter.graph.Model;
import dev.modelmeter.graph.Node;
import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorData;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.graph.ValueType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the ONNX messages above {@code TensorProto} (model, graph, node, attribute, value info, type,
 * function) field by field. Field numbers are those of {@code onnx.proto}; fields we do not use
 * (doc strings, training info, quantization annotations) are skipped without being read.
 */
final class ModelProtoReader {

    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;

    private final ProtoInput in;

    ModelProtoReader(ProtoInput in) {
        this.in = in;
    }

    /** Reads a whole file as a ModelProto; a model without a graph is an error. */
    Model readModel(String source) throws IOException {
        long irVersion = 0;
        String producerName = "";
        String producerVersion = "";
        Graph graph = null;
        Map<String, Integer> opsets = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<FunctionDef> functions = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> irVersion = varint(tag, "ModelProto.ir_version");
                case 2 -> producerName = string(tag, "ModelProto.producer_name");
                case 3 -> producerVersion = string(tag, "ModelProto.producer_version");
                case 7 -> {
                    in.expect(tag, LEN, "ModelProto.graph");
                    graph = readGraph();
                }
                case 8 -> {
                    in.expect(tag, LEN, "ModelProto.opset_import");
                    readOpset(opsets);
                }
                case 14 -> {
                    in.expect(tag, LEN, "ModelProto.metadata_props");
                    String[] kv = TensorProtoReader.readStringEntry(in);
                    metadata.put(kv[0], kv[1]);
                }
                case 25 -> {
                    in.expect(tag, LEN, "ModelProto.functions");
                    functions.add(readFunction());
                }
                default -> in.skip(tag);
            }
        }
        if (graph == null) {
            throw new ModelMeterException("the model has no graph");
        }
        String producer = (producerName + " " + producerVersion).trim();
        return new Model(source, irVersion, producer, opsets, graph, functions, metadata);
    }

    private long varint(int tag, String what) throws IOException {
        in.expect(tag, VARINT, what);
        return in.readVarint();
    }

    private String string(int tag, String what) throws IOException {
        in.expect(tag, LEN, what);
        return in.readString();
    }

    private void readOpset(Map<String, Integer> opsets) throws IOException {
        String domain = "";
        long version = 0;
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> domain = string(tag, "OperatorSetIdProto.domain");
                case 2 -> version = varint(tag, "OperatorSetIdProto.version");
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        if (version < 0 || version > Integer.MAX_VALUE) {
            throw new ModelMeterException("opset version " + version + " of domain '" + domain + "' is out of range");
        }
        opsets.put(domain, (int) version);
    }

    private Graph readGraph() throws IOException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        List<ValueInfo> valueInfo = new ArrayList<>();
        List<TensorData> initializers = new ArrayList<>();
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> {
                    in.expect(tag, LEN, "GraphProto.node");
                    nodes.add(readNode());
                }
                case 2 -> name = string(tag, "GraphProto.name");
                case 5 -> {
                    in.expect(tag, LEN, "GraphProto.initializer");
                    initializers.add(readTensor());
                }
                case 11 -> {
                    in.expect(tag, LEN, "GraphProto.input");
                    inputs.add(readValueInfo());
                }
                case 12 -> {
                    in.expect(tag, LEN, "GraphProto.output");
                    outputs.add(readValueInfo());
                }
                case 13 -> {
                    in.expect(tag, LEN, "GraphProto.value_info");
                    valueInfo.add(readValueInfo());
                }
                case 15 -> {
                    in.expect(tag, LEN, "GraphProto.sparse_initializer");
                    initializers.add(readSparseTensor());
                }
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        Set<String> initializerNames = new HashSet<>();
        initializers.forEach(t -> initializerNames.add(t.name()));
        return new Graph(name, ScopeNames.refine(nodes, initializerNames), inputs, outputs, valueInfo, initializers);
    }

    TensorData readTensor() throws IOException {
        int token = in.enter();
        TensorData t = TensorProtoReader.read(in);
        in.exit(token);
        return t;
    }

    /**
     * A sparse tensor as a stored tensor of its dense dims: what counts for parameters is the dense
     * shape; the non-zero values and indices are not kept.
     */
    private TensorData readSparseTensor() throws IOException {
        TensorData values = null;
        List<Long> dims = new ArrayList<>();
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> {
                    in.expect(tag, LEN, "SparseTensorProto.values");
                    values = readTensor();
                }
                case 3 -> TensorProtoReader.readInt64s(in, tag, "SparseTensorProto.dims", dims, TensorProtoReader.MAX_RANK);
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        for (long d : dims) {
            if (d < 0) {
                throw new ModelMeterException("sparse tensor has negative dimension " + d);
            }
        }
        return new TensorData(values == null ? "" : values.name(), values == null ? DType.UNDEFINED : values.dtype(),
                dims, null, null);
    }

    private Node readNode() throws IOException {
        String name = "";
        String opType = "";
        String domain = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> inputs.add(string(tag, "NodeProto.input"));
                case 2 -> outputs.add(string(tag, "NodeProto.output"));
                case 3 -> name = string(tag, "NodeProto.name");
                case 4 -> opType = string(tag, "NodeProto.op_type");
                case 5 -> {
                    in.expect(tag, LEN, "NodeProto.attribute");
                    Attribute a = readAttribute();
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = string(tag, "NodeProto.domain");
                case 9 -> {
                    in.expect(tag, LEN, "NodeProto.metadata_props");
                    String[] kv = TensorProtoReader.readStringEntry(in);
                    metadata.put(kv[0], kv[1]);
                }
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        if (opType.isEmpty()) {
            throw new ModelMeterException("node '" + name + "' has no op_type");
        }
        return new Node(name, opType, domain, inputs, outputs, attributes, metadata, ScopeNames.of(name, opType, inputs, metadata));
    }

    private Attribute readAttribute() throws IOException {
        String name = "";
        String refAttrName = null;
        int type = -1;
        int inferredType = 0;
        long i = 0;
        double f = 0;
        String s = null;
        TensorData t = null;
        Graph g = null;
        List<Long> ints = new ArrayList<>();
        List<Double> floats = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        List<TensorData> tensors = new ArrayList<>();
        List<Graph> graphs = new ArrayList<>();
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = ProtoInput.field(tag);
            switch (field) {
                case 1 -> name = string(tag, "AttributeProto.name");
                case 2 -> {
                    in.expect(tag, WireFormat.WIRETYPE_FIXED32, "AttributeProto.f");
                    f = Float.intBitsToFloat(in.readFixed32());
                    inferredType = 1;
                }
                case 3 -> {
                    i = varint(tag, "AttributeProto.i");
                    inferredType = 2;
                }
                case 4 -> {
                    in.expect(tag, LEN, "AttributeProto.s");
                    s = in.readStringOrSkip();
                    inferredType = 3;
                }
                case 5 -> {
                    in.expect(tag, LEN, "AttributeProto.t");
                    t = readTensor();
                    inferredType = 4;
                }
                case 6 -> {
                    in.expect(tag, LEN, "AttributeProto.g");
                    g = readGraph();
                    inferredType = 5;
                }
                case 7 -> {
                    readFloats(tag, floats);
                    inferredType = 6;
                }
                case 8 -> {
                    TensorProtoReader.readInt64s(in, tag, "AttributeProto.ints", ints, Integer.MAX_VALUE);
                    inferredType = 7;
                }
                case 9 -> {
                    in.expect(tag, LEN, "AttributeProto.strings");
                    String value = in.readStringOrSkip();
                    strings.add(value == null ? "" : value);
                    inferredType = 8;
                }
                case 10 -> {
                    in.expect(tag, LEN, "AttributeProto.tensors");
                    tensors.add(readTensor());
                    inferredType = 9;
                }
                case 11 -> {
                    in.expect(tag, LEN, "AttributeProto.graphs");
                    graphs.add(readGraph());
                    inferredType = 10;
                }
                case 22 -> {
                    // a sparse Constant value: kept as a tensor of its dense dims (values not read)
                    in.expect(tag, LEN, "AttributeProto.sparse_tensor");
                    t = readSparseTensor();
                    inferredType = 11;
                }
                case 20 -> type = (int) varint(tag, "AttributeProto.type");
                case 21 -> refAttrName = string(tag, "AttributeProto.ref_attr_name");
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        // IR version 1 files have no type field: the field that is set tells it
        int code = type >= 0 ? type : inferredType;
        Attribute.Kind[] kinds = Attribute.Kind.values();
        if (code >= kinds.length) {
            throw new ModelMeterException("attribute '" + name + "' has unknown type " + code);
        }
        return new Attribute(name, kinds[code], i, f, s, t, g, ints, floats, strings, tensors, graphs, refAttrName);
    }

    private void readFloats(int tag, List<Double> out) throws IOException {
        if (ProtoInput.wireType(tag) == LEN) {
            int length = in.readLength();
            if (length % 4 != 0) {
                throw new ModelMeterException("packed floats of length " + length + " (not a multiple of 4)");
            }
            int token = in.pushLimit(length);
            while (!in.atEnd()) {
                out.add((double) Float.intBitsToFloat(in.readFixed32()));
            }
            in.popLimit(token);
        } else {
            in.expect(tag, WireFormat.WIRETYPE_FIXED32, "AttributeProto.floats");
            out.add((double) Float.intBitsToFloat(in.readFixed32()));
        }
    }

    private ValueInfo readValueInfo() throws IOException {
        String name = "";
        ValueType type = null;
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> name = string(tag, "ValueInfoProto.name");
                case 2 -> {
                    in.expect(tag, LEN, "ValueInfoProto.type");
                    type = readType();
                }
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        return new ValueInfo(name, type);
    }

    /** A TypeProto; null for kinds the IR does not model (maps) or a type that says nothing. */
    ValueType readType() throws IOException {
        ValueType type = null;
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1, 8 -> {
                    in.expect(tag, LEN, "TypeProto.tensor_type");
                    type = readTensorType();
                }
                case 4 -> {
                    in.expect(tag, LEN, "TypeProto.sequence_type");
                    ValueType element = readElementType("TypeProto.Sequence.elem_type");
                    type = element == null ? null : new ValueType.SequenceType(element);
                }
                case 9 -> {
                    in.expect(tag, LEN, "TypeProto.optional_type");
                    ValueType element = readElementType("TypeProto.Optional.elem_type");
                    type = element == null ? null : new ValueType.OptionalType(element);
                }
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        return type;
    }

    /** The {@code elem_type} TypeProto (field 1) of a Sequence or Optional type message. */
    private ValueType readElementType(String what) throws IOException {
        ValueType element = null;
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (ProtoInput.field(tag) == 1) {
                in.expect(tag, LEN, what);
                element = readType();
            } else {
                in.skip(tag);
            }
        }
        in.exit(token);
        return element;
    }

    private TensorType readTensorType() throws IOException {
        DType dtype = DType.UNDEFINED;
        Shape shape = null;
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> dtype = DType.fromCode((int) varint(tag, "TypeProto.Tensor.elem_type"));
                case 2 -> {
                    in.expect(tag, LEN, "TypeProto.Tensor.shape");
                    shape = readShape();
                }
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        return new TensorType(dtype, shape);
    }

    private Shape readShape() throws IOException {
        List<Dim> dims = new ArrayList<>();
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (ProtoInput.field(tag) == 1) {
                in.expect(tag, LEN, "TensorShapeProto.dim");
                if (dims.size() >= TensorProtoReader.MAX_RANK) {
                    throw new ModelMeterException("a shape of rank over " + TensorProtoReader.MAX_RANK);
                }
                dims.add(readDim());
            } else {
                in.skip(tag);
            }
        }
        in.exit(token);
        return new Shape(dims);
    }

    private Dim readDim() throws IOException {
        Dim dim = Dim.unknown();
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> {
                    long v = varint(tag, "TensorShapeProto.Dimension.dim_value");
                    // some exporters write -1 for "unknown"; that is what it means to us too
                    dim = v >= 0 ? Dim.of(v) : Dim.unknown();
                }
                case 2 -> {
                    String p = string(tag, "TensorShapeProto.Dimension.dim_param");
                    dim = p.isEmpty() ? Dim.unknown() : Dim.symbol(p);
                }
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        return dim;
    }

    private FunctionDef readFunction() throws IOException {
        String name = "";
        String domain = "";
        String overload = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<String> attributeNames = new ArrayList<>();
        Map<String, Attribute> defaults = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        Map<String, Integer> opsets = new LinkedHashMap<>();
        int token = in.enter();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (ProtoInput.field(tag)) {
                case 1 -> name = string(tag, "FunctionProto.name");
                case 4 -> inputs.add(string(tag, "FunctionProto.input"));
                case 5 -> outputs.add(string(tag, "FunctionProto.output"));
                case 6 -> attributeNames.add(string(tag, "FunctionProto.attribute"));
                case 7 -> {
                    in.expect(tag, LEN, "FunctionProto.node");
                    nodes.add(readNode());
                }
                case 9 -> {
                    in.expect(tag, LEN, "FunctionProto.opset_import");
                    readOpset(opsets);
                }
                case 10 -> domain = string(tag, "FunctionProto.domain");
                case 11 -> {
                    in.expect(tag, LEN, "FunctionProto.attribute_proto");
                    Attribute a = readAttribute();
                    attributeNames.add(a.name());
                    defaults.put(a.name(), a);
                }
                case 13 -> overload = string(tag, "FunctionProto.overload");
                default -> in.skip(tag);
            }
        }
        in.exit(token);
        return new FunctionDef(name, domain, overload, inputs, outputs, attributeNames, defaults, nodes, opsets);
    }
}
