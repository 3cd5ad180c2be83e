"""Write a tiny ONNX graph with BGE-M3's interface: inputs input_ids and attention_mask (int64
[batch, seq]), output last_hidden_state (float32 [batch, seq, 1024]).

Why this exists: `vrdndi model fetch bge-m3` is tested against a local HTTP server, and what it
serves should be a model the embedder can really load after the download, yet small (about 8 KB)
and made at test time rather than committed. Each token's state is sin(id * w + b) * mask.

Usage: python tiny_model.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DIM = 1024

rng = np.random.default_rng(7)
inits = [
    numpy_helper.from_array((rng.standard_normal(DIM) * 0.01).astype(np.float32), "w"),
    numpy_helper.from_array(rng.standard_normal(DIM).astype(np.float32), "b"),
    numpy_helper.from_array(np.array([2], dtype=np.int64), "axes"),
]
nodes = [
    helper.make_node("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
    helper.make_node("Unsqueeze", ["ids_f", "axes"], ["ids_u"]),
    helper.make_node("Mul", ["ids_u", "w"], ["scaled"]),
    helper.make_node("Add", ["scaled", "b"], ["shifted"]),
    helper.make_node("Sin", ["shifted"], ["states"]),
    helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
    helper.make_node("Unsqueeze", ["mask_f", "axes"], ["mask_u"]),
    helper.make_node("Mul", ["states", "mask_u"], ["last_hidden_state"]),
]
graph = helper.make_graph(
    nodes,
    "tiny-bge-m3-interface",
    [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"]) for n in ("input_ids", "attention_mask")],
    [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", DIM])],
    inits,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
