// Small DOM and formatting helpers. Text always goes in as textContent: nothing the API sends
// (problem details, owners, URLs) is ever parsed as HTML.

/** el('td', {class: 'num', dataset: {col: 'price'}}, 'text', childNode, ...) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

const finite = (v) => typeof v === 'number' && Number.isFinite(v);

export const fmt = {
  price(v) {
    return finite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : '–';
  },
  /** A simple return (0.012 -> +1.20%). */
  pct(v, digits = 2) {
    return finite(v) ? (v >= 0 ? '+' : '−') + Math.abs(v * 100).toFixed(digits) + '%' : '–';
  },
  /** An error or a share, unsigned (0.0102 -> 1.02%). */
  abspct(v, digits = 2) {
    return finite(v) ? (v * 100).toFixed(digits) + '%' : '–';
  },
  /** A log return shown as the simple return it means. */
  logReturn(r, digits = 2) {
    return finite(r) ? fmt.pct(Math.expm1(r), digits) : '–';
  },
  prob(p) {
    return finite(p) ? (p * 100).toFixed(1) + '%' : '–';
  },
  num(v, digits) {
    if (!finite(v)) return '–';
    if (digits != null) return v.toFixed(digits);
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(2) + 'B';
    if (a >= 1e6) return (v / 1e6).toFixed(2) + 'M';
    if (a >= 1e4) return v.toFixed(0);
    if (a >= 100) return v.toFixed(2);
    if (a >= 1) return v.toFixed(3);
    return v.toFixed(4);
  },
  /** Axis labels: three significant digits, no trailing zeros (5, 0.25, 150M). */
  axis(v) {
    if (!finite(v)) return '';
    const a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toPrecision(3) + 'B';
    if (a >= 1e6) return +(v / 1e6).toPrecision(3) + 'M';
    if (a >= 1e4) return +(v / 1e3).toPrecision(3) + 'k';
    return String(+v.toPrecision(3));
  },
  int(v) {
    return finite(v) ? Math.round(v).toLocaleString('en-US') : '–';
  },
  /** The bar's start: a date for daily bars, date and time (UTC) otherwise. */
  barTime(bar) {
    if (!bar) return '–';
    const daily = bar.interval === 'PT24H' || bar.interval === 'P1D';
    return daily ? bar.start.slice(0, 10) : bar.start.slice(0, 16).replace('T', ' ');
  },
  time(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { hour12: false });
  },
  age(iso, now = Date.now()) {
    if (!iso) return '–';
    const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    if (s < 60) return s + 's ago';
    if (s < 3600) return Math.floor(s / 60) + 'm ago';
    if (s < 86400) return Math.floor(s / 3600) + 'h ago';
    return Math.floor(s / 86400) + 'd ago';
  },
  /** ISO-8601 durations as the API writes them (PT15M, PT24H, P1D). */
  duration(iso) {
    if (!iso || iso === 'PT0S') return 'none';
    return iso.replace(/^P(T?)/, '').toLowerCase();
  },
};

/** "price above 123.45", "rsi_14 below 30", "P(up) above 60%" */
export function describeCondition(c) {
  if (!c) return '–';
  const dir = c.direction === 'above' ? 'above' : 'below';
  switch (c.type) {
    case 'predicted-return': return `predicted return ${dir} ${fmt.logReturn(c.level)}`;
    case 'direction-probability': return `P(up) ${dir} ${fmt.prob(c.level)}`;
    case 'price-cross': return `price ${dir} ${fmt.price(c.level)}`;
    case 'indicator-cross': return `${c.indicator} ${dir} ${fmt.num(c.level)}`;
    default: return JSON.stringify(c);
  }
}

/** A problem document (or any error) as a visible box. */
export function problemBox(error, action) {
  const p = error && error.problem ? error.problem : { title: 'Error', detail: String(error && error.message || error) };
  const status = error && error.status != null ? error.status : p.status;
  const box = el('div', { class: 'problem', role: 'alert', dataset: { status: String(status ?? ''), type: p.type || '' } },
    el('b', { text: (status ? status + ' ' : '') + (p.title || 'Error') }),
    p.detail ? ' — ' + p.detail : '',
    p.instance || p.type ? el('code', { text: [p.type, p.instance].filter(Boolean).join(' · ') }) : null);
  if (action) box.append(' ', action);
  return box;
}

/** Runs fn once per animation frame at most, however often it is asked for. */
export function frameBatcher(fn) {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      fn();
    });
  };
}
