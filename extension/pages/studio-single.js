// Why: the studio's single view, one video large with its thumbnail, what the history says about it
// and the four label buttons; split from studio.js so that file holds only the state and the keys.
import { el, thumbnail } from './common.js';

export function renderSingle(item) {
  const video = document.getElementById('video');
  video.replaceChildren();
  for (const button of document.querySelectorAll('#buttons button')) {
    const given = item?.labels.some((l) => l.kind === button.dataset.kind) ?? false;
    button.setAttribute('aria-pressed', String(given));
    button.disabled = !item;
  }
  if (!item) return;
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
