// Watches: create, list and delete the caller's watches; the alerts they fired (live).

import { api } from './api.js';
import { clear, describeCondition, el, fmt, problemBox } from './dom.js';

const TYPES = [
  ['price-cross', 'Price crosses', 'a price (as traded)'],
  ['predicted-return', 'Predicted return', 'a log return, e.g. 0.005'],
  ['direction-probability', 'P(up)', 'a probability, 0 to 1'],
  ['indicator-cross', 'Indicator crosses', 'the indicator’s value'],
];
const INDICATORS = [
  'rsi_14', 'macd', 'macd_signal', 'macd_hist', 'sma_20', 'ema_12', 'ema_26', 'wma_20', 'bb_mid', 'bb_upper', 'bb_lower',
  'bb_pct_b', 'bb_width', 'atr_14', 'stoch_k', 'stoch_d', 'obv', 'vwap_20', 'volatility_20', 'return_1', 'return_5',
  'return_20', 'volume_z_20',
];
const COOLDOWNS = [['PT0S', 'none'], ['PT15M', '15 min'], ['PT1H', '1 hour'], ['P1D', '1 day']];

export function alertText(a) {
  return `${describeCondition(a.condition)}: ${fmt.num(a.value)} (bar ${a.asOf ? a.asOf.slice(0, 10) : '–'})`;
}

