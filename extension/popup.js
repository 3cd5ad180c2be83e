// The popup: host and model status, the current page's videos with their scores and reasons,
// one click (or key) per label with undo, and the person's settings.
//
// Every title, channel, reason and message comes from a web page or the host: all of it is
// inserted with textContent, never as markup. The tab is the active one, or `?tab=ID` (the tests
// open the popup as a page).
import './protocol.js';
import { describeMetrics, describeRun } from './training-run.js';

const P = globalThis.vrdndiProtocol;
const api = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);

let tabId;
let state = null;

function text(element, value) {
  element.textContent = value == null ? '' : String(value);
}

async function currentTabId() {
  const asked = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(asked) && asked > 0) return asked;
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

function ask(message) {
  return Promise.resolve(api.runtime.sendMessage(message));
}

function showConnection({ connection, status, statusProblem, extensionId, flavour }) {
  const problem = connection.problem;
  if (status) {
    text($('connection'), `Connected to the host ${status.host_version} (data in ${status.data_dir}).`);
  } else if (problem) {
    text($('connection'), P.PROBLEMS[problem.code] ?? problem.message);
  } else if (statusProblem) {
    text($('connection'), `${P.PROBLEMS[statusProblem.code] ?? 'No status'}: ${statusProblem.message}`);
  } else {
    text($('connection'), 'Not connected yet.');
  }
  const absent = problem?.code === 'host_absent' || statusProblem?.code === 'host_absent';
  $('install').hidden = !absent;
  text($('install-command'), `vrdndi install --browser ${flavour === 'firefox' ? 'firefox' : 'all'}`);
  text($('extension-id'), extensionId);
  $('status').hidden = !status;
  if (!status) return;
  const model = status.model ?? {};
  text($('status-model'), model.embedder
    ? `${model.embedder} on ${model.device ?? 'cpu'}${model.problem ? ` (${model.problem})` : ''}`
    : `none${model.problem ? `: ${model.problem}` : ''}`);
  const aw = status.activitywatch ?? {};
  text($('status-aw'), aw.reachable
    ? `reachable at ${aw.url}, ${aw.buckets.length} bucket${aw.buckets.length === 1 ? '' : 's'}`
    : `not reachable at ${aw.url ?? '?'}${aw.problem ? `: ${aw.problem}` : ''}`);
  const counts = status.counts ?? {};
  text($('status-labels'), `${counts.labels ?? 0} labels, ${counts.watches ?? 0} watches, ${counts.videos ?? 0} videos`);
  const metrics = describeMetrics(model.last_metrics);
  text($('status-training'), model.trained_at ? `${new Date(model.trained_at).toLocaleString()}${metrics ? ` (${metrics})` : ''}` : 'never (cold start)');
  showLastRun(describeRun(status.last_training));
}

// When the model last trained (in the background or asked for) and what changed.
function showLastRun(run) {
  text($('last-run-when'), run ? run.when : 'none yet');
  text($('last-run-outcome'), run?.outcome ?? '');
  $('last-run-changes').replaceChildren(...(run?.changes ?? []).map((change) => {
    const item = document.createElement('li');
    text(item, change);
    return item;
  }));
}

function showProblem(tab) {
  const problem = tab?.problem;
  $('problem').hidden = !problem;
  if (!problem) return;
  text($('problem-text'), P.PROBLEMS[problem.code] ?? `Problem: ${problem.code}`);
  text($('problem-detail'), problem.message);
}

// The list's heading per page kind (the content script's `page` message).
const PAGE_TITLES = {
  home: 'On this Home page',
  subscriptions: 'On your subscriptions page (kept in YouTube\'s order)',
  watch: 'Beside this video (kept in YouTube\'s order)',
};

function showVideos(tab) {
  const list = $('video-list');
  list.replaceChildren();
  const order = tab?.order ?? [];
  $('videos-empty').hidden = order.length > 0;
  const where = PAGE_TITLES[tab?.page] ?? PAGE_TITLES.home;
  text($('videos-title'), tab?.model ? `${where} (${tab.model})` : where);
  for (const videoId of order) {
    const entry = tab.tiles[videoId];
    if (entry) list.append(videoRow(entry, tab.labels?.[videoId] ?? []));
  }
}

function videoRow({ video, score }, labels) {
  const row = $('video-row').content.firstElementChild.cloneNode(true);
  row.dataset.videoId = video.video_id;
  text(row.querySelector('.score'), score ? score.final.toFixed(2) : '–');
  text(row.querySelector('.title'), video.title || video.video_id);
  text(row.querySelector('.channel'), [video.channel, score ? `interest ${score.interest.toFixed(2)}` : 'not scored',
    score ? `right time ${score.productive.toFixed(2)}` : ''].filter(Boolean).join(' · '));
  const reasons = row.querySelector('.reasons');
  for (const reason of score?.reasons ?? []) {
    const item = document.createElement('li');
    text(item, reason);
    reasons.append(item);
  }
  const group = row.querySelector('.labels');
  group.setAttribute('aria-label', `Label ${video.title || video.video_id}`);
  const given = new Set(labels.map((l) => l.kind));
  for (const label of P.LABELS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.kind = label.kind;
    button.setAttribute('aria-pressed', String(given.has(label.kind)));
    button.setAttribute('aria-keyshortcuts', label.key);
    text(button, label.text);
    button.addEventListener('click', () => giveLabel(video.video_id, label.kind));
    group.append(button);
  }
  const undo = document.createElement('button');
  undo.type = 'button';
  undo.className = 'undo';
  undo.disabled = labels.length === 0;
  undo.setAttribute('aria-keyshortcuts', 'u');
  text(undo, 'Undo');
  undo.addEventListener('click', () => undoLabel(video.video_id));
  group.append(undo);
  return row;
}

