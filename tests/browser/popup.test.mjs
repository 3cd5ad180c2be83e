// The popup in Chromium with the real host: the current Home page's videos (with scores and reasons
// when the host ranks), one click or one key per label, undo, and titles shown as text only; and
// when the model last trained and what changed, after real training runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

import { gridOutcome, openPopup } from './lib/chromium.mjs';
import { CHROME_EXTENSION_ID, hostBinary, hostEnv, note, sleep, workspace } from './lib/env.mjs';
import { storeStatus, withHost } from './lib/host.mjs';
import { openExtensionPage, openYouTube } from './lib/open.mjs';
import { data } from './lib/site.mjs';

async function rows(popup) {
  return popup.$$eval('#video-list > li', (items) => items.map((li) => ({
    id: li.dataset.videoId,
    title: li.querySelector('.title').textContent,
    score: li.querySelector('.score').textContent,
    reasons: [...li.querySelectorAll('.reasons li')].map((r) => r.textContent),
  })));
}

async function labelsNow(env, expected, what) {
  const until = Date.now() + 10000;
  let labels;
  while (Date.now() < until) {
    labels = storeStatus(env).counts.labels;
    if (labels === expected) return labels;
    await sleep(200);
  }
  assert.equal(labels, expected, what);
  return labels;
}

test('popup: videos with scores and reasons, labels and undo by mouse and keyboard, titles as text', async (t) => {
  const dirs = workspace();
  const env = hostEnv(dirs);
  const { context, page } = await openYouTube(t, dirs, env);
  const outcome = await gridOutcome(page);
  const popup = await openPopup(context, page);

  const shown = await rows(popup);
  assert.equal(shown.length, 16, 'every video of the first screen is listed');
  if (outcome === 'ranked') {
    const scores = shown.map((r) => Number(r.score));
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'best first');
    assert.ok(shown.every((r) => r.reasons.length <= 3), 'at most three reasons each');
    note(`popup reasons: ${shown.filter((r) => r.reasons.length).map((r) => `${r.id}: ${r.reasons.join('; ')}`).join(' | ') || 'none'}`);
  } else {
    note(`the host did not rank (${outcome}): the popup lists the videos unscored, in page order`);
    assert.deepEqual(shown.map((r) => r.id), data.videos.slice(0, 16).map((v) => v.id));
    assert.ok(shown.every((r) => r.score === '–'));
  }
  const evil = data.videos.find((v) => v.title.startsWith('<img'));
  assert.equal(shown.find((r) => r.id === evil.id).title, evil.title, 'the title is shown as text');
  assert.equal(await popup.$$eval('img', (images) => images.length), 0, 'no markup from titles');
  assert.equal(await popup.evaluate(() => window.pwned), undefined);
  assert.equal(await popup.evaluate(() => document.body.dataset.ready), 'true');

  // Mouse: "Interesting" on the first video, then undo.
  const before = storeStatus(env).counts.labels;
  const first = '#video-list > li:nth-child(1)';
  await popup.click(`${first} button[data-kind="interesting"]`);
  await popup.waitForSelector(`${first} button[data-kind="interesting"][aria-pressed="true"]`);
  await labelsNow(env, before + 1, 'a popup label is stored');
  assert.match(await popup.textContent('#saved'), /Saved/);
  await popup.click(`${first} button.undo`);
  await popup.waitForSelector(`${first} button[data-kind="interesting"][aria-pressed="false"]`);
  // The store keeps an undone label (marked, skipped by training): the host acknowledged the undo
  // as a change, and nothing was added.
  assert.equal(await popup.textContent('#saved'), 'Undone.');
  await labelsNow(env, before + 1, 'undo adds nothing');

  // Keyboard: the first row has focus; j moves down, r labels "right time", u undoes, n "not now".
  await popup.keyboard.press('j');
  const second = await popup.evaluate(() => document.activeElement.dataset.videoId);
  assert.equal(second, shown[1].id, 'j moves to the next video');
  await popup.keyboard.press('r');
  await popup.waitForSelector(`#video-list > li:nth-child(2) button[data-kind="right_time"][aria-pressed="true"]`);
  assert.equal(await popup.evaluate(() => document.activeElement.dataset.videoId), second, 'focus stays on the video');
  await labelsNow(env, before + 2, 'a keyboard label is stored');
  await popup.keyboard.press('u');
  await popup.waitForSelector(`#video-list > li:nth-child(2) button[data-kind="right_time"][aria-pressed="false"]`);
  assert.equal(await popup.textContent('#saved'), 'Undone.');
  await popup.keyboard.press('n');
  await popup.waitForSelector(`#video-list > li:nth-child(2) button[data-kind="not_now"][aria-pressed="true"]`);
  await labelsNow(env, before + 3, 'not now is stored');

  // Tab reaches the row's buttons in order.
  await popup.keyboard.press('Tab');
  assert.equal(await popup.evaluate(() => document.activeElement.dataset.kind), 'interesting');
});

