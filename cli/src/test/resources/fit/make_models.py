"""Crafts the fit test models (run once with python3-onnx; the tests read the .onnx files)."""
import numpy as np
import onnx
from onnx import TensorProto, helper as h, numpy_helper as nh


def save(graph, path, opsets):
    m = h.make_model(graph, opset_imports=opsets, producer_name="make_models.py")
    m.ir_version = 8
    onnx.save(m, path)


def w(name, *dims):
    return nh.from_array(np.zeros(dims, dtype=np.float32), name)


def unknown_operator():
    # x [N, 256] -> MatMul W1 [256, 256] -> com.example:Mystery -> MatMul W2 [256, 256] -> y
    nodes = [h.make_node("MatMul", ["x", "W1"], ["a"]),
             h.make_node("Mystery", ["a"], ["b"], domain="com.example"),
             h.make_node("MatMul", ["b", "W2"], ["y"])]
    g = h.make_graph(nodes, "unknown_operator", [h.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 256])],
                     [h.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 256])], [w("W1", 256, 256), w("W2", 256, 256)])
    save(g, "unknown_operator.onnx", [h.make_opsetid("", 17), h.make_opsetid("com.example", 1)])


def batch_one_reshape():
    # x [N, 3, 8, 8] -> Reshape to a built-in [1, 192] -> MatMul W [192, 10]: only batch 1 can be analysed
    nodes = [h.make_node("Reshape", ["x", "target"], ["f"]), h.make_node("MatMul", ["f", "W"], ["y"])]
    g = h.make_graph(nodes, "batch_one_reshape", [h.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])],
                     [h.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
                     [w("W", 192, 10), nh.from_array(np.array([1, 192], dtype=np.int64), "target")])
    save(g, "batch_one_reshape.onnx", [h.make_opsetid("", 17)])


if __name__ == "__main__":
    unknown_operator()
    batch_one_reshape()
