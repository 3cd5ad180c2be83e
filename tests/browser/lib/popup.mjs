// Reading the extension's view of a tab the way the popup does (the background's popup-state).
import { CHROME_EXTENSION_ID } from './env.mjs';
import { extensionWorker } from './chromium.mjs';

// An extension page to send runtime messages from (the popup itself, not yet pointed at a tab).
export async function extensionPage(context) {
  await extensionWorker(context);
  const page = await context.newPage();
  await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/extension/popup.html?tab=-1`);
  return page;
}

export async function tabIdOf(extension, page) {
  return extension.evaluate(async (url) => {
    const tabs = await chrome.tabs.query({ url: 'https://www.youtube.com/*' });
    return (tabs.find((t) => t.url === url) ?? tabs[0])?.id;
  }, page.url());
}

// { connection, status, tab: { tiles, order, labels, problem, recent, ... } }.
export async function popupState(extension, tabId) {
  return extension.evaluate((id) => chrome.runtime.sendMessage({ kind: 'vrdndi/popup-state', tabId: id }), tabId);
}

// Polls popup-state until `ready(state)` holds; returns that state.
export async function waitForState(extension, tabId, ready, what, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  let state;
  while (Date.now() < until) {
    state = await popupState(extension, tabId);
    if (ready(state)) return state;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(state?.tab ?? state).slice(0, 1500)}`);
}
