// "What the model learned": pictures drawn here as SVG from JSON the host returns (no chart
// library): labels per week from the labels export, the last training as `status` reports it,
// and, from the context stored with each timing label, where "right time" outweighs "not now".
import { ask, el } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
const KINDS = ['interesting', 'not_interesting', 'right_time', 'not_now', 'like', 'dislike'];
const COLOURS = { interesting: '#2e86de', not_interesting: '#8395a7', right_time: '#10ac84', not_now: '#ee5253', like: '#54a0ff', dislike: '#c8d6e5' };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

async function allLabels() {
  const labels = [];
  for (;;) {
    const reply = await ask({ type: 'export', offset: labels.length, limit: 200 });
    labels.push(...reply.labels);
    if (reply.labels.length === 0 || labels.length >= reply.total) return { labels, settings: reply.settings };
  }
}

// The daemon's background training runs (settings `retrain_runs`): validation F1 of each head per
// run, as points joined by lines; a failed run is a gap with its reason in a tooltip.
function runsChart(runs) {
  if (!Array.isArray(runs) || runs.length === 0) return el('p', { textContent: 'No background training run yet (one starts after 20 new labels, or daily).' });
  const width = 760;
  const height = 160;
  const chart = svg('svg', { width, height: height + 30, role: 'img', id: 'runs-chart', 'aria-label': 'Validation F1 per training run' });
  const x = (i) => 40 + (runs.length === 1 ? 0 : (i * (width - 60)) / (runs.length - 1));
  const y = (v) => height - v * (height - 10);
  chart.append(svg('text', { x: 0, y: y(1) + 4 }, '1'), svg('text', { x: 0, y: y(0) }, '0'));
  for (const [head, colour] of [['interest', COLOURS.interesting], ['productive', COLOURS.right_time]]) {
    let path = '';
    runs.forEach((run, i) => {
      const f1 = run.mean?.[head]?.f1;
      if (typeof f1 !== 'number') { path += ' '; return; }
      path += `${path.trim() === '' || path.endsWith(' ') ? 'M' : 'L'}${x(i)},${y(f1)} `;
      const dot = svg('circle', { cx: x(i), cy: y(f1), r: 4, fill: colour, 'data-head': head });
      dot.append(svg('title', {}, `${new Date(run.at).toLocaleString()}: ${head} F1 ${f1.toFixed(3)}${run.replaced ? ' (model replaced)' : ' (kept the old model)'}`));
      chart.append(dot);
    });
    chart.prepend(svg('path', { d: path.trim(), stroke: colour, fill: 'none' }));
  }
  runs.forEach((run, i) => {
    if (run.error) {
      const mark = svg('text', { x: x(i) - 3, y: height + 14, 'data-error': 'true' }, '×');
      mark.append(svg('title', {}, `${new Date(run.at).toLocaleString()}: ${run.error}`));
      chart.append(mark);
    }
  });
  return chart;
}

function weekOf(iso) {
  const d = new Date(iso);
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}

