#!/usr/bin/env bash
# Run every browser test (Chromium with playwright-core, Firefox with puppeteer-core) with node's
# built-in test runner; prints node's summary and exits non-zero on any failure.
#
# Builds nothing: it needs dist/chrome and dist/firefox (scripts/build-wasm.sh then
# scripts/build-extension.sh) and the host binary (VRDNDI_BIN, else target/debug/vrdndi).
# One test file at a time: each starts a browser (about 420 MiB) and the machine has 2 cores.
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
exec node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}"
