#!/usr/bin/env bash
# Build the browser-specific extensions from the one source: the root manifest.json + extension/.
#
# Why this exists: Chrome and Firefox disagree on three manifest fields. Chrome (dev build)
# keeps `key` (fixed id pceeajkljpiinfgnhnakckppgpdkepcm, which the host's allowed_origins names)
# and a module service worker; Firefox wants `background.scripts` (an event page) and
# `browser_specific_settings.gecko.id` (vrdndi@vrdndi.org) and no `key`. Store builds must not
# carry `key` either (the store assigns the id). The code is copied unchanged.
#
# Output: dist/chrome/ (load unpacked), dist/firefox/ (about:debugging or web-ext),
#         dist/chrome-store.zip and dist/firefox.zip (no key), dist/BUILDS.md (what is what).
# Needs extension/pkg/ from scripts/build-wasm.sh.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIST="$VRDNDI_ROOT/dist"
GECKO_ID="vrdndi@vrdndi.org"
need_cmd node
need_cmd zip "apt-get install zip"
for f in vrdndi_wasm.js vrdndi_wasm_bg.wasm; do
  [ -f "$VRDNDI_ROOT/extension/pkg/$f" ] || die "extension/pkg/$f missing: run scripts/build-wasm.sh first"
done

# manifest_for FLAVOUR OUT: writes the manifest for chrome, chrome-store or firefox.
manifest_for() {
  node - "$VRDNDI_ROOT/manifest.json" "$1" "$GECKO_ID" >"$2" <<'EOF'
const fs = require('node:fs');
const [source, flavour, geckoId] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(source, 'utf8'));
if (flavour !== 'chrome') delete manifest.key;
if (flavour === 'firefox') {
  delete manifest.minimum_chrome_version;
  manifest.background = { scripts: [manifest.background.service_worker], type: 'module' };
  manifest.browser_specific_settings = { gecko: { id: geckoId, strict_min_version: '128.0' } };
}
process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
EOF
}

# stage FLAVOUR: dist/FLAVOUR/ with the manifest and the shipped files only.
stage() {
  local out="$DIST/$1"
  rm -rf "$out"
  mkdir -p "$out/extension/pkg"
  manifest_for "$1" "$out/manifest.json"
  cp "$VRDNDI_ROOT"/extension/*.js "$VRDNDI_ROOT"/extension/*.html "$VRDNDI_ROOT"/extension/*.css "$out/extension/"
  cp "$VRDNDI_ROOT"/extension/pkg/vrdndi_wasm.js "$VRDNDI_ROOT"/extension/pkg/vrdndi_wasm_bg.wasm "$out/extension/pkg/"
  # The extension's own pages (studio, feed, learned): opened from the popup.
  if [ -d "$VRDNDI_ROOT/extension/pages" ]; then
    cp -r "$VRDNDI_ROOT/extension/pages" "$out/extension/pages"
  fi
}

mkdir -p "$DIST"
stage chrome
stage firefox
stage chrome-store
rm -f "$DIST/chrome-store.zip" "$DIST/firefox.zip"
(cd "$DIST/chrome-store" && zip -qr -X "$DIST/chrome-store.zip" .)
(cd "$DIST/firefox" && zip -qr -X "$DIST/firefox.zip" .)
rm -rf "$DIST/chrome-store"

cat >"$DIST/BUILDS.md" <<EOF
# Extension builds (made by scripts/build-extension.sh; do not edit)

- \`chrome/\`: Chrome/Chromium development build. Load it unpacked (chrome://extensions, developer
  mode). Its manifest keeps \`key\`, so its id is always pceeajkljpiinfgnhnakckppgpdkepcm, the id
  \`vrdndi install\` allows. The repository root also loads unpacked (same manifest) after
  scripts/build-wasm.sh.
- \`firefox/\`: Firefox build: background event page (\`background.scripts\`), add-on id
  $GECKO_ID, no \`key\`. Load it from about:debugging or with \`web-ext run -s dist/firefox\`.
- \`chrome-store.zip\`: for the Chrome Web Store: \`key\` stripped (the store assigns the id; add
  that id to \`vrdndi install --extension-id ID\`).
- \`firefox.zip\`: for addons.mozilla.org (id from the manifest).
EOF
wasm_gz="$(gzip -9 -c "$DIST/chrome/extension/pkg/vrdndi_wasm_bg.wasm" | wc -c)"
log "dist/chrome, dist/firefox, dist/chrome-store.zip, dist/firefox.zip (wasm $wasm_gz bytes gzipped)"
echo "extension ok: dist/chrome dist/firefox"
