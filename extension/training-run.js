// Why: the popup and the "what the model learned" page both say when the model last trained and
// what changed, in the same words, from `status.last_training` (one run as the daemon recorded it).

const WHY = Object.freeze({ labels: 'after enough new labels', daily: 'daily', request: 'asked for (vrdndi train)' });
const HEADS = Object.freeze([['interest', 'interest'], ['productive', 'right time']]);

// { when, outcome, changes: ["interest F1 0.61 → 0.66", ...] } for one run; null for none.
export function describeRun(run) {
  if (!run) return null;
  const when = `${new Date(run.at).toLocaleString()}, ${WHY[run.why] ?? run.why}, on ${run.labels} label${run.labels === 1 ? '' : 's'}`;
  if (run.error) return { when, outcome: `Failed (the model in use stays): ${run.error}`, changes: [] };
  const decision = run.decision ? `: ${run.decision}` : '';
  const outcome = run.replaced ? `The new model replaced the old one${decision}` : `The old model was kept${decision}`;
  const changes = [];
  for (const [head, name] of HEADS) {
    const after = run.f1?.[head];
    if (typeof after !== 'number') continue;
    const before = run.previous_f1?.[head];
    // With `same_labels`, both numbers are the two models on the same newest labels.
    const basis = run.same_labels ? ` on the same ${run.same_labels} newest labels` : '';
    changes.push(typeof before === 'number'
      ? `${name} F1 ${before.toFixed(2)} → ${after.toFixed(2)}${basis}`
      : `${name} F1 ${after.toFixed(2)} (no model before)`);
  }
  return { when, outcome, changes };
}

// The validation F1 of each head in `status.model.last_metrics.mean`, as words.
export function describeMetrics(metrics) {
  const mean = metrics?.mean ?? {};
  return HEADS.filter(([head]) => typeof mean[head]?.f1 === 'number').map(([head, name]) => `${name} F1 ${mean[head].f1.toFixed(2)}`).join(', ');
}
