// "What the model learned" (an extension page) in Chromium with the real host: labels per week
// drawn as SVG from the host's export, the training state from status, the timing labels per
// activity and time of day, and which channels and words are "right time" or "not now" there
// (labels stored with real ActivityWatch context from a real aw-server); the table of a real
// `vrdndi eval takeout` run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { awServerWithC1, c1Export } from './lib/aw.mjs';
import { CHROME_EXTENSION_ID, hostBinary, hostEnv, note, workspace } from './lib/env.mjs';
import { withHost } from './lib/host.mjs';
import { openExtensionPage } from './lib/open.mjs';
import { data } from './lib/site.mjs';

const LEARNED = `chrome-extension://${CHROME_EXTENSION_ID}/extension/pages/learned.html`;

test('learned: labels per week and timing labels per context, drawn from the host\'s data', async (t) => {
  const dirs = workspace();
  const env = hostEnv(dirs);
  await withHost(env, async (client) => {
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
  });
  const { page } = await openExtensionPage(t, dirs, env, LEARNED);
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
  assert.match(await page.textContent('#runs'), /No training run yet/);

  // Runs as the daemon's retrainer records them (set here through import_labels' settings): one
  // point per head per run, a failed run marked.
  const runs = [
    { at: '2024-06-05T10:00:00Z', why: 'labels', labels: 20, replaced: true, mean: { interest: { f1: 0.6 }, productive: { f1: 0.5 } } },
    { at: '2024-06-06T10:00:00Z', why: 'daily', labels: 25, replaced: false, mean: null, error: 'not_enough_data: too few labels' },
    { at: '2024-06-07T10:00:00Z', why: 'labels', labels: 45, replaced: true, mean: { interest: { f1: 0.7 }, productive: { f1: 0.55 } } },
  ];
  const reply = await withHost(env, (client) => client.request({ type: 'import_labels', labels: [], settings: { retrain_runs: runs } }));
  assert.equal(reply.type, 'labels_imported', JSON.stringify(reply));
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await page.$$eval('#runs-chart circle[data-head="interest"]', (c) => c.length), 2);
  assert.equal(await page.$$eval('#runs-chart circle[data-head="productive"]', (c) => c.length), 2);
  assert.equal(await page.$$eval('#runs-chart [data-error]', (c) => c.length), 1);
});

// Timing labels at the times of a real ActivityWatch export, each stored by the host with the real
// context before it: programming videos "right time" and food and sport "not now" on the evening
// of 2023-11-18 (UTC), the other way round in the night after.
const TIMED = [
  ['2023-11-18T21:00:00Z', 'right_time', 'vrdFix00020'], // Fireship: WebAssembly in the browser
  ['2023-11-18T21:15:00Z', 'right_time', 'vrdFix00004'], // 3Blue1Brown: transformers
  ['2023-11-18T21:30:00Z', 'right_time', 'vrdFix00019'], // Jon Gjengset: Async Rust
  ['2023-11-18T21:45:00Z', 'right_time', 'vrdFix00024'], // 3Blue1Brown: linear algebra
  ['2023-11-18T22:00:00Z', 'right_time', 'vrdFix00036'], // Tsoding Daily: compiler backend in Rust
  ['2023-11-18T22:15:00Z', 'right_time', 'vrdFix00001'], // Let's Get Rusty: Rust ownership
  ['2023-11-18T22:30:00Z', 'not_now', 'vrdFix00014'], // Joshua Weissman: chicken curry
  ['2023-11-18T22:45:00Z', 'not_now', 'vrdFix00023'], // Joshua Weissman: sourdough
  ['2023-11-18T23:00:00Z', 'not_now', 'vrdFix00005'], // Premier League: top 10 goals
  ['2023-11-19T02:15:00Z', 'right_time', 'vrdFix00003'], // Lofi Girl
  ['2023-11-19T02:30:00Z', 'right_time', 'vrdFix00011'], // Yoga With Adriene
  ['2023-11-19T02:45:00Z', 'not_now', 'vrdFix00015'], // Hussein Nasser: Postgres indexes
  ['2023-11-19T03:00:00Z', 'not_now', 'vrdFix00027'], // Matt Pocock: TypeScript generics
];

