// Where the feed page's candidates come from besides Home: the subscriptions feed and the related
// videos beside a watch page, read by the extension in real Chromium and sent to the real host as
// slates of their surface. Their own order is YouTube's and stays so; ads, mixes and the Shorts
// shelf are not read;
// the compact related tiles, whose channel is text without a link, keep their channel.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CHROME_EXTENSION_ID, hostEnv, note, sleep, workspace } from './lib/env.mjs';
import { withHost } from './lib/host.mjs';
import { openPopup } from './lib/chromium.mjs';
import { openYouTube } from './lib/open.mjs';
import { extensionPage, tabIdOf, waitForState } from './lib/popup.mjs';
import { data } from './lib/site.mjs';

const FEED = `chrome-extension://${CHROME_EXTENSION_ID}/extension/pages/feed.html`;

// The host's feed once every id of `ids` is in it with `source`; fails after 30 s.
async function feedWith(env, ids, source) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const feed = await withHost(env, (client) => client.request({ type: 'feed', offset: 0, limit: 200 }));
    assert.equal(feed.type, 'feed', JSON.stringify(feed));
    const from = new Set(feed.items.filter((i) => i.sources.includes(source)).map((i) => i.video.video_id));
    if (ids.every((id) => from.has(id))) return feed;
    if (Date.now() > deadline) {
      assert.fail(`the feed has ${[...from].length} of ${ids.length} ${source} videos after 30 s: ${JSON.stringify(feed).slice(0, 800)}`);
    }
    await sleep(250);
  }
}

test('the subscriptions feed and the related videos of a watch page become feed candidates, in their own order', async (t) => {
  const dirs = workspace();
  const env = hostEnv(dirs);
  const { context, page } = await openYouTube(t, dirs, env, { path: '/feed/subscriptions' });

  // The subscriptions grid: every video reaches the host as a `subscriptions` slate.
  await page.waitForFunction(() => fixture.subscriptionIds().length === 12);
  const subscriptions = await page.evaluate(() => fixture.subscriptionVideos());
  let feed = await feedWith(env, subscriptions, 'subscriptions');
  const fromSubscriptions = feed.items.filter((i) => i.sources.includes('subscriptions')).map((i) => i.video.video_id);
  assert.deepEqual(fromSubscriptions.sort(), [...subscriptions].sort(), 'the grid\'s videos: no ad, not the Shorts shelf\'s');
  assert.deepEqual(await page.evaluate(() => fixture.subscriptionIds()), subscriptions, 'the subscriptions keep YouTube\'s order');
  const extension = await extensionPage(context);
  const state = await waitForState(extension, await tabIdOf(extension, page), (s) => Object.keys(s.tab.tiles).length === 12, 'the 12 tiles in the popup');
  assert.equal(state.tab.page, 'subscriptions');
  assert.ok(Object.values(state.tab.tiles).every((tile) => tile.score), 'the popup has their scores, to label them there');
  const popup = await openPopup(context, page);
  assert.match(await popup.textContent('#videos-title'), /^On your subscriptions page \(kept in YouTube's order\)/);
  assert.equal(await popup.$$eval('#video-list > *', (rows) => rows.length), 12);
  await popup.close();

  // A watch page reached inside the app: its related videos, not the ad, not the mix.
  const watched = data.videos[3];
  await page.evaluate((id) => fixture.navigate(`/watch?v=${id}`), watched.id);
  const related = await page.evaluate((id) => fixture.relatedVideos(id), watched.id);
  await page.waitForFunction(() => fixture.relatedIds().length === 11);
  feed = await feedWith(env, related, 'watch');
  const mix = data.videos[0].id;
  assert.deepEqual(await page.evaluate(() => fixture.relatedIds()), [...related.slice(0, 5), mix, ...related.slice(5)], 'the related list keeps YouTube\'s order');
  const fromWatch = feed.items.filter((i) => i.sources.includes('watch'));
  assert.deepEqual(fromWatch.map((i) => i.video.video_id).sort(), [...related].sort(), 'only the related videos: no ad, no mix');
  for (const item of fromWatch) {
    const video = data.videos.find((v) => v.id === item.video.video_id);
    assert.equal(item.video.title, video.title);
    assert.equal(item.video.channel, video.channel, `the channel of ${video.id}, from a compact tile's text or a lockup's link`);
  }
  assert.ok(feed.model, 'ranked by the model');

  // The feed page lists them.
  const feedPage = await context.newPage();
  await feedPage.goto(FEED);
  await feedPage.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  const shown = await feedPage.$$eval('#feed > li', (items) => items.map((li) => li.dataset.videoId));
  const expected = feed.items.slice(0, shown.length).map((i) => i.video.video_id);
  assert.deepEqual(shown, expected, 'the feed page shows the host\'s feed');
  assert.ok(related.some((id) => shown.includes(id)) && subscriptions.some((id) => shown.includes(id)), 'both sources on the first page');
  const sourceOf = (id) => feedPage.$eval(`#feed > li[data-video-id="${id}"] .sources`, (p) => p.textContent);
  assert.equal(await sourceOf(related.find((id) => shown.includes(id))), 'From beside a video you watched');
  assert.equal(await sourceOf(subscriptions.find((id) => shown.includes(id))), 'From your subscriptions page');
  note(`feed: ${feed.total} candidates (${subscriptions.length} from subscriptions, ${related.length} related), model ${feed.model}`);
});
