#!/usr/bin/env bash
# Set up Vrdndi and start using it: the README's first command.
#
# Why this exists: a user (or developer) goes from a fresh clone to an
# installed native host with one command. It installs the dependencies
# (scripts/deps.sh), builds the host and the extension, puts the ONNX Runtime
# library and the embedding model in the user's data dir, registers the host
# with the browsers and shows the host's status. Safe to run again.
#
# Data dir: $VRDNDI_DATA_DIR, else ${XDG_DATA_HOME:-~/.local/share}/vrdndi
#   runtime/libonnxruntime.so.1.31.1
#   models/multilingual-e5-small/{model.onnx,model.int8.onnx,tokenizer.json,model.json}
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export VRDNDI_DATA_DIR="${VRDNDI_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/vrdndi}"
HOST_BIN="${CARGO_TARGET_DIR:-$VRDNDI_ROOT/target}/release/vrdndi"
cd "$VRDNDI_ROOT"

bash scripts/deps.sh || die "dependencies failed (see the summary above); fix and rerun scripts/setup.sh"

step_build_host() {
  cargo build --release -p vrdndi >&2
  status "$(du -h "$HOST_BIN" | cut -f1) $HOST_BIN"
}

step_script() {
  bash "$1" >&2
  status "done"
}

# install_file SRC DST: copy SRC to DST (atomically) unless DST has the same
# bytes; prints "copied" when it copied.
install_file() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then
    return 0
  fi
  mkdir -p "$(dirname "$2")"
  cp -f "$1" "$2.tmp.$$"
  mv -f "$2.tmp.$$" "$2"
  echo copied
}

step_install_data() {
  local out="" f model_src="$VRDNDI_CACHE/models/$VRDNDI_MODEL_NAME"
  local model_dst="$VRDNDI_DATA_DIR/models/$VRDNDI_MODEL_NAME"
  out+="$(install_file "$VRDNDI_ORT_LIB" "$VRDNDI_DATA_DIR/runtime/$(basename "$VRDNDI_ORT_LIB")")"
  for f in model.onnx model.int8.onnx tokenizer.json model.json; do # model.json last: it marks a complete model
    [ -f "$model_src/$f" ] || continue
    out+="$(install_file "$model_src/$f" "$model_dst/$f")"
  done
  if [ -n "$out" ]; then status "installed into $VRDNDI_DATA_DIR"; else status "up to date in $VRDNDI_DATA_DIR"; fi
}

# The host's own subcommands: warn, don't fail (the summary shows it).
step_host_cmd() {
  if ! "$HOST_BIN" "$@" >&2; then
    warn "'vrdndi $*' failed"
    status "warning: 'vrdndi $*' failed"
    return 0
  fi
  status "ok"
}

t0="$(now_s)"
step build-host step_build_host
step build-wasm step_script scripts/build-wasm.sh
step build-ext step_script scripts/build-extension.sh
step data-dir step_install_data
if [ -x "$HOST_BIN" ]; then
  step install step_host_cmd install --browser all
fi
rc=0
step_summary "setup ($(elapsed "$t0")s after deps)" || rc=$?
if [ -x "$HOST_BIN" ]; then
  # The daemon loads the model in the background: give it a minute so the status below shows
  # the model in use rather than "loading".
  for _ in $(seq 60); do
    "$HOST_BIN" status 2>/dev/null | grep -q 'embedding model is loading' || break
    sleep 1
  done
  log "vrdndi status:"
  "$HOST_BIN" status || warn "'vrdndi status' failed"
  log "next: load the extension (chrome://extensions, Developer mode, Load unpacked: $VRDNDI_ROOT/dist/chrome;"
  log "      Firefox: about:debugging, This Firefox, Load Temporary Add-on: $VRDNDI_ROOT/dist/firefox/manifest.json)"
fi
exit "$rc"
