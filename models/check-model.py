#!/usr/bin/env python3
"""Reference embeddings (and a throughput benchmark) from Python onnxruntime.

Why this exists: the Rust host's embedding must match an independent
implementation. Tests call this with texts and compare the host's vectors
against the JSON it prints, with a tolerance (cosine; expect > 0.9999).

  embed (default): check-model.py [--kind query|passage] [--texts-file F] [TEXT ...]
      F is a JSON list of strings, or plain text with one text per line.
      Prints JSON to stdout: model, model_sha256, kind, prefix, dim and, per
      text, the input_ids fed to the model (prefix included, truncated to
      max_len) and the L2-normalised mean-pooled embedding.
  bench:  check-model.py --bench CSV [--limit 1000] [--batch-size 32] [--threads 2]
      Embeds the first LIMIT distinct titles of a CSV with a 'title' column
      and prints JSON with titles/s (the first batch is a warm-up, not timed)
      and the 1-minute load average (other work on the machine skews it).
      --sort-by-length batches similar lengths together (less padding).

The model folder defaults to $VRDNDI_MODELS_DIR/multilingual-e5-small, else
$VRDNDI_CACHE/models/multilingual-e5-small, else ~/.cache/vrdndi/models/...
"""
import argparse
import csv
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from embed_ref import OnnxEmbedder  # noqa: E402

NAME = "multilingual-e5-small"


def default_model_dir():
    models = os.environ.get("VRDNDI_MODELS_DIR")
    if not models:
        cache = os.environ.get("VRDNDI_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "vrdndi"))
        models = os.path.join(cache, "models")
    return os.path.join(models, NAME)


def read_texts(path):
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    try:
        texts = json.loads(raw)
    except json.JSONDecodeError:
        return [line for line in raw.splitlines() if line.strip()]
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise SystemExit(f"{path}: expected a JSON list of strings")
    return texts


def csv_titles(path, limit):
    seen, out = set(), []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            t = row.get("title", "")
            if t and t not in seen:
                seen.add(t)
                out.append(t)
                if len(out) >= limit:
                    break
    return out


def embed_cmd(emb, args):
    texts = list(args.texts)
    if args.texts_file:
        texts += read_texts(args.texts_file)
    if not texts:
        raise SystemExit("no texts given (pass TEXT arguments or --texts-file)")
    vecs = emb.embed(texts, args.kind, batch_size=args.batch_size)
    prefix = emb.prefix(args.kind)
    items = [{"text": t, "input_ids": emb.tokenizer.encode(prefix + t).ids,
              "embedding": [float(x) for x in v]} for t, v in zip(texts, vecs)]
    return {"model": emb.meta["name"], "model_sha256": emb.meta["sha256"]["model.onnx"],
            "kind": args.kind, "prefix": prefix, "dim": emb.meta["dim"], "items": items}


def bench_cmd(emb, args):
    titles = csv_titles(args.bench, args.limit)
    emb.embed(titles[: args.batch_size], args.kind, batch_size=args.batch_size)  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    emb.embed(titles, args.kind, batch_size=args.batch_size, sort_by_length=args.sort_by_length)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"titles": len(titles), "seconds": round(dt, 3), "titles_per_s": round(len(titles) / dt, 1),
            "cpu_seconds": round(cpu, 3),
            "threads": args.threads, "batch_size": args.batch_size, "kind": args.kind,
            "sort_by_length": args.sort_by_length, "load_avg_1m": os.getloadavg()[0],
            "runtime": "python onnxruntime " + __import__("onnxruntime").__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("texts", nargs="*")
    ap.add_argument("--model-dir", default=default_model_dir())
    ap.add_argument("--kind", choices=["query", "passage"], default="query")
    ap.add_argument("--texts-file")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--bench", metavar="CSV")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--sort-by-length", action="store_true",
                    help="bench: batch titles of similar length together (less padding)")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.model_dir, "model.json")):
        raise SystemExit(f"no model in {args.model_dir}: run scripts/deps.sh (or models/build-e5-small.py)")
    emb = OnnxEmbedder(args.model_dir, threads=args.threads)
    result = bench_cmd(emb, args) if args.bench else embed_cmd(emb, args)
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
