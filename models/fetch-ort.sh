#!/usr/bin/env bash
# Put ONNX Runtime's CPU library at $VRDNDI_CACHE/onnxruntime/libonnxruntime.so.1.31.1.
#
# Why this exists: the host uses `ort` with load-dynamic, and the only place this
# offline machine can get the runtime from is the PyPI wheel, which holds
# onnxruntime/capi/libonnxruntime.so.1.31.1 (no unversioned name). We download
# the wheel with pip (no deps, fixed platform tag so the file and its sha256 are
# the same everywhere), check it, and extract that one file. Idempotent: exits
# at once when the library is there with the pinned sha256.
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

WHEEL="onnxruntime-${VRDNDI_ORT_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256="5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f"
MEMBER="onnxruntime/capi/libonnxruntime.so.${VRDNDI_ORT_VERSION}"
LIB_SHA256="fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3"
downloads="$VRDNDI_CACHE/downloads"

if [ "$(sha256_of "$VRDNDI_ORT_LIB")" = "$LIB_SHA256" ]; then
  echo "already present"
  exit 0
fi

mkdir -p "$downloads" "$(dirname "$VRDNDI_ORT_LIB")"
if [ "$(sha256_of "$downloads/$WHEEL")" != "$WHEEL_SHA256" ]; then
  rm -f "$downloads/$WHEEL"
  log "downloading onnxruntime==$VRDNDI_ORT_VERSION wheel"
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --python-version 3.11 \
    -d "$downloads" "onnxruntime==$VRDNDI_ORT_VERSION" >&2
  got="$(sha256_of "$downloads/$WHEEL")"
  [ "$got" = "$WHEEL_SHA256" ] || die "$WHEEL: sha256 '$got', expected $WHEEL_SHA256"
fi

tmp="$VRDNDI_ORT_LIB.tmp.$$"
python3 - "$downloads/$WHEEL" "$MEMBER" "$tmp" <<'EOF'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
got="$(sha256_of "$tmp")"
[ "$got" = "$LIB_SHA256" ] || { rm -f "$tmp"; die "extracted library sha256 '$got', expected $LIB_SHA256"; }
chmod 0755 "$tmp"
mv -f "$tmp" "$VRDNDI_ORT_LIB"
echo "extracted $(basename "$VRDNDI_ORT_LIB")"
