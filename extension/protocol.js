// The JavaScript mirror of the Vrdndi protocol (crate `vrdndi-protocol`, PROTOCOL.md), in one place.
//
// Why one file that is both a classic script and a side-effect module: the content script is a
// classic script (content scripts cannot be modules), while the background and the popup are
// modules. This file has no import/export; it defines `globalThis.vrdndiProtocol`, so the content
// script lists it before content.js and the modules `import './protocol.js'`. A cargo test
// (wasm/tests/protocol_mirror.rs) loads it with node and checks every name, code and built message
// against the Rust definitions, so the two cannot drift.
(function (global) {
  'use strict';

  const PROTOCOL_VERSION = 1;
  const HOST_NAME = 'org.vrdndi.host';
  // Chrome's cap on host-to-browser messages; the host holds both directions to it.
  const MAX_MESSAGE_BYTES = 1048576;

  const REQUEST_TYPES = Object.freeze([
    'hello', 'rank', 'feedback', 'undo', 'watched', 'status', 'context', 'import', 'train',
    'history_page', 'export', 'import_labels', 'feed',
  ]);
  const RESPONSE_TYPES = Object.freeze([
    'hello', 'ranked', 'ack', 'status', 'context', 'imported', 'trained', 'error',
    'history_page', 'exported', 'labels_imported', 'feed',
  ]);

  // Stable, append-only (protocol/src/error.rs).
  const ERROR_CODES = Object.freeze({
    malformed_frame: 1,
    message_too_large: 2,
    invalid_utf8: 3,
    invalid_json: 4,
    unknown_type: 5,
    invalid_request: 6,
    unsupported_version: 7,
    internal: 8,
    store_unavailable: 9,
    model_unavailable: 10,
    not_found: 11,
    timeout: 12,
    not_enough_data: 13,
  });

  const FEEDBACK_KINDS = Object.freeze(['like', 'dislike', 'remove_like', 'interesting', 'not_interesting', 'right_time', 'not_now']);
  const FEEDBACK_SOURCES = Object.freeze(['youtube', 'popup', 'feed_page', 'studio', 'import']);
  const VIDEO_KINDS = Object.freeze(['video', 'short', 'live', 'upcoming', 'premiere', 'ad', 'music']);
  const SURFACES = Object.freeze(['home', 'subscriptions', 'watch', 'cli']);

  // The popup's four labels (the seed's feedback buttons), in display order.
  const LABELS = Object.freeze([
    Object.freeze({ kind: 'interesting', text: 'Interesting', key: 'i' }),
    Object.freeze({ kind: 'not_interesting', text: 'Not interesting', key: 'x' }),
    Object.freeze({ kind: 'right_time', text: 'Right time', key: 'r' }),
    Object.freeze({ kind: 'not_now', text: 'Not now', key: 'n' }),
  ]);

  // Extension-side problems (not protocol error codes): what the popup shows and why. The page's
  // own (wasm/src/problem.rs) and the background's. `host_error` carries a protocol error name.
  const PROBLEMS = Object.freeze({
    host_absent: 'The Vrdndi host is not installed for this browser.',
    host_forbidden: 'The Vrdndi host is installed but does not allow this extension id.',
    host_exited: 'The Vrdndi host stopped unexpectedly.',
    host_incompatible: 'The Vrdndi host speaks another protocol version; update both to the same release.',
    host_timeout: 'The Vrdndi host did not answer in time.',
    host_error: 'The Vrdndi host could not do what was asked.',
    wasm_refused: "This page's security policy refused Vrdndi's WebAssembly, so YouTube's order was kept.",
    markup_changed: "YouTube's page layout changed; YouTube's order was kept.",
    grid_not_found: 'No video grid was found on this Home page.',
    internal: 'Something went wrong inside Vrdndi; YouTube\u2019s order was kept.',
    encode_failed: 'A message could not be written.',
    reply_invalid: 'A reply could not be read.',
    settings_invalid: 'The settings were not applied.',
    extension_error: 'The page lost contact with the extension (was it reloaded?).',
  });

  // What the person can set (wasm/src/settings.rs), stored in storage.local under STORAGE_KEY.
  const STORAGE_KEY = 'settings';
  const SETTINGS_KEYS = Object.freeze(['hideBelow', 'hideShorts', 'boostChannels', 'blockChannels']);

  // Messages between the extension's own parts (runtime.sendMessage `kind`).
  const MESSAGES = Object.freeze({
    warm: 'vrdndi/warm', // content -> background, at document_start: start the host early
    host: 'vrdndi/host', // content -> background: { request } -> { reply } | { problem }
    report: 'vrdndi/report', // content -> background: { code, message }
    page: 'vrdndi/page', // content -> background: { page, url }
    popupState: 'vrdndi/popup-state', // popup -> background: { tabId } -> state
    label: 'vrdndi/label', // popup -> background: { tabId, videoId, label } -> { reply, feedbackId }
    undo: 'vrdndi/undo', // popup -> background: { tabId, videoId, feedbackId } -> { reply }
  });

  // Request bodies (without `id`: the background's host port numbers them).
  const build = Object.freeze({
    hello: (client) => ({ type: 'hello', protocol: PROTOCOL_VERSION, client: String(client || '') }),
    rank: (tiles, surface = 'home') => ({ type: 'rank', surface, tiles }),
    feedback: ({ feedbackId, video, kind, source = 'popup' }) => {
      if (!FEEDBACK_KINDS.includes(kind)) throw new TypeError(`unknown feedback kind ${kind}`);
      if (!FEEDBACK_SOURCES.includes(source)) throw new TypeError(`unknown feedback source ${source}`);
      return { type: 'feedback', feedback_id: String(feedbackId), video: video_(video), kind, source };
    },
    undo: (feedbackId) => ({ type: 'undo', feedback_id: String(feedbackId) }),
    watched: ({ video, fraction, watchedS = 0 }) => ({ type: 'watched', video: video_(video), fraction: Number(fraction), watched_s: Number(watchedS) }),
    status: () => ({ type: 'status' }),
  });

  // A `Video` with only the fields the protocol knows, so untrusted page text cannot add others.
  function video_(video) {
    const out = { video_id: String(video.video_id), title: String(video.title || '') };
    for (const key of ['channel', 'channel_id', 'description', 'published_text', 'uploaded_at']) {
      if (typeof video[key] === 'string' && video[key] !== '') out[key] = video[key];
    }
    if (Number.isInteger(video.duration_s) && video.duration_s >= 0) out.duration_s = video.duration_s;
    out.kind = VIDEO_KINDS.includes(video.kind) ? video.kind : 'video';
    return out;
  }

  function errorName(code) {
    return Object.keys(ERROR_CODES).find((name) => ERROR_CODES[name] === code) || `error_${code}`;
  }

  global.vrdndiProtocol = Object.freeze({
    PROTOCOL_VERSION,
    HOST_NAME,
    MAX_MESSAGE_BYTES,
    REQUEST_TYPES,
    RESPONSE_TYPES,
    ERROR_CODES,
    FEEDBACK_KINDS,
    FEEDBACK_SOURCES,
    VIDEO_KINDS,
    SURFACES,
    LABELS,
    PROBLEMS,
    STORAGE_KEY,
    SETTINGS_KEYS,
    MESSAGES,
    build,
    video: video_,
    errorName,
  });
})(globalThis);
