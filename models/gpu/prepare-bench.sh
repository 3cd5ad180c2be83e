#!/usr/bin/env bash
# Here, before models/gpu/bench-gpu.sh runs on the lent GPU machine: build the Rust side and put
# what the bench needs in the git-ignored .gpu-bin/ (listed in .git/info/exclude).
#
# Why this exists: the GPU machine has no internet and maybe no cargo, and a call carries at most
# 64 MiB. So the Rust example is built here (release, glibc-linked; the machine needs glibc >= the
# version printed below), and travels with the tokenizer (the XLM-R one e5 and BGE-M3 share),
# 4,096 real titles (read now from the shared data set, never committed) and the wheels of
# `onnx` + `sympy` for the fp16 conversion in case the machine's Python lacks them.
# The onnxruntime-gpu wheel travels separately, in parts: models/gpu/prepare-wheel-parts.sh.
#
# Usage: models/gpu/prepare-bench.sh     then carry .gpu-bin (about 40 MB) with bench-gpu.sh
set -euo pipefail
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

BIN="$VRDNDI_ROOT/.gpu-bin"
SHARED="${VRDNDI_SHARED:-$VRDNDI_ROOT/../shared}"
CSV_DIR="$SHARED/data/A1-yt-trending-v1-us-gb"
TOKENIZER="$VRDNDI_CACHE/models/$VRDNDI_MODEL_NAME/tokenizer.json"

exclude="$(git -C "$VRDNDI_ROOT" rev-parse --git-path info/exclude)"
case "$exclude" in /*) ;; *) exclude="$VRDNDI_ROOT/$exclude" ;; esac
grep -qxF '/.gpu-bin/' "$exclude" 2>/dev/null || echo '/.gpu-bin/' >>"$exclude"
mkdir -p "$BIN/wheels"

[ -f "$TOKENIZER" ] || die "no $TOKENIZER: run scripts/deps.sh first"
[ -f "$CSV_DIR/USvideos.csv" ] || die "no $CSV_DIR/USvideos.csv: set VRDNDI_SHARED"

log "building the Rust side (release)"
(cd "$VRDNDI_ROOT" && cargo build --release -p vrdndi-embed --example gpu_bench >&2)
cp -f "$VRDNDI_ROOT/target/release/examples/gpu_bench" "$BIN/gpu_bench"
strip "$BIN/gpu_bench" 2>/dev/null || true
cp -f "$TOKENIZER" "$BIN/tokenizer.json"
glibc="$(objdump -T "$BIN/gpu_bench" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1 | cut -d_ -f2)"
echo "${glibc:-unknown}" >"$BIN/glibc-needed"

python3 - "$CSV_DIR" "$BIN/titles.txt" <<'PY'
import csv, sys
folder, out = sys.argv[1:]
seen, titles = set(), []
for name in ("USvideos.csv", "GBvideos.csv"):
    with open(f"{folder}/{name}", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            t = " ".join(row["title"].split())
            if t and t not in seen:
                seen.add(t)
                titles.append(t)
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(titles[:4096]) + "\n")
print(f"{min(len(titles), 4096)} titles", file=sys.stderr)
PY

if ! ls "$BIN"/wheels/onnx-*.whl >/dev/null 2>&1; then
  log "downloading onnx, protobuf, ml_dtypes, sympy, mpmath wheels for Python 3.12 (fallback for the device)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_28_x86_64 \
    --python-version 3.12 -d "$BIN/wheels" onnx==1.23.2 ml_dtypes==0.6.0 protobuf==7.36.2 >&2
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$BIN/wheels" sympy mpmath >&2
fi
log "ready: $(du -sh "$BIN" | cut -f1) in .gpu-bin (binary needs glibc >= ${glibc:-?})"
log "device calls: stage the onnxruntime-gpu parts (models/gpu/README.md), then carry .gpu-bin and .gpu-parts/MANIFEST and run: bash models/gpu/bench-gpu.sh"
