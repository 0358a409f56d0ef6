// Model view: registered versions, champion and challenger, offline evaluation and live error.

import { api } from './api.js';
import { clear, el, fmt, problemBox } from './dom.js';

const REFRESH_MS = 10_000;

const liveMetrics = (s) =>
  s && s.n
    ? { n: s.n, mae: s.absErrorSum / s.n, rmse: Math.sqrt(s.squaredErrorSum / s.n), hits: s.directionHits / s.n,
        coverage: Object.entries(s.covered || {}).sort((a, b) => a[0] - b[0]).map(([level, c]) => `${Math.round(level * 100)}%: ${fmt.prob(c / s.n)}`).join(' · ') }
    : null;

export function mount(root) {
  let disposed = false;
  const problem = el('div');
  const body = el('div', { class: 'stack' }, el('div', { class: 'loading', text: 'Loading models…' }));
  clear(root).append(el('h1', {}, 'Models', el('small', { text: 'the registry; live error refreshed every 10 s' })), problem, body);

  function table(name, entries) {
    const head = ['Version', 'Aliases', 'Model', 'Validation', 'Test', 'Live', 'Registered'];
    const point = (p) =>
      p ? [el('span', { text: `MAE ${fmt.abspct(p.mae, 3)}` }), el('small', { text: `RMSE ${fmt.abspct(p.rmse, 3)} · direction ${fmt.prob(p.directionalAccuracy)}` })] : '–';
    return el('section', { class: 'panel' },
      el('h2', {}, name),
      el('div', { class: 'scroll' },
        el('table', { class: 'models-table', dataset: { model: name } },
          el('thead', {}, el('tr', {}, head.map((h) => el('th', { text: h })))),
          el('tbody', {}, entries.map((e) => {
            const m = e.metadata;
            const live = liveMetrics(e.live);
            const coverage = (m.intervals || []).map((i) => `${Math.round(i.level * 100)}%: ${fmt.prob(i.coverage)}`).join(' · ');
            return el('tr', { dataset: { version: m.version, aliases: (e.aliases || []).join(' ') } },
              el('td', { class: 'num', title: m.sha256, text: m.version }),
              el('td', {}, (e.aliases || []).length ? e.aliases.map((a) => el('span', { class: 'badge ' + a, text: a })) : el('span', { class: 'muted', text: '–' }),
                m.promotable ? null : el('small', { class: 'muted', title: 'did not beat the random walk on validation MAE', text: 'not promotable' })),
              el('td', {}, el('span', { text: `${m.kind}, ${m.horizon} bar${m.horizon === 1 ? '' : 's'} ahead` }),
                el('small', { text: `${m.trainingTickers} tickers, ${fmt.int(m.trainingRows)} rows, ${m.training?.from} – ${m.training?.to}` })),
              el('td', {}, point(m.validationMetrics), el('small', { text: 'intervals ' + coverage })),
              el('td', {}, point(m.testMetrics)),
              el('td', { dataset: { col: 'live' } },
                live
                  ? [el('span', { text: `MAE ${fmt.abspct(live.mae, 3)} (n ${fmt.int(live.n)})` }),
                      el('small', { text: `RMSE ${fmt.abspct(live.rmse, 3)} · direction ${fmt.prob(live.hits)}` }),
                      el('small', { text: 'coverage ' + live.coverage })]
                  : el('span', { class: 'muted', text: 'no resolved predictions yet' })),
              el('td', {}, el('span', { text: fmt.time(e.registeredAt) }), el('small', { text: e.registeredBy || '' })));
          })))));
  }

  async function refresh() {
    try {
      const { models } = await api('/models');
      if (disposed) return;
      problem.replaceChildren();
      const byName = new Map();
      for (const e of models) {
        if (!byName.has(e.metadata.name)) byName.set(e.metadata.name, []);
        byName.get(e.metadata.name).push(e);
      }
      body.replaceChildren(...(byName.size ? [...byName].map(([n, es]) => table(n, es)) : [el('div', { class: 'empty', text: 'No models registered.' })]));
    } catch (e) {
      if (!disposed) problem.replaceChildren(problemBox(e));
    }
  }

  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    disposed = true;
    clearInterval(timer);
  };
}
