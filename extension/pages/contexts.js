// Why: "which kinds of videos rise in which contexts" reads the context stored with each timing
// label: its main activity (the ActivityWatch category, else the app, with the most time in the
// model's window before the label) and its time of day make a cell; per cell we draw the share of
// "right time" and list the channels and title words of the videos labelled "right time" there
// against those labelled "not now". Simple counts: no model, so a person can check them.
import { el, svg } from './common.js';

export const SLOTS = Object.freeze(['night (0-6)', 'morning (6-12)', 'afternoon (12-18)', 'evening (18-24)']);
const SLOT_WORDS = Object.freeze(['at night', 'in the morning', 'in the afternoon', 'in the evening']);

// Words that say nothing about a video's kind: English function words and YouTube's own filler.
const STOP = new Set(`a about after all also an and any are as at be been before being but by can could did do does don
  during each even every for from get gets got had has have how i if in into is it its just like make makes me more most
  my new no not now of off on one only or our out over part so some than that the their them then there these they this
  those through to too up us very vs was we were what when where which while who why will with without you your
  official video videos full episode ep live shorts short hd 4k new best top ways way things thing day days`.split(/\s+/));

// The category (or app) that took the most time in a label's context.
export function mainActivity(context) {
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

// A title's words once each: lower case, letters and digits (any script, `lo-fi` and `c++` kept
// whole), no stop words or numbers.
export function titleWords(title) {
  const words = String(title ?? '').toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}][\p{L}\p{N}+#]*(?:-[\p{L}\p{N}]+)*/gu) ?? [];
  return [...new Set(words.filter((w) => w.length > 1 && !STOP.has(w) && !/^\d+$/.test(w)))];
}

// The timing labels in force, by cell: `activity|slot` -> { activity, slot, right: [], notNow: [] }.
export function contextCells(labels) {
  const cells = new Map();
  for (const l of labels) {
    if (l.undone_at || !['right_time', 'not_now'].includes(l.kind)) continue;
    const activity = mainActivity(l.context);
    const slot = Math.floor(new Date(l.at).getHours() / 6);
    const key = `${activity}|${slot}`;
    const cell = cells.get(key) ?? { activity, slot, right: [], notNow: [] };
    (l.kind === 'right_time' ? cell.right : cell.notNow).push(l.video);
    cells.set(key, cell);
  }
  return cells;
}

// The most frequent channels of `videos`, most first (ties by name).
export function topChannels(videos, n = 3) {
  const counts = new Map();
  for (const v of videos) if (v.channel) counts.set(v.channel, (counts.get(v.channel) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, n);
}

// The words that set `videos` apart from `others`: by the share of titles holding the word here
// minus the share there, then by count; only words found more often here.
export function distinctiveWords(videos, others, n = 5) {
  const share = (list) => {
    const counts = new Map();
    for (const v of list) for (const w of titleWords(v.title)) counts.set(w, (counts.get(w) ?? 0) + 1);
    return counts;
  };
  const here = share(videos);
  const there = share(others);
  return [...here]
    .map(([word, count]) => [word, count, count / videos.length - (there.get(word) ?? 0) / Math.max(1, others.length)])
    .filter(([, , lead]) => lead > 0)
    .sort(([a, x, p], [b, y, q]) => q - p || y - x || a.localeCompare(b))
    .slice(0, n)
    .map(([word, count]) => [word, count]);
}

// The share of "right time" per cell, as a grid of shaded cells.
export function shareChart(cells) {
  if (cells.size === 0) return el('p', { textContent: 'No "right time" or "not now" labels yet.' });
  const activities = [...new Set([...cells.values()].map((c) => c.activity))].sort();
  const chart = svg('svg', { width: 220 + SLOTS.length * 130, height: 30 + activities.length * 26, role: 'img', id: 'context-chart' });
  SLOTS.forEach((slot, j) => chart.append(svg('text', { x: 220 + j * 130, y: 14 }, slot)));
  activities.forEach((activity, i) => {
    chart.append(svg('text', { x: 0, y: 40 + i * 26 }, activity.slice(0, 32)));
    SLOTS.forEach((slot, j) => {
      const cell = cells.get(`${activity}|${j}`);
      if (!cell) return;
      const yes = cell.right.length;
      const all = yes + cell.notNow.length;
      const rect = svg('rect', { x: 220 + j * 130, y: 24 + i * 26, width: 120, height: 22, fill: `rgba(16, 172, 132, ${0.15 + (0.85 * yes) / all})` });
      rect.append(svg('title', {}, `${activity}, ${slot}: ${yes} of ${all} right time`));
      chart.append(rect, svg('text', { x: 226 + j * 130, y: 40 + i * 26 }, `${yes}/${all}`));
    });
  });
  return chart;
}

function side(name, className, videos, others) {
  const channels = topChannels(videos);
  const words = distinctiveWords(videos, others);
  const list = (items, kind) => el('ul', { className: kind }, ...items.map(([text, count]) => el('li', { textContent: text, dataset: { count: String(count) } })));
  return [
    el('dt', { textContent: `${name} (${videos.length})` }),
    el('dd', { className },
      videos.length ? list(channels, 'channels') : el('span', { textContent: 'none' }),
      words.length ? el('span', { textContent: 'words:' }) : null,
      words.length ? list(words, 'words') : null),
  ];
}

// Per cell, in words: "While Work > Programming in the evening: Fireship, ThePrimeagen; words: rust, async".
export function kindsList(cells) {
  if (cells.size === 0) return el('p', { textContent: 'Label videos "right time" or "not now" to see what fits where.' });
  const sorted = [...cells.values()].sort((a, b) => a.activity.localeCompare(b.activity) || a.slot - b.slot);
  return el('div', { id: 'context-kinds' }, ...sorted.map((cell) => {
    const summary = [topChannels(cell.right).map(([c]) => c).join(', '), distinctiveWords(cell.right, cell.notNow).map(([w]) => w).join(', ')];
    const sentence = cell.right.length
      ? `While ${cell.activity} ${SLOT_WORDS[cell.slot]}: ${summary[0]}${summary[1] ? `; words: ${summary[1]}` : ''}`
      : `While ${cell.activity} ${SLOT_WORDS[cell.slot]}: nothing labelled "right time" yet`;
    return el('article', { className: 'kinds', dataset: { activity: cell.activity, slot: String(cell.slot) } },
      el('h3', { textContent: sentence }),
      el('dl', {}, ...side('Right time', 'right', cell.right, cell.notNow), ...side('Not now', 'not-now', cell.notNow, cell.right)));
  }));
}
