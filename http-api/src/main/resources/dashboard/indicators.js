// Indicator series for the chart, computed over the bars the chart shows (adjusted closes, as the
// node computes its own): EMA, Bollinger bands, RSI (Wilder), MACD. null while a window fills.

export function ema(values, n) {
  const out = new Array(values.length).fill(null);
  const k = 2 / (n + 1);
  let prev = null;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) continue;
    if (prev == null) {
      sum += v;
      count++;
      if (count === n) prev = sum / n; // seeded with the simple average of the first n
      else continue;
    } else {
      prev = v * k + prev * (1 - k);
    }
    out[i] = prev;
  }
  return out;
}

/** {mid, upper, lower}: simple average of n ± k population standard deviations. */
export function bollinger(values, n = 20, k = 2) {
  const mid = new Array(values.length).fill(null);
  const upper = mid.slice();
  const lower = mid.slice();
  for (let i = n - 1; i < values.length; i++) {
    let sum = 0;
    let sq = 0;
    for (let j = i - n + 1; j <= i; j++) {
      sum += values[j];
      sq += values[j] * values[j];
    }
    const m = sum / n;
    const sd = Math.sqrt(Math.max(0, sq / n - m * m));
    mid[i] = m;
    upper[i] = m + k * sd;
    lower[i] = m - k * sd;
  }
  return { mid, upper, lower };
}

export function rsi(values, n = 14) {
  const out = new Array(values.length).fill(null);
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    const g = Math.max(d, 0);
    const l = Math.max(-d, 0);
    if (i <= n) {
      gain += g / n;
      loss += l / n;
      if (i < n) continue;
    } else {
      gain = (gain * (n - 1) + g) / n;
      loss = (loss * (n - 1) + l) / n;
    }
    out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

export function macd(values, fast = 12, slow = 26, signalN = 9) {
  const f = ema(values, fast);
  const s = ema(values, slow);
  const line = values.map((_, i) => (f[i] != null && s[i] != null ? f[i] - s[i] : null));
  const signal = ema(line, signalN);
  const hist = line.map((m, i) => (m != null && signal[i] != null ? m - signal[i] : null));
  return { line, signal, hist };
}
