// The extension's background (Chrome service worker, Firefox event page): the only part that
// talks to the native host.
//
// It relays the content scripts' requests over one HostPort, answers repeated rank requests from
// a per-session score cache (a video scored in the last minutes is not embedded again, which is
// what makes coming back to Home fast), keeps per tab what the popup shows (the page's tiles with
// their scores and reasons, the labels given, the last problem), and serves the popup's labels and
// undo. Per-tab state is mirrored to storage.session so that a restarted service worker still
// knows it.
import './protocol.js';
import { HostPort, HostProblem } from './host-port.js';

const P = globalThis.vrdndiProtocol;
const api = globalThis.browser ?? globalThis.chrome;
const FLAVOUR = api.runtime.getURL('').startsWith('moz-extension:') ? 'firefox' : 'chrome';
const CLIENT = `vrdndi-extension/${api.runtime.getManifest().version} (${FLAVOUR})`;

// Scores depend on the context, which drifts: reuse one for a few minutes only.
const SCORE_TTL_MS = 10 * 60 * 1000;
// What a page may ask the host through us; everything else is the popup's or the CLI's.
const FROM_PAGE = new Set(['rank', 'feedback', 'watched']);
const PAGE_MESSAGES = new Set([P.MESSAGES.warm, P.MESSAGES.host, P.MESSAGES.report, P.MESSAGES.page]);

const host = new HostPort({
  connectNative: (name) => api.runtime.connectNative(name),
  lastError: () => api.runtime.lastError?.message,
  client: CLIENT,
});

const scores = new Map(); // video_id -> { score, model, at }
const tabs = new Map(); // tab id -> state

function freshTab(page = 'other', url = '') {
  return { page, url, tiles: {}, order: [], model: '', contextEvents: 0, rankedAt: 0, labels: {}, problem: null, recent: [] };
}

async function tabState(tabId) {
  if (tabs.has(tabId)) return tabs.get(tabId);
  let state = freshTab();
  try {
    const stored = await api.storage.session.get(`tab:${tabId}`);
    state = stored[`tab:${tabId}`] ?? state;
  } catch {
    // No storage.session in this browser: memory only.
  }
  tabs.set(tabId, state);
  return state;
}

function saveTab(tabId, state) {
  tabs.set(tabId, state);
  api.storage.session?.set({ [`tab:${tabId}`]: state }).catch(() => {});
  const text = state.problem ? '!' : '';
  api.action?.setBadgeText?.({ tabId, text })?.catch?.(() => {});
}

async function recordProblem(tabId, code, message, hostCode) {
  if (tabId === undefined) return;
  const state = await tabState(tabId);
  state.problem = { code, message: String(message), hostCode, at: Date.now() };
  saveTab(tabId, state);
}

// Scores cached tiles locally and asks the host only for the others; the merged order is the
// host's where it decided, by final score across requests otherwise.
async function rank(body) {
  const tiles = Array.isArray(body.tiles) ? body.tiles : [];
  const now = Date.now();
  const missing = tiles.filter((t) => !(now - (scores.get(t.video_id)?.at ?? -Infinity) < SCORE_TTL_MS));
  let hostOrder = [];
  let model = '';
  let contextEvents = 0;
  if (missing.length) {
    const reply = await host.request(P.build.rank(missing, body.surface));
    if (reply.type !== 'ranked') return reply;
    for (const score of reply.scores) scores.set(score.video_id, { score, model: reply.model, at: now });
    hostOrder = reply.order;
    model = reply.model;
    contextEvents = reply.context_events;
  }
  const scoreOf = (id) => scores.get(id)?.score;
  let order = hostOrder;
  if (missing.length !== tiles.length) {
    model ||= scores.get(tiles[0]?.video_id)?.model ?? '';
    const rankAt = new Map(hostOrder.map((id, index) => [id, index]));
    const pageAt = new Map(tiles.map((t, index) => [t.video_id, index]));
    order = [...new Set(tiles.map((t) => t.video_id))].filter((id) => scoreOf(id)).sort((a, b) =>
      (scoreOf(b).final - scoreOf(a).final) || ((rankAt.get(a) ?? Infinity) - (rankAt.get(b) ?? Infinity)) || (pageAt.get(a) - pageAt.get(b)));
  }
  return {
    type: 'ranked',
    order,
    scores: tiles.map((t) => scoreOf(t.video_id)).filter(Boolean),
    model,
    context_events: contextEvents,
  };
}

// Keeps the page's tiles for the popup, scored or not: without a model the person can still
// label them, and labels are what a model learns from. Scored tiles come first, best first;
// the others follow in page order.
async function noteTiles(tabId, tiles, reply) {
  if (tabId === undefined || !Array.isArray(tiles)) return;
  const state = await tabState(tabId);
  const scoreById = new Map((reply?.scores ?? []).map((s) => [s.video_id, s]));
  const seen = Object.keys(state.tiles).length;
  tiles.forEach((tile, index) => {
    const known = state.tiles[tile.video_id];
    state.tiles[tile.video_id] = {
      video: P.video(tile),
      score: scoreById.get(tile.video_id) ?? known?.score ?? null,
      position: known?.position ?? seen + index,
    };
  });
  const final = (id) => state.tiles[id].score?.final ?? -Infinity;
  state.order = Object.keys(state.tiles).sort((a, b) => (final(b) - final(a)) || (state.tiles[a].position - state.tiles[b].position));
  if (reply?.type === 'ranked') {
    state.model = reply.model;
    state.contextEvents = reply.context_events;
    state.rankedAt = Date.now();
    state.problem = null;
  }
  saveTab(tabId, state);
}

