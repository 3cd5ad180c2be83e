// The labelling studio (an extension page) in Chromium with the real host: a hand-written history
// imported through the host, labels by key that land in the store with source "studio", counts
// read from the store, skip / previous / undo, the position kept across a reload, the end of the
// list said plainly, titles shown as text. Then export -> a fresh store -> import gives the same
// labels, and importing twice adds nothing. The grid view: a dozen cards, the same labels, keys
// between cards, resuming after the cards labelled.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { CHROME_EXTENSION_ID, hostBinary, hostEnv, sleep, workspace } from './lib/env.mjs';
import { storeStatus, withHost } from './lib/host.mjs';
import { openExtensionPage } from './lib/open.mjs';
import { data } from './lib/site.mjs';

const STUDIO = `chrome-extension://${CHROME_EXTENSION_ID}/extension/pages/studio.html`;

// Newest first once imported: ids and titles made up for the test (no real user data).
const HISTORY = [
  { id: 'studio00001', title: 'Rust ownership, explained', channel: 'Systems Talk', at: '2024-05-05T20:00:00Z' },
  { id: 'studio00002', title: '<img src=x onerror="window.pwned=1">', channel: 'Hostile', at: '2024-05-04T20:00:00Z' },
  { id: 'studio00003', title: 'Lo-fi beats to study to', channel: 'Beats', at: '2024-05-03T20:00:00Z' },
  { id: 'studio00004', title: 'How sled stores data', channel: 'Systems Talk', at: '2024-05-02T20:00:00Z' },
];

async function exportLabels(client) {
  const labels = [];
  let settings = {};
  for (;;) {
    const reply = await client.request({ type: 'export', offset: labels.length, limit: 2 });
    assert.equal(reply.type, 'exported', JSON.stringify(reply));
    settings = reply.settings;
    labels.push(...reply.labels);
    if (reply.labels.length === 0 || labels.length >= reply.total) return { labels, settings };
  }
}

async function studioState(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return page.evaluate(() => ({
    position: Number(document.body.dataset.position),
    videoId: document.body.dataset.videoId,
    title: document.getElementById('title')?.textContent ?? null,
    progress: document.getElementById('progress').textContent,
    end: document.getElementById('end').hidden ? null : document.getElementById('end').textContent,
    counts: Object.fromEntries([...document.querySelectorAll('#counts dd[data-kind]')].map((d) => [d.dataset.kind, Number(d.textContent)])),
    pressed: [...document.querySelectorAll('#buttons button[aria-pressed="true"]')].map((b) => b.dataset.kind),
  }));
}

// Waits until the studio shows `position` (each key press reloads the view from the host).
async function at(page, position) {
  await page.waitForFunction((p) => document.body.dataset.position === String(p) && document.body.dataset.ready === 'true', position, { timeout: 20000 });
  await sleep(100);
  return studioState(page);
}

