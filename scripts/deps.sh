#!/usr/bin/env bash
# Install everything Vrdndi needs from the package registries, each step
# skipped when it is already done, so that running it again costs seconds.
#
# Why this exists: a fresh Debian 12 machine (rustup, pyenv python 3.11,
# node 20) reaches only crates.io, PyPI, Debian apt and npm. Browsers,
# the wasm toolchain, wasm-bindgen, npm tools, a Python venv (aw-server, onnx
# tooling), the ONNX Runtime library and the embedding model all come from
# there. Shared results live in $VRDNDI_CACHE (default ~/.cache/vrdndi) so a
# fresh clone on the same machine reuses them. See scripts/README.md.
#
# Usage: scripts/deps.sh            all steps
#        VRDNDI_DEPS_SKIP="apt wasm-bindgen" scripts/deps.sh   skip named steps
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES=(chromium chromium-driver firefox-esr)
WASM_BINDGEN_VERSION="0.2.129"
WASM_TARGET="wasm32-unknown-unknown"
export DEBIAN_FRONTEND=noninteractive

apt_missing() { # print the packages among "$@" that are not installed
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

apt_lists_fresh() { # true when `apt-get update` ran in the last 24 h
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*InRelease' -mmin -1440 2>/dev/null | head -n 1)" ]
}

apt_install() { # apt_install PKG...: update only when lists are stale or install fails
  local updated=0
  if ! apt_lists_fresh; then
    as_root apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    updated=1
  fi
  if ! as_root apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" >&2; then
    [ "$updated" -eq 0 ] || return 1
    as_root apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    as_root apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" >&2
  fi
}

step_apt() {
  local missing
  missing="$(apt_missing "${APT_PACKAGES[@]}")"
  if [ -z "$missing" ]; then
    status "already installed: ${APT_PACKAGES[*]}"
    return 0
  fi
  # shellcheck disable=SC2086 # one package per word
  apt_install $missing
  status "installed: ${missing//$'\n'/ }"
}

# The wasm toolchain: rustup's target when it installs (it has hung here, hence
# the timeout), else Debian's rustc-web with build-std. The choice is written
# to $VRDNDI_WASM_ENV for scripts/build-wasm.sh to source.
write_wasm_env() {
  local tmp="$VRDNDI_WASM_ENV.tmp.$$"
  mkdir -p "$(dirname "$VRDNDI_WASM_ENV")"
  if [ "$1" = rustup ]; then
    cat >"$tmp" <<EOF
# Written by scripts/deps.sh: rustup's $WASM_TARGET target is installed.
export VRDNDI_WASM_TOOLCHAIN=rustup
export VRDNDI_WASM_CARGO=cargo
export VRDNDI_WASM_CARGO_FLAGS=""
EOF
  else
    cat >"$tmp" <<EOF
# Written by scripts/deps.sh: rustup's $WASM_TARGET target could not be added;
# use Debian's rustc-web (call it by absolute path: ~/.cargo/bin is first on PATH).
export VRDNDI_WASM_TOOLCHAIN=debian
export VRDNDI_WASM_CARGO=/usr/bin/cargo
export VRDNDI_WASM_CARGO_FLAGS="-Z build-std=std,panic_abort"
export RUSTC=/usr/bin/rustc
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
EOF
  fi
  mv -f "$tmp" "$VRDNDI_WASM_ENV"
}

step_wasm_target() {
  if rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    write_wasm_env rustup
    status "rustup target $WASM_TARGET"
    return 0
  fi
  if grep -q '^export VRDNDI_WASM_TOOLCHAIN=debian' "$VRDNDI_WASM_ENV" 2>/dev/null &&
    [ -z "$(apt_missing rustc-web cargo-web rust-web-src lld-22)" ]; then
    status "debian rustc-web (recorded earlier)"
    return 0
  fi
  if with_timeout 180 rustup target add "$WASM_TARGET" >&2; then
    write_wasm_env rustup
    status "rustup target $WASM_TARGET added"
    return 0
  fi
  warn "rustup target add failed or timed out; falling back to Debian's rustc-web"
  apt_install rustc-web cargo-web rust-web-src lld-22
  write_wasm_env debian
  status "debian rustc-web $(/usr/bin/rustc --version | cut -d' ' -f2) + wasm-ld-22"
}

step_wasm_bindgen() {
  local have
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" = "$WASM_BINDGEN_VERSION" ]; then
    status "wasm-bindgen $have"
    return 0
  fi
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --locked >&2
  status "installed wasm-bindgen $(wasm-bindgen --version | awk '{print $2}')"
}

step_npm() {
  cd "$VRDNDI_ROOT"
  [ -f package.json ] || { status "no package.json"; return 0; }
  # npm writes node_modules/.package-lock.json on every install: newer than
  # both manifests means nothing changed since.
  local stamp=node_modules/.package-lock.json
  if [ -f "$stamp" ] && [ "$stamp" -nt package.json ] &&
    { [ ! -f package-lock.json ] || [ "$stamp" -nt package-lock.json ]; }; then
    status "node_modules up to date"
    return 0
  fi
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund >&2
  else
    npm install --no-audit --no-fund >&2
  fi
  status "installed $(find node_modules -mindepth 1 -maxdepth 1 -not -name '.*' | wc -l) packages"
}

step_venv() {
  local req="$VRDNDI_ROOT/scripts/requirements.txt" stamp="$VRDNDI_VENV/.vrdndi-requirements.sha256"
  local want
  want="$(sha256_of "$req")"
  if [ -x "$VRDNDI_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    status "venv up to date"
    return 0
  fi
  [ -x "$VRDNDI_VENV/bin/python" ] || python3 -m venv "$VRDNDI_VENV" >&2
  "$VRDNDI_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
  echo "$want" >"$stamp"
  status "installed $(wc -l < <("$VRDNDI_VENV/bin/python" -m pip freeze)) packages ($("$VRDNDI_VENV/bin/python" --version))"
}

step_ort() {
  bash "$VRDNDI_ROOT/models/fetch-ort.sh" >&3
}

step_model() {
  [ -x "$VRDNDI_VENV/bin/python" ] || { status "needs the venv step"; return 1; }
  "$VRDNDI_VENV/bin/python" "$VRDNDI_ROOT/models/build-e5-small.py" >&2
  status "$VRDNDI_MODEL_NAME $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sha256"]["model.onnx"][:12])' \
    "$VRDNDI_CACHE/models/$VRDNDI_MODEL_NAME/model.json")"
}