test('learned: which kinds of videos are "right time" per activity and time of day, from labels with real ActivityWatch context', async (t) => {
  const dirs = workspace();
  const aw = await awServerWithC1(dirs.root);
  t.after(() => aw.close());
  // Times of day in UTC in the host, the test and Chromium alike.
  const env = { ...hostEnv(dirs), VRDNDI_AW_URL: aw.url, TZ: 'UTC', VRDNDI_RETRAIN_AFTER_LABELS: '0' };
  const byId = new Map(data.videos.map((v) => [v.id, v]));
  const labels = await withHost(env, async (client) => {
    for (const [n, [at, kind, id]] of TIMED.entries()) {
      const v = byId.get(id);
      const reply = await client.request({ type: 'feedback', feedback_id: `timed-${n}`, kind, source: 'studio', at, video: { video_id: id, title: v.title, channel: v.channel } });
      assert.equal(reply.type, 'ack', JSON.stringify(reply));
    }
    return (await client.request({ type: 'export', limit: 50 })).labels;
  });
  assert.ok(labels.every((l) => l.context.length > 0), 'every label carries the real context of its time');
  note(`main activities: ${labels.map((l) => `${l.at.slice(11, 16)} ${[...new Set(l.context.map((e) => e.app))].join('+')}`).join(', ')}`);

  const { page } = await openExtensionPage(t, dirs, env, LEARNED);
  const cells = await page.$$eval('#context-kinds article', (articles) => articles.map((a) => ({
    cell: `${a.dataset.activity}|${a.dataset.slot}`,
    sentence: a.querySelector('h3').textContent,
    right: [...a.querySelectorAll('.right .channels li')].map((li) => `${li.textContent}:${li.dataset.count}`),
    rightWords: [...a.querySelectorAll('.right .words li')].map((li) => li.textContent),
    notNow: [...a.querySelectorAll('.not-now .channels li')].map((li) => `${li.textContent}:${li.dataset.count}`),
    notNowWords: [...a.querySelectorAll('.not-now .words li')].map((li) => li.textContent),
  })));
  note(cells.map((c) => c.sentence).join(' | '));

  // What the page should list, worked out here from the contexts the host stored: the app (no
  // categories in aw-server 0.12) with the most time, and the UTC hour.
  const expected = new Map();
  for (const l of labels) {
    const time = new Map();
    for (const e of l.context) time.set(e.category?.length ? e.category.join(' > ') : e.app, (time.get(e.category?.length ? e.category.join(' > ') : e.app) ?? 0) + e.duration_s);
    const main = [...time].sort((a, b) => b[1] - a[1])[0][0];
    const key = `${main}|${Math.floor(new Date(l.at).getUTCHours() / 6)}`;
    const cell = expected.get(key) ?? { right_time: new Map(), not_now: new Map() };
    cell[l.kind].set(l.video.channel, (cell[l.kind].get(l.video.channel) ?? 0) + 1);
    expected.set(key, cell);
  }
  const top = (counts) => [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([c, n]) => `${c}:${n}`);
  assert.deepEqual(cells.map((c) => c.cell).sort(), [...expected.keys()].sort(), 'one entry per activity and time of day');
  for (const cell of cells) {
    const want = expected.get(cell.cell);
    assert.deepEqual(cell.right, top(want.right_time), `${cell.cell}: the channels labelled right time there`);
    assert.deepEqual(cell.notNow, top(want.not_now), `${cell.cell}: the channels labelled not now there`);
    assert.ok(cell.rightWords.every((w) => !cell.notNowWords.includes(w)), `${cell.cell}: a word sets one side apart, not both`);
  }
  // The evening's programming videos: Rust is their word, food and football the "not now" ones.
  const evening = cells.find((c) => c.right.some((r) => r.startsWith('Fireship:')));
  assert.match(evening.sentence, /^While \S+ in the evening: .*Fireship.*; words: rust, /);
  assert.ok(evening.notNow.includes('Joshua Weissman:2'), JSON.stringify(evening));
  assert.ok(['curry', 'sourdough', 'goals'].some((w) => evening.notNowWords.includes(w)), JSON.stringify(evening));
  const night = cells.find((c) => c.right.some((r) => r.startsWith('Lofi Girl:')));
  assert.match(night.sentence, /^While \S+ at night: /);
  assert.ok(night.rightWords.includes('lo-fi') && night.notNowWords.includes('generics'), JSON.stringify(night));
  // The share chart counts the same labels.
  const shares = await page.$$eval('#context-chart rect title', (titles) => titles.map((x) => x.textContent));
  assert.equal(shares.reduce((sum, text) => sum + Number(/of (\d+)/.exec(text)[1]), 0), TIMED.length);
});