test('studio: labels by key land in the store, counts are the store\'s, undo, resume after reload, end of list', async (t) => {
  const dirs = workspace();
  const env = hostEnv(dirs);
  await withHost(env, async (client) => {
    const records = HISTORY.map((v) => ({ kind: 'watch', at: v.at, video: { video_id: v.id, title: v.title, channel: v.channel } }));
    const reply = await client.request({ type: 'import', source: 'test:studio', records });
    assert.equal(reply.added, HISTORY.length, JSON.stringify(reply));
  });

  const { page } = await openExtensionPage(t, dirs, env, STUDIO);

  // A fresh store: the first video, zero counts shown (not missing), progress.
  let view = await studioState(page);
  assert.equal(view.videoId, HISTORY[0].id);
  assert.equal(view.title, HISTORY[0].title);
  assert.deepEqual(view.counts, { interesting: 0, not_interesting: 0, right_time: 0, not_now: 0, undone: 0 });
  assert.match(view.progress, /Video 1 of 4 · 0 labeled/);

  // i: interesting, stored, and the studio moves on.
  await page.keyboard.press('i');
  view = await at(page, 1);
  assert.equal(view.counts.interesting, 1);
  assert.equal(storeStatus(env).counts.labels, 1, 'the label is in the store');
  // The hostile title is text.
  assert.equal(view.title, HISTORY[1].title);
  assert.equal(await page.evaluate(() => window.pwned), undefined);

  // r: right time stays on the video (pressed), n too; then s skips, p goes back.
  await page.keyboard.press('r');
  await page.waitForSelector('#buttons button[data-kind="right_time"][aria-pressed="true"]');
  view = await studioState(page);
  assert.equal(view.position, 1);
  assert.equal(view.counts.right_time, 1);
  await page.keyboard.press('s');
  view = await at(page, 2);
  await page.keyboard.press('u');
  view = await at(page, 3);
  assert.equal(view.counts.not_interesting, 1);
  await page.keyboard.press('p');
  view = await at(page, 2);
  assert.deepEqual(view.pressed, ['not_interesting'], 'the label given shows on the video');

  // z: undo the last label (not interesting on video 3): counted as undone, the video unlabeled.
  await page.keyboard.press('z');
  await page.waitForFunction(() => document.querySelector('#counts dd[data-kind="undone"]')?.textContent === '1');
  view = await studioState(page);
  assert.equal(view.position, 2);
  assert.equal(view.counts.not_interesting, 0);
  assert.deepEqual(view.pressed, []);

  // Reload: the same video, the store's counts.
  await page.keyboard.press('s');
  await at(page, 3);
  await page.reload();
  view = await studioState(page);
  assert.equal(view.position, 3, 'resumes where it stopped');
  assert.equal(view.videoId, HISTORY[3].id);
  assert.deepEqual(view.counts, { interesting: 1, not_interesting: 0, right_time: 1, not_now: 0, undone: 1 });
  assert.match(view.progress, /Video 4 of 4 · 2 labeled/);

  // Past the last video: a clear message, labels disabled; p comes back.
  await page.keyboard.press('s');
  view = await at(page, 4);
  assert.match(view.end, /last video of your history \(4 videos, 2 labeled\)/);
  assert.equal(await page.$eval('#buttons button[data-kind="interesting"]', (b) => b.disabled), true);
  await page.keyboard.press('ArrowLeft');
  view = await at(page, 3);

  // The store has exactly what the studio says, with source "studio".
  const { labels } = await withHost(env, exportLabels);
  assert.deepEqual(
    labels.map((l) => [l.video.video_id, l.kind, l.source, Boolean(l.undone_at)]).sort(),
    [[HISTORY[0].id, 'interesting', 'studio', false], [HISTORY[1].id, 'right_time', 'studio', false], [HISTORY[2].id, 'not_interesting', 'studio', true]].sort(),
  );
});

