# shellcheck shell=bash
# Shared helpers for the setup, deps and test scripts: sourced, never run.
#
# Why this exists: every script needs the same paths (repo root, tool cache,
# user data dir), the same logging to stderr, and the same way of running a
# named step and reporting it in one summary line. Keeping them here means
# the scripts agree on the conventions others rely on (see scripts/README.md).

# Command substitutions keep `set -e` (bash >= 4.4), so a failure inside
# $(...) is not silently ignored.
shopt -s inherit_errexit

VRDNDI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VRDNDI_CACHE="${VRDNDI_CACHE:-$HOME/.cache/vrdndi}"
VRDNDI_VENV="$VRDNDI_CACHE/venv"
VRDNDI_ORT_VERSION="1.31.1"
VRDNDI_ORT_LIB="$VRDNDI_CACHE/onnxruntime/libonnxruntime.so.$VRDNDI_ORT_VERSION"
VRDNDI_MODEL_NAME="multilingual-e5-small"
VRDNDI_WASM_ENV="$VRDNDI_CACHE/wasm-toolchain.env"
export VRDNDI_CACHE

# Script name for log prefixes, e.g. "deps" for scripts/deps.sh.
_vrdndi_tag="$(basename "${0:-vrdndi}" .sh)"

log() { printf '[%s] %s\n' "$_vrdndi_tag" "$*" >&2; }
warn() { printf '[%s] warning: %s\n' "$_vrdndi_tag" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$_vrdndi_tag" "$*" >&2; exit 1; }

# need_cmd NAME [HINT]: fail early with a hint when a tool is missing.
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found${2:+: $2}"
}

# with_timeout SECONDS CMD...: run CMD, killed after SECONDS (exit 124 then).
with_timeout() {
  local secs="$1"
  shift
  timeout --kill-after=10 "$secs" "$@"
}

# as_root CMD...: run as root, through sudo when we are not root.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (install sudo or run as root)"
  fi
}

now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# Steps: `step NAME FUNCTION [ARGS...]` runs FUNCTION in a subshell with
# errexit on. All its ordinary output goes to stderr; it reports a short
# status ("already installed", "installed 0.2.129") with `status MSG`.
# Results are collected for `step_summary`. A failing step does not stop the
# script (later steps still run and report); step_summary returns non-zero.
STEP_LINES=()
STEP_FAILED=0
status() { printf '%s\n' "$*" >&3; }
step() {
  local name="$1" t0 msg rc
  shift
  t0="$(now_s)"
  log "$name ..."
  set +e
  msg="$( (set -e; "$@") 3>&1 1>&2)"
  rc=$?
  set -e
  msg="$(printf '%s' "$msg" | tail -n 1)"
  if [ "$rc" -eq 0 ]; then
    STEP_LINES+=("$(printf '%-14s ok    %6ss  %s' "$name" "$(elapsed "$t0")" "${msg:-done}")")
  else
    STEP_FAILED=$((STEP_FAILED + 1))
    STEP_LINES+=("$(printf '%-14s FAIL  %6ss  %s' "$name" "$(elapsed "$t0")" "${msg:-exit $rc}")")
  fi
  return 0
}

# step_summary TITLE: print one line per step, return 1 if any failed.
step_summary() {
  local line
  printf '%s\n' "--- $1 ---" >&2
  for line in "${STEP_LINES[@]}"; do
    printf '%s\n' "$line" >&2
  done
  [ "$STEP_FAILED" -eq 0 ]
}

# sha256_of FILE: print the file's sha256 (empty when it does not exist).
sha256_of() {
  [ -f "$1" ] && sha256sum "$1" | cut -d' ' -f1
}