function overTime(labels) {
  const weeks = new Map();
  for (const l of labels) {
    if (l.undone_at || !KINDS.includes(l.kind)) continue;
    const week = weekOf(l.at);
    const row = weeks.get(week) ?? Object.fromEntries(KINDS.map((k) => [k, 0]));
    row[l.kind] += 1;
    weeks.set(week, row);
  }
  const rows = [...weeks.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return el('p', { textContent: 'No labels yet.' });
  const width = 760;
  const height = 220;
  const bar = Math.max(4, Math.min(40, (width - 60) / rows.length - 2));
  const max = Math.max(...rows.map(([, r]) => KINDS.reduce((s, k) => s + r[k], 0)));
  const chart = svg('svg', { width, height: height + 40, role: 'img', 'aria-label': 'Labels per week', id: 'labels-chart' });
  rows.forEach(([week, row], i) => {
    let y = height;
    const x = 40 + i * (bar + 2);
    for (const kind of KINDS) {
      const h = (row[kind] / max) * (height - 10);
      if (h <= 0) continue;
      y -= h;
      const rect = svg('rect', { x, y, width: bar, height: h, fill: COLOURS[kind], 'data-kind': kind, 'data-week': week });
      rect.append(svg('title', {}, `${week}: ${row[kind]} ${kind.replace('_', ' ')}`));
      chart.append(rect);
    }
    if (i % Math.ceil(rows.length / 8) === 0) chart.append(svg('text', { x, y: height + 14 }, week));
  });
  chart.append(svg('text', { x: 0, y: 12 }, String(max)));
  KINDS.forEach((kind, i) => {
    chart.append(svg('rect', { x: 40 + i * 120, y: height + 24, width: 10, height: 10, fill: COLOURS[kind] }));
    chart.append(svg('text', { x: 54 + i * 120, y: height + 33 }, kind.replace('_', ' ')));
  });
  return chart;
}

// The category (or app) that took the most time in a label's context.
function mainActivity(context) {
  const time = new Map();
  for (const e of context ?? []) {
    const name = e.category?.length ? e.category.join(' > ') : (e.app || 'unknown');
    time.set(name, (time.get(name) ?? 0) + (e.duration_s ?? 0));
  }
  let best = 'no ActivityWatch data';
  let most = -1;
  for (const [name, s] of time) if (s > most) { best = name; most = s; }
  return best;
}

function contexts(labels) {
  const slots = ['night (0-6)', 'morning (6-12)', 'afternoon (12-18)', 'evening (18-24)'];
  const cells = new Map();
  for (const l of labels) {
    if (l.undone_at || !['right_time', 'not_now'].includes(l.kind)) continue;
    const key = `${mainActivity(l.context)}|${Math.floor(new Date(l.at).getHours() / 6)}`;
    const cell = cells.get(key) ?? { yes: 0, all: 0 };
    cell.all += 1;
    if (l.kind === 'right_time') cell.yes += 1;
    cells.set(key, cell);
  }
  if (cells.size === 0) return el('p', { textContent: 'No "right time" or "not now" labels yet.' });
  const activities = [...new Set([...cells.keys()].map((k) => k.split('|')[0]))].sort();
  const chart = svg('svg', { width: 220 + slots.length * 130, height: 30 + activities.length * 26, role: 'img', id: 'context-chart' });
  slots.forEach((slot, j) => chart.append(svg('text', { x: 220 + j * 130, y: 14 }, slot)));
  activities.forEach((activity, i) => {
    chart.append(svg('text', { x: 0, y: 40 + i * 26 }, activity.slice(0, 32)));
    slots.forEach((slot, j) => {
      const cell = cells.get(`${activity}|${j}`);
      if (!cell) return;
      const share = cell.yes / cell.all;
      const rect = svg('rect', { x: 220 + j * 130, y: 24 + i * 26, width: 120, height: 22, fill: `rgba(16, 172, 132, ${0.15 + 0.85 * share})` });
      rect.append(svg('title', {}, `${activity}, ${slot}: ${cell.yes} of ${cell.all} right time`));
      chart.append(rect, svg('text', { x: 226 + j * 130, y: 40 + i * 26 }, `${cell.yes}/${cell.all}`));
    });
  });
  return chart;
}

function training(status) {
  const model = status.model ?? {};
  if (!model.trained_at) return `Not trained yet${model.problem ? ` (${model.problem})` : ''}. Run \`vrdndi train\` once you have labels.`;
  const metrics = model.last_metrics ? ` Validation: ${JSON.stringify(model.last_metrics)}` : '';
  return `Last trained ${new Date(model.trained_at).toLocaleString()}.${metrics}`;
}

async function start() {
  try {
    const [{ labels, settings }, status] = await Promise.all([allLabels(), ask({ type: 'status' })]);
    document.getElementById('over-time').replaceChildren(overTime(labels));
    document.getElementById('runs').replaceChildren(runsChart(settings.retrain_runs));
    document.getElementById('contexts').replaceChildren(contexts(labels));
    document.getElementById('training').textContent = training(status);
    document.body.dataset.ready = 'true';
  } catch (error) {
    const problem = document.getElementById('problem');
    problem.hidden = false;
    problem.textContent = `Cannot read what was learned: ${error.message}`;
    document.body.dataset.ready = 'error';
  }
}

start();
