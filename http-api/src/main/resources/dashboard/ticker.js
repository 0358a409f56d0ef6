// Ticker view: candles with volume, EMA and Bollinger overlays, the prediction drawn as a cone of
// its intervals ahead of the bar it was made from, RSI and MACD below; live updates replace or
// append the last candle in place (the charts are set up once and only their data changes).

import { api } from './api.js';
import { clear, el, fmt, frameBatcher, problemBox } from './dom.js';
import { bollinger, ema, macd, rsi } from './indicators.js';
import { markPainted } from './metrics.js';

/** Bars the chart starts with: the newest page of GET /tickers/{t}/history. */
export const HISTORY_BARS = 250;
const ECHARTS = '/webjars/echarts/5.3.1/dist/echarts.min.js';
const UP = '#26a69a';
const DOWN = '#ef5350';
const MUTED = '#8b949e';
const GRID = '#21262d';
const DAY = 86_400_000;
const VISIBLE_BARS = 90;
const FORECAST_PAD = ['', '', '', '', '', ''];

let echartsLoading = null;

/** echarts is a classic script from the WebJar, loaded the first time a chart is needed. */
export function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve, reject) => {
      const script = el('script', { src: ECHARTS });
      script.onload = () => resolve(window.echarts);
      script.onerror = () => {
        echartsLoading = null;
        script.remove();
        reject(Object.assign(new Error('could not load ' + ECHARTS), { problem: { title: 'Chart library missing', detail: ECHARTS + ' did not load' } }));
      };
      document.head.append(script);
    });
  }
  return echartsLoading;
}

/** One candle on the adjusted price scale (the scale of indicators and predictions). */
function candle(bar, prediction) {
  const f = bar.adjustedClose / bar.close;
  return {
    start: bar.start,
    interval: bar.interval,
    o: bar.open * f,
    h: bar.high * f,
    l: bar.low * f,
    c: bar.adjustedClose,
    volume: bar.volume,
    prediction: prediction || null,
  };
}

function label(iso, interval) {
  return interval === 'PT24H' || interval === 'P1D' ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

/** Labels of the bars after the last one, for a prediction's horizon (daily bars skip weekends). */
function futureLabels(last, count) {
  const out = [];
  let t = Date.parse(last.start);
  const step = last.interval === 'PT24H' || last.interval === 'P1D' ? DAY : durationMs(last.interval);
  while (out.length < count) {
    t += step;
    const d = new Date(t);
    if (step === DAY && (d.getUTCDay() === 0 || d.getUTCDay() === 6)) continue;
    out.push(label(d.toISOString(), last.interval) + ' ›');
  }
  return out;
}

function durationMs(iso) {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso || '');
  return m ? ((+m[1] || 0) * 3600 + (+m[2] || 0) * 60 + (+m[3] || 0)) * 1000 || DAY : DAY;
}

