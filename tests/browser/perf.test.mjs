// Measurements, printed and not asserted: from tiles present to tiles reordered (cold: a fresh
// browser, host and data dir; warm: reloads in the same browser, then continuation batches), long
// tasks while scrolling a 200-tile Home page with and without the extension, and the size of the
// shipped WASM, gzipped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';

import { gridOutcome } from './lib/chromium.mjs';
import { chromeBuild, hostEnv, note, sleep, workspace } from './lib/env.mjs';
import { openYouTube } from './lib/open.mjs';

const COLD_RUNS = Number(process.env.VRDNDI_PERF_COLD_RUNS ?? 3);
const WARM_RUNS = Number(process.env.VRDNDI_PERF_WARM_RUNS ?? 8);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(name, values) {
  if (!values.length) return `${name}: no samples`;
  return `${name}: p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms (n=${values.length}, max ${Math.max(...values).toFixed(1)})`;
}

// The content script's measures (present -> reordered), as the page's performance timeline has them.
async function measures(page) {
  return page.evaluate(() => performance.getEntriesByName('vrdndi:present-to-reordered').map((m) => ({ start: m.startTime, duration: m.duration })));
}

// From the fixture's "tiles inserted" mark to the end of the first reorder.
async function firstScreen(page) {
  const outcome = await gridOutcome(page, 120000);
  const [measure] = await measures(page);
  const present = await page.evaluate(() => performance.getEntriesByName('fixture:tiles-present')[0]?.startTime);
  return { outcome, ms: measure ? measure.start + measure.duration - present : undefined, own: measure?.duration };
}

// Cold first screens: each in a new browser with a new host, daemon and data dir, the feed's
// tiles arriving `renderMs` after the page's script runs.
async function coldFirstScreens(renderMs) {
  const cold = [];
  const coldOwn = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    const dirs = workspace();
    const env = hostEnv(dirs);
    const { context, page } = await openYouTube(null, dirs, env, { path: `/?render=${renderMs}` });
    try {
      const { outcome, ms, own } = await firstScreen(page);
      assert.equal(outcome, 'ranked', 'the host must rank to be measured');
      if (ms !== undefined) cold.push(ms);
      if (own !== undefined) coldOwn.push(own);
    } finally {
      await context.close();
    }
  }
  return { cold, coldOwn };
}

test('measure: tiles present to reordered, cold and warm', async (t) => {
  const { cold, coldOwn } = await coldFirstScreens(30);
  // The host and its daemon start at the page's first message; tiles that take a second to
  // arrive (a slow connection, a busy YouTube) find the model loaded.
  const { cold: coldLate } = await coldFirstScreens(1000);

  const dirs = workspace();
  const env = hostEnv(dirs);
  const { page } = await openYouTube(t, dirs, env);
  await firstScreen(page);
  const warm = [];
  for (let run = 0; run < WARM_RUNS; run++) {
    await page.reload();
    const { ms } = await firstScreen(page);
    if (ms !== undefined) warm.push(ms);
  }
  const batches = [];
  for (let run = 0; run < 5; run++) {
    await page.evaluate(() => window.fixture.appendBatch(24));
    const until = Date.now() + 30000;
    let found;
    while (Date.now() < until && !(found = (await measures(page))[run + 1])) await sleep(50);
    if (found) batches.push(found.duration);
  }
  note(summary('cold first screen (new browser, host, daemon, model load; tiles 30 ms after the page script; render -> reordered)', cold));
  note(summary('cold first screen, tiles 1 s after the page script', coldLate));
  note(summary('cold, content script only (its attach -> reordered)', coldOwn));
  note(summary('warm reload (host connected, scores cached in the background)', warm));
  note(summary('continuation batch of 24 (host warm, new tiles)', batches));
  const own = await page.evaluate(() => ['vrdndi:pass', 'vrdndi:apply'].map((name) => performance.getEntriesByName(name).map((m) => m.duration)));
  note(summary('the core reading the grid and asking (one pass with new tiles)', own[0]));
  note(summary('the core putting a batch in order (apply)', own[1]));
  assert.ok(cold.length + warm.length > 0, 'no measurements were taken: the performance marks are not visible');
});

// Long tasks on the page while scrolling down to 200 tiles.
async function scrollLongTasks(extension) {
  const dirs = workspace();
  const env = hostEnv(dirs);
  const init = () => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  };
  const { context, page } = await openYouTube(null, dirs, env, { path: '/?scroll=1', extension, init });
  try {
    if (extension) await gridOutcome(page, 120000);
    else await page.waitForSelector('ytd-rich-item-renderer');
    await sleep(500);
    const start = await page.evaluate(() => performance.now());
    for (let step = 0; step < 400; step++) {
      await page.mouse.wheel(0, 400);
      await sleep(30);
      const tiles = await page.evaluate(() => document.querySelectorAll('ytd-rich-grid-renderer > #contents > ytd-rich-item-renderer').length);
      const atBottom = await page.evaluate(() => innerHeight + scrollY >= document.body.scrollHeight - 10);
      if (tiles >= 200 && atBottom) break;
    }
    await sleep(500);
    const tiles = await page.evaluate(() => document.querySelectorAll('ytd-rich-grid-renderer > #contents > ytd-rich-item-renderer').length);
    const tasks = await page.evaluate((from) => window.__longTasks.filter((t) => t.start >= from), start);
    // A long task that contains one of the core's own measures is (at least partly) ours.
    const ours = await page.evaluate((list) => {
      const work = ['vrdndi:pass', 'vrdndi:apply'].flatMap((n) => performance.getEntriesByName(n));
      return list.filter((t) => work.some((w) => w.startTime >= t.start && w.startTime < t.start + t.duration)).length;
    }, tasks);
    return { tiles, tasks, ours };
  } finally {
    await context.close();
  }
}

test('measure: long tasks while scrolling a 200-tile page', async () => {
  const without = await scrollLongTasks(false);
  const withExtension = await scrollLongTasks(true);
  const describe = ({ tiles, tasks, ours }) =>
    `${tasks.length} long tasks over ${tiles} tiles${tasks.length ? ` (${tasks.map((t) => t.duration.toFixed(0)).join(', ')} ms; ${ours} containing the core's work)` : ''}`;
  note(`scrolling without the extension: ${describe(without)}`);
  note(`scrolling with the extension: ${describe(withExtension)}`);
  assert.ok(withExtension.tiles >= 190, `the page grew to ${withExtension.tiles} tiles`);
});

test('measure: shipped WASM size', () => {
  const wasm = fs.readFileSync(path.join(chromeBuild(), 'extension/pkg/vrdndi_wasm_bg.wasm'));
  const glue = fs.readFileSync(path.join(chromeBuild(), 'extension/pkg/vrdndi_wasm.js'));
  note(`shipped WASM: ${wasm.length} bytes, ${zlib.gzipSync(wasm, { level: 9 }).length} gzipped; glue JS ${glue.length} bytes, ${zlib.gzipSync(glue, { level: 9 }).length} gzipped`);
});
