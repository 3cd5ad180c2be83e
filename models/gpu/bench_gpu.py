#!/usr/bin/env python3
"""On the lent GPU machine: the PyTorch side of models/gpu/bench-gpu.sh, and the report.

Why this exists: the Rust embedder's CUDA path must be measured against PyTorch on the same GPU,
the same titles and the same weights, in the same run. Real weights cannot travel (a call carries
64 MiB), so this makes models with the real shapes and random weights here, with the
`transformers` package the machine has: e5-small's (XLM-R, 384 hidden, 12 layers) and BGE-M3's
(XLM-R large, 1024 hidden, 24 layers). The compute is the real one.

  bench_gpu.py model --shape e5|bge --work DIR --tokenizer FILE --out OUT [--titles FILE]
      builds the random model, exports it to ONNX (fp32; then fp16 with onnxruntime's transformer
      optimizer and convert_float_to_float16(keep_io_types=True)) into DIR/fp32/NAME and
      DIR/fp16/NAME, times PyTorch fp32 and fp16 at batch 1, 16 and 64 (appending JSON lines to
      OUT/results.jsonl) and dumps the first 64 titles' vectors for the comparison.
  bench_gpu.py report --out OUT
      cosine Rust vs PyTorch per model and precision, and OUT/gpu-bench.md with the table.

Both sides: titles tokenized with the same tokenizer.json (truncation 128), the e5 prefix
"query: " for e5 and none for BGE-M3, sorted by length before batching, padded to the longest in
the batch, mean (e5) or first-token (BGE-M3) pooling, L2 norm, vectors copied to the host; timed
end to end after a warm-up on the longest titles. PyTorch runs with TF32 matmuls allowed, as
ONNX Runtime's CUDA provider does by default, and SDPA attention.
"""
import argparse
import glob
import json
import os
import sys
import time

SHAPES = {
    # name in the Rust registry, XLM-R config, pooling, prefix
    "e5": ("multilingual-e5-small", dict(vocab_size=250037, hidden_size=384, num_hidden_layers=12,
                                         num_attention_heads=12, intermediate_size=1536,
                                         max_position_embeddings=514), "mean", "query: "),
    "bge": ("bge-m3", dict(vocab_size=250002, hidden_size=1024, num_hidden_layers=24,
                           num_attention_heads=16, intermediate_size=4096,
                           max_position_embeddings=8194), "cls", ""),
}
BATCHES = (1, 16, 64)
MAX_LEN = 128


def log(msg):
    print(f"[bench_gpu] {msg}", file=sys.stderr, flush=True)


def load_titles(path, limit):
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            base = [line.rstrip("\n") for line in f if line.strip()]
    else:  # the same made-up titles as the Rust side's fallback
        words = ["how", "to", "build", "a", "fast", "rust", "server", "music", "video", "official", "live",
                 "news", "today", "review", "best", "game"]
        base = [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(4 + i % 13)) for i in range(997)]
    return [base[i % len(base)] for i in range(limit)]


def tokenize(tokenizer_path, texts):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(tokenizer_path)
    tok.no_padding()
    tok.enable_truncation(MAX_LEN)
    return [e.ids for e in tok.encode_batch(texts)]


def export_onnx(model, path, opset=17):
    import torch

    class Wrap(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.int64, device=next(model.parameters()).device)
    kwargs = dict(input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                  dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                "last_hidden_state": {0: "batch", 1: "seq"}},
                  opset_version=opset, do_constant_folding=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".partial"  # renamed when complete: a timed-out run leaves no half model behind
    try:
        torch.onnx.export(Wrap(model), (ids, torch.ones_like(ids)), tmp, dynamo=False, **kwargs)
    except TypeError:  # a torch without the dynamo switch: the TorchScript exporter is the default
        torch.onnx.export(Wrap(model), (ids, torch.ones_like(ids)), tmp, **kwargs)
    os.replace(tmp, path)


def to_fp16(src, dst, heads, hidden, opt_level=None):
    from onnxruntime.transformers.optimizer import optimize_model

    opt = optimize_model(src, model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=opt_level)
    opt.convert_float_to_float16(keep_io_types=True)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    opt.save_model_to_file(dst + ".partial", use_external_data_format=False)
    os.replace(dst + ".partial", dst)


def torch_bench(model, ids, batch, pooling, n):
    import numpy as np
    import torch

    def run(rows):
        out = []
        for start in range(0, len(rows), batch):
            chunk = [ids[i] for i in rows[start:start + batch]]
            width = max(len(c) for c in chunk)
            arr = np.ones((len(chunk), width), dtype=np.int64)  # XLM-R's pad id is 1
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for r, c in enumerate(chunk):
                arr[r, :len(c)] = c
                mask[r, :len(c)] = 1
            t_ids = torch.from_numpy(arr).cuda(non_blocking=True)
            t_mask = torch.from_numpy(mask).cuda(non_blocking=True)
            with torch.inference_mode():
                h = model(input_ids=t_ids, attention_mask=t_mask).last_hidden_state
                if pooling == "mean":
                    m = t_mask.unsqueeze(-1).to(h.dtype)
                    v = (h * m).sum(1) / m.sum(1).clamp(min=1)
                else:
                    v = h[:, 0]
                v = torch.nn.functional.normalize(v.float(), dim=-1)
            out.append(v.cpu())
        return torch.cat(out)

    rows = list(range(n))
    longest = sorted(rows, key=lambda i: -len(ids[i]))[: max(batch, 4)]
    run(longest)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    order = sorted(rows, key=lambda i: len(ids[i]))  # the Rust side's length-sorted batches
    vecs = run(order)
    torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    restored = torch.empty_like(vecs)
    restored[torch.tensor(order)] = vecs
    return dt, restored


