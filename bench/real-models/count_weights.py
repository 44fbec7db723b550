#!/usr/bin/python3
"""Independent count of a model's weights, for docs/REAL-MODELS.md.

Reads an ONNX file with the `onnx` Python package (python3-onnx) and counts, from its own table of
weight slots (not modelmeter's), the elements of stored tensors -- initializers and Constant-node
values, in the main graph and in every sub-graph -- that reach a weight slot, directly or through any
computation that involves no graph input (Cast, DequantizeLinear, Slice, Concat...). Integer and bool
tensors (shapes, indices) and single-element tensors not fed straight to a weight slot are not
weights. A tensor is counted once however often it is used. Prints one JSON object per model.

Usage: bench/real-models/count_weights.py MODEL.onnx...
"""
import json
import sys

import onnx

# op -> input slots that hold trainable weights (PyTorch nn.Parameter); BatchNorm 3,4 are buffers.
PARAM_SLOTS = {
    "Conv": {1, 2}, "ConvTranspose": {1, 2}, "Gemm": {1, 2}, "MatMul": {0, 1},
    "BatchNormalization": {1, 2}, "LayerNormalization": {1, 2}, "InstanceNormalization": {1, 2},
    "GroupNormalization": {1, 2}, "LSTM": {1, 2, 3, 5, 6}, "GRU": {1, 2, 3, 5}, "RNN": {1, 2, 3, 5},
    "PRelu": {1}, "Gather": {0}, "Einsum": {0, 1, 2},
    "ConvInteger": {1}, "MatMulInteger": {1}, "QLinearConv": {3, 8}, "QLinearMatMul": {3},
    # elementwise ops: a bias or a scale with more than one element
    "Add": {0, 1}, "Sub": {0, 1}, "Mul": {0, 1}, "Div": {0, 1},
}
BUFFER_SLOTS = {"BatchNormalization": {3, 4}}
ELEMENTWISE = {"Add", "Sub", "Mul", "Div"}


def numel(dims):
    n = 1
    for d in dims:
        n *= d
    return n


NOT_WEIGHT_DTYPES = {"INT64", "INT32", "BOOL", "STRING"}


def count(model):
    """Stored tensors are found by data dependence, not by a list of pass-through ops: a value computed
    only from stored tensors (no graph input upstream) carries the set of stored tensors it came from, so
    an LSTM weight reached through Slice/Concat/Unsqueeze is still found."""
    stored = []  # [name, dtype, numel, role]

    def walk(graph, outer):
        scope = dict(outer)  # value name -> list of stored records it derives from, or None (runtime value)
        for t in graph.initializer:
            rec = [t.name, onnx.TensorProto.DataType.Name(t.data_type), numel(t.dims), None]
            stored.append(rec)
            scope[t.name] = [rec]
        inits = {t.name for t in graph.initializer}
        for i in graph.input:
            if i.name not in inits:
                scope[i.name] = None  # a graph input shadows an outer name
        for node in graph.node:
            sources = []
            runtime = False
            for slot, name in enumerate(node.input):
                if name == "":
                    continue
                recs = scope.get(name)
                if recs is None:
                    runtime = True
                    continue
                sources.extend(recs)
                for rec in recs:
                    direct = len(recs) == 1 and recs[0] is rec and name == rec[0]
                    if rec[1] in NOT_WEIGHT_DTYPES or (rec[2] <= 1 and not direct):
                        continue
                    if slot in PARAM_SLOTS.get(node.op_type, ()) and (rec[2] > 1 or node.op_type not in ELEMENTWISE):
                        rec[3] = "param"
                    elif slot in BUFFER_SLOTS.get(node.op_type, ()) and rec[3] is None:
                        rec[3] = "buffer"
            for a in node.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g, scope)
                for g in a.graphs:
                    walk(g, scope)
            out_sources = None if runtime or node.attribute and any(
                a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute) else sources
            if node.op_type == "Constant":
                out_sources = []
                for a in node.attribute:
                    if a.name == "value":
                        rec = [node.output[0], onnx.TensorProto.DataType.Name(a.t.data_type), numel(a.t.dims), None]
                        stored.append(rec)
                        out_sources = [rec]
            for out in node.output:
                scope[out] = out_sources

    walk(model.graph, {})
    params = [r for r in stored if r[3] == "param"]
    buffers = [r for r in stored if r[3] == "buffer"]
    by_dtype = {}
    for r in params:
        by_dtype[r[1]] = by_dtype.get(r[1], 0) + r[2]
    return {
        "params": sum(r[2] for r in params),
        "param_tensors": len(params),
        "buffers": sum(r[2] for r in buffers),
        "param_elements_by_dtype": by_dtype,
    }


if __name__ == "__main__":
    for path in sys.argv[1:]:
        out = count(onnx.load(path))
        out["model"] = path.split("/")[-1]
        print(json.dumps(out))