test('export -> fresh store -> import yields the same labels and settings; a second import adds nothing', async () => {
  const one = workspace();
  const envOne = hostEnv(one);
  const two = workspace();
  const envTwo = hostEnv(two);
  const exported = await withHost(envOne, async (client) => {
    for (const [n, kind] of ['interesting', 'not_now', 'not_interesting'].entries()) {
      const reply = await client.request({
        type: 'feedback', feedback_id: `export-${n}`, kind, source: 'studio', at: `2024-06-0${n + 1}T10:00:00Z`,
        video: { video_id: HISTORY[n].id, title: HISTORY[n].title, channel: HISTORY[n].channel },
      });
      assert.equal(reply.type, 'ack', JSON.stringify(reply));
    }
    await client.request({ type: 'undo', feedback_id: 'export-2' });
    return exportLabels(client);
  });
  assert.equal(exported.labels.length, 3);
  const file = { format: 'vrdndi-labels', version: 1, labels: exported.labels, settings: { studio_test: { a: 1 } } };
  const again = await withHost(envTwo, async (client) => {
    const first = await client.request({ type: 'import_labels', labels: JSON.parse(JSON.stringify(file.labels)), settings: file.settings });
    assert.deepEqual([first.type, first.added, first.duplicates], ['labels_imported', 3, 0]);
    const second = await client.request({ type: 'import_labels', labels: file.labels });
    assert.deepEqual([second.added, second.duplicates], [0, 3], 'idempotent by feedback_id');
    return exportLabels(client);
  });
  assert.deepEqual(again.labels, exported.labels, 'the same labels, times, videos and undo');
  assert.deepEqual(again.settings.studio_test, { a: 1 });
  assert.equal(storeStatus(envTwo).counts.labels, 3);

  // The same through the command line: `vrdndi labels export FILE` -> a third, fresh store.
  const three = workspace();
  const envThree = hostEnv(three);
  const labelsFile = path.join(one.root, 'labels.json');
  const exportRun = spawnSync(hostBinary(), ['labels', 'export', labelsFile], { env: envOne, encoding: 'utf8', timeout: 60000 });
  assert.equal(exportRun.status, 0, exportRun.stderr);
  assert.match(exportRun.stdout, /exported 3 labels/);
  for (const expected of [/imported 3 labels \(0 already there\)/, /imported 0 labels \(3 already there\)/]) {
    const importRun = spawnSync(hostBinary(), ['labels', 'import', labelsFile], { env: envThree, encoding: 'utf8', timeout: 60000 });
    assert.equal(importRun.status, 0, importRun.stderr);
    assert.match(importRun.stdout, expected);
  }
  const viaCli = await withHost(envThree, exportLabels);
  assert.deepEqual(viaCli.labels, exported.labels);
  const broken = spawnSync(hostBinary(), ['labels', 'import', path.join(three.root, 'missing.json')], { env: envThree, encoding: 'utf8' });
  assert.notEqual(broken.status, 0);
  assert.match(broken.stderr, /cannot read/);
});

// More videos than one grid holds: titles and channels from the test site's made-up fixture.
const LONG = data.videos.filter((v) => v.kind === 'video').slice(0, 14).map((v, i) => ({
  id: `grid${String(i).padStart(7, '0')}`, title: v.title, channel: v.channel, at: new Date(Date.UTC(2024, 4, 20 - i, 20)).toISOString(),
}));

async function gridState(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return page.evaluate(() => {
    const cards = [...document.querySelectorAll('#grid > li.card')];
    return {
      view: document.body.dataset.view,
      position: Number(document.body.dataset.position),
      cards: cards.map((c) => c.dataset.videoId),
      current: document.querySelector('#grid > li[aria-current="true"]')?.dataset.videoId ?? null,
      focused: document.activeElement?.closest?.('li.card')?.dataset.videoId ?? null,
      progress: document.getElementById('progress').textContent,
      counts: Object.fromEntries([...document.querySelectorAll('#counts dd[data-kind]')].map((d) => [d.dataset.kind, Number(d.textContent)])),
      pressed: Object.fromEntries(cards.map((c) => [c.dataset.videoId, [...c.querySelectorAll('button[aria-pressed="true"]')].map((b) => b.dataset.kind)])),
    };
  });
}

async function gridAt(page, position) {
  await page.waitForFunction((p) => document.body.dataset.position === String(p) && document.querySelector('#grid > li[aria-current="true"]')?.dataset.position === String(p),
    position, { timeout: 20000 });
  await sleep(100);
  return gridState(page);
}

