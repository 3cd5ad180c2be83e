#!/usr/bin/env python3
"""Make model.int8.onnx beside a model folder's model.onnx (dynamic int8 quantisation).

Why this exists: the host's `Precision::Int8` loads `model.int8.onnx`, which
trades a little accuracy for CPU speed. onnxruntime's dynamic quantisation
stores MatMul weights as int8 (per output channel) and quantises activations
at run time. Only MatMuls are touched: the 4-bit word table and the rest of
the graph stay as built. The folder's model.json gets the new file's sha256
and size (other keys are kept), so the host's model key costs nothing.

Usage: $VRDNDI_CACHE/venv/bin/python models/quantize-int8.py MODEL_DIR [--force]
Prints the cosine to model.onnx on a few titles and the speed of both
(2 threads, batch 32) to stderr.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model_files import sha256_file  # noqa: E402

OUT = "model.int8.onnx"


def compare(model_dir):
    """Cosine int8 vs full on sample titles, and titles/s of each."""
    import numpy as np
    import onnxruntime as ort

    from embed_ref import OnnxEmbedder, mean_pool_l2

    emb = OnnxEmbedder(model_dir, threads=2)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.inter_op_num_threads = 1
    int8 = ort.InferenceSession(os.path.join(model_dir, OUT), opts, providers=["CPUExecutionProvider"])
    titles = ["How to bake sourdough bread at home", "Comment faire du pain au levain à la maison",
              "Football highlights: Real Madrid against Barcelona", "Learn Rust ownership in ten minutes",
              "ニュース：今日の天気予報", "पीरियड्स के समय क्या करें", "Türkçe rap şarkıları 2017"] * 5
    ids, mask = emb.encode(["query: " + t for t in titles])
    feed = {"input_ids": ids, "attention_mask": mask}
    timings = {}
    outs = {}
    for name, run in (("full", lambda: emb.hidden(ids, mask)),
                      ("int8", lambda: int8.run(["last_hidden_state"], feed)[0])):
        run()
        t0 = time.perf_counter()
        outs[name] = mean_pool_l2(run(), mask)
        timings[name] = len(titles) / (time.perf_counter() - t0)
    cos = (outs["full"] * outs["int8"]).sum(1)
    print(f"[quantize-int8] cosine int8 vs full: min {cos.min():.4f}, mean {cos.mean():.4f}; "
          f"titles/s full {timings['full']:.0f}, int8 {timings['int8']:.0f}", file=sys.stderr)
    return float(cos.min())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    src = os.path.join(args.model_dir, "model.onnx")
    dst = os.path.join(args.model_dir, OUT)
    meta_path = os.path.join(args.model_dir, "model.json")
    if not os.path.exists(src):
        raise SystemExit(f"{src} not found: run scripts/deps.sh first")
    meta = {}
    if os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
    if os.path.exists(dst) and not args.force and meta.get("int8_from") == meta.get("sha256", {}).get("model.onnx"):
        print(f"[quantize-int8] up to date: {dst}", file=sys.stderr)
        return 0

    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = dst + ".tmp"
    quantize_dynamic(src, tmp, op_types_to_quantize=["MatMul"], per_channel=True,
                     weight_type=QuantType.QInt8)
    os.replace(tmp, dst)
    min_cos = compare(args.model_dir)
    if min_cos < 0.97:
        raise SystemExit(f"int8 model too far from the full one (min cosine {min_cos:.4f})")
    meta.setdefault("sha256", {})[OUT] = sha256_file(dst)
    meta.setdefault("bytes", {})[OUT] = os.path.getsize(dst)
    meta["int8_from"] = meta["sha256"].get("model.onnx")
    with open(meta_path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    os.replace(meta_path + ".tmp", meta_path)
    print(f"[quantize-int8] wrote {dst} ({os.path.getsize(dst) / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
