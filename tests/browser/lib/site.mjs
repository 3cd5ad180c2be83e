// The fake https://www.youtube.com: the fixture app for `/`, `/feed/subscriptions` and `/watch`,
// its assets, and the response headers under test (a YouTube-like CSP requiring Trusted Types, or a
// strict nonce CSP that refuses WebAssembly). Served through the browser's request interception,
// so no server and no network.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { FIXTURES } from './env.mjs';

export const ORIGIN = 'https://www.youtube.com';
export const CLIP_SECONDS = 8;

export const data = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'videos.json'), 'utf8'));

const POLICIES = {
  // What youtube.com enforces on every page since 2024 (Trusted Types), and nothing that stops WASM.
  youtube: () => "require-trusted-types-for 'script'",
  // A page that allows only its own nonce'd scripts: no 'wasm-unsafe-eval', so WASM compiles fail.
  strict: (nonce) => `script-src 'nonce-${nonce}'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'`,
};

// A short mono WAV (a quiet 440 Hz tone): a real media file that Chromium and Firefox both play.
function wav(seconds) {
  const rate = 8000;
  const samples = rate * seconds;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buffer.writeInt16LE(Math.round(2000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return buffer;
}
const CLIP = wav(CLIP_SECONDS);

// The response for a URL: { status, headers, body }.
export function respond(url, { csp = 'youtube' } = {}) {
  const { pathname } = new URL(url);
  if (pathname === '/' || pathname === '/watch' || pathname === '/feed/subscriptions') {
    const nonce = crypto.randomBytes(12).toString('base64');
    const html = fs.readFileSync(path.join(FIXTURES, 'app.html'), 'utf8').replaceAll('__NONCE__', nonce);
    const headers = { 'content-type': 'text/html; charset=utf-8' };
    if (POLICIES[csp]) headers['content-security-policy'] = POLICIES[csp](nonce);
    return { status: 200, headers, body: Buffer.from(html) };
  }
  if (pathname === '/fixture/app.js') return file('app.js', 'text/javascript');
  if (pathname === '/fixture/app.css') return file('app.css', 'text/css');
  if (pathname === '/fixture/videos.js') {
    return { status: 200, headers: { 'content-type': 'text/javascript' }, body: Buffer.from(`window.FIXTURE_DATA = ${JSON.stringify(data)};\n`) };
  }
  if (pathname === '/fixture/clip.wav') return { status: 200, headers: { 'content-type': 'audio/wav' }, body: CLIP };
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('not in the fixture') };
}

function file(name, type) {
  return { status: 200, headers: { 'content-type': type }, body: fs.readFileSync(path.join(FIXTURES, name)) };
}

// Playwright: serve the fixture for every www.youtube.com request of this context.
export async function routePlaywright(context, options) {
  await context.route(`${ORIGIN}/**`, (route) => {
    const { status, headers, body } = respond(route.request().url(), options);
    return route.fulfill({ status, headers, body });
  });
}

// Puppeteer: the same through request interception (Firefox via WebDriver BiDi).
export async function routePuppeteer(page, options) {
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (!request.url().startsWith(ORIGIN)) return request.continue();
    const { status, headers, body } = respond(request.url(), options);
    return request.respond({ status, headers, body, contentType: headers['content-type'] });
  });
}

// The Video the content script should read from tile `video` of videos.json.
export function expectedVideo(video) {
  const duration = /^(\d+):(\d\d)(?::(\d\d))?$/.exec(video.duration);
  let seconds;
  if (duration) {
    const [, a, b, c] = duration.map(Number);
    seconds = c === undefined || Number.isNaN(c) ? a * 60 + b : a * 3600 + b * 60 + c;
  }
  return {
    video_id: video.id,
    title: video.title,
    channel: video.channel,
    channel_id: video.handle,
    ...(seconds !== undefined ? { duration_s: seconds } : {}),
    kind: video.kind,
  };
}

// Ids in grid order as fixture.gridIds() reports them (tiles, 'SHELF', 'AD', 'SPINNER').
export async function gridIds(page) {
  return page.evaluate(() => window.fixture.gridIds());
}