// What the page recorded lately (likes, watches), for the popup: it shows that capture works.
async function noteRecorded(tabId, body, reply) {
  if (tabId === undefined) return;
  const state = await tabState(tabId);
  const entry = {
    type: body.type,
    kind: body.kind,
    video_id: body.video?.video_id,
    title: body.video?.title,
    fraction: body.fraction,
    stored: reply.type === 'ack' ? reply.stored : false,
    error: reply.type === 'error' ? reply.name : undefined,
    at: Date.now(),
  };
  state.recent = [entry, ...(state.recent ?? [])].slice(0, 20);
  saveTab(tabId, state);
}

const handlers = {
  // A content script's protocol request: { request } -> { reply } | { problem }.
  async [P.MESSAGES.host]({ request }, sender) {
    const tabId = sender.tab?.id;
    const { id, ...body } = request ?? {};
    if (!FROM_PAGE.has(body.type)) {
      return { problem: { code: 'extension_error', message: `a page may not send ${body.type}` } };
    }
    try {
      const reply = body.type === 'rank' ? await rank(body) : await host.request(body);
      if (body.type === 'rank') await noteTiles(tabId, body.tiles, reply);
      if (reply.type === 'error') {
        await recordProblem(tabId, 'host_error', `${reply.name}: ${reply.message}`, reply.name);
      }
      if (body.type !== 'rank') await noteRecorded(tabId, body, reply);
      return { reply: { ...reply, id } };
    } catch (error) {
      if (!(error instanceof HostProblem)) throw error;
      if (body.type === 'rank') await noteTiles(tabId, body.tiles, null);
      await recordProblem(tabId, error.code, error.message);
      return { problem: { code: error.code, message: error.message } };
    }
  },

  async [P.MESSAGES.warm]() {
    host.warm();
    return {};
  },

  async [P.MESSAGES.report]({ code, message }, sender) {
    await recordProblem(sender.tab?.id, String(code), String(message));
    return {};
  },

  async [P.MESSAGES.page]({ page, url }, sender) {
    const tabId = sender.tab?.id;
    if (tabId === undefined) return {};
    const previous = await tabState(tabId);
    if (page === 'home-again') {
      // Back on the same Home grid: its tiles and labels still apply.
      previous.page = 'home';
      previous.url = String(url);
      saveTab(tabId, previous);
      return {};
    }
    const state = freshTab(String(page), String(url));
    state.recent = previous.recent ?? [];
    // A problem that kept this page as YouTube made it stays visible until something else happens.
    if (previous.problem && ['wasm_refused', 'host_absent', 'host_forbidden'].includes(previous.problem.code)) {
      state.problem = previous.problem;
    }
    saveTab(tabId, state);
    return {};
  },

  async [P.MESSAGES.popupState]({ tabId }) {
    const tab = typeof tabId === 'number' ? await tabState(tabId) : freshTab();
    let status = null;
    let statusProblem = null;
    try {
      const reply = await host.request(P.build.status());
      if (reply.type === 'status') status = reply;
      else statusProblem = { code: 'host_error', message: `${reply.name}: ${reply.message}` };
    } catch (error) {
      statusProblem = { code: error.code ?? 'internal', message: error.message };
    }
    return {
      connection: { state: host.state, problem: host.problem, hello: host.hello },
      status,
      statusProblem,
      tab,
      extensionId: api.runtime.id,
      flavour: FLAVOUR,
    };
  },

  async [P.MESSAGES.label]({ tabId, videoId, label: kind }) {
    const state = await tabState(tabId);
    const video = state.tiles[videoId]?.video ?? { video_id: String(videoId), title: '' };
    const feedbackId = crypto.randomUUID();
    try {
      const reply = await host.request(P.build.feedback({ feedbackId, video, kind, source: 'popup' }));
      if (reply.type === 'ack') {
        state.labels[videoId] = [...(state.labels[videoId] ?? []), { kind, feedbackId }];
        saveTab(tabId, state);
      }
      return { reply, feedbackId };
    } catch (error) {
      return { problem: { code: error.code ?? 'internal', message: error.message } };
    }
  },

  async [P.MESSAGES.undo]({ tabId, videoId, feedbackId }) {
    try {
      const reply = await host.request(P.build.undo(feedbackId));
      if (reply.type === 'ack' && typeof tabId === 'number') {
        const state = await tabState(tabId);
        state.labels[videoId] = (state.labels[videoId] ?? []).filter((l) => l.feedbackId !== feedbackId);
        saveTab(tabId, state);
      }
      return { reply };
    } catch (error) {
      return { problem: { code: error.code ?? 'internal', message: error.message } };
    }
  },
};

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== api.runtime.id) return false;
  const handler = handlers[message?.kind];
  if (!handler) return false;
  // Labels, undo and status are for extension pages (the popup); content scripts only relay,
  // report and announce.
  const fromPage = !String(sender.url ?? '').startsWith(api.runtime.getURL(''));
  if (fromPage !== PAGE_MESSAGES.has(message.kind)) return false;
  handler(message, sender).then(sendResponse, (error) =>
    sendResponse({ problem: { code: 'internal', message: error?.message ?? String(error) } }));
  return true;
});

api.tabs?.onRemoved?.addListener((tabId) => {
  tabs.delete(tabId);
  api.storage.session?.remove(`tab:${tabId}`).catch(() => {});
});
