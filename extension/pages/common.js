// What the extension's own pages (studio, feed, learned) share: their own port to the host, a
// status line that says what was stored, and the four labels.
//
// Why a port per page instead of the background's: these pages are extension pages with the
// nativeMessaging permission, so they can talk to the host directly; that keeps the background
// (another engineer's, tuned for the YouTube tabs) unchanged. Each port starts a thin relay host
// process that forwards to the one daemon, so every page sees the same store.
import '../protocol.js';
import { HostPort, HostProblem } from '../host-port.js';

export const P = globalThis.vrdndiProtocol;
export const api = globalThis.browser ?? globalThis.chrome;

export const host = new HostPort({
  connectNative: (name) => api.runtime.connectNative(name),
  lastError: () => api.runtime.lastError?.message,
  client: `vrdndi-extension/${api.runtime.getManifest().version} (pages)`,
});

// The host's reply to `body`; an error reply or a lost host becomes a thrown Error with a message
// a person can read.
export async function ask(body) {
  let reply;
  try {
    reply = await host.request(body);
  } catch (error) {
    if (error instanceof HostProblem) throw new Error(`${P.PROBLEMS[error.code] ?? error.code} (${error.message})`);
    throw error;
  }
  if (reply.type === 'error') throw new Error(`${reply.name}: ${reply.message}`);
  return reply;
}

export const LABEL_TEXT = Object.freeze({
  interesting: 'Interesting',
  not_interesting: 'Not interesting',
  right_time: 'Right time',
  not_now: 'Not now',
});

// Sends one of the four labels for `video`; resolves with { feedbackId, stored }.
export async function giveLabel(video, kind, source) {
  const feedbackId = crypto.randomUUID();
  const reply = await ask(P.build.feedback({ feedbackId, video, kind, source }));
  return { feedbackId, stored: reply.stored };
}

export async function takeBack(feedbackId) {
  const reply = await ask(P.build.undo(feedbackId));
  return reply.stored;
}

// Shows `text` in the page's live region (#toast) for a few seconds.
let toastTimer;
export function toast(text, { error = false } = {}) {
  const element = document.getElementById('toast');
  if (!element) return;
  element.textContent = text;
  element.classList.toggle('error', error);
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { element.hidden = true; }, 4000);
}

// An element with text (never markup: titles are untrusted).
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// An SVG element (the pages draw their pictures by hand, no chart library).
export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// YouTube's thumbnail for an id (checked: 11 characters of the id alphabet), hidden if it fails.
export function thumbnail(videoId, size = 'mqdefault') {
  if (!/^[A-Za-z0-9_-]{11}$/.test(videoId)) return null;
  const img = el('img', { src: `https://i.ytimg.com/vi/${videoId}/${size}.jpg`, alt: '', loading: 'lazy', className: 'thumb' });
  img.addEventListener('error', () => { img.hidden = true; });
  return img;
}

export async function readLocal(key, fallback) {
  try {
    const stored = await api.storage.local.get(key);
    return stored[key] ?? fallback;
  } catch {
    return fallback;
  }
}

export async function writeLocal(key, value) {
  await api.storage.local.set({ [key]: value });
}
