// The labelling studio: the imported watch history and likes, one video at a time, with the four
// labels, skip, previous, undo, progress and the store's counts; it resumes where it stopped.
//
// The position is an offset into the host's history list (newest first, one entry per video),
// which labels do not change, kept in storage.local so that a reload, or coming back a week
// later, opens the same video. Counts are read from the host after every change, never counted
// here, so they are the store's. The four labels are `feedback` with source "studio".
import { ask, el, giveLabel, takeBack, thumbnail, toast, readLocal, writeLocal, LABEL_TEXT } from './common.js';
import { exportAll, importAll, parseExport, download } from './transfer.js';

const POSITION_KEY = 'studio:position';
const KEYS = { i: 'interesting', u: 'not_interesting', x: 'not_interesting', r: 'right_time', n: 'not_now' };
// Interest labels move on (the seed labeller's rhythm); timing labels stay so both can be given.
const ADVANCE = new Set(['interesting', 'not_interesting']);

const state = { position: 0, page: null, item: null, undo: [], busy: false };

async function load(position) {
  state.position = Math.max(0, position);
  const page = await ask({ type: 'history_page', offset: state.position, limit: 1 });
  state.page = page;
  state.item = page.items[0] ?? null;
  await writeLocal(POSITION_KEY, state.position);
  render();
}

function render() {
  const { page, item } = state;
  document.body.dataset.position = String(state.position);
  document.body.dataset.videoId = item?.video.video_id ?? '';
  const video = document.getElementById('video');
  const end = document.getElementById('end');
  video.replaceChildren();
  if (page.videos === 0) {
    end.textContent = 'No imported history yet. Import your Google Takeout with `vrdndi import takeout FILE`, then reload this page.';
  } else if (!item) {
    end.textContent = `That was the last video of your history (${page.videos} videos, ${page.labeled} labeled). `
      + 'Press p to go back, or Home to start again from the newest.';
  }
  end.hidden = Boolean(item);
  document.getElementById('progress').textContent = page.videos
    ? `Video ${Math.min(state.position + 1, page.videos)} of ${page.videos} · ${page.labeled} labeled`
    : '';
  for (const button of document.querySelectorAll('#buttons button')) {
    const given = item?.labels.some((l) => l.kind === button.dataset.kind) ?? false;
    button.setAttribute('aria-pressed', String(given));
    button.disabled = !item;
  }
  document.getElementById('skip').disabled = !item;
  document.getElementById('previous').disabled = state.position === 0;
  document.getElementById('undo').disabled = state.undo.length === 0;
  if (item) {
    const v = item.video;
    const when = item.at ? new Date(item.at).toLocaleString() : 'unknown time';
    const what = item.kinds.map((k) => ({ watch: 'watched', like: 'liked', dislike: 'disliked' }[k] ?? k)).join(', ');
    video.append(
      thumbnail(v.video_id, 'hqdefault') ?? '',
      el('h2', { id: 'title', textContent: v.title || v.video_id }),
      el('p', { id: 'channel', className: 'channel', textContent: v.channel ?? '' }),
      el('p', { className: 'when', textContent: `${what} · ${when}` }),
      el('p', {}, el('a', { href: `https://www.youtube.com/watch?v=${v.video_id}`, target: '_blank', rel: 'noopener', textContent: 'Open on YouTube' })),
    );
  }
  const counts = document.getElementById('counts');
  counts.replaceChildren();
  for (const [kind, text] of Object.entries(LABEL_TEXT)) {
    counts.append(el('dt', { textContent: text }), el('dd', { dataset: { kind }, textContent: String(page.counts[kind]) }));
  }
  counts.append(el('dt', { textContent: 'Likes / dislikes' }), el('dd', { textContent: `${page.counts.like} / ${page.counts.dislike}` }));
  counts.append(el('dt', { textContent: 'Undone' }), el('dd', { dataset: { kind: 'undone' }, textContent: String(page.counts.undone) }));
  document.body.dataset.ready = 'true';
}

// Runs one action at a time, reporting failures in the toast (nothing is lost: the store has
// every acknowledged label, and the page reloads its view from the host).
async function act(work) {
  if (state.busy) return;
  state.busy = true;
  try {
    await work();
  } catch (error) {
    toast(error.message, { error: true });
  } finally {
    state.busy = false;
  }
}

function label(kind) {
  return act(async () => {
    const item = state.item;
    if (!item) return;
    const { feedbackId, stored } = await giveLabel(item.video, kind, 'studio');
    state.undo.push({ feedbackId, position: state.position, kind, title: item.video.title });
    toast(`${stored ? 'Saved' : 'Already saved'}: ${LABEL_TEXT[kind]} for "${item.video.title || item.video.video_id}".`);
    await load(ADVANCE.has(kind) ? state.position + 1 : state.position);
  });
}

function move(delta) {
  return act(() => load(state.position + delta));
}

function undo() {
  return act(async () => {
    const last = state.undo.pop();
    if (!last) {
      toast('Nothing to undo.');
      return;
    }
    await takeBack(last.feedbackId);
    toast(`Undone: ${LABEL_TEXT[last.kind]} for "${last.title}".`);
    await load(last.position);
  });
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target instanceof HTMLInputElement) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (KEYS[key]) label(KEYS[key]);
  else if (key === 's' || key === 'ArrowRight') move(1);
  else if (key === 'p' || key === 'ArrowLeft') move(-1);
  else if (key === 'z') undo();
  else if (key === 'Home') act(() => load(0));
  else return;
  event.preventDefault();
}

async function exportFile() {
  await act(async () => {
    const data = await exportAll();
    download(data, `vrdndi-labels-${new Date().toISOString().slice(0, 10)}.json`);
    toast(`Exported ${data.labels.length} labels and ${Object.keys(data.settings).length} settings.`);
  });
}

async function importFile(event) {
  const file = event.target.files?.[0];
  if (!file) return;
  await act(async () => {
    const data = parseExport(await file.text());
    const { added, duplicates } = await importAll(data);
    toast(`Imported ${added} labels (${duplicates} were already there).`);
    await load(state.position);
  });
  event.target.value = '';
}

async function start() {
  for (const button of document.querySelectorAll('#buttons button')) button.addEventListener('click', () => label(button.dataset.kind));
  document.getElementById('skip').addEventListener('click', () => move(1));
  document.getElementById('previous').addEventListener('click', () => move(-1));
  document.getElementById('undo').addEventListener('click', undo);
  document.getElementById('export').addEventListener('click', exportFile);
  document.getElementById('import').addEventListener('change', importFile);
  document.addEventListener('keydown', onKey);
  try {
    await load(Number(await readLocal(POSITION_KEY, 0)) || 0);
  } catch (error) {
    document.getElementById('end').hidden = false;
    document.getElementById('end').textContent = `Cannot read the history: ${error.message}`;
    document.body.dataset.ready = 'error';
  }
}

start();
