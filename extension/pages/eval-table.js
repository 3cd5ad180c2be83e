// Why: `vrdndi eval takeout|context` keeps its last table in the store's settings (`last_eval`,
// see vrdndi_eval::Summary); the learned page shows it as a person would read it: which data,
// when, each method's metrics as a mean with its interval (drawn as a small bar by hand), and the
// findings. Without one it says how to run one.
import { el, svg } from './common.js';

const NONE = 'No offline evaluation yet. Run one to see here how the ranking compares with simple baselines: '
  + '`vrdndi eval takeout YOUR-TAKEOUT.zip --negatives TRENDING.csv` replays your watch history day by day, '
  + '`vrdndi eval context EXPORT.json --labels LABELS.jsonl` asks whether your activity helps (EVALUATION.md says more).';

// The interval as a line and the mean as a dot, on the column's scale.
function bar({ mean, lo, hi }, [min, max]) {
  const x = (v) => 2 + ((v - min) / (max - min || 1)) * 76;
  const picture = svg('svg', { width: 80, height: 10, 'aria-hidden': 'true', class: 'interval' });
  picture.append(svg('line', { x1: x(lo), x2: x(hi), y1: 5, y2: 5, stroke: 'currentColor', 'stroke-width': 2, opacity: 0.5 }));
  picture.append(svg('circle', { cx: x(mean), cy: 5, r: 3, fill: '#10ac84' }));
  return picture;
}

export function evalTable(summary) {
  if (!Array.isArray(summary?.rows) || summary.rows.length === 0) return el('p', { id: 'eval-none', textContent: NONE });
  const columns = summary.columns ?? [];
  const scales = columns.map((_, j) => {
    const cells = summary.rows.map((r) => r.cells?.[j]).filter(Boolean);
    return [Math.min(0, ...cells.map((c) => c.lo)), Math.max(1, ...cells.map((c) => c.hi))];
  });
  const best = columns.map((_, j) => Math.max(...summary.rows.map((r) => r.cells?.[j]?.mean ?? -Infinity)));
  const what = summary.kind === 'context' ? 'Context evaluation' : 'Takeout evaluation (next-day ranking)';
  const table = el('table', { id: 'eval-table' },
    el('caption', { textContent: `${what}, ${new Date(summary.at).toLocaleString()}` }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', textContent: summary.kind === 'context' ? 'Score' : 'Method' }),
      ...columns.map((c) => el('th', { scope: 'col', textContent: c })))),
    el('tbody', {}, ...summary.rows.map((row) => el('tr', { dataset: { method: row.name } },
      el('th', { scope: 'row', textContent: row.name }),
      ...columns.map((_, j) => {
        const c = row.cells?.[j];
        if (!c) return el('td', { textContent: '–' });
        return el('td', { className: c.mean === best[j] ? 'best' : '' },
          el('span', { className: 'mean', textContent: c.mean.toFixed(3) }), ' ',
          el('span', { className: 'range', textContent: `[${c.lo.toFixed(3)}, ${c.hi.toFixed(3)}]` }), bar(c, scales[j]));
      })))));
  return el('div', {},
    table,
    el('p', { className: 'help', textContent: `Mean and ${summary.intervals ?? 'interval'}; the best mean of each column in bold.` }),
    el('ul', { id: 'eval-data', className: 'help' }, ...(summary.data ?? []).map((line) => el('li', { textContent: line }))),
    el('ul', { id: 'eval-notes' }, ...(summary.notes ?? []).map((line) => el('li', { textContent: line }))));
}
