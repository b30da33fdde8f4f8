'use strict';
// Two experiments of compare.html that read /api/broadcast with fetch instead of EventSource:
//   1. the wire: each server's first bytes exactly as they came, line ends made visible;
//   2. disconnect detection: how long each server takes to notice a client that went away.
// Each column holds at most six connections to its server, the browser's limit per host and port:
// its two EventSources, the status poll (compare-live.js), one wire view, and the experiment's
// stream and its own status poll.

const WIRE_BYTES_MAX = 4096;

const REPLAYED = 3; // the wire view asks for the last few events again, to show id:, event: and data: lines

// The heartbeat period a column's server last reported, or the SPEC's default.
function heartbeatMsOf(col) {
  const status = latestStatus(col);
  return (status && status.config && numberOrNull(status.config.heartbeatMs)) || 15000;
}

// ---------------------------------------------------------------------------
// 1. The wire.

// The text as rows, each line with its line end made visible: a CR as \r and a LF as \n (plain
// ASCII, where the control pictures ␍ ␊ are missing from many fonts).
// The whole text is drawn again on every chunk, so a CRLF split between two chunks shows right.
function showBytes(pre, text) {
  const rows = [];
  const pieces = text.split(/(\r\n|\r|\n)/);
  let sawHeartbeat = false; // a comment line, then the blank line that ends its frame
  let lastKind = '';
  for (let i = 0; i < pieces.length; i += 2) {
    const line = pieces[i];
    const ending = pieces[i + 1] || '';
    if (!ending && !line) continue;
    const { kind } = sseLine(line);
    const row = span('', 'wire-' + (ending ? kind : 'partial'));
    row.append(line, span(ending.replace('\r', '\\r').replace('\n', '\\n'), 'eol'));
    if (ending && kind === 'blank') row.append(span(lastKind === 'comment' ? ' end of a comment frame' : ' end of frame', 'why'));
    rows.push(row);
    if (ending && kind === 'blank' && lastKind === 'comment') sawHeartbeat = true;
    if (ending) lastKind = kind;
  }
  pre.replaceChildren(...rows);
  return sawHeartbeat;
}

async function showWire(col, button) {
  const view = col.el.querySelector('.wire');
  const status = view.querySelector('.wire-status');
  const countdownEl = view.querySelector('.wire-countdown');
  const pre = view.querySelector('.wire-bytes');
  const headers = view.querySelector('.wire-headers');
  const heartbeatMs = heartbeatMsOf(col);
  const limitMs = heartbeatMs + 2000;
  const controller = new AbortController();
  const started = Date.now();
  button.disabled = true;
  pre.replaceChildren();
  headers.replaceChildren();
  view.dataset.done = 'false';
  status.textContent = `reading; a heartbeat comes within ${heartbeatMs / 1000} s (config.heartbeatMs)`;
  // Until the first heartbeat: how long it may still take (not in the live region: it changes every second).
  const countdown = setInterval(() => {
    const left = Math.max(0, Math.ceil((started + limitMs - Date.now()) / 1000));
    countdownEl.textContent = `giving up in ${left} s`;
  }, 250);
  const stop = setTimeout(() => controller.abort(), limitMs);
  let text = '';
  let bytes = 0;
  let why = `${limitMs / 1000} s passed`;
  try {
    // ?lastEventId=N: the server replays the events after N (SPEC 5.2) before its presence and live events.
    const serverStatus = latestStatus(col);
    const newest = serverStatus ? numberOrNull(serverStatus.lastEventId) : null;
    const query = newest ? '?lastEventId=' + Math.max(0, newest - REPLAYED) : '';
    headers.append(span(`GET /api/broadcast${query}`, 'request'), '\n');
    const res = await fetch(col.base + '/api/broadcast' + query, { signal: controller.signal, cache: 'no-store' });
    // Only the CORS-safelisted response headers (Content-Type, Cache-Control, ...) reach a page
    // from another origin, unless the server lists more in Access-Control-Expose-Headers.
    headers.append(span(`HTTP ${res.status} ${res.statusText}`.trim(), 'status-line'));
    res.headers.forEach((value, name) => headers.append('\n', span(`${name}: ${value}`, 'header')));
    const reader = res.body.getReader();
    const decoder = new TextDecoder('utf-8');
    for (;;) {
      const { value, done } = await reader.read();
      if (done) { why = 'the server ended the stream'; break; }
      bytes += value.length;
      text += decoder.decode(value, { stream: true });
      if (showBytes(pre, text)) { why = 'the first heartbeat arrived'; break; }
      if (bytes >= WIRE_BYTES_MAX) { why = `${WIRE_BYTES_MAX} bytes arrived`; break; }
    }
  } catch (err) {
    if (!controller.signal.aborted) why = 'the request failed: ' + err.message;
  } finally {
    clearInterval(countdown);
    countdownEl.textContent = '';
    clearTimeout(stop);
    controller.abort(); // ends the stream: this view only shows the start
    button.disabled = false;
  }
  status.textContent = `stopped after ${((Date.now() - started) / 1000).toFixed(1)} s: ${why}; `
    + `${bytes} bytes read, then the fetch was aborted`;
  view.dataset.done = 'true';
}