// Every fixture video labelled by one rule, an hour apart: programming and science are interesting
// and the right time, the rest not interesting and not now (so both heads have both classes).
const TECH = /rust|css|typescript|postgres|kubernetes|git |vim|sqlite|compiler|webassembly|react|transformers|linear algebra|gps|server/i;
function ruleLabels(videos, from) {
  return videos.flatMap((v, i) => {
    const tech = TECH.test(v.title);
    const at = new Date(Date.parse(from) + i * 3600e3).toISOString();
    const video = { video_id: v.id, title: v.title, channel: v.channel };
    return [
      { feedback_id: `rule-i-${v.id}`, kind: tech ? 'interesting' : 'not_interesting', source: 'studio', at, video },
      { feedback_id: `rule-t-${v.id}`, kind: tech ? 'right_time' : 'not_now', source: 'studio', at, video },
    ];
  });
}

async function lastRun(popup) {
  await popup.reload();
  await popup.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return popup.evaluate(() => ({
    when: document.getElementById('last-run-when').textContent,
    outcome: document.getElementById('last-run-outcome').textContent,
    changes: [...document.querySelectorAll('#last-run-changes li')].map((li) => li.textContent),
  }));
}

test('popup: when the model last trained and what changed, after real training runs (a train request, then vrdndi train)', async (t) => {
  const dirs = workspace();
  // Only the runs this test asks for: no background run racing them.
  const env = { ...hostEnv(dirs), VRDNDI_RETRAIN_AFTER_LABELS: '0' };
  const videos = data.videos.filter((v) => v.kind === 'video');
  const first = await withHost(env, async (client) => {
    const imported = await client.request({ type: 'import_labels', labels: ruleLabels(videos.slice(0, 24), '2024-06-01T08:00:00Z') });
    assert.equal(imported.added, 48, JSON.stringify(imported));
    const trained = await client.request({ type: 'train', kfold: 2 }, 240000);
    assert.equal(trained.type, 'trained', JSON.stringify(trained));
    return trained;
  });
  const { page: popup } = await openExtensionPage(t, dirs, env, `chrome-extension://${CHROME_EXTENSION_ID}/extension/popup.html`);
  let shown = await lastRun(popup);
  note(`popup after the first run: ${shown.when} | ${shown.outcome} | ${shown.changes.join('; ')}`);
  assert.match(shown.when, /asked for \(vrdndi train\), on 48 labels/);
  assert.equal(shown.outcome, `The new model replaced the old one: ${first.report.decision}`);
  assert.match(first.report.decision, /no trained model yet/);
  const f1 = (report, head) => report[head].f1.toFixed(2);
  assert.deepEqual(shown.changes, [
    `interest F1 ${f1(first.report.mean, 'interest')} (no model before)`,
    `right time F1 ${f1(first.report.mean, 'productive')} (no model before)`,
  ]);

  // Twice the labels, trained from the command line: the popup compares with the model before.
  const imported = await withHost(env, (client) => client.request({ type: 'import_labels', labels: ruleLabels(videos.slice(24), '2024-06-02T08:00:00Z') }));
  assert.equal(imported.added, 2 * videos.slice(24).length, JSON.stringify(imported));
  const cli = spawnSync(hostBinary(), ['train', '--kfold', '2', '--json'], { env, encoding: 'utf8', timeout: 240000 });
  assert.equal(cli.status, 0, cli.stderr);
  const second = JSON.parse(cli.stdout);
  shown = await lastRun(popup);
  note(`popup after the second run: ${shown.when} | ${shown.outcome} | ${shown.changes.join('; ')}`);
  assert.match(shown.when, new RegExp(`asked for \\(vrdndi train\\), on ${2 * videos.length} labels`));
  assert.equal(shown.outcome, `${second.replaced ? 'The new model replaced the old one' : 'The old model was kept'}: ${second.report.decision}`);
  assert.deepEqual(second.report.previous_mean.interest.f1, first.report.mean.interest.f1, 'the previous model is the first run\'s');
  // The second run's labels are all newer than the first model's: the two models are compared
  // on the same labels, and the popup shows those numbers.
  const same = second.report.against_current;
  assert.ok(same && same.labels > 0, JSON.stringify(second.report));
  const expected = [['interest', 'interest'], ['productive', 'right time']]
    .filter(([head]) => same[head])
    .map(([head, name]) => `${name} F1 ${same[head].current.f1.toFixed(2)} → ${same[head].new.f1.toFixed(2)} on the same ${same.labels} newest labels`);
  assert.ok(expected.length > 0, JSON.stringify(same));
  assert.deepEqual(shown.changes, expected);
  // The command line says the same.
  const status = spawnSync(hostBinary(), ['status'], { env, encoding: 'utf8', timeout: 60000 });
  assert.match(status.stdout, new RegExp(`last run .*\\(request, ${2 * videos.length} labels\\): (model replaced|kept the model in use); interest F1 `));
});
