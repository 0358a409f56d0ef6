// What the dashboard measures of itself, as Performance API marks (read by the browser tests):
//   'tickcast:first-render'  once, when the market table first shows data (startTime = ms since
//                            navigation start); detail {rows, askedForKey}
//   'tickcast:paint'         per live update shown, after the frame that shows it was painted;
//                            detail {type, ticker, id, sentAt, receivedAt, paintedAt, latencyMs}
//                            with sentAt the server's time stamp in the event (epoch ms)
// window.tickcastMetrics holds the same, summarised, and counts the stream's gap notices and the
// re-reads of the state they (or reconnects without a position) caused.

const MAX_MARKS = 5000;
let paintMarks = 0;
let firstRenderDone = false;

export const metrics = (window.tickcastMetrics = { firstRenderMs: null, paints: 0, lastLatencyMs: null, askedForKey: false, resyncs: 0, gaps: 0 });

export const now = () => performance.timeOrigin + performance.now();

/** Runs fn after the current frame is painted (call it from a requestAnimationFrame callback). */
export function afterPaint(fn) {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    fn();
  };
  channel.port2.postMessage(0);
}

export function markFirstRender(rows) {
  if (firstRenderDone) return;
  firstRenderDone = true;
  afterPaint(() => {
    const mark = performance.mark('tickcast:first-render', { detail: { rows, askedForKey: metrics.askedForKey } });
    metrics.firstRenderMs = mark.startTime;
  });
}

/** @param shown [{type, ticker, id, sentAt, receivedAt}] the updates the frame shows */
export function markPainted(shown) {
  if (!shown.length) return;
  afterPaint(() => {
    const paintedAt = now();
    if (paintMarks + shown.length > MAX_MARKS) {
      performance.clearMarks('tickcast:paint');
      paintMarks = 0;
    }
    for (const s of shown) {
      const latencyMs = s.sentAt ? paintedAt - s.sentAt : null;
      performance.mark('tickcast:paint', { detail: { ...s, paintedAt, latencyMs } });
      metrics.lastLatencyMs = latencyMs;
    }
    paintMarks += shown.length;
    metrics.paints += shown.length;
  });
}
