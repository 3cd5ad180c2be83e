#!/usr/bin/env bash
# On the GPU machine: keep the parts each call carried, and once every part of
# a file is there, join it, check its sha256 and install it.
#
# Why this exists: a call carries at most 64 MiB, so onnxruntime-gpu and the
# model arrive over several calls (models/gpu/prepare-wheel-parts.sh). Files in
# /tmp survive between calls while the machine stays warm (calls < 30 s apart),
# so each call runs this first; it prints what is still missing. When all is
# there it writes $STAGE/env.sh (PYTHONPATH to the GPU onnxruntime first,
# LD_LIBRARY_PATH to the machine's site-packages/nvidia/*/lib).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
STAGE="${VRDNDI_GPU_STAGE:-/tmp/vrdndi-gpu}"
mkdir -p "$STAGE/parts"
cp -f .gpu-parts/* "$STAGE/parts/" 2>/dev/null || true
[ -f "$STAGE/parts/MANIFEST" ] || { echo "device-stage: no MANIFEST carried yet" >&2; exit 1; }

missing=0
while read -r name sha file nparts; do
  have="$(find "$STAGE/parts" -maxdepth 1 -name "$name.part-*" | wc -l)"
  if [ -f "$STAGE/$name.done" ]; then
    echo "device-stage: $name ready"
    continue
  fi
  if [ "$have" -lt "$nparts" ]; then
    echo "device-stage: $name has $have of $nparts parts"
    missing=1
    continue
  fi
  cat "$STAGE/parts/$name".part-* >"$STAGE/$file"
  got="$(sha256sum "$STAGE/$file" | cut -d' ' -f1)"
  [ "$got" = "$sha" ] || { echo "device-stage: $file sha256 $got != $sha" >&2; exit 1; }
  case "$name" in
    ort-gpu) python3 -m pip install --quiet --no-deps --no-index --target "$STAGE/site" "$STAGE/$file" ;;
    model)
      mkdir -p "$STAGE/model"
      mv -f "$STAGE/$file" "$STAGE/model/model.onnx"
      cp -f "$STAGE/parts/tokenizer.json" "$STAGE/parts/model.json" "$STAGE/model/" 2>/dev/null || true
      ;;
  esac
  rm -f "$STAGE/parts/$name".part-*
  touch "$STAGE/$name.done"
  echo "device-stage: $name joined and installed"
done <"$STAGE/parts/MANIFEST"

nvidia_libs="$(python3 - <<'EOF'
import glob, os, site
dirs = []
for sp in site.getsitepackages() + [site.getusersitepackages()]:
    dirs += sorted(glob.glob(os.path.join(sp, "nvidia", "*", "lib")))
print(":".join(dirs))
EOF
)"
cat >"$STAGE/env.sh" <<EOF
export PYTHONPATH="$STAGE/site\${PYTHONPATH:+:\$PYTHONPATH}"
export LD_LIBRARY_PATH="${nvidia_libs:-}\${LD_LIBRARY_PATH:+${nvidia_libs:+:}\$LD_LIBRARY_PATH}"
export VRDNDI_GPU_MODEL_DIR="$STAGE/model"
EOF
exit "$missing"
