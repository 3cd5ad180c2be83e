// The real `vrdndi` host, as the tests use it: registered in a browser profile, spoken to directly
// over native messaging framing (to learn its own ranking), and read back with `vrdndi status --json`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { CHROME_EXTENSION_ID, FIREFOX_ADDON_ID, HOST_NAME, hostBinary } from './env.mjs';

// Registers the host for a Chromium profile (in <user-data-dir>/NativeMessagingHosts/). Returns
// how it was done, for the test's notes.
export function registerChromium(udd, env) {
  return register(['--browser', 'chromium', '--user-data-dir', udd], env, path.join(udd, 'NativeMessagingHosts', `${HOST_NAME}.json`),
    { allowed_origins: [`chrome-extension://${CHROME_EXTENSION_ID}/`] });
}

// Registers the host for Firefox under $HOME/.mozilla/native-messaging-hosts/.
export function registerFirefox(home, env) {
  return register(['--browser', 'firefox'], { ...env, HOME: home }, path.join(home, '.mozilla/native-messaging-hosts', `${HOST_NAME}.json`),
    { allowed_extensions: [FIREFOX_ADDON_ID] });
}

// Tries `vrdndi install ARGS`; if that did not write `manifest`, writes the manifest the browser
// reads there itself, allowing the extension named by `allowed`.
function register(args, env, manifest, allowed) {
  const bin = hostBinary();
  const installed = spawnSync(bin, ['install', ...args], { env, encoding: 'utf8' });
  if (installed.status === 0 && fs.existsSync(manifest)) return 'vrdndi install';
  fs.mkdirSync(path.dirname(manifest), { recursive: true });
  fs.writeFileSync(manifest, JSON.stringify({
    name: HOST_NAME,
    description: 'Vrdndi native host (registered by the browser test)',
    path: bin,
    type: 'stdio',
    ...allowed,
  }, null, 2));
  return `manifest written by the test (vrdndi install: ${firstLine(installed.stderr) || `exit ${installed.status}`})`;
}

function firstLine(text) {
  return String(text || '').trim().split('\n')[0];
}

// The store's counts and state as the CLI reports them.
export function storeStatus(env) {
  const run = spawnSync(hostBinary(), ['status', '--json'], { env, encoding: 'utf8', timeout: 60000 });
  if (run.status !== 0) throw new Error(`vrdndi status --json failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

// Speaks to the real host the way Chrome does: started with the extension's origin, 4-byte
// native-order length + JSON frames on stdin/stdout.
export class HostClient {
  constructor(env) {
    this.child = spawn(hostBinary(), [`chrome-extension://${CHROME_EXTENSION_ID}/`], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.buffer = Buffer.alloc(0);
    this.waiting = new Map();
    this.nextId = 1;
    this.stderr = '';
    this.child.stderr.on('data', (d) => { this.stderr += d; });
    this.child.stdout.on('data', (chunk) => this.#read(chunk));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  #read(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32LE(0);
      if (this.buffer.length < 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(4, 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(4 + length);
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    }
  }

  request(body, timeoutMs = 120000) {
    const id = this.nextId++;
    const payload = Buffer.from(JSON.stringify({ id, ...body }), 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(payload.length, 0);
    this.child.stdin.write(Buffer.concat([header, payload]));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${body.type} in ${timeoutMs} ms; host stderr: ${this.stderr}`)), timeoutMs);
      this.waiting.set(id, (message) => { clearTimeout(timer); resolve(message); });
      this.exited.then((code) => { clearTimeout(timer); reject(new Error(`host exited (${code}) before replying to ${body.type}: ${this.stderr}`)); });
    });
  }

  async close() {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

// Runs `work` with a client that has said hello to the host (failing if the host does not say
// hello back), and closes the client after; returns what `work` returns.
export async function withHost(env, work) {
  const client = new HostClient(env);
  try {
    const hello = await client.request({ type: 'hello', protocol: 1, client: 'vrdndi-browser-test' });
    if (hello.type !== 'hello') throw new Error(`the host answered hello with ${JSON.stringify(hello)}`);
    return await work(client);
  } finally {
    await client.close();
  }
}

// Asks the host for its order of these tiles: its reply, or its error reply.
export async function hostRanking(env, tiles) {
  return withHost(env, (client) => client.request({ type: 'rank', surface: 'home', tiles }));
}

// Gives the store a few likes and dislikes (of other videos from some fixture channels), so that
// the host's ranking of the fixture differs from YouTube's order. Returns the channels liked.
export async function seedLabels(env, videos) {
  const liked = ['@3blue1brown', '@JoshuaWeissman', '@DrBecky'];
  const disliked = ['@premierleague'];
  await withHost(env, async (client) => {
    let n = 0;
    for (const [handles, kind] of [[liked, 'like'], [disliked, 'dislike']]) {
      for (const handle of handles) {
        const from = videos.find((v) => v.handle === handle);
        const video = { video_id: `seed${String(n).padStart(7, '0')}`, title: `Another video by ${from.channel}`, channel: from.channel, channel_id: handle };
        const reply = await client.request({ type: 'feedback', feedback_id: `seed-${n++}`, video, kind, source: 'youtube' });
        if (reply.type !== 'ack') throw new Error(`seeding a ${kind} failed: ${JSON.stringify(reply)}`);
      }
    }
  });
  return liked;
}
