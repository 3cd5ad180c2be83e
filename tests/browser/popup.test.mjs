// The popup in Chromium with the real host: the current Home page's videos (with scores and reasons
// when the host ranks), one click or one key per label, undo, and titles shown as text only.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { gridOutcome, launchChromium, openPopup } from './lib/chromium.mjs';
import { hostEnv, note, sleep, workspace } from './lib/env.mjs';
import { registerChromium, storeStatus } from './lib/host.mjs';
import { ORIGIN, data, routePlaywright } from './lib/site.mjs';

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
  registerChromium(dirs.udd, env);
  const context = await launchChromium(dirs, env);
  t.after(() => context.close());
  await routePlaywright(context, { csp: 'youtube' });
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/`);
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
