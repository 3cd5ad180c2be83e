"""Python reference for the default embedding model (onnxruntime + tokenizers).

Why this exists: the Rust host embeds with `ort` + `tokenizers`; this module is
the independent Python implementation it is tested against (see
check-model.py), and the one build-e5-small.py uses to verify a freshly built
model. It follows the recipe in model.json: prefix, tokenizer.json (which
itself carries truncation to max_len and batch-longest padding), the ONNX
graph's last_hidden_state, masked mean pooling, L2 normalisation.
"""
import json
import os

import numpy as np


def load_meta(model_dir):
    with open(os.path.join(model_dir, "model.json"), encoding="utf-8") as f:
        return json.load(f)


class OnnxEmbedder:
    """Embeds texts with model.onnx + tokenizer.json from one model folder."""

    def __init__(self, model_dir, threads=2):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.meta = load_meta(model_dir)
        self.tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            os.path.join(model_dir, "model.onnx"), opts, providers=["CPUExecutionProvider"]
        )

    def prefix(self, kind):
        return self.meta["prefix"][kind]

    def encode(self, texts):
        """Token ids and attention mask, int64 [batch, seq], as the host must build them."""
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask

    def hidden(self, ids, mask):
        (out,) = self.session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})
        return out

    def embed(self, texts, kind="query", batch_size=32, sort_by_length=False):
        """L2-normalised mean-pooled embeddings, float32 [n, dim], in the order given.

        sort_by_length batches texts of similar token counts together (less
        padding, same results: padding does not change an embedding).
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        pre = self.prefix(kind)
        texts = [pre + t for t in texts]
        order = list(range(len(texts)))
        if sort_by_length:
            # (encode_batch pads to the longest: count the real tokens)
            lengths = [sum(e.attention_mask) for e in self.tokenizer.encode_batch(texts)] if texts else []
            order.sort(key=lambda i: lengths[i])
        out = np.zeros((len(texts), self.meta["dim"]), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            ids, mask = self.encode([texts[i] for i in chunk])
            out[chunk] = mean_pool_l2(self.hidden(ids, mask), mask)
        return out


def mean_pool_l2(hidden, mask):
    m = mask[:, :, None].astype(np.float32)
    pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
    norm = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norm, 1e-12)).astype(np.float32)
