// Firefox smoke test: firefox-esr driven by puppeteer-core (WebDriver BiDi), the Firefox build
// installed as a temporary add-on, the real host registered under $HOME/.mozilla, the fixture
// served by request interception. The content script must rank the Home grid through the host,
// or, when the host cannot rank, leave YouTube's order.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import puppeteer from 'puppeteer-core';

import { firefoxBuild, hostEnv, need, note, workspace } from './lib/env.mjs';
import { hostRanking, registerFirefox, seedLabels } from './lib/host.mjs';
import { ORIGIN, data, expectedVideo, gridIds, routePuppeteer } from './lib/site.mjs';

const FIREFOX = process.env.VRDNDI_FIREFOX ?? '/usr/bin/firefox-esr';
const FIXED = new Set(['SHELF', 'AD', 'SPINNER']);

test('Firefox: the content script ranks the Home grid through the host', async (t) => {
  need(FIREFOX, 'install Firefox ESR with scripts/deps.sh (apt firefox-esr)');
  const dirs = workspace();
  const env = { ...hostEnv(dirs), HOME: dirs.home };
  const registered = registerFirefox(dirs.home, env);
  // A few likes, so that the host's order is not YouTube's and a ranked grid shows it.
  await seedLabels(env, data.videos);

  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: dirs.udd,
    env,
    extraPrefsFirefox: {
      // Autoplay and the add-on's own permissions need no prompt in a test profile.
      'media.autoplay.default': 0,
      'extensions.webextensions.restrictedDomains': '',
    },
  });
  t.after(() => browser.close());
  const addon = await browser.installExtension(firefoxBuild());
  const page = await browser.newPage();
  await routePuppeteer(page, { csp: 'youtube' });
  const outcomeOf = () => page.waitForFunction(() => {
    const contents = document.querySelector('ytd-browse[page-subtype="home"] ytd-rich-grid-renderer > #contents');
    const off = document.documentElement.getAttribute('data-vrdndi-off');
    return off ? `off:${off}` : contents?.getAttribute('data-vrdndi-done') || false;
  }, { timeout: 60000 }).then((h) => h.jsonValue());
  await page.goto(`${ORIGIN}/`);
  let outcome = await outcomeOf();
  let ids = await gridIds(page);
  note(`Firefox ${await browser.version()}: add-on ${addon}, host ${registered}, grid ${outcome}`);
  const expected = await hostRanking(env, data.videos.slice(0, 16).map(expectedVideo));
  if (expected.type === 'ranked') {
    // The first load may have paid the model's cold start past the hold; a reload is warm.
    await page.goto(`${ORIGIN}/`);
    outcome = await outcomeOf();
    ids = await gridIds(page);
    assert.equal(outcome, 'ranked');
    const tiles = ids.filter((id) => !FIXED.has(id));
    const host = await hostRanking(env, data.videos.slice(0, 16).map(expectedVideo));
    assert.deepEqual(tiles, host.order, "the grid is in the host's order");
    assert.notDeepEqual(tiles, data.videos.slice(0, 16).map((v) => v.id), "which is not YouTube's");
  } else {
    note(`the host cannot rank (${expected.name}): checking that YouTube's order is kept`);
    assert.equal(outcome, 'unchanged');
    assert.deepEqual(ids.filter((id) => !FIXED.has(id)), data.videos.slice(0, 16).map((v) => v.id));
  }
  assert.equal(ids[4], 'SHELF');
  assert.equal(ids[8], 'AD');
});
