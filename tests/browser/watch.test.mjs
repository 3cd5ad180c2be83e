// Watch pages in Chromium with the real host: clicking like, dislike and taking a like back on
// both like-button generations, and watching a video (ads excluded), end up in the store.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { hostEnv, note, sleep, workspace } from './lib/env.mjs';
import { storeStatus } from './lib/host.mjs';
import { openYouTube } from './lib/open.mjs';
import { extensionPage, popupState, tabIdOf, waitForState } from './lib/popup.mjs';
import { CLIP_SECONDS, data } from './lib/site.mjs';

const [first, second, third] = data.videos;

function recorded(state, predicate) {
  return (state.tab.recent ?? []).find(predicate);
}

async function playToEnd(page) {
  await page.evaluate(async () => {
    const video = document.querySelector('video.html5-main-video');
    video.playbackRate = 2;
    await video.play();
    await new Promise((resolve) => video.addEventListener('ended', resolve, { once: true }));
  });
}

test('likes, dislikes, taking them back and watching reach the store, ads not counted', async (t) => {
  const dirs = workspace();
  const env = hostEnv(dirs);
  const { context, page } = await openYouTube(t, dirs, env, { path: `/watch?v=${first.id}` });
  const extension = await extensionPage(context);
  const tabId = await tabIdOf(extension, page);
  await waitForState(extension, tabId, (s) => s.tab.page === 'watch', 'the watch visit');
  await sleep(300); // the core polls for the like buttons every 50 ms
  const before = storeStatus(env).counts;

  // Current generation (segmented-like-dislike-button-view-model).
  const like = 'like-button-view-model button';
  const dislike = 'dislike-button-view-model button';
  await page.click(like);
  let state = await waitForState(extension, tabId, (s) => recorded(s, (r) => r.kind === 'like' && r.video_id === first.id), 'the like');
  const liked = recorded(state, (r) => r.kind === 'like');
  assert.equal(liked.stored, true, `the host stored the like: ${JSON.stringify(liked)}`);
  assert.equal(liked.title, first.title);
  await page.click(like);
  await waitForState(extension, tabId, (s) => recorded(s, (r) => r.kind === 'remove_like' && r.video_id === first.id), 'the like taken back');
  await page.click(dislike);
  await waitForState(extension, tabId, (s) => recorded(s, (r) => r.kind === 'dislike' && r.video_id === first.id), 'the dislike');

  // YouTube flipping the button by itself (a video liked before loading) is not feedback.
  const count = (await popupState(extension, tabId)).tab.recent.length;
  await page.evaluate(() => document.querySelector('like-button-view-model button').setAttribute('aria-pressed', 'true'));
  await sleep(500);
  assert.equal((await popupState(extension, tabId)).tab.recent.length, count, 'a change without a click is not reported');

  // Previous generation (ytd-segmented-like-dislike-button-renderer), reached through the SPA.
  await page.evaluate((id) => window.fixture.navigate(`/watch?v=${id}&lk=old`), second.id);
  await page.waitForSelector('ytd-segmented-like-dislike-button-renderer');
  await sleep(300);
  await page.click('#segmented-like-button button');
  state = await waitForState(extension, tabId, (s) => recorded(s, (r) => r.kind === 'like' && r.video_id === second.id), 'the like (old buttons)');
  assert.equal(recorded(state, (r) => r.video_id === second.id).title, second.title);

  // Watching the whole clip at double speed: sent when it ends, with the fraction really played.
  await playToEnd(page);
  state = await waitForState(extension, tabId, (s) => recorded(s, (r) => r.type === 'watched' && r.video_id === second.id), 'the watch');
  const watched = recorded(state, (r) => r.type === 'watched' && r.video_id === second.id);
  assert.ok(watched.fraction > 0.85 && watched.fraction <= 1, `fraction ${watched.fraction}`);
  assert.equal(watched.stored, true);

  // An ad playing in the same player counts nothing.
  await page.evaluate((id) => window.fixture.navigate(`/watch?v=${id}`), third.id);
  await page.evaluate(() => window.fixture.setAd(true));
  await playToEnd(page);
  await page.evaluate(() => window.fixture.navigate('/'));
  await sleep(500);
  state = await popupState(extension, tabId);
  assert.equal(recorded(state, (r) => r.type === 'watched' && r.video_id === third.id), undefined, 'ad time is not watch time');

  const after = storeStatus(env).counts;
  note(`store counts before ${JSON.stringify(before)} after ${JSON.stringify(after)} (clip ${CLIP_SECONDS} s at 2x)`);
  // like, like taken back, dislike (first video) and like (second): four labels, each kept.
  assert.equal(after.labels, before.labels + 4, `labels ${before.labels} -> ${after.labels}`);
  assert.equal(after.watches, before.watches + 1, `watches ${before.watches} -> ${after.watches}`);
});
