// Opening what a Chromium test looks at, the same way in every test: a fresh Chromium with the
// built extension and the real host registered for its profile, then the fake YouTube (served with
// a CSP) or one of the extension's own pages once it says it is ready.
//
// Given the test `t`, the browser closes after that test; given null, the caller closes `context`
// (it is closed here only if opening fails).
import { extensionWorker, launchChromium } from './chromium.mjs';
import { registerChromium } from './host.mjs';
import { ORIGIN, routePlaywright } from './site.mjs';

// The fake YouTube at `path`. `host: false` leaves the host unregistered, `extension: false` loads
// no extension, `init` runs in the page before its own scripts. Returns { context, page, registered }
// (how the host was registered, for the test's notes).
export async function openYouTube(t, dirs, env, { path = '/', csp = 'youtube', host = true, extension = true, init } = {}) {
  const registered = host ? registerChromium(dirs.udd, env) : 'not registered';
  const context = await launchChromium(dirs, env, { extension });
  return closedAfter(t, context, async () => {
    await routePlaywright(context, { csp });
    const page = await context.newPage();
    if (init) await page.addInitScript(init);
    await page.goto(`${ORIGIN}${path}`);
    return { context, page, registered };
  });
}

// An extension page (its chrome-extension:// URL), once its body is marked data-ready. Returns
// { context, page }.
export async function openExtensionPage(t, dirs, env, url, { timeout = 30000, viewport } = {}) {
  registerChromium(dirs.udd, env);
  const context = await launchChromium(dirs, env);
  return closedAfter(t, context, async () => {
    await extensionWorker(context);
    const page = await context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout });
    return { context, page };
  });
}

async function closedAfter(t, context, open) {
  if (t) t.after(() => context.close());
  try {
    return await open();
  } catch (error) {
    if (!t) await context.close();
    throw error;
  }
}
