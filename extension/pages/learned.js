// "What the model learned": pictures drawn here as SVG from JSON the host returns (no chart
// library): labels per week from the labels export, the last training as `status` reports it and
// every run's validation F1, (contexts.js) which kinds of videos are "right time" where, and
// (eval-table.js) the last offline evaluation.
import { ask, el, svg } from './common.js';
import { contextCells, kindsList, shareChart } from './contexts.js';
import { evalTable } from './eval-table.js';
import { describeMetrics, describeRun } from '../training-run.js';

const KINDS = ['interesting', 'not_interesting', 'right_time', 'not_now', 'like', 'dislike'];
const COLOURS = { interesting: '#2e86de', not_interesting: '#8395a7', right_time: '#10ac84', not_now: '#ee5253', like: '#54a0ff', dislike: '#c8d6e5' };

async function allLabels() {
  const labels = [];
  for (;;) {
    const reply = await ask({ type: 'export', offset: labels.length, limit: 200 });
    labels.push(...reply.labels);
    if (reply.labels.length === 0 || labels.length >= reply.total) return { labels, settings: reply.settings };
  }
}

// The daemon's training runs, in the background or asked for (settings `retrain_runs`): validation F1 of each head per
// run, as points joined by lines; a failed run is a gap with its reason in a tooltip.
function runsChart(runs) {
  if (!Array.isArray(runs) || runs.length === 0) return el('p', { textContent: 'No training run yet (one starts after 20 new labels, or daily, or with `vrdndi train`).' });
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

function training(status) {
  const model = status.model ?? {};
  const metrics = describeMetrics(model.last_metrics);
  const trained = model.trained_at
    ? `Last trained ${new Date(model.trained_at).toLocaleString()}${metrics ? ` (validation: ${metrics})` : ''}.`
    : `Not trained yet${model.problem ? ` (${model.problem})` : ''}. Run \`vrdndi train\` once you have labels.`;
  const run = describeRun(status.last_training);
  return run ? `${trained} Last run: ${run.when}. ${run.outcome}.${run.changes.length ? ` ${run.changes.join(', ')}.` : ''}` : trained;
}

async function start() {
  try {
    const [{ labels, settings }, status] = await Promise.all([allLabels(), ask({ type: 'status' })]);
    document.getElementById('over-time').replaceChildren(overTime(labels));
    document.getElementById('runs').replaceChildren(runsChart(settings.retrain_runs));
    const cells = contextCells(labels);
    document.getElementById('contexts').replaceChildren(shareChart(cells));
    document.getElementById('kinds').replaceChildren(kindsList(cells));
    document.getElementById('training').textContent = training(status);
    document.getElementById('evaluation').replaceChildren(evalTable(settings.last_eval));
    document.body.dataset.ready = 'true';
  } catch (error) {
    const problem = document.getElementById('problem');
    problem.hidden = false;
    problem.textContent = `Cannot read what was learned: ${error.message}`;
    document.body.dataset.ready = 'error';
  }
}

start();
