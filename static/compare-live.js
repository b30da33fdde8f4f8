'use strict';
// The live figures of compare.html: every column's /api/status once a second, the last three
// minutes kept, and one small chart per figure. A figure has the same scale in every column,
// so the four columns compare at a glance. Uses `columns` (compare.js) and drawLine (charts.js).

const POLL_MS = 1000;
const WINDOW_MS = 3 * 60 * 1000;
const MiB = 1024 * 1024;

// A figure of /api/status that may be null or missing (a server not on the JVM): null then.
const numberOrNull = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const runtimeOf = (status) => status.runtime || {};

// The charted figures: how each is read from a sample (and the one before it), and how it is shown.
const METRICS = [
  { key: 'streams', label: 'open streams', unit: '',
    value: (s) => {
      const c = numberOrNull(s.streams && s.streams.counter);
      const b = numberOrNull(s.streams && s.streams.broadcast);
      return c === null && b === null ? null : (c || 0) + (b || 0);
    },
    detail: (s) => `${formatNumber(numberOrNull(s.streams && s.streams.counter))} counter + `
      + `${formatNumber(numberOrNull(s.streams && s.streams.broadcast))} broadcast` },
  { key: 'threads', label: 'platform threads', unit: '',
    value: (s) => numberOrNull(runtimeOf(s).threads),
    detail: (s) => 'peak ' + formatNumber(numberOrNull(runtimeOf(s).peakThreads)) },
  { key: 'heap', label: 'heap used', unit: 'MiB',
    value: (s) => { const b = numberOrNull(runtimeOf(s).heapUsedBytes); return b === null ? null : b / MiB; } },
  { key: 'rss', label: 'RSS (resident memory)', unit: 'MiB',
    value: (s) => { const b = numberOrNull(runtimeOf(s).rssBytes); return b === null ? null : b / MiB; } },
  // CPU seconds used since the last sample over the time between them: 100 % is one core busy,
  // so on a machine with several cores it can go above 100 %.
  { key: 'cpu', label: 'CPU (100 % = one core)', unit: '%', least: 10,
    value: (s, before) => {
      if (!before) return null;
      const cpu = numberOrNull(runtimeOf(s).cpuSeconds);
      const cpuBefore = numberOrNull(runtimeOf(before).cpuSeconds);
      // The server's own uptime is the wall time between the two answers; the page's clock if it has none.
      const up = numberOrNull(runtimeOf(s).uptimeMs);
      const upBefore = numberOrNull(runtimeOf(before).uptimeMs);
      const wallMs = up !== null && upBefore !== null ? up - upBefore : s.at - before.at;
      if (cpu === null || cpuBefore === null || wallMs <= 0) return null;
      return Math.max(0, ((cpu - cpuBefore) * 1000 / wallMs) * 100);
    } },
  { key: 'fds', label: 'open file descriptors', unit: '',
    value: (s) => numberOrNull(runtimeOf(s).openFds) },
];

// Each column's live state: its samples {at, status or null when the server did not answer}.
function liveOf(col) {
  if (!col.live || col.live.base !== col.base) {
    col.live = { base: col.base, samples: [], inFlight: false, charts: makeCharts(col) };
  }
  return col.live;
}

// The column's chart area (.charts in the column's template): one <figure> per metric.
function makeCharts(col) {
  const area = col.el.querySelector('.charts');
  const charts = {};
  area.replaceChildren();
  for (const m of METRICS) {
    const fig = document.createElement('figure');
    fig.className = 'chart';
    fig.dataset.metric = m.key;
    const caption = document.createElement('figcaption');
    const latest = span('–', 'latest');
    const scale = span('', 'scale');
    const unit = span(m.unit ? ' ' + m.unit : '', 'unit');
    caption.append(span(m.label, 'metric'), ' ', latest, unit, ' ', scale);
    const detail = m.detail ? span('', 'detail') : null;
    if (detail) caption.append(' ', detail);
    const svg = svgElement('svg', { class: 'spark' });
    fig.append(caption, svg);
    area.append(fig);
    charts[m.key] = { latest, unit, scale, detail, svg };
  }
  return charts;
}

// The newest answer a column's server gave, or null.
function latestStatus(col) {
  const samples = col.live ? col.live.samples : [];
  for (let i = samples.length - 1; i >= 0; i--) if (samples[i].status) return samples[i].status;
  return null;
}

// One request in flight per column at most: a server that answers slowly is not asked twice.
async function pollStatus(col) {
  const live = liveOf(col);
  if (live.inFlight) return;
  live.inFlight = true;
  const base = col.base;
  let status = null;
  try {
    // A server that hangs counts as down after 5 s, and is asked again.
    const res = await fetch(base + '/api/status', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
    if (res.ok) status = await res.json();
  } catch { /* down: recorded as a sample without a status, and asked again next second */ }
  live.inFlight = false;
  if (col.live !== live) return; // the column was pointed at another server meanwhile
  if (status) status.at = Date.now();
  live.samples.push({ at: Date.now(), status });
  const oldest = Date.now() - WINDOW_MS;
  while (live.samples.length && live.samples[0].at < oldest) live.samples.shift();
  col.el.querySelector('.live-state').textContent = status
    ? `polling /api/status every second; ${live.samples.length} samples (last 3 minutes)`
    : 'not answering /api/status: shown as a gap, asked again every second';
  col.el.querySelector('.charts').dataset.samples = String(live.samples.length);
  col.el.querySelector('.charts').dataset.down = String(!status);
}

// Each sample's value of a metric, with the sample before it (for rates such as CPU).
function series(samples, metric) {
  return samples.map((s, i) => {
    const before = i > 0 ? samples[i - 1].status : null;
    return { t: s.at, v: s.status ? metric.value(s.status, before) : null };
  });
}

// Redraw every chart: first the common scale of each metric over all columns, then the lines.
function drawAll() {
  const now = Date.now();
  const lives = columns.map(liveOf);
  for (const m of METRICS) {
    const all = lives.map((live) => series(live.samples, m));
    const highest = Math.max(0, ...all.flat().map((p) => p.v).filter((v) => v !== null));
    const yMax = niceMax(highest, m.least || 1);
    lives.forEach((live, i) => {
      const chart = live.charts[m.key];
      const points = all[i];
      const last = points.length ? points[points.length - 1].v : null;
      const lastStatus = live.samples.length ? live.samples[live.samples.length - 1].status : null;
      const text = formatNumber(last);
      if (chart.latest.textContent !== text) chart.latest.textContent = text;
      chart.unit.hidden = last === null; // "–", not "– %"
      chart.scale.textContent = `(scale 0–${formatNumber(yMax)})`;
      if (chart.detail) chart.detail.textContent = lastStatus ? m.detail(lastStatus) : '';
      drawLine(chart.svg, points, {
        t0: now - WINDOW_MS, t1: now, yMax,
        label: `${m.label} over the last 3 minutes, now ${text}${m.unit ? ' ' + m.unit : ''}, scale 0 to ${formatNumber(yMax)}`,
      });
    });
  }
}

setInterval(() => {
  columns.forEach(pollStatus);
  drawAll();
}, POLL_MS);
columns.forEach(pollStatus);