export function mount(root, { ticker }, { store }) {
  let disposed = false;
  let bars = [];
  let view = null;
  let price = null;
  let lower = null;
  const pending = [];

  const title = el('h1', {}, ticker, el('small', { text: 'loading…' }));
  const head = el('div', { class: 'ticker-head' });
  const priceChart = el('div', { id: 'price-chart', class: 'chart', role: 'img', 'aria-label': ticker + ' candlestick chart' });
  const indicatorChart = el('div', { id: 'indicator-chart', class: 'chart small', role: 'img', 'aria-label': ticker + ' RSI and MACD' });
  const predictionPanel = el('section', { id: 'prediction-panel', class: 'panel' });
  const indicatorPanel = el('section', { id: 'indicator-panel', class: 'panel' });
  const scorePanel = el('section', { id: 'score-panel', class: 'panel' });
  clear(root).append(
    title,
    head,
    el('div', { class: 'grid2' },
      el('div', { class: 'stack' },
        el('section', { class: 'panel' }, priceChart),
        el('section', { class: 'panel' }, el('h2', {}, 'RSI (14) and MACD (12, 26, 9)'), indicatorChart)),
      el('div', { class: 'stack' }, predictionPanel, indicatorPanel, scorePanel)),
  );

  function fail(e) {
    if (disposed) return;
    clear(root).append(el('h1', {}, ticker), problemBox(e, el('a', { href: '#/market', text: 'Back to the market' })));
  }

  async function load() {
    const [echarts, v, history] = await Promise.all([
      loadEcharts(),
      api(`/tickers/${encodeURIComponent(ticker)}`),
      api(`/tickers/${encodeURIComponent(ticker)}/history?limit=${HISTORY_BARS}`),
    ]);
    if (disposed) return;
    view = store.views.get(ticker) && store.views.get(ticker).sequenceNr > v.sequenceNr ? store.views.get(ticker) : v;
    bars = history.entries.slice().reverse().map((e) => candle(e.bar, e.prediction));
    // The history table trails the entity by a few seconds: the newest bar may not be in it yet.
    applyBar(view.bar, view.prediction);
    if (!price) {
      price = echarts.init(priceChart, null, { renderer: 'canvas' });
      lower = echarts.init(indicatorChart, null, { renderer: 'canvas' });
      price.setOption(baseOption());
      lower.setOption(indicatorOption());
      echarts.connect([price, lower]);
      window.addEventListener('resize', resize);
    }
    render();
  }

  function resize() {
    price && price.resize();
    lower && lower.resize();
  }

  /** Replaces the last candle (same bar, updated) or appends (a newer bar); ignores older ones. */
  function applyBar(bar, prediction) {
    if (!bar) return;
    const last = bars[bars.length - 1];
    const current = prediction && prediction.asOf === bar.start ? prediction : null;
    if (last && last.start === bar.start) {
      bars[bars.length - 1] = candle(bar, current || last.prediction);
    } else if (!last || Date.parse(bar.start) > Date.parse(last.start)) {
      bars.push(candle(bar, current));
    }
  }

  function applyPrediction(p) {
    for (let i = bars.length - 1; i >= 0 && i >= bars.length - 50; i--) {
      if (bars[i].start === p.asOf) {
        bars[i].prediction = p;
        return;
      }
    }
  }

  /** The newest prediction among the bars, with the index of the bar it was made from. */
  function latestPrediction() {
    for (let i = bars.length - 1; i >= 0; i--) if (bars[i].prediction) return { i, p: bars[i].prediction };
    return null;
  }

  function series() {
    const n = bars.length;
    const latest = latestPrediction();
    const extra = latest ? Math.max(0, latest.i + latest.p.horizon - (n - 1)) : 0;
    // Blank slots after the forecast leave room for its price labels.
    const cats = bars.map((b) => label(b.start, b.interval)).concat(n ? futureLabels(bars[n - 1], extra) : [], latest ? FORECAST_PAD : []);
    const closes = bars.map((b) => b.c);
    const e12 = ema(closes, 12);
    const e26 = ema(closes, 26);
    const bb = bollinger(closes, 20, 2);
    const past = new Array(cats.length).fill(null);
    bars.forEach((b, i) => {
      if (b.prediction && i + b.prediction.horizon < cats.length) past[i + b.prediction.horizon] = b.prediction.expectedPrice;
    });
    let forecast = [];
    let dims = [0, 1, 2, 3];
    if (latest) {
      const p = latest.p;
      const widestFirst = (p.intervals || []).slice().sort((a, b) => b.level - a.level);
      const row = [latest.i, bars[latest.i].c, latest.i + p.horizon, p.expectedPrice];
      for (const iv of widestFirst) row.push(iv.lowerPrice, iv.upperPrice, iv.level);
      forecast = [row];
      dims = row.map((_, k) => k);
    }
    const r = rsi(closes, 14);
    const m = macd(closes, 12, 26, 9);
    return {
      cats,
      price: {
        xAxis: [{ data: cats }, { data: cats }],
        series: [
          { id: 'candles', data: bars.map((b) => [b.o, b.c, b.l, b.h]) },
          { id: 'ema12', data: e12 },
          { id: 'ema26', data: e26 },
          { id: 'bbUpper', data: bb.upper },
          { id: 'bbMid', data: bb.mid },
          { id: 'bbLower', data: bb.lower },
          { id: 'past', data: past },
          { id: 'forecast', data: forecast, encode: { x: [0, 2], y: dims.filter((k) => k === 1 || k === 3 || (k >= 4 && (k - 4) % 3 !== 2)) } },
          { id: 'volume', data: bars.map((b) => ({ value: b.volume, itemStyle: { color: b.c >= b.o ? UP + '99' : DOWN + '99' } })) },
        ],
      },
      lower: {
        xAxis: [{ data: cats }, { data: cats }],
        series: [
          { id: 'rsi', data: r },
          { id: 'macd', data: m.line },
          { id: 'signal', data: m.signal },
          { id: 'hist', data: m.hist.map((h) => ({ value: h, itemStyle: { color: h >= 0 ? UP : DOWN } })) },
        ],
      },
    };
  }

  function renderForecast(params, apiE) {
    const at = (x, y) => apiE.coord([x, y]);
    const x0 = apiE.value(0);
    const x1 = apiE.value(2);
    const start = at(x0, apiE.value(1));
    const children = [];
    const text = (x, y, t, color) => ({ type: 'text', style: { text: t, x: x + 7, y, fill: color, font: '11px system-ui, sans-serif', verticalAlign: 'middle' } });
    let first = true;
    for (let k = 4; apiE.value(k) != null && !Number.isNaN(apiE.value(k)); k += 3) {
      const lo = at(x1, apiE.value(k));
      const hi = at(x1, apiE.value(k + 1));
      const level = apiE.value(k + 2);
      const half = 4;
      children.push({ type: 'polygon', shape: { points: [start, [hi[0] - half, hi[1]], [hi[0] + half, hi[1]], [lo[0] + half, lo[1]], [lo[0] - half, lo[1]]] },
        style: { fill: `rgba(88,166,255,${level >= 0.85 ? 0.14 : 0.28})` } });
      if (first) {
        children.push(text(hi[0], hi[1], `${fmt.price(apiE.value(k + 1))} (${Math.round(level * 100)}%)`, '#a5d6ff'));
        children.push(text(lo[0], lo[1], `${fmt.price(apiE.value(k))} (${Math.round(level * 100)}%)`, '#a5d6ff'));
        first = false;
      }
    }
    const end = at(x1, apiE.value(3));
    children.push({ type: 'line', shape: { x1: start[0], y1: start[1], x2: end[0], y2: end[1] }, style: { stroke: '#58a6ff', lineWidth: 1.5, lineDash: [4, 3] } });
    children.push({ type: 'circle', shape: { cx: end[0], cy: end[1], r: 3.5 }, style: { fill: '#58a6ff' } });
    children.push(text(end[0], end[1], fmt.price(apiE.value(3)), '#e6edf3'));
    return { type: 'group', children };
  }

  function baseOption() {
    const axisLine = { lineStyle: { color: '#30363d' } };
    const line = (id, name, color, extra = {}) => ({ id, name, type: 'line', data: [], showSymbol: false, lineStyle: { width: 1, color, ...extra }, itemStyle: { color }, z: 3 });
    return {
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { color: MUTED },
      legend: { top: 0, left: 0, textStyle: { color: MUTED }, itemWidth: 16, itemHeight: 8,
        data: ['Candles', 'EMA 12', 'EMA 26', 'Bollinger (20, 2σ)', 'Forecast', 'Past forecasts'] },
      tooltip: { trigger: 'axis', axisPointer: { type: 'cross' }, backgroundColor: '#161b22', borderColor: '#30363d', textStyle: { color: '#e6edf3' },
        valueFormatter: (v) => (typeof v === 'number' ? fmt.num(v) : v) },
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      grid: [{ left: 56, right: 16, top: 34, height: '64%' }, { left: 56, right: 16, top: '79%', height: '13%' }],
      xAxis: [
        { type: 'category', data: [], axisLine, axisLabel: { color: MUTED }, axisTick: { show: false } },
        { type: 'category', gridIndex: 1, data: [], axisLine, axisLabel: { show: false }, axisTick: { show: false } },
      ],
      yAxis: [
        { scale: true, splitLine: { lineStyle: { color: GRID } }, axisLabel: { color: MUTED, formatter: (v) => fmt.axis(v) } },
        { scale: true, gridIndex: 1, splitNumber: 2, splitLine: { show: false }, axisLabel: { color: MUTED, formatter: (v) => fmt.axis(v) } },
      ],
      dataZoom: [
        { id: 'zoom', type: 'inside', xAxisIndex: [0, 1], startValue: Math.max(0, bars.length - VISIBLE_BARS) },
        { type: 'slider', xAxisIndex: [0, 1], bottom: 2, height: 16, borderColor: '#30363d', textStyle: { color: MUTED } },
      ],
      series: [
        { id: 'candles', name: 'Candles', type: 'candlestick', data: [], z: 2,
          itemStyle: { color: UP, color0: DOWN, borderColor: UP, borderColor0: DOWN } },
        line('ema12', 'EMA 12', '#f0c36a'),
        line('ema26', 'EMA 26', '#c297ff'),
        line('bbUpper', 'Bollinger (20, 2σ)', '#6e7681', { type: 'dashed' }),
        line('bbMid', 'Bollinger (20, 2σ)', '#6e7681'),
        line('bbLower', 'Bollinger (20, 2σ)', '#6e7681', { type: 'dashed' }),
        { ...line('past', 'Past forecasts', '#58a6ff', { type: 'dotted', width: 1.2, opacity: 0.8 }), connectNulls: false },
        { id: 'forecast', name: 'Forecast', type: 'custom', renderItem: renderForecast, data: [], z: 10, itemStyle: { color: '#58a6ff' },
          tooltip: { show: false } },
        { id: 'volume', name: 'Volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: [], barMaxWidth: 8 },
      ],
    };
  }

  function indicatorOption() {
    const axisLine = { lineStyle: { color: '#30363d' } };
    const line = (id, name, color, axis) => ({ id, name, type: 'line', data: [], showSymbol: false, xAxisIndex: axis, yAxisIndex: axis, lineStyle: { width: 1, color }, itemStyle: { color } });
    return {
      animation: false,
      backgroundColor: 'transparent',
      legend: { top: 0, left: 0, textStyle: { color: MUTED }, itemWidth: 16, itemHeight: 8 },
      tooltip: { trigger: 'axis', backgroundColor: '#161b22', borderColor: '#30363d', textStyle: { color: '#e6edf3' },
        valueFormatter: (v) => (typeof v === 'number' ? fmt.num(v) : v) },
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      grid: [{ left: 56, right: 16, top: 28, height: '33%' }, { left: 56, right: 16, top: '58%', height: '33%' }],
      xAxis: [
        { type: 'category', data: [], axisLine, axisLabel: { show: false }, axisTick: { show: false } },
        { type: 'category', gridIndex: 1, data: [], axisLine, axisLabel: { color: MUTED }, axisTick: { show: false } },
      ],
      yAxis: [
        { min: 0, max: 100, interval: 50, splitLine: { lineStyle: { color: GRID } }, axisLabel: { color: MUTED } },
        { scale: true, gridIndex: 1, splitNumber: 2, splitLine: { lineStyle: { color: GRID } }, axisLabel: { color: MUTED, formatter: (v) => fmt.axis(v) } },
      ],
      dataZoom: [{ id: 'zoom', type: 'inside', xAxisIndex: [0, 1], startValue: Math.max(0, bars.length - VISIBLE_BARS) }],
      series: [
        { ...line('rsi', 'RSI 14', '#f0c36a', 0),
          markLine: { silent: true, symbol: 'none', lineStyle: { color: '#6e7681', type: 'dashed' }, label: { color: MUTED }, data: [{ yAxis: 70 }, { yAxis: 30 }] } },
        line('macd', 'MACD', '#58a6ff', 1),
        line('signal', 'Signal', '#ff9bce', 1),
        { id: 'hist', name: 'Histogram', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: [], barMaxWidth: 6 },
      ],
    };
  }

  function render() {
    const s = series();
    price.setOption(s.price);
    lower.setOption(s.lower);
    const last = bars[bars.length - 1];
    const latest = latestPrediction();
    priceChart.dataset.candles = String(bars.length);
    priceChart.dataset.last = last ? last.start : '';
    priceChart.dataset.chartId = price.id;
    priceChart.dataset.forecast = latest ? latest.p.asOf : '';
    renderPanels();
  }

  function renderPanels() {
    const v = view;
    const ch = v.indicators && v.indicators.return_1 != null ? Math.expm1(v.indicators.return_1) : null;
    title.replaceChildren(ticker, el('small', { text: `${v.barCount} bars · updated ${fmt.age(v.updatedAt)}` }));
    head.replaceChildren(
      el('span', { class: 'price', text: fmt.price(v.bar.close) }),
      el('span', { class: ch > 0 ? 'up' : ch < 0 ? 'down' : '', text: fmt.pct(ch) }),
      el('span', { class: 'muted', text: `bar ${fmt.barTime(v.bar)} · O ${fmt.price(v.bar.open)} H ${fmt.price(v.bar.high)} L ${fmt.price(v.bar.low)} · vol ${fmt.int(v.bar.volume)}` }),
      v.bar.adjustedClose !== v.bar.close ? el('span', { class: 'muted', text: `adjusted close ${fmt.price(v.bar.adjustedClose)} (the chart's scale)` }) : null,
    );

    const p = v.prediction;
    predictionPanel.replaceChildren(el('h2', {}, 'Prediction'));
    if (p) {
      const stale = p.asOf !== v.bar.start;
      predictionPanel.append(
        el('dl', { class: 'kv' },
          el('dt', { text: 'expected return' }), el('dd', { class: p.expectedReturn >= 0 ? 'up' : 'down', text: fmt.logReturn(p.expectedReturn, 3) }),
          el('dt', { text: 'expected price' }), el('dd', { text: fmt.price(p.expectedPrice) }),
          ...(p.intervals || []).flatMap((iv) => [
            el('dt', { text: `${Math.round(iv.level * 100)}% interval` }),
            el('dd', { text: `${fmt.price(iv.lowerPrice)} – ${fmt.price(iv.upperPrice)}` }),
          ]),
          el('dt', { text: 'P(up)' }), el('dd', { text: fmt.prob(p.directionProbability) }),
          el('dt', { text: 'horizon' }), el('dd', { text: `${p.horizon} bar${p.horizon === 1 ? '' : 's'}` }),
          el('dt', { text: 'model' }), el('dd', { title: p.model, text: p.modelVersion }),
          el('dt', { text: 'from bar' }), el('dd', { text: p.asOf.slice(0, 10) }),
          el('dt', { text: 'issued' }), el('dd', { text: fmt.age(p.issuedAt) })));
      if (stale) predictionPanel.append(el('p', { class: 'muted', text: 'Made from an older bar; the newest has none yet.' }));
    }
    if (v.predictionUnavailable) {
      predictionPanel.append(el('p', { class: 'muted', text: `No prediction for the newest bar: ${v.predictionUnavailable.code} (${v.predictionUnavailable.reason})` }));
    } else if (!p) {
      predictionPanel.append(el('p', { class: 'muted', text: 'The first prediction has been requested.' }));
    }

    const ind = v.indicators || {};
    const key = ['rsi_14', 'macd', 'macd_signal', 'macd_hist'];
    const rest = Object.keys(ind).filter((k) => !key.includes(k));
    indicatorPanel.replaceChildren(
      el('h2', {}, 'Indicators', el('small', { text: 'node values, newest bar' })),
      el('table', { id: 'indicator-table', class: 'ind-table' },
        el('tbody', {}, [...key.filter((k) => k in ind), ...rest].map((k) =>
          el('tr', {}, el('td', { text: k }), el('td', { class: 'num', dataset: { indicator: k }, text: ind[k] == null ? 'warming up' : fmt.num(ind[k]) }))))),
    );

    const scores = Object.entries(v.scores || {});
    scorePanel.replaceChildren(el('h2', {}, 'Live accuracy', el('small', { text: 'resolved predictions' })));
    if (!scores.length) scorePanel.append(el('p', { class: 'muted', text: 'None resolved yet.' }));
    for (const [model, s] of scores) {
      scorePanel.append(
        el('div', { class: 'muted', style: 'margin-bottom:4px', text: model }),
        el('dl', { class: 'kv' },
          el('dt', { text: 'n' }), el('dd', { text: fmt.int(s.n) }),
          el('dt', { text: 'MAE' }), el('dd', { text: fmt.abspct(s.n ? s.absErrorSum / s.n : null, 3) }),
          el('dt', { text: 'RMSE' }), el('dd', { text: fmt.abspct(s.n ? Math.sqrt(s.squaredErrorSum / s.n) : null, 3) }),
          el('dt', { text: 'direction hits' }), el('dd', { text: fmt.prob(s.n ? s.directionHits / s.n : null) }),
          ...Object.entries(s.covered || {}).sort((a, b) => a[0] - b[0]).flatMap(([level, c]) => [
            el('dt', { text: `coverage ${Math.round(level * 100)}%` }), el('dd', { text: fmt.prob(s.n ? c / s.n : null) })])));
    }
  }

  const flush = frameBatcher(() => {
    if (disposed || !price) return;
    render();
    markPainted(pending.splice(0).map(({ type, id, sentAt, receivedAt }) => ({ type, ticker, id, sentAt, receivedAt })));
  });

  const onChange = (e) => {
    const d = e.detail;
    if (!price) return;
    if (d.type === 'reset') {
      // Re-read after a gap: bars may have been missed.
      load().catch(fail);
      return;
    }
    if (d.ticker !== ticker || !store.views.get(ticker)) return;
    view = store.views.get(ticker);
    if (d.type === 'update') applyBar(view.bar, view.prediction);
    else if (d.update && d.update.prediction) applyPrediction(d.update.prediction);
    pending.push(d);
    flush();
  };
  store.addEventListener('change', onChange);
  const ages = setInterval(() => view && !disposed && title.lastChild && (title.lastChild.textContent = `${view.barCount} bars · updated ${fmt.age(view.updatedAt)}`), 1000);

  load().catch(fail);

  return () => {
    disposed = true;
    store.removeEventListener('change', onChange);
    clearInterval(ages);
    window.removeEventListener('resize', resize);
    if (price) price.dispose();
    if (lower) lower.dispose();
  };
}
