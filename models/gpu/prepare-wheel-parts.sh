#!/usr/bin/env bash
# Split the onnxruntime-gpu wheel (and, with --with-model, the built model) into
# parts small enough to carry to the lent GPU machine, one part per call.
#
# Why this exists: the GPU machine has CUDA 13 + cuDNN 9 (as Python packages)
# but only a CPU onnxruntime and no network, and one call carries at most
# 64 MiB. onnxruntime-gpu==1.31.1 (cp312, 255 MB) and model.onnx (140 MB) are
# bigger, so they travel as 52 MB parts in the git-ignored .gpu-parts/ (listed
# in .git/info/exclude) and are joined there by models/gpu/device-stage.sh.
# Idempotent: the download and the split are skipped when already done.
#
# Usage: models/gpu/prepare-wheel-parts.sh [--with-model]
set -euo pipefail
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

PART_SIZE=52m
PARTS="$VRDNDI_ROOT/.gpu-parts"
downloads="$VRDNDI_CACHE/downloads"
with_model=0
[ "${1:-}" = "--with-model" ] && with_model=1

# Keep the parts out of git without touching the shared .gitignore.
exclude="$(git -C "$VRDNDI_ROOT" rev-parse --git-path info/exclude)"
case "$exclude" in /*) ;; *) exclude="$VRDNDI_ROOT/$exclude" ;; esac
mkdir -p "$(dirname "$exclude")"
grep -qxF '/.gpu-parts/' "$exclude" 2>/dev/null || echo '/.gpu-parts/' >>"$exclude"

wheel_path="$(ls "$downloads"/onnxruntime_gpu-"$VRDNDI_ORT_VERSION"-cp312-*.whl 2>/dev/null | head -n 1 || true)"
if [ -z "$wheel_path" ]; then
  log "downloading onnxruntime-gpu==$VRDNDI_ORT_VERSION (cp312, about 255 MB)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --python-version 3.12 \
    -d "$downloads" "onnxruntime-gpu==$VRDNDI_ORT_VERSION" >&2
  wheel_path="$(ls "$downloads"/onnxruntime_gpu-"$VRDNDI_ORT_VERSION"-cp312-*.whl | head -n 1)"
fi

# split_file NAME FILE: write NAME.part-aa, -ab, ... and the manifest line
# "NAME SHA256 FILENAME NPARTS", unless the manifest already has this file.
mkdir -p "$PARTS"
split_file() {
  local name="$1" file="$2" sha n
  sha="$(sha256_of "$file")"
  if grep -q "^$name $sha $(basename "$file") " "$PARTS/MANIFEST" 2>/dev/null; then
    log "$name: parts up to date"
    return 0
  fi
  rm -f "$PARTS/$name".part-*
  split -b "$PART_SIZE" "$file" "$PARTS/$name.part-"
  n="$(ls "$PARTS/$name".part-* | wc -l)"
  { grep -v "^$name " "$PARTS/MANIFEST" 2>/dev/null || true; echo "$name $sha $(basename "$file") $n"; } >"$PARTS/MANIFEST.tmp"
  mv -f "$PARTS/MANIFEST.tmp" "$PARTS/MANIFEST"
  log "$name: $n parts"
}

split_file ort-gpu "$wheel_path"
if [ "$with_model" -eq 1 ]; then
  model_dir="$VRDNDI_CACHE/models/$VRDNDI_MODEL_NAME"
  [ -f "$model_dir/model.json" ] || die "no model in $model_dir: run scripts/deps.sh first"
  split_file model "$model_dir/model.onnx"
  cp -f "$model_dir/tokenizer.json" "$model_dir/model.json" "$PARTS/"
fi
log "parts in $PARTS; carry MANIFEST plus one part per call (see models/gpu/README.md):"
(cd "$VRDNDI_ROOT" && ls -1 .gpu-parts/*.part-* | sed 's/^/  /' >&2)
