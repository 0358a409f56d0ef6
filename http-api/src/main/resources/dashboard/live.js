// Live data: the ticker store, kept current by the update stream (EventSource), and the caller's
// alert stream. Connection state: 'live', 'reconnecting' or 'offline'.

import { API, ApiError, api, auth, bus, errorOf } from './api.js';
import { metrics, now } from './metrics.js';

/** Disconnected this long (ms) while retrying: shown as offline rather than reconnecting. */
const OFFLINE_AFTER = 10_000;

/**
 * Every ticker's latest view (GET /tickers), updated by the stream. Dispatches 'change' with
 * detail {ticker, type: 'update'|'prediction'|'reset', id, sentAt, receivedAt}.
 */
export class TickerStore extends EventTarget {
  constructor() {
    super();
    this.views = new Map();
    this.loaded = false;
  }

  async load() {
    const { tickers } = await api('/tickers');
    // Updates that arrived while the snapshot was on its way may be newer than it.
    const fresh = new Map();
    for (const v of tickers) {
      const current = this.views.get(v.ticker);
      fresh.set(v.ticker, current && current.sequenceNr > v.sequenceNr ? current : v);
    }
    this.views = fresh;
    this.loaded = true;
    this.dispatchEvent(new CustomEvent('change', { detail: { type: 'reset' } }));
    return this.views;
  }

  applyUpdate(view, id, receivedAt) {
    const old = this.views.get(view.ticker);
    if (old && old.sequenceNr > view.sequenceNr) return; // a replayed, older update
    this.views.set(view.ticker, view);
    this.changed({ type: 'update', ticker: view.ticker, id, sentAt: Date.parse(view.updatedAt), receivedAt, previous: old });
  }

  applyPrediction(update, id, receivedAt) {
    const view = this.views.get(update.ticker);
    if (!view) return;
    const merged = { ...view };
    if (update.prediction) {
      merged.prediction = update.prediction;
      merged.predictionUnavailable = null;
    } else {
      merged.predictionUnavailable = update.unavailable;
    }
    this.views.set(update.ticker, merged);
    const sentAt = update.prediction ? Date.parse(update.prediction.issuedAt) : null;
    this.changed({ type: 'prediction', ticker: update.ticker, id, sentAt, receivedAt, update });
  }

  changed(detail) {
    this.dispatchEvent(new CustomEvent('change', { detail }));
  }
}

/**
 * GET /api/v1/stream through the browser's EventSource, which resumes by itself with
 * Last-Event-ID after a dropped connection. EventSource cannot send headers, so the key goes as
 * ?access_token= (the one place the API takes it from the URL). When the browser gives up (an
 * HTTP error), this finds out why: a 401 asks for the key; anything else is retried with backoff,
 * and the store re-read, as updates may have been missed.
 */
export class LiveStream extends EventTarget {
  constructor(store) {
    super();
    this.store = store;
    this.state = 'offline';
    this.source = null;
    this.failures = 0;
    this.disconnectedSince = Date.now();
    this.retryTimer = null;
    this.lastEventId = null;
    setInterval(() => this.tick(), 1000);
    window.addEventListener('offline', () => this.setState('offline'));
    window.addEventListener('online', () => {
      if (!this.source && auth.key) this.start();
    });
  }

