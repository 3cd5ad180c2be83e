// Paths, the host binary and a throwaway folder per test: what every browser test needs first.
//
// A missing prerequisite fails the test with the setup step that provides it; nothing is skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = path.join(ROOT, 'tests/browser/fixtures');
export const CACHE = process.env.VRDNDI_CACHE ?? path.join(os.homedir(), '.cache/vrdndi');
export const CHROME_EXTENSION_ID = 'pceeajkljpiinfgnhnakckppgpdkepcm';
export const FIREFOX_ADDON_ID = 'vrdndi@vrdndi.org';
export const HOST_NAME = 'org.vrdndi.host';

export function need(file, step) {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${step}`);
  return file;
}

export function hostBinary() {
  const bin = process.env.VRDNDI_BIN ?? path.join(ROOT, 'target/debug/vrdndi');
  return need(bin, 'build the host with `cargo build -p vrdndi` (or set VRDNDI_BIN)');
}

export function chromeBuild() {
  need(path.join(ROOT, 'dist/chrome/extension/pkg/vrdndi_wasm_bg.wasm'), 'run scripts/build-wasm.sh and scripts/build-extension.sh');
  return path.join(ROOT, 'dist/chrome');
}

export function firefoxBuild() {
  need(path.join(ROOT, 'dist/firefox/manifest.json'), 'run scripts/build-wasm.sh and scripts/build-extension.sh');
  return path.join(ROOT, 'dist/firefox');
}

// A fresh folder for one test: user data dir, TMPDIR, the host's data dir, a HOME. Short paths,
// because the daemon's Unix socket lives in the data dir and socket paths are capped near 100 bytes.
// Removed when the test process exits, after every browser and host of the file has closed.
const roots = [];
process.on('exit', () => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

export function workspace() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-'));
  roots.push(root);
  const dirs = { root };
  for (const name of ['udd', 'tmp', 'data', 'home', 'empty-models']) {
    dirs[name] = path.join(root, name);
    fs.mkdirSync(dirs[name]);
  }
  return dirs;
}

// The environment the browser passes to the host it starts (and our own CLI calls use).
// `models: false` points the host at an empty models folder: the host is there, but cannot rank.
export function hostEnv(dirs, { models = true } = {}) {
  const modelsDir = models ? (process.env.VRDNDI_MODELS_DIR ?? path.join(CACHE, 'models')) : dirs['empty-models'];
  const env = {
    ...process.env,
    TMPDIR: dirs.tmp,
    VRDNDI_DATA_DIR: dirs.data,
    VRDNDI_MODELS_DIR: modelsDir,
    ORT_DYLIB_PATH: process.env.ORT_DYLIB_PATH ?? path.join(CACHE, 'onnxruntime/libonnxruntime.so.1.31.1'),
    // Nothing listens there: ActivityWatch is "not reachable" at once, and the context is empty.
    VRDNDI_AW_URL: 'http://127.0.0.1:9',
    VRDNDI_DEVICE: 'cpu',
    // The daemon the host starts outlives the browser only briefly.
    VRDNDI_IDLE_EXIT_SECS: '15',
  };
  return env;
}

// Summary lines printed at the end of a run (node's reporter shows a test's stdout as diagnostics).
export function note(line) {
  process.stdout.write(`${line}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
