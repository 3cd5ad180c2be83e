// The feed page: every candidate seen recently and the history's channels' videos, ranked for now
// by the host (`feed`), with reasons, "load more", the scroll position kept across a reload or a
// visit elsewhere, play in place (a youtube-nocookie embed) and the four labels with a toast that
// says what was stored.
//
// The order is the host's: it demotes what was watched or rated and spreads channels; this page
// only lays it out. The scroll position and how many were loaded live in sessionStorage, so the
// tab comes back where it was, as the seed's "back to feed" did.
import { ask, el, giveLabel, takeBack, thumbnail, toast, LABEL_TEXT } from './common.js';

const PAGE = 21;
const SCROLL_KEY = 'vrdndi:feed-scroll';
const state = { loaded: 0, total: 0 };

// Where the host saw a video (the feed's `sources`), in words.
const SOURCE_TEXT = {
  home: 'your Home page',
  subscriptions: 'your subscriptions page',
  watch: 'beside a video you watched',
  cli: 'vrdndi score',
  history_channel: 'a channel you watched before',
};

function card(item) {
  const v = item.video;
  const li = el('li', { dataset: { videoId: v.video_id, seen: String(item.seen) } });
  const player = el('div', { className: 'player' }, thumbnail(v.video_id) ?? el('div', { className: 'thumb' }));
  const play = el('button', { className: 'play', textContent: 'Play here' });
  play.addEventListener('click', () => {
    // Only an 11-character id gets here (the host checks every id it stores).
    const frame = el('iframe', {
      src: `https://www.youtube-nocookie.com/embed/${v.video_id}?autoplay=1`,
      title: v.title || v.video_id,
      allow: 'autoplay; encrypted-media; picture-in-picture; fullscreen',
      referrerPolicy: 'strict-origin-when-cross-origin',
    });
    player.replaceChildren(frame);
    play.remove();
  });
  const score = item.score ? ` · ${item.score.final.toFixed(2)}` : '';
  const labels = el('div', { className: 'labels', role: 'group', 'aria-label': 'Labels' });
  const given = new Map(); // kind -> feedbackId
  for (const [kind, text] of Object.entries(LABEL_TEXT)) {
    const button = el('button', { textContent: text, dataset: { kind }, 'aria-pressed': 'false' });
    button.addEventListener('click', async () => {
      try {
        if (given.has(kind)) {
          await takeBack(given.get(kind));
          given.delete(kind);
          button.setAttribute('aria-pressed', 'false');
          toast(`Undone: ${text} for "${v.title || v.video_id}".`);
          return;
        }
        const { feedbackId, stored } = await giveLabel(v, kind, 'feed_page');
        given.set(kind, feedbackId);
        button.setAttribute('aria-pressed', 'true');
        toast(`${stored ? 'Saved' : 'Already saved'}: ${text} for "${v.title || v.video_id}". Click again to undo.`);
      } catch (error) {
        toast(error.message, { error: true });
      }
    });
    labels.append(button);
  }
  li.append(
    player,
    play,
    el('p', { className: 'title', textContent: v.title || v.video_id }),
    el('p', { className: 'channel', textContent: `${v.channel ?? ''}${score}` }),
    el('p', { className: 'reasons', textContent: item.reasons.join(' · ') }),
    el('p', { className: 'sources', textContent: `From ${item.sources.map((s) => SOURCE_TEXT[s] ?? s).join(', ')}` }),
    labels,
  );
  return li;
}

async function loadMore(count = PAGE) {
  const reply = await ask({ type: 'feed', offset: state.loaded, limit: Math.min(count, 200) });
  state.total = reply.total;
  state.loaded += reply.items.length;
  document.getElementById('feed').append(...reply.items.map(card));
  const problem = document.getElementById('problem');
  problem.hidden = !reply.problem;
  problem.textContent = reply.problem ? `Listed newest first, not ranked: ${reply.problem}` : '';
  document.getElementById('summary').textContent = reply.total
    ? `${state.loaded} of ${reply.total} videos${reply.model ? ` · ranked by ${reply.model}` : ''}`
    : '';
  document.getElementById('more').hidden = state.loaded >= reply.total;
  document.getElementById('empty').hidden = reply.total > 0;
  document.body.dataset.model = reply.model;
  document.body.dataset.loaded = String(state.loaded);
}

function keepScroll() {
  let pending = false;
  addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ y: scrollY, loaded: state.loaded }));
    });
  }, { passive: true });
}

async function start() {
  document.getElementById('more').addEventListener('click', async () => {
    try {
      await loadMore();
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ y: scrollY, loaded: state.loaded }));
    } catch (error) {
      toast(error.message, { error: true });
    }
  });
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) ?? 'null');
  } catch {
    saved = null;
  }
  try {
    await loadMore(Math.max(PAGE, Number(saved?.loaded) || 0));
    if (saved?.y) scrollTo(0, saved.y);
    document.body.dataset.ready = 'true';
  } catch (error) {
    const problem = document.getElementById('problem');
    problem.hidden = false;
    problem.textContent = `Cannot read the feed: ${error.message}`;
    document.body.dataset.ready = 'error';
  }
  keepScroll();
}

start();
