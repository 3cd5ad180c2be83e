#!/usr/bin/env bash
# On the lent GPU machine: titles/s of the Rust embedder (ort, CUDA provider, load-dynamic) against
# PyTorch on the same GPU, same titles, same weights, in one run; fp32 and fp16; batch 1, 16, 64;
# for e5-small's shape and BGE-M3's shape (random weights made here, real compute).
# Results go to $OUT: results.jsonl (one line per runtime, model, precision, batch), gpu-bench.md
# (the table, with the card), rust-*.json / torch-*.json (vectors for the cosine check), logs/.
#
# Why this exists: the issue asks the Rust CUDA path to reach what Python onnxruntime reached there
# (FIELD-NOTES: 14.9k titles/s for BGE-M3's shape, fp16, batch 64, on an H200; PyTorch 8.5k).
#
# Before: models/gpu/prepare-bench.sh here (fills .gpu-bin/), and the onnxruntime-gpu wheel staged
# in /tmp/vrdndi-gpu by earlier calls (models/gpu/README.md). Carry `.gpu-bin` and `.gpu-parts/MANIFEST`.
# Runs in about 4-5 minutes; each step has its own timeout so one stuck step still leaves results.
# VRDNDI_GPU_SHAPES="bge e5" (the default order: the issue's headline row first) picks the models;
# VRDNDI_GPU_BUDGET_S (default 330) is when later steps are skipped rather than started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$PWD"
STAGE="${VRDNDI_GPU_STAGE:-/tmp/vrdndi-gpu}"
OUT="${OUT:-/tmp/vrdndi-gpu-out}"
BIN="$ROOT/.gpu-bin"
WORK="$STAGE/bench-models"
mkdir -p "$OUT/logs" "$WORK"
say() { printf '[bench-gpu] %s\n' "$*" | tee -a "$OUT/logs/bench-gpu.log" >&2; }
t_start=$(date +%s)
elapsed() { echo $(( $(date +%s) - t_start )); }

report() {
  python3 models/gpu/bench_gpu.py report --out "$OUT" --gpu "$(cat "$OUT/gpu.txt" 2>/dev/null || echo '?')" \
    >/dev/null 2>>"$OUT/logs/report.log" || say "report failed (see logs/report.log)"
  [ -f "$OUT/gpu-bench.md" ] && cat "$OUT/gpu-bench.md"
  say "done in $(elapsed) s"
}
trap report EXIT

# The GPU runtime: staged by models/gpu/device-stage.sh (it exits 1 while any MANIFEST file, such
# as the optional real model, is incomplete; only the wheel matters here).
bash models/gpu/device-stage.sh >"$OUT/logs/stage.log" 2>&1 || true
[ -f "$STAGE/ort-gpu.done" ] || { say "onnxruntime-gpu is not staged in $STAGE (see logs/stage.log and models/gpu/README.md)"; exit 1; }
# shellcheck disable=SC1091
source "$STAGE/env.sh"
ORT_LIB="$STAGE/site/onnxruntime/capi/libonnxruntime.so.1.31.1"
[ -f "$ORT_LIB" ] || { say "no $ORT_LIB"; exit 1; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -n 1 >"$OUT/gpu.txt" || echo "?" >"$OUT/gpu.txt"
say "GPU: $(cat "$OUT/gpu.txt"); glibc $(getconf GNU_LIBC_VERSION | cut -d' ' -f2), the binary needs $(cat "$BIN/glibc-needed" 2>/dev/null || echo '?')"

[ -x "$BIN/gpu_bench" ] || { say "no .gpu-bin/gpu_bench: run models/gpu/prepare-bench.sh here and carry .gpu-bin"; exit 1; }
"$BIN/gpu_bench" --help >/dev/null 2>"$OUT/logs/binary-check.log" || true
if grep -q "GLIBC" "$OUT/logs/binary-check.log"; then
  say "the Rust binary cannot run here: $(head -n 1 "$OUT/logs/binary-check.log")"; exit 1
fi

# Python packages the fp16 conversion needs, from the carried wheels when the machine lacks them.
if ! python3 -c "import onnx, sympy" 2>/dev/null; then
  python3 -m pip install --quiet --no-deps --no-index --target "$STAGE/pylibs" "$BIN"/wheels/*.whl >"$OUT/logs/pip.log" 2>&1 || true
  export PYTHONPATH="$STAGE/pylibs${PYTHONPATH:+:$PYTHONPATH}"
fi
python3 -c "import torch, transformers, tokenizers; print('torch', torch.__version__, 'transformers', transformers.__version__)" \
  >>"$OUT/logs/bench-gpu.log" 2>&1 || { say "torch/transformers missing"; exit 1; }

TITLES="$BIN/titles.txt"
[ -f "$TITLES" ] || say "no carried titles: both sides use the same made-up titles"
BUDGET="${VRDNDI_GPU_BUDGET_S:-330}"
in_budget() { [ "$(elapsed)" -lt "$BUDGET" ] || { say "time budget ($BUDGET s) spent: skipping $*"; return 1; }; }
rust() { # rust NAME LABEL
  local dir="$WORK/$2"
  in_budget "Rust $1 $2" || return 0
  [ -f "$dir/$1/model.onnx" ] || { say "$1 $2: no model, skipped"; return 0; }
  say "$1 $2: Rust ($(elapsed) s)"
  ORT_DYLIB_PATH="$ORT_LIB" timeout 90 "$BIN/gpu_bench" --models-dir "$dir" --model "$1" --titles "$TITLES" \
    --label "$2" --device cuda --dump "$OUT/rust-$1-$2.json" >>"$OUT/results.jsonl" 2>>"$OUT/logs/rust-$1-$2.log" \
    || say "$1 $2: Rust failed (logs/rust-$1-$2.log: $(tail -n 1 "$OUT/logs/rust-$1-$2.log"))"
}

for shape in ${VRDNDI_GPU_SHAPES:-bge e5}; do
  case "$shape" in bge) name=bge-m3; limit=200 ;; e5) name=multilingual-e5-small; limit=100 ;; *) say "unknown shape $shape"; continue ;; esac
  in_budget "$name" || continue
  say "$name: random weights, ONNX export, PyTorch ($(elapsed) s)"
  timeout "$limit" python3 models/gpu/bench_gpu.py model --shape "$shape" --work "$WORK" --tokenizer "$BIN/tokenizer.json" \
    --titles "$TITLES" --out "$OUT" 2>"$OUT/logs/python-$shape.log" \
    || say "$name: Python side failed or timed out (logs/python-$shape.log: $(tail -n 1 "$OUT/logs/python-$shape.log"))"
  rust "$name" fp16
  rust "$name" fp32
done

# The real default model, when models/gpu/prepare-wheel-parts.sh --with-model staged it (Rust only:
# PyTorch cannot load this graph).
if [ -f "$STAGE/model.done" ] && [ -f "$STAGE/model/model.onnx" ]; then
  mkdir -p "$WORK/real"
  ln -sfn "$STAGE/model" "$WORK/real/multilingual-e5-small"
  rust multilingual-e5-small real
fi