export function mount(root, params, { store, alerts, alertLog }) {
  let disposed = false;
  const tickers = el('datalist', { id: 'known-tickers' }, [...store.views.keys()].map((t) => el('option', { value: t })));
  const type = el('select', { name: 'type' }, TYPES.map(([v, l]) => el('option', { value: v, text: l })));
  const indicator = el('select', { name: 'indicator' }, INDICATORS.map((i) => el('option', { value: i, text: i })));
  const indicatorLabel = el('label', { hidden: true }, 'Indicator', indicator);
  const level = el('input', { name: 'level', type: 'number', step: 'any', required: true });
  const hint = el('small', { class: 'muted' });
  const form = el('form', { id: 'watch-form', class: 'inline', novalidate: true },
    el('label', {}, 'Ticker', el('input', { name: 'ticker', list: 'known-tickers', required: true, value: params.ticker || '', autocomplete: 'off' })),
    el('label', {}, 'When', type),
    indicatorLabel,
    el('label', {}, 'Goes', el('select', { name: 'direction' }, el('option', { value: 'above', text: 'above' }), el('option', { value: 'below', text: 'below' }))),
    el('label', {}, 'Level', level),
    el('label', {}, 'Cooldown', el('select', { name: 'cooldown' }, COOLDOWNS.map(([v, l]) => el('option', { value: v, text: l })))),
    el('label', {}, 'Webhook (optional)', el('input', { name: 'webhook', type: 'url', placeholder: 'https://…' })),
    el('button', { type: 'submit', id: 'watch-submit' }, 'Create watch'),
    tickers);
  const formProblem = el('div');
  const tbody = el('tbody');
  const table = el('table', { id: 'watch-table' },
    el('thead', {}, el('tr', {}, ['Ticker', 'Condition', 'Holds', 'Alerts', 'Last alert', 'Cooldown', 'Delivery', 'Created', ''].map((h) => el('th', { text: h })))),
    tbody);
  const listState = el('div', { class: 'loading', text: 'Loading watches…' });
  const alertList = el('ul', { id: 'alert-list', class: 'alerts' });

  clear(root).append(
    el('h1', {}, 'Watches', el('small', { text: 'alerts when a condition becomes true' })),
    el('div', { class: 'grid2' },
      el('div', { class: 'stack' },
        el('section', { class: 'panel' }, el('h2', {}, 'New watch'), formProblem, form, hint),
        el('section', { class: 'panel' }, el('h2', {}, 'Your watches'), listState, table)),
      el('aside', { class: 'panel' }, el('h2', {}, 'Alerts', el('small', { text: 'this session, live' })), alertList)),
  );

  const updateHint = () => {
    const t = TYPES.find(([v]) => v === type.value);
    hint.textContent = 'Level: ' + t[2] + '. A watch alerts when its condition becomes true, then waits for it to turn false again (and the cooldown).';
    indicatorLabel.hidden = type.value !== 'indicator-cross';
  };
  type.addEventListener('change', updateHint);
  updateHint();

  function row(w) {
    const delivery = [w.delivery?.sse ? 'stream' : null, w.delivery?.webhook ? 'webhook' : null].filter(Boolean).join(' + ');
    const hook = w.webhook;
    return el('tr', { dataset: { watch: w.id, ticker: w.ticker } },
      el('td', {}, el('a', { href: '#/ticker/' + encodeURIComponent(w.ticker), text: w.ticker })),
      el('td', { text: describeCondition(w.condition) }),
      el('td', {}, el('span', { class: 'badge ' + (w.conditionHolds ? 'ok' : ''), text: w.conditionHolds ? 'holds' : 'no' })),
      el('td', { class: 'num', dataset: { col: 'alerts' }, text: fmt.int(w.alerts) }),
      el('td', { text: w.lastAlertAt ? fmt.age(w.lastAlertAt) : '–' }),
      el('td', { text: fmt.duration(w.cooldown) }),
      el('td', { title: hook ? `delivered ${hook.delivered}, pending ${hook.pending}, failed ${hook.failed}` : '', text: delivery }),
      el('td', { text: fmt.time(w.createdAt) }),
      el('td', {}, el('button', { type: 'button', class: 'danger', dataset: { delete: w.id }, text: 'Delete' })));
  }

  async function load() {
    try {
      const { watches } = await api('/watches');
      if (disposed) return;
      tbody.replaceChildren(...watches.map(row));
      listState.hidden = watches.length > 0;
      listState.className = 'empty';
      listState.textContent = 'No watches yet.';
      table.hidden = watches.length === 0;
    } catch (e) {
      if (disposed) return;
      table.hidden = true;
      listState.hidden = false;
      listState.className = '';
      listState.replaceChildren(problemBox(e));
      if (e.status === 403) listState.append(el('p', { class: 'muted', text: 'Watches need a trader (or admin) key: use “API key” above to enter one.' }));
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formProblem.replaceChildren();
    const f = new FormData(form);
    const condition = { type: f.get('type'), direction: f.get('direction'), level: Number(f.get('level')) };
    if (condition.type === 'indicator-cross') condition.indicator = f.get('indicator');
    const body = { ticker: String(f.get('ticker')).trim().toUpperCase(), condition, cooldown: f.get('cooldown') };
    const webhook = String(f.get('webhook') || '').trim();
    if (webhook) body.delivery = { sse: true, webhook };
    if (f.get('level') === '' || !Number.isFinite(condition.level)) {
      formProblem.replaceChildren(problemBox({ problem: { title: 'Invalid watch', detail: 'enter a level (a number)' } }));
      return;
    }
    try {
      const created = await api('/watches', { method: 'POST', body });
      if (disposed) return;
      tbody.append(row(created));
      table.hidden = false;
      listState.hidden = true;
      level.value = '';
    } catch (err) {
      formProblem.replaceChildren(problemBox(err));
    }
  });

  tbody.addEventListener('click', async (e) => {
    const id = e.target.closest('button[data-delete]')?.dataset.delete;
    if (!id) return;
    try {
      await api('/watches/' + encodeURIComponent(id), { method: 'DELETE' });
      tbody.querySelector(`tr[data-watch="${CSS.escape(id)}"]`)?.remove();
      if (!tbody.children.length) load();
    } catch (err) {
      formProblem.replaceChildren(problemBox(err));
    }
  });

  function alertItem(a) {
    return el('li', { dataset: { alert: a.alertId, watch: a.watchId } },
      el('time', { datetime: a.firedAt, text: fmt.time(a.firedAt) }),
      el('a', { href: '#/ticker/' + encodeURIComponent(a.ticker), text: a.ticker }), ' ', alertText(a));
  }
  function renderAlerts() {
    if (alerts.refusal) {
      alertList.replaceChildren(el('li', {}, problemBox(alerts.refusal)));
    } else if (!alertLog.length) {
      alertList.replaceChildren(el('li', { class: 'muted', text: 'No alerts yet.' }));
    } else {
      alertList.replaceChildren(...alertLog.map(alertItem));
    }
  }
  const onAlert = () => {
    renderAlerts();
    load();
  };
  alerts.addEventListener('alert', onAlert);
  alerts.addEventListener('refused', renderAlerts);
  renderAlerts();
  load();

  return () => {
    disposed = true;
    alerts.removeEventListener('alert', onAlert);
    alerts.removeEventListener('refused', renderAlerts);
  };
}
