"""Crafts the control-flow test models (run once with python3-onnx; the tests read the .onnx files).

Weights are zeros: only their shapes matter. Expected figures are worked by hand in ControlFlowCostTest.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper as h, numpy_helper as nh

OPSET = [h.make_opsetid("", 17)]


def w(name, *dims):
    return nh.from_array(np.zeros(dims, dtype=np.float32), name)


def i64(name, *vals):
    return nh.from_array(np.array(vals, dtype=np.int64), name)


def save(graph, path):
    m = h.make_model(graph, opset_imports=OPSET, producer_name="make_models.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


def matmul_branches():
    # then: x[2,16] @ W1[16,32]; else: x @ W2[16,8] @ W3[8,32]. Both give [2,32].
    then = h.make_graph([h.make_node("MatMul", ["x", "W1"], ["t_out"])], "then",
                        [], [h.make_tensor_value_info("t_out", TensorProto.FLOAT, [2, 32])])
    els = h.make_graph([h.make_node("MatMul", ["x", "W2"], ["e_mid"]),
                        h.make_node("MatMul", ["e_mid", "W3"], ["e_out"])], "else",
                       [], [h.make_tensor_value_info("e_out", TensorProto.FLOAT, [2, 32])])
    return then, els, [w("W1", 16, 32), w("W2", 16, 8), w("W3", 8, 32)]


def if_known():
    # cond = (x.shape[1] == 99): false from shapes alone, so the else branch runs
    then, els, inits = matmul_branches()
    nodes = [h.make_node("Shape", ["x"], ["s"]),
             h.make_node("Gather", ["s", "one"], ["d1"], axis=0),
             h.make_node("Equal", ["d1", "ninetynine"], ["cond"]),
             h.make_node("If", ["cond"], ["y"], then_branch=then, else_branch=els)]
    g = h.make_graph(nodes, "if_known", [h.make_tensor_value_info("x", TensorProto.FLOAT, [2, 16])],
                     [h.make_tensor_value_info("y", TensorProto.FLOAT, [2, 32])],
                     inits + [i64("one", 1), i64("ninetynine", 99)])
    save(g, "if_known.onnx")


def if_unknown():
    # cond is a graph input: not computable from shapes
    then, els, inits = matmul_branches()
    nodes = [h.make_node("If", ["flag"], ["y"], then_branch=then, else_branch=els)]
    g = h.make_graph(nodes, "if_unknown", [h.make_tensor_value_info("x", TensorProto.FLOAT, [2, 16]),
                                           h.make_tensor_value_info("flag", TensorProto.BOOL, [])],
                     [h.make_tensor_value_info("y", TensorProto.FLOAT, [2, 32])], inits)
    save(g, "if_unknown.onnx")


def nested_if_lstm():
    # x [seq 5, batch 1, 8] (rank 3). outer: rank(x) == 3 ? inner : unsqueeze(x) (rank 4, no LSTM)
    # inner: rank(x) == 3 ? LSTM(x) : LSTM(unsqueeze(unsqueeze(x))) -- the else would give the LSTM rank 5
    def rank_eq(prefix, name, k):
        return [h.make_node("Shape", ["x"], [prefix + "_shape"]),
                h.make_node("Size", [prefix + "_shape"], [prefix + "_rank"]),
                h.make_node("Equal", [prefix + "_rank", k], [name])]
    lstm_then = h.make_graph([h.make_node("LSTM", ["x", "W", "R", "B"], ["", "ih_then"], hidden_size=16)],
                             "inner_then", [], [h.make_tensor_value_info("ih_then", TensorProto.FLOAT, [1, 1, 16])])
    lstm_else = h.make_graph([h.make_node("Unsqueeze", ["x", "axes01"], ["x5"]),
                              h.make_node("LSTM", ["x5", "W", "R", "B"], ["", "ih_else"], hidden_size=16)],
                             "inner_else", [], [h.make_tensor_value_info("ih_else", TensorProto.FLOAT, [1, 1, 1, 1, 16])])
    outer_then = h.make_graph(rank_eq("inner", "cond_inner", "three")
                              + [h.make_node("If", ["cond_inner"], ["h_then"], then_branch=lstm_then,
                                             else_branch=lstm_else)],
                              "outer_then", [], [h.make_tensor_value_info("h_then", TensorProto.FLOAT, [1, 1, 16])])
    outer_else = h.make_graph([h.make_node("Unsqueeze", ["x", "axes0"], ["h_else"])], "outer_else", [],
                              [h.make_tensor_value_info("h_else", TensorProto.FLOAT, [1, 5, 1, 8])])
    nodes = rank_eq("outer", "cond_outer", "three") + [
        h.make_node("If", ["cond_outer"], ["h"], then_branch=outer_then, else_branch=outer_else)]
    g = h.make_graph(nodes, "nested_if_lstm", [h.make_tensor_value_info("x", TensorProto.FLOAT, [5, 1, 8])],
                     [h.make_tensor_value_info("h", TensorProto.FLOAT, [1, 1, 16])],
                     [w("W", 1, 64, 8), w("R", 1, 64, 16), w("B", 1, 128), i64("three", 3),
                      i64("axes01", 0, 1), i64("axes0", 0)])
    save(g, "nested_if_lstm.onnx")


def loop(name, trips_input):
    # body: h' = h @ U[16,16]; carried h [1,16]
    body = h.make_graph([h.make_node("Identity", ["cond_in"], ["cond_out"]),
                         h.make_node("MatMul", ["h_in", "U"], ["h_out"])], "body",
                        [h.make_tensor_value_info("i", TensorProto.INT64, []),
                         h.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
                         h.make_tensor_value_info("h_in", TensorProto.FLOAT, [1, 16])],
                        [h.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
                         h.make_tensor_value_info("h_out", TensorProto.FLOAT, [1, 16])])
    inputs = [h.make_tensor_value_info("h0", TensorProto.FLOAT, [1, 16])]
    inits = [w("U", 16, 16), nh.from_array(np.array(True), "go")]
    if trips_input is None:
        inputs.append(h.make_tensor_value_info("M", TensorProto.INT64, []))
    else:
        inits.append(nh.from_array(np.array(trips_input, dtype=np.int64), "M"))
    nodes = [h.make_node("Loop", ["M", "go", "h0"], ["h"], body=body)]
    g = h.make_graph(nodes, name, inputs, [h.make_tensor_value_info("h", TensorProto.FLOAT, [1, 16])], inits)
    save(g, name + ".onnx")


def scan():
    # Scan over x [5, 1, 16] along axis 0; state h [1,16]; body: h' = x_t @ W + h @ U
    body = h.make_graph([h.make_node("MatMul", ["x_t", "W"], ["a"]),
                         h.make_node("MatMul", ["h_in", "U"], ["b"]),
                         h.make_node("Add", ["a", "b"], ["h_out"])], "body",
                        [h.make_tensor_value_info("h_in", TensorProto.FLOAT, [1, 16]),
                         h.make_tensor_value_info("x_t", TensorProto.FLOAT, [1, 16])],
                        [h.make_tensor_value_info("h_out", TensorProto.FLOAT, [1, 16])])
    nodes = [h.make_node("Scan", ["h0", "x"], ["h"], body=body, num_scan_inputs=1)]
    g = h.make_graph(nodes, "scan", [h.make_tensor_value_info("h0", TensorProto.FLOAT, [1, 16]),
                                     h.make_tensor_value_info("x", TensorProto.FLOAT, [5, 1, 16])],
                     [h.make_tensor_value_info("h", TensorProto.FLOAT, [1, 16])], [w("W", 16, 16), w("U", 16, 16)])
    save(g, "scan.onnx")


def nested_if_runtime_flag():
    # the outer If is computable (rank(x) == 3); the inner one tests a runtime flag: its else branch would
    # feed the LSTM a rank-5 tensor, which cannot run, so only its then branch can be the one taken
    lstm_then = h.make_graph([h.make_node("LSTM", ["x", "W", "R", "B"], ["", "ih_then"], hidden_size=16)],
                             "inner_then", [], [h.make_tensor_value_info("ih_then", TensorProto.FLOAT, [1, 1, 16])])
    lstm_else = h.make_graph([h.make_node("Unsqueeze", ["x", "axes01"], ["x5"]),
                              h.make_node("LSTM", ["x5", "W", "R", "B"], ["", "ih_else"], hidden_size=16)],
                             "inner_else", [], [h.make_tensor_value_info("ih_else", TensorProto.FLOAT, [1, 1, 1, 1, 16])])
    outer_then = h.make_graph([h.make_node("If", ["flag"], ["h_then"], then_branch=lstm_then, else_branch=lstm_else)],
                              "outer_then", [], [h.make_tensor_value_info("h_then", TensorProto.FLOAT, [1, 1, 16])])
    outer_else = h.make_graph([h.make_node("Unsqueeze", ["x", "axes0"], ["h_else"])], "outer_else", [],
                              [h.make_tensor_value_info("h_else", TensorProto.FLOAT, [1, 5, 1, 8])])
    nodes = [h.make_node("Shape", ["x"], ["s"]), h.make_node("Size", ["s"], ["r"]),
             h.make_node("Equal", ["r", "three"], ["c"]),
             h.make_node("If", ["c"], ["h"], then_branch=outer_then, else_branch=outer_else)]
    g = h.make_graph(nodes, "nested_if_runtime_flag", [h.make_tensor_value_info("x", TensorProto.FLOAT, [5, 1, 8]),
                                                       h.make_tensor_value_info("flag", TensorProto.BOOL, [])],
                     [h.make_tensor_value_info("h", TensorProto.FLOAT, [1, 1, 16])],
                     [w("W", 1, 64, 8), w("R", 1, 64, 16), w("B", 1, 128), i64("three", 3),
                      i64("axes01", 0, 1), i64("axes0", 0)])
    save(g, "nested_if_runtime_flag.onnx")


def dft_then_matmul():
    # DFT has no cost rule (declared unknown); the MatMul after it costs 16 x 2 x 4 = 128 MACs
    nodes = [h.make_node("DFT", ["x"], ["y"]), h.make_node("MatMul", ["y", "W"], ["z"])]
    g = h.make_graph(nodes, "dft_then_matmul", [h.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 1])],
                     [h.make_tensor_value_info("z", TensorProto.FLOAT, [1, 16, 4])], [w("W", 2, 4)])
    save(g, "dft_then_matmul.onnx")


if __name__ == "__main__":
    nested_if_runtime_flag()
    dft_then_matmul()
    if_known()
    if_unknown()
    nested_if_lstm()
    loop("loop_known", 3)
    loop("loop_long", 1000)
    loop("loop_unknown", None)
    scan()
