// The content script on www.youtube.com: loads the WASM core and connects it to the background.
//
// Why it is this thin: every decision about the page lives in Rust (wasm/); this file only owns
// what Rust cannot reach portably: the extension messaging APIs (chrome.* / browser.*), storage,
// and the one thing that must work when the WASM does not: failing open. If the page's CSP
// refuses WebAssembly, or anything throws, it marks <html data-vrdndi-off> (hold.css then stops
// holding the grid), leaves YouTube's order alone and tells the background why. Nothing is thrown
// into the page.
(() => {
  'use strict';
  const P = globalThis.vrdndiProtocol;
  const api = globalThis.browser ?? globalThis.chrome;
  let core = null;

  function send(message) {
    try {
      return Promise.resolve(api.runtime.sendMessage(message)).catch(() => undefined);
    } catch {
      // "Extension context invalidated": the extension was reloaded under this page.
      shutdown('extension_error', 'the extension was reloaded or removed');
      return Promise.resolve(undefined);
    }
  }

  function report(code, message) {
    send({ kind: P.MESSAGES.report, code: String(code), message: String(message) });
  }

  function failOpen(code, message) {
    document.documentElement.setAttribute('data-vrdndi-off', code);
    report(code, message);
  }

  function shutdown(code, message) {
    const was = core;
    core = null;
    if (was) {
      try {
        was.stop();
        was.free();
      } catch {
        // Already torn down.
      }
    }
    document.documentElement.setAttribute('data-vrdndi-off', code);
    if (code !== 'extension_error') report(code, message);
  }

  // Runs a call into the core; a throw becomes a report, and a trap (RuntimeError) stops the core.
  function guarded(call) {
    if (!core) return undefined;
    try {
      return call(core);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) {
        shutdown('internal', `the core stopped: ${error.message}`);
      } else {
        report(error?.name && P.PROBLEMS[error.name] ? error.name : 'internal', error?.message ?? String(error));
      }
      return undefined;
    }
  }

  const bridge = {
    request(json) {
      const request = JSON.parse(json);
      send({ kind: P.MESSAGES.host, request }).then((answer) => {
        if (answer && answer.reply) {
          guarded((c) => c.onHostReply(JSON.stringify(answer.reply)));
        } else {
          const problem = (answer && answer.problem) || { code: 'extension_error', message: 'no answer from the background' };
          guarded((c) => c.onHostProblem(request.id, String(problem.code), String(problem.message)));
        }
      });
    },
    report,
    page(kind, url) {
      send({ kind: P.MESSAGES.page, page: String(kind), url: String(url) });
    },
  };

  async function boot() {
    try {
      await wasm_bindgen({ module_or_path: api.runtime.getURL('extension/pkg/vrdndi_wasm_bg.wasm') });
    } catch (error) {
      failOpen('wasm_refused', `${error?.name ?? 'Error'}: ${error?.message ?? error}`);
      return;
    }
    if (wasm_bindgen.protocolVersion() !== P.PROTOCOL_VERSION) {
      failOpen('internal', `the page core speaks protocol ${wasm_bindgen.protocolVersion()}, protocol.js ${P.PROTOCOL_VERSION}: rebuild the extension`);
      return;
    }
    try {
      core = new wasm_bindgen.Vrdndi(bridge);
    } catch (error) {
      failOpen('internal', error?.message ?? String(error));
      return;
    }
    try {
      const stored = await api.storage.local.get(P.STORAGE_KEY);
      guarded((c) => c.setSettings(stored?.[P.STORAGE_KEY] ?? null));
    } catch (error) {
      report('settings_invalid', error?.message ?? String(error));
    }
    api.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && changes[P.STORAGE_KEY]) {
        guarded((c) => {
          c.setSettings(changes[P.STORAGE_KEY].newValue ?? null);
          c.rankVisible();
        });
      }
    });
    try {
      core.start();
    } catch (error) {
      shutdown(P.PROBLEMS[error?.name] ? error.name : 'internal', error?.message ?? String(error));
    }
  }

  // The host starts while the page and the WASM load, not when the first tiles are there.
  send({ kind: P.MESSAGES.warm });
  boot().catch((error) => failOpen('internal', error?.message ?? String(error)));
})();
