// "What the model learned" (an extension page) in Chromium with the real host: labels per week
// drawn as SVG from the host's export, the training state from status, and the timing labels per
// activity and time of day.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchChromium, extensionWorker } from './lib/chromium.mjs';
import { CHROME_EXTENSION_ID, hostEnv, workspace } from './lib/env.mjs';
import { HostClient, registerChromium } from './lib/host.mjs';

const LEARNED = `chrome-extension://${CHROME_EXTENSION_ID}/extension/pages/learned.html`;

test('learned: labels per week and timing labels per context, drawn from the host\'s data', async (t) => {
  const dirs = workspace();
  const env = hostEnv(dirs);
  registerChromium(dirs.udd, env);
  const client = new HostClient(env);
  try {
    await client.request({ type: 'hello', protocol: 1, client: 'vrdndi-browser-test' });
    // Two weeks: 2 labels in the first (Mon 3 June 2024), 3 in the second; one undone (not drawn).
    const given = [
      ['interesting', '2024-06-03T09:00:00Z'], ['not_now', '2024-06-04T09:00:00Z'],
      ['right_time', '2024-06-10T09:00:00Z'], ['right_time', '2024-06-11T09:00:00Z'], ['not_interesting', '2024-06-12T09:00:00Z'],
      ['interesting', '2024-06-12T10:00:00Z'],
    ];
    for (const [n, [kind, at]] of given.entries()) {
      const reply = await client.request({ type: 'feedback', feedback_id: `learned-${n}`, kind, source: 'studio', at, video: { video_id: `learned0${String(n).padStart(3, '0')}`, title: `Video ${n}` } });
      assert.equal(reply.type, 'ack', JSON.stringify(reply));
    }
    await client.request({ type: 'undo', feedback_id: 'learned-5' });
  } finally {
    await client.close();
  }
  const context = await launchChromium(dirs, env);
  t.after(() => context.close());
  await extensionWorker(context);
  const page = await context.newPage();
  await page.goto(LEARNED);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  const bars = await page.$$eval('#labels-chart rect[data-week]', (rects) => rects.map((r) => `${r.dataset.week} ${r.dataset.kind} ${r.querySelector('title').textContent}`));
  assert.deepEqual(bars.sort(), [
    '2024-06-03 interesting 2024-06-03: 1 interesting',
    '2024-06-03 not_now 2024-06-03: 1 not now',
    '2024-06-10 not_interesting 2024-06-10: 1 not interesting',
    '2024-06-10 right_time 2024-06-10: 2 right time',
  ]);
  const cells = await page.$$eval('#context-chart rect title', (titles) => titles.map((x) => x.textContent));
  assert.equal(cells.length >= 1, true);
  assert.equal(cells.reduce((sum, text) => sum + Number(/of (\d+)/.exec(text)[1]), 0), 3, 'every timing label in one cell');
  assert.match(await page.textContent('#training'), /Not trained yet|Last trained/);
  assert.match(await page.textContent('#runs'), /No background training run yet/);

  // Runs as the daemon's retrainer records them (set here through import_labels' settings): one
  // point per head per run, a failed run marked.
  const runs = [
    { at: '2024-06-05T10:00:00Z', why: 'labels', labels: 20, replaced: true, mean: { interest: { f1: 0.6 }, productive: { f1: 0.5 } } },
    { at: '2024-06-06T10:00:00Z', why: 'daily', labels: 25, replaced: false, mean: null, error: 'not_enough_data: too few labels' },
    { at: '2024-06-07T10:00:00Z', why: 'labels', labels: 45, replaced: true, mean: { interest: { f1: 0.7 }, productive: { f1: 0.55 } } },
  ];
  const setter = new HostClient(env);
  try {
    await setter.request({ type: 'hello', protocol: 1, client: 'vrdndi-browser-test' });
    const reply = await setter.request({ type: 'import_labels', labels: [], settings: { retrain_runs: runs } });
    assert.equal(reply.type, 'labels_imported', JSON.stringify(reply));
  } finally {
    await setter.close();
  }
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await page.$$eval('#runs-chart circle[data-head="interest"]', (c) => c.length), 2);
  assert.equal(await page.$$eval('#runs-chart circle[data-head="productive"]', (c) => c.length), 2);
  assert.equal(await page.$$eval('#runs-chart [data-error]', (c) => c.length), 1);
});
