// Why: the studio's grid view shows a dozen videos of the history at once, each card with the same
// four labels as the single view, so a person can label at a glance; the studio (studio.js) keeps
// the state, the keys and the store's counts, this only draws cards and says which one is current.
import { el, thumbnail, LABEL_TEXT } from './common.js';

export const GRID_SIZE = 12;

function card(item, position, handlers) {
  const v = item.video;
  const given = new Set(item.labels.map((l) => l.kind));
  const buttons = Object.entries(LABEL_TEXT).map(([kind, text]) => {
    const button = el('button', { type: 'button', textContent: text, dataset: { kind } });
    button.setAttribute('aria-pressed', String(given.has(kind)));
    button.addEventListener('click', () => handlers.label(position, kind));
    return button;
  });
  const node = el('li', { className: 'card', tabIndex: -1, dataset: { position: String(position), videoId: v.video_id } },
    thumbnail(v.video_id) ?? '',
    el('p', { className: 'title', textContent: v.title || v.video_id }),
    el('p', { className: 'channel', textContent: v.channel ?? '' }),
    el('div', { className: 'labels', role: 'group', 'aria-label': `Labels for ${v.title || v.video_id}` }, ...buttons));
  node.addEventListener('focusin', () => handlers.focus(position));
  node.addEventListener('click', (event) => { if (!event.target.closest('button')) handlers.focus(position); });
  return node;
}

// Draws the cards of `page` (history items from `start`) into `list`.
export function renderGrid(list, page, start, handlers) {
  list.replaceChildren(...page.items.map((item, i) => card(item, start + i, handlers)));
}

// Marks the card at `position` as the current one and gives it focus (unless focus is inside it).
export function markCurrent(list, position) {
  for (const node of list.children) {
    const current = node.dataset.position === String(position);
    if (current) node.setAttribute('aria-current', 'true');
    else node.removeAttribute('aria-current');
    if (current && !node.contains(document.activeElement)) node.focus();
  }
}

// Cards per row as laid out now (arrow up and down move by a row).
export function columns(list) {
  const cards = [...list.children];
  if (cards.length === 0) return 1;
  const top = cards[0].offsetTop;
  return Math.max(1, cards.filter((c) => c.offsetTop === top).length);
}