test('studio grid: a dozen cards, labels per card by key and click, arrows, skip, undo; reload resumes after the labelled cards', async (t) => {
  const dirs = workspace();
  const env = hostEnv(dirs);
  await withHost(env, async (client) => {
    const records = LONG.map((v) => ({ kind: 'watch', at: v.at, video: { video_id: v.id, title: v.title, channel: v.channel } }));
    const reply = await client.request({ type: 'import', source: 'test:studio-grid', records });
    assert.equal(reply.added, LONG.length, JSON.stringify(reply));
  });
  const { page } = await openExtensionPage(t, dirs, env, STUDIO);
  await studioState(page);

  // g: the grid, twelve cards from the first, the first current and focused.
  await page.keyboard.press('g');
  await page.waitForSelector('body[data-view="grid"] #grid > li[aria-current="true"]');
  let view = await gridState(page);
  assert.deepEqual(view.cards, LONG.slice(0, 12).map((v) => v.id));
  assert.equal(view.current, LONG[0].id);
  assert.equal(view.focused, LONG[0].id);
  assert.equal(await page.isVisible('#buttons'), false, 'the single view\'s buttons are not shown');
  assert.equal(await page.getAttribute('#view-toggle', 'aria-pressed'), 'true');

  // i on the first card: stored, pressed on that card, and the next card is current.
  await page.keyboard.press('i');
  view = await gridAt(page, 1);
  assert.deepEqual(view.pressed[LONG[0].id], ['interesting']);
  assert.equal(view.focused, LONG[1].id, 'focus moves with the current card');
  // A click on the second card's "Not now" stays on it; x then labels it and moves on.
  await page.click(`#grid > li[data-video-id="${LONG[1].id}"] button[data-kind="not_now"]`);
  await page.waitForSelector(`#grid > li[data-video-id="${LONG[1].id}"] button[data-kind="not_now"][aria-pressed="true"]`);
  await page.keyboard.press('x');
  view = await gridAt(page, 2);
  assert.deepEqual(view.pressed[LONG[1].id], ['not_interesting', 'not_now']);
  assert.deepEqual(view.counts, { interesting: 1, not_interesting: 1, right_time: 0, not_now: 1, undone: 0 });
  assert.match(view.progress, /Video 3 of 14 · 2 labeled/);

  // z takes back the last label (back on its card), x gives it again; s skips, p comes back,
  // arrow down and up move by a row of cards.
  await page.keyboard.press('z');
  view = await gridAt(page, 1);
  assert.deepEqual(view.pressed[LONG[1].id], ['not_now']);
  assert.equal(view.counts.undone, 1);
  await page.keyboard.press('x');
  await gridAt(page, 2);
  await page.keyboard.press('s');
  await gridAt(page, 3);
  await page.keyboard.press('p');
  await gridAt(page, 2);
  const perRow = await page.evaluate(() => {
    const cards = [...document.querySelectorAll('#grid > li.card')];
    return cards.filter((c) => c.offsetTop === cards[0].offsetTop).length;
  });
  assert.ok(perRow > 1 && perRow < 12, `cards per row: ${perRow}`);
  await page.keyboard.press('ArrowDown');
  view = await gridAt(page, 2 + perRow);
  assert.equal(view.focused, LONG[2 + perRow].id);
  await page.keyboard.press('ArrowUp');
  await gridAt(page, 2);

  // Reload: the grid again, starting after the two labelled cards.
  await page.reload();
  await page.waitForSelector('body[data-view="grid"] #grid > li[aria-current="true"]');
  view = await gridState(page);
  assert.equal(view.position, 2, 'resumes where it stopped');
  assert.deepEqual(view.cards, LONG.slice(2, 14).map((v) => v.id), 'the grid starts after the labelled cards');
  assert.equal(view.current, LONG[2].id);
  assert.deepEqual(view.counts, { interesting: 1, not_interesting: 1, right_time: 0, not_now: 1, undone: 1 });
  assert.match(view.progress, /Video 3 of 14 · 2 labeled/);

  // The store holds both cards' labels, from the studio.
  const { labels } = await withHost(env, exportLabels);
  assert.deepEqual(
    labels.map((l) => [l.video.video_id, l.kind, l.source, Boolean(l.undone_at)]).sort(),
    [[LONG[0].id, 'interesting', 'studio', false], [LONG[1].id, 'not_now', 'studio', false],
      [LONG[1].id, 'not_interesting', 'studio', true], [LONG[1].id, 'not_interesting', 'studio', false]].sort(),
  );

  // p before the first card shown: the grid before it, ending at the card asked for; g: the single
  // view on the same video, with its labels.
  await page.keyboard.press('p');
  view = await gridAt(page, 1);
  assert.deepEqual(view.cards, LONG.slice(0, 12).map((v) => v.id));
  await page.keyboard.press('g');
  await page.waitForSelector('body[data-view="single"]');
  const single = await studioState(page);
  assert.equal(single.videoId, LONG[1].id);
  assert.deepEqual(single.pressed, ['not_interesting', 'not_now']);
  assert.equal(await page.isVisible('#grid'), false);
  assert.equal(await page.isVisible('#buttons'), true);
});
