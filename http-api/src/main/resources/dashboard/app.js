// Tickcast dashboard: hash routes (#/market, #/ticker/AAPL, #/watches, #/cluster, #/models),
// the API key (asked once, kept in sessionStorage), the live connection and alert toasts.

import { auth, bus } from './api.js';
import { el, problemBox } from './dom.js';
import { AlertStream, LiveStream, TickerStore } from './live.js';
import { metrics } from './metrics.js';
import * as market from './market.js';
import * as ticker from './ticker.js';
import * as watches from './watches.js';
import { alertText } from './watches.js';
import * as cluster from './cluster.js';
import * as models from './models.js';

const views = { market, ticker, watches, cluster, models };
const ALERTS_KEPT = 100;
const TOAST_MS = 10_000;

const store = new TickerStore();
store.ready = new Promise(() => {}); // until there is a key
const live = new LiveStream(store);
const alerts = new AlertStream();
const alertLog = [];

const $ = (id) => document.getElementById(id);
const viewRoot = $('view');
const conn = $('conn');
const banner = $('banner');
const dialog = $('key-dialog');
const keyForm = $('key-form');
const keyInput = $('key-input');
const keyMessage = $('key-message');
let unmount = null;

const context = {
  store,
  live,
  alerts,
  alertLog,
  showError: (error, into) => into.append(problemBox(error)),
};

// ---- routing ------------------------------------------------------------------------------

function parseHash() {
  const [name, arg] = (location.hash.replace(/^#\/?/, '') || 'market').split('/').map((p) => decodeURIComponent(p));
  if (name === 'ticker' && arg) return { name, params: { ticker: arg.toUpperCase() } };
  if (name === 'watches') return { name, params: { ticker: arg ? arg.toUpperCase() : '' } };
  return views[name] && name !== 'ticker' ? { name, params: {} } : { name: 'market', params: {} };
}

function route() {
  const { name, params } = parseHash();
  if (unmount) unmount();
  unmount = null;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === name);
  document.title = (params.ticker && name === 'ticker' ? params.ticker + ' · ' : '') + 'Tickcast';
  viewRoot.dataset.view = name;
  unmount = views[name].mount(viewRoot, params, context) || null;
}

// ---- the key and the connection ---------------------------------------------------------

function askForKey(message) {
  metrics.askedForKey = true;
  keyMessage.hidden = !message;
  keyMessage.textContent = message || '';
  keyInput.value = '';
  dialog.hidden = false;
  keyInput.focus();
}

keyForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const key = keyInput.value.trim();
  if (!key) return;
  auth.set(key);
  dialog.hidden = true;
  connect();
  route(); // the view reloads with the new key
});

dialog.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && auth.key) dialog.hidden = true;
});
$('key-button').addEventListener('click', () => askForKey(''));

bus.addEventListener('unauthorized', (e) => {
  if (!dialog.hidden) return;
  live.stop();
  alerts.stop();
  const p = e.detail.problem || {};
  askForKey(`The node refused the key: ${p.detail || p.title || 'unauthorized'}. Enter another.`);
});

function showBanner(error) {
  banner.replaceChildren(problemBox(error, el('button', { type: 'button', class: 'ghost', text: 'Retry', onclick: () => connect() })));
  banner.hidden = false;
}

async function connect() {
  banner.hidden = true;
  store.ready = store.load();
  live.start();
  alerts.start();
  try {
    await store.ready;
  } catch (e) {
    if (e.status !== 401) showBanner(e);
  }
}

live.addEventListener('state', (e) => {
  conn.dataset.state = e.detail.state;
  conn.lastChild.textContent = e.detail.state;
});
live.addEventListener('resync', (e) => toast('Resynchronised', e.detail.reason, 'info'));

// ---- alerts ------------------------------------------------------------------------------

alerts.addEventListener('alert', (e) => {
  const a = e.detail;
  alertLog.unshift(a);
  alertLog.length = Math.min(alertLog.length, ALERTS_KEPT);
  toast(`Alert: ${a.ticker}`, alertText(a), 'alert', a.alertId);
});

function toast(title, text, kind, id) {
  const box = $('toasts');
  const t = el('div', { class: 'toast ' + kind, role: 'status', dataset: { alert: id || '' }, title: 'Click to dismiss' }, el('b', { text: title }), text);
  t.addEventListener('click', () => t.remove());
  box.prepend(t);
  while (box.children.length > 5) box.lastChild.remove();
  setTimeout(() => t.remove(), TOAST_MS);
}

// ---- start --------------------------------------------------------------------------------

window.addEventListener('hashchange', route);
if (auth.key) connect();
else askForKey('');
route();
