// One long-lived native messaging port to the Vrdndi host, with hello, request ids and timeouts.
//
// Why one port: `sendNativeMessage` starts a host process per message; an open `connectNative`
// port keeps one host (and, in Chrome, the service worker) alive. The port says hello first and
// holds other requests until the host answers it. A lost port fails every request in flight
// with the reason the browser gave, then waits before trying again (1 s, doubling to 60 s):
// requests made while waiting fail at once with the last problem, so a page never waits on a
// host that is not there. A request that gets no reply in its time fails with `host_timeout`.
import './protocol.js';

const P = globalThis.vrdndiProtocol;

// Per request type, milliseconds. Ranking a cold slate embeds every title; status asks ActivityWatch.
const TIMEOUTS = { hello: 5000, rank: 15000, status: 10000, default: 10000 };
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 60000;

export class HostProblem extends Error {
  constructor(code, message, detail) {
    super(message);
    this.name = 'HostProblem';
    this.code = code;
    this.detail = detail;
  }
}

// The reason the browser gave for a closed port, as one of protocol.js's PROBLEMS.
export function problemFromDisconnect(message) {
  const text = String(message || '');
  if (/not found|no such native application/i.test(text)) return 'host_absent';
  if (/forbidden/i.test(text)) return 'host_forbidden';
  return 'host_exited';
}

export class HostPort {
  // connectNative: (name) => Port (chrome.runtime.connectNative); lastError: () => message of the
  // last runtime error (Chrome reports a port's end there; Firefox on port.error).
  constructor({ connectNative, lastError = () => undefined, client, now = () => Date.now(), onChange = () => {}, timeouts = {} }) {
    this.connectNative = connectNative;
    this.timeouts = { ...TIMEOUTS, ...timeouts };
    this.lastError = lastError;
    this.client = client;
    this.now = now;
    this.onChange = onChange;
    this.port = null;
    this.ready = false;
    this.hello = null; // the host's hello reply
    this.nextId = 1;
    this.pending = new Map(); // id -> { resolve, reject, timer, type }
    this.queue = []; // requests waiting for the hello reply
    this.problem = null; // { code, message, at }
    this.retryAt = 0;
    this.backoff = BACKOFF_FIRST_MS;
  }

  get state() {
    if (this.ready) return 'connected';
    if (this.port) return 'connecting';
    return this.problem ? 'down' : 'idle';
  }

  // Sends a request body ({type, ...}); resolves with the host's response (including error
  // replies), rejects with a HostProblem when no response can come.
  request(body) {
    if (!this.port && this.now() < this.retryAt && this.problem) {
      return Promise.reject(new HostProblem(this.problem.code, this.problem.message));
    }
    if (!this.port) this.#connect();
    return new Promise((resolve, reject) => {
      const entry = { body, resolve, reject };
      if (this.ready) this.#send(entry);
      else this.queue.push(entry);
    });
  }

  // A YouTube tab is loading: the host and its daemon should be ready by the time it asks. Opens
  // the port unless it is waiting out its backoff; on a port already open, says hello again, which
  // makes a host that let an idle daemon go start it again while the page loads.
  warm() {
    if (this.ready) {
      this.request(P.build.hello(this.client)).catch(() => {});
    } else if (!this.port && !(this.now() < this.retryAt && this.problem)) {
      this.#connect();
    }
  }

  disconnect() {
    if (this.port) {
      this.port.disconnect();
      this.#closed('host_exited', 'disconnected by the extension');
    }
  }

  #connect() {
    let port;
    try {
      port = this.connectNative(P.HOST_NAME);
    } catch (error) {
      this.#closed('host_absent', error?.message ?? String(error));
      return;
    }
    this.port = port;
    this.ready = false;
    port.onMessage.addListener((message) => this.#onMessage(message));
    port.onDisconnect.addListener((p) => {
      const message = p?.error?.message ?? this.lastError() ?? 'the host closed the connection';
      if (this.port === port) this.#closed(problemFromDisconnect(message), message);
    });
    this.#send({
      body: P.build.hello(this.client),
      resolve: (reply) => this.#onHello(reply),
      reject: () => {},
    });
    this.onChange();
  }

  #onHello(reply) {
    if (reply.type === 'hello') {
      this.ready = true;
      this.hello = reply;
      this.problem = null;
      this.backoff = BACKOFF_FIRST_MS;
      const waiting = this.queue.splice(0);
      for (const entry of waiting) this.#send(entry);
    } else {
      const code = reply.type === 'error' && reply.code === P.ERROR_CODES.unsupported_version ? 'host_incompatible' : 'host_error';
      const port = this.port;
      this.#closed(code, reply.message ?? `unexpected hello reply ${reply.type}`);
      port?.disconnect();
    }
    this.onChange();
  }

  #send(entry) {
    const id = this.nextId++;
    const type = entry.body.type;
    const limit = this.timeouts[type] ?? this.timeouts.default;
    const timer = setTimeout(() => {
      if (this.pending.delete(id)) {
        entry.reject(new HostProblem('host_timeout', `no reply to ${type} within ${limit / 1000} s`));
      }
    }, limit);
    this.pending.set(id, { ...entry, timer, type });
    try {
      this.port.postMessage({ id, ...entry.body });
    } catch (error) {
      this.pending.delete(id);
      clearTimeout(timer);
      entry.reject(new HostProblem('host_exited', error?.message ?? String(error)));
    }
  }

  #onMessage(message) {
    const entry = message && typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!entry) return; // a reply we gave up on, or one without an id
    this.pending.delete(message.id);
    clearTimeout(entry.timer);
    entry.resolve(message);
  }

  #closed(code, message) {
    this.port = null;
    this.ready = false;
    this.problem = { code, message, at: this.now() };
    this.retryAt = this.now() + this.backoff;
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    const failed = [...this.pending.values(), ...this.queue.splice(0)];
    this.pending.clear();
    for (const entry of failed) {
      clearTimeout(entry.timer);
      entry.reject(new HostProblem(code, message));
    }
    this.onChange();
  }
}