def cmd_model(args):
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    name, shape, pooling, prefix = SHAPES[args.shape]
    titles = load_titles(args.titles, args.limit)
    ids = tokenize(args.tokenizer, [prefix + t for t in titles])
    fp32_path = os.path.join(args.work, "fp32", name, "model.onnx")
    fp16_path = os.path.join(args.work, "fp16", name, "model.onnx")

    torch.manual_seed(0)
    config = XLMRobertaConfig(**shape, type_vocab_size=1, pad_token_id=1, attn_implementation="eager")
    t0 = time.time()
    with torch.device("cuda"):
        model = XLMRobertaModel(config, add_pooling_layer=False).eval()
    log(f"{name}: random weights on the GPU in {time.time() - t0:.1f} s")
    if not os.path.exists(fp32_path):
        t0 = time.time()
        export_onnx(model, fp32_path)
        log(f"{name}: fp32 ONNX exported in {time.time() - t0:.1f} s")
    if not os.path.exists(fp16_path):
        t0 = time.time()
        try:
            to_fp16(fp32_path, fp16_path, shape["num_attention_heads"], shape["hidden_size"])
            log(f"{name}: fp16 ONNX (optimizer + keep_io_types) in {time.time() - t0:.1f} s")
        except Exception as e:  # noqa: BLE001 - report and go on with fp32
            log(f"{name}: fp16 conversion failed: {e!r}")
    for d in (os.path.dirname(fp32_path), os.path.dirname(fp16_path)):
        if os.path.isdir(d) and not os.path.exists(os.path.join(d, "tokenizer.json")):
            os.symlink(os.path.abspath(args.tokenizer), os.path.join(d, "tokenizer.json"))

    # PyTorch: SDPA attention (its fast path), the same weights.
    try:
        sdpa_config = XLMRobertaConfig(**shape, type_vocab_size=1, pad_token_id=1, attn_implementation="sdpa")
        with torch.device("cuda"):
            sdpa = XLMRobertaModel(sdpa_config, add_pooling_layer=False).eval()
        sdpa.load_state_dict(model.state_dict())
        model = sdpa
    except Exception as e:  # noqa: BLE001 - an older transformers without SDPA for XLM-R
        log(f"{name}: SDPA attention unavailable ({e!r}); PyTorch runs eager attention")
    results = open(os.path.join(args.out, "results.jsonl"), "a", encoding="utf-8")
    for label, m in (("fp32", model), ("fp16", model.half())):
        for batch in BATCHES:
            n = args.limit_b1 if batch == 1 else len(titles)
            dt, vecs = torch_bench(m, ids, batch, pooling, n)
            row = {"runtime": "pytorch " + torch.__version__, "model": name, "label": label, "device": "cuda",
                   "batch": batch, "titles": n, "seconds": dt, "titles_per_s": n / dt}
            results.write(json.dumps(row) + "\n")
            results.flush()
            log(f"{name} {label} batch {batch}: pytorch {n / dt:.0f} titles/s")
            if batch == 64:
                with open(os.path.join(args.out, f"torch-{name}-{label}.json"), "w", encoding="utf-8") as f:
                    json.dump({"vectors": vecs[:64].tolist()}, f)
    results.close()


def cmd_report(args):
    import numpy as np

    rows = []
    with open(os.path.join(args.out, "results.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    cosines = {}
    for path in glob.glob(os.path.join(args.out, "rust-*.json")):
        key = os.path.basename(path)[len("rust-"):-len(".json")]
        torch_path = os.path.join(args.out, f"torch-{key}.json")
        if not os.path.exists(torch_path):
            continue
        with open(path, encoding="utf-8") as f:
            a = np.array(json.load(f)["vectors"], dtype=np.float32)
        with open(torch_path, encoding="utf-8") as f:
            b = np.array(json.load(f)["vectors"], dtype=np.float32)
        n = min(len(a), len(b))
        cos = (a[:n] * b[:n]).sum(1) / np.maximum(np.linalg.norm(a[:n], axis=1) * np.linalg.norm(b[:n], axis=1), 1e-12)
        cosines[key] = (float(cos.min()), float(cos.mean()))
    table = {}
    for r in rows:
        side = "rust" if r["runtime"].startswith("rust") else "torch"
        table.setdefault((r["model"], r["label"]), {})[(side, r["batch"])] = r["titles_per_s"]
    lines = [f"GPU: {args.gpu}", "",
             "| model (random weights, real shape) | precision | batch 1: Rust ORT / PyTorch | batch 16 | batch 64 | cosine Rust vs PyTorch (min) |",
             "|---|---|---|---|---|---|"]
    for (model, label), v in sorted(table.items()):
        cells = []
        for b in BATCHES:
            rust, torch_ = v.get(("rust", b)), v.get(("torch", b))
            cells.append(" / ".join(f"{v:,.0f}" if v else "-" for v in (rust, torch_)))
        cos = cosines.get(f"{model}-{label}")
        lines.append(f"| {model} | {label} | " + " | ".join(cells) + (f" | {cos[0]:.5f} |" if cos else " | - |"))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "gpu-bench.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("model")
    m.add_argument("--shape", choices=sorted(SHAPES), required=True)
    m.add_argument("--work", required=True)
    m.add_argument("--tokenizer", required=True)
    m.add_argument("--titles")
    m.add_argument("--out", required=True)
    m.add_argument("--limit", type=int, default=4096)
    m.add_argument("--limit-b1", type=int, default=256)
    r = sub.add_parser("report")
    r.add_argument("--out", required=True)
    r.add_argument("--gpu", default="?")
    args = ap.parse_args()
    return cmd_model(args) if args.cmd == "model" else cmd_report(args)


if __name__ == "__main__":
    sys.exit(main())
