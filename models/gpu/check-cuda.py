#!/usr/bin/env python3
"""On the GPU machine: run the built model with ORT's CUDA provider, compare it
with the CPU provider and time it.

Why this exists: the host can use the same model on a GPU (ort load-dynamic +
libonnxruntime_providers_cuda.so). This checks that this graph (4-bit word
table unpacked in the graph, CumSum positions) runs under CUDA and
matches the CPU result (ORT logs a warning when nodes fall back to the CPU
and Memcpy nodes are added). Inputs are synthetic 24-token titles (random ids), so
no data has to travel to the machine; the tokenizer is not needed.

Usage (after `source /tmp/vrdndi-gpu/env.sh`):
  python3 models/gpu/check-cuda.py [--model-dir DIR]
Prints one JSON line: cosine CUDA vs CPU, titles/s per provider and batch.
"""
import argparse
import json
import os
import time

import numpy as np
import onnxruntime as ort


def pool(hidden, mask):
    m = mask[:, :, None].astype(np.float32)
    v = (hidden * m).sum(1) / m.sum(1)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def session(path, providers, threads=None):
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        opts.intra_op_num_threads = threads
    return ort.InferenceSession(path, opts, providers=providers)


def titles_per_s(sess, ids, mask, reps):
    feed = {"input_ids": ids, "attention_mask": mask}
    sess.run(None, feed)  # warm-up (CUDA kernels, allocator)
    t0 = time.perf_counter()
    for _ in range(reps):
        sess.run(None, feed)
    return round(reps * len(ids) / (time.perf_counter() - t0), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default=os.environ.get("VRDNDI_GPU_MODEL_DIR", "/tmp/vrdndi-gpu/model"))
    ap.add_argument("--seq", type=int, default=24)
    args = ap.parse_args()
    path = os.path.join(args.model_dir, "model.onnx")
    rng = np.random.default_rng(0)

    def batch(n):
        ids = rng.integers(5, 250000, size=(n, args.seq), dtype=np.int64)
        ids[:, 0], ids[:, -1] = 0, 2
        mask = np.ones_like(ids)
        # a few shorter, right-padded titles so masking is exercised
        for i in range(0, n, 4):
            cut = args.seq // 2
            ids[i, cut] = 2
            ids[i, cut + 1 :] = 1
            mask[i, cut + 1 :] = 0
        return ids, mask

    result = {"ort": ort.__version__, "available": ort.get_available_providers()}
    cuda = session(path, ["CUDAExecutionProvider", "CPUExecutionProvider"])
    result["providers"] = cuda.get_providers()
    cpu = session(path, ["CPUExecutionProvider"])
    ids, mask = batch(64)
    a = pool(cpu.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0], mask)
    b = pool(cuda.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0], mask)
    result["min_cosine_cuda_vs_cpu"] = float((a * b).sum(1).min())
    for n in (64, 256):
        ids, mask = batch(n)
        result[f"cuda_titles_per_s_b{n}"] = titles_per_s(cuda, ids, mask, reps=20)
    ids, mask = batch(64)
    result["cpu_titles_per_s_b64"] = titles_per_s(cpu, ids, mask, reps=3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
