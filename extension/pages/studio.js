// The labelling studio: the imported watch history and likes, one video at a time (studio-single.js)
// or a dozen as a grid (studio-grid.js), with the four labels, skip, previous, undo, progress and the
// store's counts; it resumes where it stopped, in the view it was left in.
//
// The position is an offset into the host's history list (newest first, one entry per video),
// which labels do not change, kept in storage.local so that a reload, or coming back a week
// later, opens the same video; both views share it, the undo list and the counts. Counts are read
// from the host after every change, never counted here, so they are the store's. The four labels
// are `feedback` with source "studio".
import { ask, giveLabel, takeBack, toast, readLocal, writeLocal, LABEL_TEXT } from './common.js';
import { GRID_SIZE, columns, markCurrent, renderGrid } from './studio-grid.js';
import { renderSingle } from './studio-single.js';
import { exportAll, importAll, parseExport, download } from './transfer.js';

const POSITION_KEY = 'studio:position';
const VIEW_KEY = 'studio:view';
const KEYS = { i: 'interesting', u: 'not_interesting', x: 'not_interesting', r: 'right_time', n: 'not_now' };
// Interest labels move on (the seed labeller's rhythm); timing labels stay so both can be given.
const ADVANCE = new Set(['interesting', 'not_interesting']);

// `page` is the host's history page from `start`: one item in the single view, a grid's worth in the grid.
const state = { view: 'single', position: 0, start: 0, page: null, undo: [], busy: false };
const grid = () => document.getElementById('grid');
const itemAt = (position) => state.page?.items[position - state.start] ?? null;

// Shows `position` (at most one past the last video); the grid keeps its cards while the position
// stays among them, and starts a new grid at the position (or ends one there, going back) otherwise.
async function load(position, { regrid = false } = {}) {
  const total = state.page?.videos;
  state.position = Math.max(0, total === undefined ? position : Math.min(position, total));
  if (state.view === 'single') {
    state.start = state.position;
  } else if (regrid || state.position >= state.start + GRID_SIZE) {
    state.start = state.position;
  } else if (state.position < state.start) {
    state.start = Math.max(0, state.position - GRID_SIZE + 1);
  }
  state.page = await ask({ type: 'history_page', offset: state.start, limit: state.view === 'grid' ? GRID_SIZE : 1 });
  await writeLocal(POSITION_KEY, state.position);
  render();
}

// In the grid, moving among the cards shown needs no request (and changes the position at once,
// so a click on a card's button that focused the card first labels that card).
function moveTo(position) {
  const inGrid = state.view === 'grid' && position >= state.start && position < state.start + state.page.items.length;
  if (!inGrid) return load(position);
  state.position = position;
  renderStatus();
  markCurrent(grid(), position);
  return writeLocal(POSITION_KEY, position);
}

// A card got focus (by click or Tab): it is the current one, unless an action is redrawing the grid.
function follow(position) {
  if (state.busy || position === state.position) return;
  moveTo(position).catch((error) => toast(error.message, { error: true }));
}

function renderStatus() {
  const { page } = state;
  const item = itemAt(state.position);
  document.body.dataset.position = String(state.position);
  document.body.dataset.videoId = item?.video.video_id ?? '';
  const end = document.getElementById('end');
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
  document.getElementById('skip').disabled = !item;
  document.getElementById('previous').disabled = state.position === 0;
  document.getElementById('undo').disabled = state.undo.length === 0;
}

function renderCounts(counts) {
  const list = document.getElementById('counts');
  list.replaceChildren();
  const pair = (text, value, kind) => {
    const dt = document.createElement('dt');
    dt.textContent = text;
    const dd = document.createElement('dd');
    dd.textContent = value;
    if (kind) dd.dataset.kind = kind;
    list.append(dt, dd);
  };
  for (const [kind, text] of Object.entries(LABEL_TEXT)) pair(text, String(counts[kind]), kind);
  pair('Likes / dislikes', `${counts.like} / ${counts.dislike}`);
  pair('Undone', String(counts.undone), 'undone');
}

function render() {
  const isGrid = state.view === 'grid';
  document.body.dataset.view = state.view;
  const toggle = document.getElementById('view-toggle');
  toggle.setAttribute('aria-pressed', String(isGrid));
  for (const id of ['video', 'buttons']) document.getElementById(id).hidden = isGrid;
  grid().hidden = !isGrid;
  renderStatus();
  renderCounts(state.page.counts);
  if (isGrid) {
    renderGrid(grid(), state.page, state.start, { label: (position, kind) => label(kind, position), focus: follow });
    markCurrent(grid(), state.position);
  } else {
    renderSingle(itemAt(state.position));
  }
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

function label(kind, position = state.position) {
  return act(async () => {
    const item = itemAt(position);
    if (!item) return;
    const { feedbackId, stored } = await giveLabel(item.video, kind, 'studio');
    state.undo.push({ feedbackId, position, kind, title: item.video.title });
    toast(`${stored ? 'Saved' : 'Already saved'}: ${LABEL_TEXT[kind]} for "${item.video.title || item.video.video_id}".`);
    await load(ADVANCE.has(kind) ? position + 1 : position);
  });
}

function move(delta) {
  return act(() => (state.view === 'grid' ? moveTo(state.position + delta) : load(state.position + delta)));
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

function switchView() {
  return act(async () => {
    state.view = state.view === 'grid' ? 'single' : 'grid';
    await writeLocal(VIEW_KEY, state.view);
    await load(state.position, { regrid: true });
  });
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target instanceof HTMLInputElement) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const row = state.view === 'grid' ? columns(grid()) : 0;
  if (KEYS[key]) label(KEYS[key]);
  else if (key === 's' || key === 'ArrowRight') move(1);
  else if (key === 'p' || key === 'ArrowLeft') move(-1);
  else if (row && key === 'ArrowDown') move(row);
  else if (row && key === 'ArrowUp') move(-Math.min(row, state.position));
  else if (key === 'z') undo();
  else if (key === 'g') switchView();
  else if (key === 'Home') act(() => load(0, { regrid: true }));
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
  document.getElementById('view-toggle').addEventListener('click', switchView);
  document.getElementById('export').addEventListener('click', exportFile);
  document.getElementById('import').addEventListener('change', importFile);
  document.addEventListener('keydown', onKey);
  try {
    state.view = (await readLocal(VIEW_KEY, 'single')) === 'grid' ? 'grid' : 'single';
    await load(Number(await readLocal(POSITION_KEY, 0)) || 0, { regrid: true });
  } catch (error) {
    document.getElementById('end').hidden = false;
    document.getElementById('end').textContent = `Cannot read the history: ${error.message}`;
    document.body.dataset.ready = 'error';
  }
}

start();