step_model_int8() {
  local dir="$VRDNDI_CACHE/models/$VRDNDI_MODEL_NAME"
  [ -f "$dir/model.onnx" ] || { status "needs the model step"; return 1; }
  "$VRDNDI_VENV/bin/python" "$VRDNDI_ROOT/models/quantize-int8.py" "$dir" >&2
  status "model.int8.onnx $(du -h "$dir/model.int8.onnx" | cut -f1)"
}

run_step() { # run_step NAME FUNCTION: honour VRDNDI_DEPS_SKIP
  case " ${VRDNDI_DEPS_SKIP:-} " in
    *" $1 "*) STEP_LINES+=("$(printf '%-14s skip  %6ss  %s' "$1" 0.0 "VRDNDI_DEPS_SKIP")") ;;
    *) step "$@" ;;
  esac
}

need_cmd python3
need_cmd npm
need_cmd cargo "install rustup"
mkdir -p "$VRDNDI_CACHE"
t0="$(now_s)"
run_step apt step_apt
run_step wasm-target step_wasm_target
run_step wasm-bindgen step_wasm_bindgen
run_step npm step_npm
run_step venv step_venv
run_step ort step_ort
run_step model step_model
run_step model-int8 step_model_int8
step_summary "deps ($(elapsed "$t0")s, cache $VRDNDI_CACHE)"