// Likes and watches the page sent lately, so the person sees that capture works.
function showRecent(tab) {
  const recent = tab?.recent ?? [];
  $('recent').hidden = recent.length === 0;
  const list = $('recent-list');
  list.replaceChildren();
  for (const entry of recent.slice(0, 5)) {
    const item = document.createElement('li');
    const what = entry.type === 'watched' ? `watched ${Math.round((entry.fraction ?? 0) * 100)}%` : String(entry.kind ?? entry.type).replace('_', ' ');
    text(item, `${what}: ${entry.title || entry.video_id}${entry.error ? ` (not saved: ${entry.error})` : ''}`);
    list.append(item);
  }
}

async function giveLabel(videoId, kind) {
  const answer = await ask({ kind: P.MESSAGES.label, tabId, videoId, label: kind });
  await afterChange(videoId, answer, `Saved “${P.LABELS.find((l) => l.kind === kind)?.text}”.`);
}

async function undoLabel(videoId) {
  const labels = state?.tab?.labels?.[videoId] ?? [];
  const last = labels[labels.length - 1];
  if (!last) return;
  const answer = await ask({ kind: P.MESSAGES.undo, tabId, videoId, feedbackId: last.feedbackId });
  await afterChange(videoId, answer, 'Undone.');
}

async function afterChange(videoId, answer, done) {
  const reply = answer?.reply;
  if (reply?.type === 'ack') {
    text($('saved'), reply.stored ? done : 'Nothing changed (it was already recorded).');
  } else {
    const problem = answer?.problem ?? { code: 'host_error', message: reply?.message ?? 'no reply' };
    text($('saved'), `Not saved: ${P.PROBLEMS[problem.code] ?? problem.code} ${problem.message}`);
  }
  await refresh();
  const row = [...$('video-list').children].find((r) => r.dataset.videoId === videoId);
  row?.focus();
}

// Arrow keys / j k move between videos; the label keys act on the video that has focus.
function onKey(event) {
  if (event.target.closest?.('form') || event.altKey || event.ctrlKey || event.metaKey) return;
  const rows = [...$('video-list').children];
  const row = event.target.closest?.('.video');
  const index = rows.indexOf(row);
  const move = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 }[event.key];
  if (move !== undefined && rows.length) {
    event.preventDefault();
    rows[Math.max(0, Math.min(rows.length - 1, (index < 0 ? -1 : index) + move))].focus();
    return;
  }
  if (!row) return;
  const label = P.LABELS.find((l) => l.key === event.key);
  if (label) {
    event.preventDefault();
    giveLabel(row.dataset.videoId, label.kind);
  } else if (event.key === 'u') {
    event.preventDefault();
    undoLabel(row.dataset.videoId);
  }
}

async function loadSettings() {
  const stored = (await api.storage.local.get(P.STORAGE_KEY))[P.STORAGE_KEY] ?? {};
  $('hide-below').value = stored.hideBelow ?? '';
  $('hide-shorts').checked = Boolean(stored.hideShorts);
  $('boost-channels').value = (stored.boostChannels ?? []).join('\n');
  $('block-channels').value = (stored.blockChannels ?? []).join('\n');
}

async function saveSettings(event) {
  event.preventDefault();
  const lines = (id) => $(id).value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  const threshold = $('hide-below').value.trim();
  const settings = {
    hideBelow: threshold === '' ? null : Number(threshold),
    hideShorts: $('hide-shorts').checked,
    boostChannels: lines('boost-channels'),
    blockChannels: lines('block-channels'),
  };
  if (settings.hideBelow !== null && !(settings.hideBelow >= 0 && settings.hideBelow <= 1)) {
    text($('settings-saved'), 'The threshold must be between 0 and 1.');
    return;
  }
  await api.storage.local.set({ [P.STORAGE_KEY]: settings });
  text($('settings-saved'), 'Saved.');
}

async function refresh() {
  state = await ask({ kind: P.MESSAGES.popupState, tabId });
  if (!state) return;
  showConnection(state);
  showProblem(state.tab);
  showVideos(state.tab);
  showRecent(state.tab);
  document.body.dataset.ready = 'true';
}

async function main() {
  document.addEventListener('keydown', onKey);
  $('settings-form').addEventListener('submit', saveSettings);
  tabId = await currentTabId();
  await Promise.all([loadSettings(), refresh()]);
  $('video-list').firstElementChild?.focus();
}

main().catch((error) => text($('connection'), `The popup failed: ${error?.message ?? error}`));
