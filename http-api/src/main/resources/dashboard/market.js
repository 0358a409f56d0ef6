// Market view: every tracked ticker, live; sortable, filterable; movers ranked by predicted move.

import { clear, el, fmt, frameBatcher } from './dom.js';
import { markFirstRender, markPainted } from './metrics.js';

/** The latest prediction if it was made from the latest bar (else the row shows it dimmed). */
const isCurrent = (v) => v.prediction && v.bar && v.prediction.asOf === v.bar.start;
const change = (v) => (v.indicators && v.indicators.return_1 != null ? Math.expm1(v.indicators.return_1) : null);

const COLUMNS = [
  { key: 'ticker', label: 'Ticker', value: (v) => v.ticker },
  { key: 'price', label: 'Last', num: true, value: (v) => v.bar?.close },
  { key: 'change', label: 'Change', num: true, value: change },
  { key: 'predicted', label: 'Predicted return', num: true, value: (v) => v.prediction?.expectedReturn },
  { key: 'up', label: 'P(up)', num: true, value: (v) => v.prediction?.directionProbability },
  { key: 'model', label: 'Model', value: (v) => v.prediction?.modelVersion },
  { key: 'bar', label: 'Bar', value: (v) => v.bar?.start },
  { key: 'age', label: 'Updated', num: true, value: (v) => -Date.parse(v.updatedAt) },
];
const MOVERS = 8;

