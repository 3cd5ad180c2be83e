// A real aw-server for the browser tests (PyPI aw-server 0.12.0 from the venv scripts/deps.sh
// makes), on a free loopback port with a throwaway home, loaded with the real ActivityWatch export
// in shared/data/C1-* (a Windows laptop at a hackathon, 2023-11-18 20:07Z to 2023-11-19 13:25Z), so
// that labels given at those times are stored with that person's real context.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { CACHE, ROOT, need, sleep } from './env.mjs';

export function c1Export() {
  const shared = process.env.VRDNDI_SHARED ?? path.join(ROOT, '../shared');
  return need(path.join(shared, 'data/C1-aw-export-windows-hackathon-MHacks/aw-buckets-export.json'),
    'set VRDNDI_SHARED to the shared folder holding data/');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts aw-server under `root` and imports C1; returns { url, close }.
export async function awServerWithC1(root) {
  const bin = need(process.env.AW_SERVER_BIN ?? path.join(CACHE, 'venv/bin/aw-server'), 'run scripts/deps.sh (it installs aw-server into $VRDNDI_CACHE/venv), or set AW_SERVER_BIN');
  const home = fs.mkdtempSync(path.join(root, 'aw-'));
  const log = fs.openSync(path.join(home, 'aw-server.log'), 'w');
  const port = await freePort();
  const child = spawn(bin, ['--testing', '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache') },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const close = async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
  };
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/0/info`)).ok) break;
    } catch { /* not listening yet */ }
    if (child.exitCode !== null || Date.now() > until) {
      await close();
      throw new Error(`aw-server did not start: ${fs.readFileSync(path.join(home, 'aw-server.log'), 'utf8').slice(-2000)}`);
    }
    await sleep(100);
  }
  const imported = await fetch(`${url}/api/0/import`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: fs.readFileSync(c1Export()) });
  if (!imported.ok) {
    await close();
    throw new Error(`aw-server refused the C1 import: ${imported.status} ${await imported.text()}`);
  }
  return { url, close };
}
