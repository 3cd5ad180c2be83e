// Debian's Chromium driven by playwright-core with the built extension loaded, as FIELD-NOTES says
// it works here: a persistent context (extensions load only there), headless, a fresh profile.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

import { CHROME_EXTENSION_ID, chromeBuild, need, note } from './env.mjs';

export const CHROMIUM = process.env.VRDNDI_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(dirs, env, { extension = true } = {}) {
  need(CHROMIUM, 'install Chromium with scripts/deps.sh (apt chromium)');
  const dist = chromeBuild();
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
  ];
  if (extension) args.push(`--disable-extensions-except=${dist}`, `--load-extension=${dist}`);
  const launch = () => chromium.launchPersistentContext(dirs.udd, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    ignoreDefaultArgs: ['--disable-extensions'],
    env: { ...env, TMPDIR: dirs.tmp },
    viewport: { width: 1280, height: 720 },
  });
  try {
    return await launch();
  } catch (error) {
    // Chromium has died during its own start once in CI, before loading anything of ours ("Target
    // page, context or browser has been closed" after 0.3 s). One more try, said out loud; a crash
    // that our extension causes happens on the second start as well and fails the test.
    if (!/has been closed/.test(String(error?.message))) throw error;
    note(`Chromium died while starting; starting it again. First error: ${String(error.message).split('\n')[0]}`);
    return launch();
  }
}

// The extension's service worker (it proves the extension loaded with the fixed id).
export async function extensionWorker(context) {
  const worker = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`))
    ?? await context.waitForEvent('serviceworker', { timeout: 15000 });
  if (!worker.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`)) {
    throw new Error(`unexpected worker ${worker.url()}: is the manifest key in dist/chrome/manifest.json?`);
  }
  return worker;
}

// Opens the popup as a page for the tab showing `page` (a popup window cannot be driven headless).
export async function openPopup(context, page) {
  await extensionWorker(context);
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${CHROME_EXTENSION_ID}/extension/popup.html`);
  const tabId = await popup.evaluate(async (url) => {
    const tabs = await chrome.tabs.query({ url: 'https://www.youtube.com/*' });
    return tabs.find((t) => t.url === url)?.id ?? tabs[0]?.id;
  }, page.url());
  await popup.goto(`chrome-extension://${CHROME_EXTENSION_ID}/extension/popup.html?tab=${tabId}`);
  await popup.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return popup;
}

// Waits until the grid shows (ranked or left as YouTube made it); returns the outcome.
export async function gridOutcome(page, timeout = 30000) {
  const handle = await page.waitForFunction(() => {
    const contents = document.querySelector('ytd-browse[page-subtype="home"] ytd-rich-grid-renderer > #contents');
    const off = document.documentElement.getAttribute('data-vrdndi-off');
    if (off) return `off:${off}`;
    return contents?.getAttribute('data-vrdndi-done') || false;
  }, null, { timeout });
  return handle.jsonValue();
}

export function removeProfile(dirs) {
  fs.rmSync(dirs.udd, { recursive: true, force: true });
}