  start() {
    this.stop();
    if (!auth.key) return;
    const url = `${API}/stream?events=update,prediction&access_token=${encodeURIComponent(auth.key)}`;
    const source = (this.source = new EventSource(url));
    this.lastEventId = null;
    this.dropped = false;
    source.onopen = () => {
      // A new EventSource (after the browser gave up) resumes from nothing; one that dropped
      // before its first event has no id to resume from: either may have missed updates.
      const resync = this.failures > 0 || (this.dropped && !this.lastEventId);
      this.dropped = false;
      this.failures = 0;
      this.disconnectedSince = null;
      this.setState('live');
      if (resync && this.store.loaded) this.resync('reconnected after the stream was closed');
    };
    source.addEventListener('update', (e) => {
      this.lastEventId = e.lastEventId;
      this.store.applyUpdate(JSON.parse(e.data), e.lastEventId, now());
    });
    source.addEventListener('prediction', (e) => {
      this.lastEventId = e.lastEventId;
      this.store.applyPrediction(JSON.parse(e.data), e.lastEventId, now());
    });
    // The node could not replay from the position the browser resumed from (Last-Event-ID).
    source.addEventListener('gap', (e) => {
      metrics.gaps++;
      const gap = JSON.parse(e.data);
      this.resync(gap.reason || 'updates were missed');
    });
    source.onerror = () => {
      this.dropped = true;
      if (this.disconnectedSince == null) this.disconnectedSince = Date.now();
      if (source.readyState === EventSource.CLOSED) {
        this.closed();
      } else {
        this.tick(); // the browser reconnects by itself, sending Last-Event-ID
      }
    };
  }

  stop() {
    clearTimeout(this.retryTimer);
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }

  /** The browser gave up: an HTTP error (401, 429, 5xx) or a response that is not a stream. */
  async closed() {
    this.stop();
    this.failures++;
    this.tick();
    try {
      await api('/tickers'); // why? a 401 here asks for the key (via the bus)
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        this.setState('offline');
        return; // restarted once a key is given
      }
    }
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.failures - 1, 5));
    this.retryTimer = setTimeout(() => this.start(), delay);
  }

  async resync(reason) {
    metrics.resyncs++;
    this.dispatchEvent(new CustomEvent('resync', { detail: { reason } }));
    try {
      await this.store.load();
    } catch {
      // shown by the views that need the data
    }
  }

  tick() {
    if (this.state === 'live' && this.source && this.source.readyState === EventSource.OPEN) return;
    if (!navigator.onLine) return this.setState('offline');
    if (this.disconnectedSince == null) return;
    this.setState(Date.now() - this.disconnectedSince > OFFLINE_AFTER ? 'offline' : 'reconnecting');
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state } }));
  }
}

/**
 * GET /api/v1/alerts/stream (the caller's alerts; trader keys), read with fetch so the key goes
 * in the Authorization header, not the URL. Resumes with Last-Event-ID after a dropped
 * connection. Dispatches 'alert' (detail: AlertUpdate), 'refused' (detail: ApiError, for 401/403:
 * not retried) and 'gap'.
 */
export class AlertStream extends EventTarget {
  constructor() {
    super();
    this.controller = null;
    this.lastEventId = null;
    this.refusal = null;
  }

  start() {
    this.stop();
    if (!auth.key) return;
    this.refusal = null;
    const controller = (this.controller = new AbortController());
    this.run(controller.signal);
  }

  stop() {
    if (this.controller) this.controller.abort();
    this.controller = null;
  }

  async run(signal) {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const headers = { Accept: 'text/event-stream', Authorization: 'Bearer ' + auth.key };
        if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
        const res = await fetch(API + '/alerts/stream', { headers, signal, cache: 'no-store' });
        if (res.status === 401 || res.status === 403) {
          this.refusal = await errorOf(res);
          this.dispatchEvent(new CustomEvent('refused', { detail: this.refusal }));
          if (res.status === 401) bus.dispatchEvent(new CustomEvent('unauthorized', { detail: this.refusal }));
          return;
        }
        if (!res.ok) throw await errorOf(res);
        failures = 0;
        await this.read(res.body, signal);
      } catch (e) {
        if (signal.aborted) return;
      }
      failures++;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5))));
    }
  }

  /** Server-Sent Events framing: fields up to a blank line make one event. */
  async read(body, signal) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { type: 'message', data: [], id: null };
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let nl;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (event.id != null) this.lastEventId = event.id;
          if (event.data.length) this.dispatch(event.type, event.data.join('\n'));
          event = { type: 'message', data: [], id: null };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') event.data.push(val);
        else if (field === 'event') event.type = val;
        else if (field === 'id') event.id = val;
      }
    }
  }

  dispatch(type, data) {
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    this.dispatchEvent(new CustomEvent(type === 'gap' ? 'gap' : 'alert', { detail: parsed }));
  }
}