// ---------------------------------------------------------------------------
// 2. Disconnect detection.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function broadcastCount(base) {
  const res = await fetch(base + '/api/status', { cache: 'no-store' });
  if (!res.ok) throw new Error('/api/status answered ' + res.status);
  const status = await res.json();
  const n = numberOrNull(status.streams && status.streams.broadcast);
  if (n === null) throw new Error('/api/status has no streams.broadcast');
  return n;
}

// Poll every 100 ms until check(count) holds; the time it took, or null after timeoutMs.
async function pollUntil(base, check, timeoutMs) {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (check(await broadcastCount(base))) return performance.now() - start;
    await sleep(100);
  }
  return null;
}

// Open a stream, wait until the server counts it, abort it, time until the server stops counting it.
async function measureDisconnect(col, show) {
  const heartbeatMs = heartbeatMsOf(col);
  const boundMs = 2 * heartbeatMs + 5000;
  const baseline = await broadcastCount(col.base);
  const controller = new AbortController();
  show('opening a stream…');
  const res = await fetch(col.base + '/api/broadcast', { signal: controller.signal, cache: 'no-store' });
  res.body.getReader().read().catch(() => { /* ends with the abort */ });
  const counted = await pollUntil(col.base, (n) => n > baseline, 5000);
  if (counted === null) {
    controller.abort();
    throw new Error(`the server never counted the new stream (broadcast stayed at ${baseline})`);
  }
  show('aborted; waiting for the server to notice…');
  controller.abort(); // the browser closes the connection: the server gets a FIN
  const noticed = await pollUntil(col.base, (n) => n <= baseline, boundMs);
  return { heartbeatMs, boundMs, noticed };
}

async function runDisconnectExperiment(button) {
  button.disabled = true;
  const table = $('disconnect-results');
  table.replaceChildren();
  await Promise.all(columns.map(async (col) => {
    const row = table.insertRow();
    row.dataset.base = col.base;
    const [server, heartbeat, result] = [row.insertCell(), row.insertCell(), row.insertCell()];
    server.textContent = col.server || col.base;
    heartbeat.textContent = formatNumber(heartbeatMsOf(col)) + ' ms';
    const show = (text) => { result.textContent = text; };
    try {
      const { heartbeatMs, boundMs, noticed } = await measureDisconnect(col, show);
      heartbeat.textContent = formatNumber(heartbeatMs) + ' ms';
      if (noticed === null) {
        row.dataset.result = 'not-noticed';
        show(`not noticed within ${formatNumber(boundMs)} ms (2 × heartbeat + 5 s)`);
      } else {
        row.dataset.result = 'noticed';
        row.dataset.ms = String(Math.round(noticed));
        const beats = noticed / heartbeatMs;
        // Well before a heartbeat: the server was reading and saw the FIN; else a write had to fail first.
        show(`${formatNumber(noticed, 0)} ms (${beats.toFixed(1)} heartbeats): `
          + (beats < 0.5 ? 'at once, it saw the connection close' : 'at a heartbeat, when a write failed'));
      }
    } catch (err) {
      row.dataset.result = 'failed';
      show('could not measure: ' + err.message);
    }
  }));
  button.disabled = false;
}

$('disconnect-run').addEventListener('click', (e) => runDisconnectExperiment(e.currentTarget));
columns.forEach((col) => {
  const button = col.el.querySelector('.wire-start');
  button.addEventListener('click', () => showWire(col, button));
});
