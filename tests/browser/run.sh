#!/usr/bin/env bash
# Run every browser test (Chromium with playwright-core, Firefox with puppeteer-core) with node's
# built-in test runner; prints node's summary per file and exits non-zero on any failure.
#
# Builds nothing: it needs dist/chrome and dist/firefox (scripts/build-wasm.sh then
# scripts/build-extension.sh) and the host binary (VRDNDI_BIN, else target/debug/vrdndi).
# One test file at a time, each in its own node: each starts a browser (about 420 MiB) and the
# machine has 2 cores, and a runner that dies (it has, once, in CI) must not take the later files'
# results with it.
#
# Usage: tests/browser/run.sh [test files...]   (default: tests/browser/*.test.mjs)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

bin="${VRDNDI_BIN:-$root/target/debug/vrdndi}"
missing=()
[ -x "$bin" ] || missing+=("$bin (cargo build -p vrdndi, or set VRDNDI_BIN)")
[ -f dist/chrome/manifest.json ] || missing+=("dist/chrome (scripts/build-wasm.sh && scripts/build-extension.sh)")
[ -f dist/firefox/manifest.json ] || missing+=("dist/firefox (scripts/build-wasm.sh && scripts/build-extension.sh)")
[ -d node_modules/playwright-core ] || missing+=("node_modules (npm ci, or scripts/deps.sh)")
if [ "${#missing[@]}" -gt 0 ]; then
  printf 'tests/browser: missing %s\n' "${missing[@]}" >&2
  exit 1
fi
export VRDNDI_BIN="$bin"

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=("$here"/*.test.mjs)
fi

# What was running and how much memory was free when a file failed: a browser that dies at launch
# says little more than "Target closed".
diagnose() {
  printf '# tests/browser: %s\n' "$1"
  free -m | sed 's/^/#   /'
  ps -eo pid,ppid,rss,etimes,args --sort=-rss | grep -E 'chrom|firefox|vrdndi|node|aw-server' | grep -v grep | head -20 |
    cut -c1-200 | sed 's/^/#   /'
}

log="$(mktemp "${TMPDIR:-/tmp}/vrdndi-browser.XXXXXX")"
trap 'rm -f "$log"' EXIT
failed=()
for file in "${files[@]}"; do
  set +e
  node --test --test-concurrency=1 --test-timeout=300000 "$file" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ]; then
    failed+=("$(basename "$file")")
    if ! grep -qE '^# (pass|fail) [0-9]+$' "$log"; then
      # node died before its summary: count the file as one failure so the tally shows it.
      diagnose "$(basename "$file"): node exited with status $rc before its summary"
      echo "browser: 0 passed, 1 failed"
    else
      diagnose "$(basename "$file") failed"
    fi
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'tests/browser: failed: %s\n' "${failed[*]}" >&2
  exit 1
fi
