// The background's HostPort against the real host binary, outside a browser: node plays the
// browser's part of native messaging (start the host with the extension's origin, 4-byte framed
// JSON, report the port's end the way Chrome does), so hello, ids, timeouts, a missing host, a
// killed host and the reconnect backoff are checked on the real process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';

import { HostPort } from '../../extension/host-port.js';
import { CHROME_EXTENSION_ID, hostBinary, hostEnv, sleep, workspace } from './lib/env.mjs';

// A chrome.runtime.Port over a child process, with Chrome's wording for the ways a port ends.
function connector(bin, env, children) {
  return () => {
    const listeners = { message: [], disconnect: [] };
    const port = {
      error: undefined,
      onMessage: { addListener: (f) => listeners.message.push(f) },
      onDisconnect: { addListener: (f) => listeners.disconnect.push(f) },
      postMessage(message) {
        const payload = Buffer.from(JSON.stringify(message));
        const header = Buffer.alloc(4);
        header.writeUInt32LE(payload.length);
        child.stdin.write(Buffer.concat([header, payload]));
      },
      disconnect() {
        child.kill();
      },
    };
    const child = spawn(bin, [`chrome-extension://${CHROME_EXTENSION_ID}/`], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(child);
    child.stdin.on('error', () => {});
    let buffer = Buffer.alloc(0);
    child.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32LE(0)) {
        const length = buffer.readUInt32LE(0);
        const message = JSON.parse(buffer.subarray(4, 4 + length));
        buffer = buffer.subarray(4 + length);
        for (const f of listeners.message) f(message);
      }
    });
    let ended = false;
    const end = (message) => {
      if (ended) return;
      ended = true;
      port.error = { message };
      setTimeout(() => listeners.disconnect.forEach((f) => f(port)), 0);
    };
    child.on('error', (e) => end(e.code === 'ENOENT' ? 'Specified native messaging host not found.' : e.message));
    child.on('exit', () => end('Native host has exited.'));
    return port;
  };
}

function setup(t, bin = hostBinary(), options = {}, envChanges = {}) {
  const dirs = workspace();
  const env = { ...hostEnv(dirs), ...envChanges };
  const children = [];
  const port = new HostPort({ connectNative: connector(bin, env, children), client: 'host-port test', ...options });
  t.after(() => {
    port.disconnect();
    for (const child of children) child.kill('SIGKILL');
  });
  return { port, children, dirs };
}

// Process ids of the `vrdndi daemon` processes serving `dataDir`, from /proc.
function daemonsServing(dataDir) {
  return fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return args.includes('daemon') && args[args.indexOf('--data-dir') + 1] === dataDir;
    } catch {
      return false;
    }
  });
}

async function until(condition, what, ms = 20000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('says hello first, then answers requests by id on one host process', async (t) => {
  const { port, children } = setup(t);
  const [first, second] = await Promise.all([port.request({ type: 'status' }), port.request({ type: 'status' })]);
  assert.equal(first.type, 'status');
  assert.equal(second.type, 'status');
  assert.notEqual(first.id, second.id);
  assert.equal(port.state, 'connected');
  assert.equal(port.hello.protocol, 1);
  assert.equal(children.length, 1, 'one port, one host process');
  const refused = await port.request({ type: 'feedback', feedback_id: 'x', video: { video_id: 'bad' }, kind: 'like' });
  assert.equal(refused.type, 'error', 'error replies are replies, not port failures');
  assert.equal(port.state, 'connected');
});

test('a missing host fails at once, and is tried again only after the backoff', async (t) => {
  const { port, children } = setup(t, '/nonexistent/vrdndi');
  await assert.rejects(port.request({ type: 'status' }), (e) => e.code === 'host_absent');
  await assert.rejects(port.request({ type: 'status' }), (e) => e.code === 'host_absent');
  assert.equal(children.length, 1, 'no second start within the backoff');
  await sleep(1100);
  await assert.rejects(port.request({ type: 'status' }), (e) => e.code === 'host_absent');
  assert.equal(children.length, 2, 'tried again after the backoff');
  assert.equal(port.state, 'down');
});

test('a killed host fails what was pending and the next request reconnects', async (t) => {
  const { port, children } = setup(t);
  await port.request({ type: 'status' });
  children[0].kill('SIGSTOP');
  const pending = port.request({ type: 'status' });
  children[0].kill('SIGKILL');
  await assert.rejects(pending, (e) => e.code === 'host_exited');
  await sleep(1100);
  const again = await port.request({ type: 'status' });
  assert.equal(again.type, 'status');
  assert.equal(children.length, 2);
});

test('a host that stops answering times out without closing the port', async (t) => {
  const { port, children } = setup(t, hostBinary(), { timeouts: { status: 500 } });
  await port.request({ type: 'status' });
  children[0].kill('SIGSTOP');
  await assert.rejects(port.request({ type: 'status' }), (e) => e.code === 'host_timeout');
  children[0].kill('SIGCONT');
  assert.equal((await port.request({ type: 'status' })).type, 'status', 'the same port answers once the host is back');
  assert.equal(children.length, 1);
});

test('the host lets an idle daemon go, and a page that starts loading (warm) brings it back before asking', async (t) => {
  const { port, dirs } = setup(t, hostBinary(), {}, { VRDNDI_IDLE_EXIT_SECS: '1' });
  assert.equal((await port.request({ type: 'status' })).type, 'status');
  assert.equal(daemonsServing(dirs.data).length, 1);
  await until(() => daemonsServing(dirs.data).length === 0, 'the daemon to exit while the port stays open');
  assert.equal(port.state, 'connected', 'the port itself stays open');
  port.warm();
  await until(() => daemonsServing(dirs.data).length === 1, 'warm() on an open port to start the daemon again', 10000);
});