export function mount(root, _params, { store, showError }) {
  const sort = { key: 'ticker', dir: 1 };
  const rows = new Map(); // ticker -> <tr>
  const pending = new Map(); // ticker -> [change detail]
  let order = [];
  let filter = '';

  const count = el('small');
  const filterInput = el('input', { id: 'filter', type: 'search', placeholder: 'Filter tickers…', 'aria-label': 'Filter tickers' });
  const head = el('tr', {}, COLUMNS.map((c) => el('th', { class: c.num ? 'num' : '', dataset: { sort: c.key }, title: 'Sort by ' + c.label }, c.label)));
  const tbody = el('tbody');
  const table = el('table', { id: 'market-table' }, el('thead', {}, head), tbody);
  const empty = el('div', { class: 'loading', text: 'Loading tickers…' });
  const movers = el('ol', { id: 'movers', class: 'movers' });
  clear(root).append(
    el('h1', {}, 'Market', count),
    el('div', { class: 'grid2' },
      el('section', { class: 'panel' }, el('div', { class: 'toolbar' }, filterInput), table, empty),
      el('aside', { class: 'panel' }, el('h2', {}, 'Movers', el('small', { text: 'by predicted move' })), movers)),
  );

  head.addEventListener('click', (e) => {
    const key = e.target.closest('th')?.dataset.sort;
    if (!key) return;
    sort.dir = sort.key === key ? -sort.dir : key === 'ticker' || key === 'model' ? 1 : -1;
    sort.key = key;
    reorder(true);
  });
  filterInput.addEventListener('input', () => {
    filter = filterInput.value.trim().toUpperCase();
    for (const [t, tr] of rows) tr.hidden = filter !== '' && !t.includes(filter);
    updateCount();
  });
  tbody.addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-ticker]');
    if (tr && !e.target.closest('a')) location.hash = '#/ticker/' + encodeURIComponent(tr.dataset.ticker);
  });

  function updateCount() {
    const shown = [...rows.values()].filter((r) => !r.hidden).length;
    count.textContent = filter ? `${shown} of ${rows.size} tickers` : `${rows.size} tickers`;
  }

  function newRow(ticker) {
    const tr = el('tr', { dataset: { ticker } });
    for (const c of COLUMNS) tr.append(el('td', { class: c.num ? 'num' : '', dataset: { col: c.key } }));
    tr.firstChild.append(el('a', { href: '#/ticker/' + encodeURIComponent(ticker), text: ticker }));
    tr.hidden = filter !== '' && !ticker.includes(filter);
    rows.set(ticker, tr);
    return tr;
  }

  function fill(tr, v, previous) {
    const cells = tr.children;
    const cell = (key) => cells[COLUMNS.findIndex((c) => c.key === key)];
    const price = cell('price');
    price.textContent = fmt.price(v.bar?.close);
    if (previous && previous.bar && v.bar && previous.bar.close !== v.bar.close) {
      price.classList.remove('flash-up', 'flash-down');
      void price.offsetWidth; // restarts the animation
      price.classList.add(v.bar.close > previous.bar.close ? 'flash-up' : 'flash-down');
    }
    const ch = change(v);
    const chCell = cell('change');
    chCell.textContent = fmt.pct(ch);
    chCell.className = 'num ' + (ch > 0 ? 'up' : ch < 0 ? 'down' : '');

    const p = v.prediction;
    const predicted = cell('predicted');
    const up = cell('up');
    if (p) {
      const interval = p.intervals && p.intervals[0];
      predicted.replaceChildren(
        el('span', { class: p.expectedReturn > 0 ? 'up' : p.expectedReturn < 0 ? 'down' : '', text: fmt.logReturn(p.expectedReturn) }),
        interval
          ? el('small', { text: `${Math.round(interval.level * 100)}%: ${fmt.logReturn(interval.lowerReturn)} … ${fmt.logReturn(interval.upperReturn)}` })
          : null,
      );
      up.textContent = fmt.prob(p.directionProbability);
      predicted.title = isCurrent(v) ? `made from the bar of ${fmt.barTime(v.bar)}` : `made from an older bar (${p.asOf.slice(0, 10)})`;
    } else {
      predicted.replaceChildren(el('span', { class: 'muted', text: v.predictionUnavailable ? v.predictionUnavailable.code : 'pending' }));
      predicted.title = v.predictionUnavailable ? v.predictionUnavailable.reason : 'the first prediction has been requested';
      up.textContent = '–';
    }
    const stale = !isCurrent(v);
    predicted.classList.toggle('stale', stale);
    up.classList.toggle('stale', stale);
    const model = cell('model');
    model.textContent = p ? p.modelVersion : '–';
    model.title = p ? `${p.model}@${p.modelVersion}` : '';
    cell('bar').textContent = fmt.barTime(v.bar);
    const age = cell('age');
    age.dataset.at = v.updatedAt;
    age.textContent = fmt.age(v.updatedAt);
  }

  function compare(a, b) {
    const col = COLUMNS.find((c) => c.key === sort.key);
    const x = col.value(a);
    const y = col.value(b);
    if (x == null || Number.isNaN(x)) return y == null || Number.isNaN(y) ? a.ticker.localeCompare(b.ticker) : 1;
    if (y == null || Number.isNaN(y)) return -1;
    const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return c !== 0 ? c * sort.dir : a.ticker.localeCompare(b.ticker);
  }

  function reorder(force) {
    for (const th of head.children) {
      th.setAttribute('aria-sort', th.dataset.sort === sort.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
    const sorted = [...store.views.values()].sort(compare).map((v) => v.ticker);
    if (!force && sorted.length === order.length && sorted.every((t, i) => t === order[i])) return;
    order = sorted;
    tbody.append(...order.map((t) => rows.get(t)).filter(Boolean));
  }

  function renderMovers() {
    const ranked = [...store.views.values()]
      .filter((v) => isCurrent(v))
      .sort((a, b) => Math.abs(b.prediction.expectedReturn) - Math.abs(a.prediction.expectedReturn))
      .slice(0, MOVERS);
    if (!ranked.length) {
      movers.replaceChildren(el('li', { class: 'muted', text: 'No predictions yet' }));
      return;
    }
    const max = Math.abs(ranked[0].prediction.expectedReturn) || 1;
    movers.replaceChildren(
      ...ranked.map((v) => {
        const r = v.prediction.expectedReturn;
        const dir = r >= 0 ? 'up' : 'down';
        return el('li', { dataset: { ticker: v.ticker } },
          el('div', {},
            el('a', { href: '#/ticker/' + encodeURIComponent(v.ticker), text: (r >= 0 ? '▲ ' : '▼ ') + v.ticker, class: dir }),
            el('div', { class: 'bar-meter', style: 'width:120px' },
              el('span', { style: `width:${Math.max(4, (Math.abs(r) / max) * 100)}%;background:var(--${dir})` }))),
          el('div', { class: 'num' },
            el('span', { class: dir, text: fmt.logReturn(r) }),
            el('small', { text: 'P(up) ' + fmt.prob(v.prediction.directionProbability) })));
      }),
    );
  }

  function renderAll() {
    const seen = new Set();
    for (const v of store.views.values()) {
      seen.add(v.ticker);
      fill(rows.get(v.ticker) || newRow(v.ticker), v, null);
    }
    for (const [t, tr] of rows) {
      if (!seen.has(t)) {
        tr.remove();
        rows.delete(t);
      }
    }
    reorder(true);
    renderMovers();
    updateCount();
    empty.hidden = rows.size > 0;
    empty.textContent = 'No tickers yet: the node has received no market data.';
    table.hidden = rows.size === 0;
  }

  const flush = frameBatcher(() => {
    const shown = [];
    let added = false;
    for (const [ticker, changes] of pending) {
      const v = store.views.get(ticker);
      if (!v) continue;
      let tr = rows.get(ticker);
      if (!tr) {
        tr = newRow(ticker);
        added = true;
      }
      fill(tr, v, changes[0].previous);
      if (!tr.hidden) {
        for (const c of changes) shown.push({ type: c.type, ticker, id: c.id, sentAt: c.sentAt, receivedAt: c.receivedAt });
      }
    }
    pending.clear();
    reorder(added);
    renderMovers();
    if (added) {
      updateCount();
      empty.hidden = true;
      table.hidden = false;
    }
    markPainted(shown);
  });

  const onChange = (e) => {
    const d = e.detail;
    if (d.type === 'reset') {
      renderAll();
      markFirstRender(rows.size);
      return;
    }
    if (!store.loaded) return;
    const list = pending.get(d.ticker) || [];
    list.push(d);
    pending.set(d.ticker, list);
    flush();
  };
  store.addEventListener('change', onChange);

  if (store.loaded) {
    renderAll();
    markFirstRender(rows.size);
  } else {
    table.hidden = true;
    store.ready.catch((e) => {
      empty.replaceChildren();
      showError(e, empty);
    });
  }

  const ages = setInterval(() => {
    const t = Date.now();
    for (const td of tbody.querySelectorAll('td[data-col="age"]')) td.textContent = fmt.age(td.dataset.at, t);
  }, 1000);

  return () => {
    store.removeEventListener('change', onChange);
    clearInterval(ages);
  };
}