test('learned: the offline evaluation table after a real `vrdndi eval takeout`, and how to run one before', async (t) => {
  const dirs = workspace();
  const env = hostEnv(dirs);
  const { page } = await openExtensionPage(t, dirs, env, LEARNED);
  assert.match(await page.textContent('#evaluation'), /No offline evaluation yet\. .*vrdndi eval takeout/);

  // One real person's history (one day to learn from, two test days) against real trending videos.
  const shared = path.dirname(path.dirname(c1Export()));
  const history = path.join(shared, 'B1-takeout-watch-histories/user6_tunaerol/watch-history.json');
  const negatives = path.join(shared, 'A1-yt-trending-v1-us-gb/USvideos.csv');
  const run = spawnSync(hostBinary(), ['eval', 'takeout', history, '--negatives', negatives, '--split', '2024-12-03', '--max-days', '2',
    '--per-slate', '20', '--resamples', '300', '--no-learned', '--json'], { env, encoding: 'utf8', timeout: 240000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /kept this table for the "what the model learned" page/);
  const report = JSON.parse(run.stdout);

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  const shown = await page.evaluate(() => ({
    caption: document.querySelector('#eval-table caption').textContent,
    head: [...document.querySelectorAll('#eval-table thead th')].map((th) => th.textContent),
    rows: [...document.querySelectorAll('#eval-table tbody tr')].map((tr) => [tr.dataset.method,
      ...[...tr.querySelectorAll('td')].map((td) => `${td.querySelector('.mean').textContent} ${td.querySelector('.range').textContent}`)]),
    data: [...document.querySelectorAll('#eval-data li')].map((li) => li.textContent),
    notes: [...document.querySelectorAll('#eval-notes li')].map((li) => li.textContent),
    bars: document.querySelectorAll('#eval-table svg.interval').length,
  }));
  assert.match(shown.caption, /^Takeout evaluation/);
  assert.deepEqual(shown.head, ['Method', 'nDCG@10', 'Recall@10', 'MRR', 'AUC']);
  const cell = (i) => `${i.mean.toFixed(3)} [${i.lo.toFixed(3)}, ${i.hi.toFixed(3)}]`;
  assert.deepEqual(shown.rows, report.method_order.map((m) => [m, ...['ndcg@10', 'recall@10', 'mrr', 'auc'].map((k) => cell(report.methods[m][k]))]),
    'every method of the run with its four metrics as mean [interval]');
  assert.ok(shown.rows.some(([m]) => m === 'vrdndi-cold') && shown.rows.some(([m]) => m === 'random'));
  assert.equal(shown.bars, report.method_order.length * 4);
  assert.ok(shown.data.some((line) => line.includes('watch-history.json')) && shown.data.some((line) => line.includes('USvideos.csv')), shown.data.join(' | '));
  assert.ok(shown.data.some((line) => /^user6_tunaerol: trained on \d+ watches before 2024-12-03; 2 test days/.test(line)), shown.data.join(' | '));
  assert.ok(shown.notes.includes(`leak check: ${report.leak_check.slates} slates, 0 violations`), shown.notes.join(' | '));
  note(`eval table: ${shown.rows.map((r) => r.slice(0, 2).join(' ')).join(' | ')}`);
});
