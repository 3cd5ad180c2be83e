#!/usr/bin/env bash
# Build the in-page core (crate vrdndi-wasm) into extension/pkg/ for the content script.
#
# Why this exists: the content script is a classic script, so wasm-bindgen runs with
# `--target no-modules` (it defines the global `wasm_bindgen`); the .wasm is shrunk with
# wasm-opt -Oz from the npm binaryen package (never `strip`: wasm-bindgen reads the custom
# sections it would remove). The toolchain (rustup's wasm32 target or Debian's rustc-web with
# build-std) is the one scripts/deps.sh recorded in $VRDNDI_WASM_ENV. The wasm32 build has its
# own target dir so it never waits on or evicts the native builds.
#
# Usage: scripts/build-wasm.sh      (prints the shipped sizes, raw and gzipped)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WASM_BINDGEN_VERSION="0.2.129"
OUT_DIR="$VRDNDI_ROOT/extension/pkg"
export CARGO_TARGET_DIR="$VRDNDI_ROOT/target/wasm32"

if [ -f "$VRDNDI_WASM_ENV" ]; then
  # shellcheck disable=SC1090
  source "$VRDNDI_WASM_ENV"
elif rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  VRDNDI_WASM_CARGO=cargo
  VRDNDI_WASM_CARGO_FLAGS=""
else
  die "no wasm32 toolchain recorded in $VRDNDI_WASM_ENV: run scripts/deps.sh"
fi
need_cmd wasm-bindgen "run scripts/deps.sh (cargo install wasm-bindgen-cli --version =$WASM_BINDGEN_VERSION --locked)"
have="$(wasm-bindgen --version | awk '{print $2}')"
[ "$have" = "$WASM_BINDGEN_VERSION" ] || die "wasm-bindgen $have found, the crate pins $WASM_BINDGEN_VERSION: run scripts/deps.sh"
WASM_OPT="$VRDNDI_ROOT/node_modules/.bin/wasm-opt"
[ -x "$WASM_OPT" ] || die "$WASM_OPT missing: run scripts/deps.sh (npm ci)"

log "cargo build -p vrdndi-wasm (profile wasm, $VRDNDI_WASM_TOOLCHAIN toolchain)"
# shellcheck disable=SC2086 # the flags are words
"$VRDNDI_WASM_CARGO" build -p vrdndi-wasm --lib --target wasm32-unknown-unknown --profile wasm $VRDNDI_WASM_CARGO_FLAGS
built="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm/vrdndi_wasm.wasm"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
wasm-bindgen --target no-modules --no-typescript --out-dir "$stage" "$built"
# The features rustc emits for wasm32 by default, which wasm-opt must accept.
"$WASM_OPT" -Oz --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue \
  -o "$stage/vrdndi_wasm_bg.opt.wasm" "$stage/vrdndi_wasm_bg.wasm"
mv "$stage/vrdndi_wasm_bg.opt.wasm" "$stage/vrdndi_wasm_bg.wasm"

mkdir -p "$OUT_DIR"
cp "$stage/vrdndi_wasm.js" "$stage/vrdndi_wasm_bg.wasm" "$OUT_DIR/"
raw="$(stat -c %s "$OUT_DIR/vrdndi_wasm_bg.wasm")"
gz="$(gzip -9 -c "$OUT_DIR/vrdndi_wasm_bg.wasm" | wc -c)"
log "extension/pkg/vrdndi_wasm_bg.wasm: $raw bytes, $gz gzipped"
echo "wasm ok: $raw bytes, $gz gzipped"
