'use strict';
// The workshop's main page. Read it top to bottom:
//   1. which server is this          4. publish and "drop all connections"
//   2. a watched EventSource         5. the wire view (the broadcast stream read with fetch)
//   3. the counter and the broadcast 6. the connection-limit lab
//   and, every 250 ms, each stream's readyState and protocol (protocolTo() in common.js)
// Helpers ($, span, logLine, eventItem, showState, ...) are in common.js.

// ---------------------------------------------------------------------------
// 1. Which server is this? The four servers answer the same protocol.
// /api/status also tells the newest broadcast id: see the broadcast's url() below.

let newestIdAtLoad = '';

fetch('/api/status')
  .then((res) => (res.ok ? res.json() : Promise.reject(new Error('HTTP ' + res.status))))
  .then((status) => {
    $('server').textContent = status.server;
    $('stack').textContent = status.stack;
    if (Number.isInteger(status.lastEventId)) newestIdAtLoad = String(status.lastEventId);
    const config = status.config || {};
    if (config.retryMs !== undefined) {
      $('config').textContent = `(retry ${config.retryMs} ms, a heartbeat after ${config.heartbeatMs} ms of silence)`;
    }
  })
  .catch((err) => {
    $('server').textContent = '?';
    $('stack').textContent = 'no status: ' + err.message;
  });

// ---------------------------------------------------------------------------
// 2. A watched EventSource: watchedStream() in common.js keeps its readyState on screen
// (polled every 250 ms: EventSource fires no event when it starts reconnecting) and logs
// its opens, errors, reconnects (with the Last-Event-ID they resumed from) and closes.
// The counter and the broadcast below are each one watchedStream.

// ---------------------------------------------------------------------------
// 3a. Counter: one private stream per page. After a reconnect the server resumes
// from Last-Event-ID; a new EventSource (the "Open counter" button) starts at 1 again.

const counter = watchedStream({
  url: () => '/api/counter',
  stateEl: $('counter-state'),
  logEl: $('counter-log'),
  resume: false,
  listen(source, stream) {
    stream.on(source, 'tick', (e) => { // a named event: onmessage would never see it
      const tick = parseJson(e.data);
      $('count').textContent = tick ? tick.count : '?';
      $('counter-id').textContent = e.lastEventId;
    });
  },
});

// 3b. Broadcast: one shared stream. A named event only reaches a listener for that
// exact name, so we listen for every name this page publishes or that is typed in the form.

const listening = new Set();

const broadcast = watchedStream({
  // A new EventSource starts with no last event id. So that "Close" then "Open" misses
  // nothing, it asks for the events after the last one we saw (or, when we saw none yet,
  // after the newest one when the page loaded) with the query the SPEC allows.
  url: (lastId) => {
    const from = lastId || newestIdAtLoad;
    return from ? '/api/broadcast?lastEventId=' + encodeURIComponent(from) : '/api/broadcast';
  },
  stateEl: $('broadcast-state'),
  logEl: $('broadcast-log'),
  resume: true,
  listen(source, stream) {
    listening.forEach((name) => listenOn(source, stream, name));
    // presence and gap carry no id: they are about the stream, not events to replay.
    stream.on(source, 'presence', (e) => {
      const p = parseJson(e.data);
      $('subscribers').textContent = p ? p.subscribers : '?';
      showDispatched(e, false);
    });
    stream.on(source, 'gap', (e) => {
      const li = eventItem('', 'gap', e.data);
      const g = parseJson(e.data);
      li.append(span((g ? g.missed : '?') + ' events were dropped from the history and cannot be replayed', 'note'));
      prependBounded($('feed'), li, FEED_MAX);
      showDispatched(e, false);
    });
  },
});

function listenOn(source, stream, name) {
  stream.on(source, name, (e) => {
    prependBounded($('feed'), eventItem(e.lastEventId, e.type, e.data), FEED_MAX);
    showDispatched(e, true);
  });
}

// Listen for one more event name (once: a second listener would show every event twice).
function listen(name) {
  if (!isFeedEventName(name) || listening.has(name)) return;
  listening.add(name);
  const source = broadcast.source;
  if (source && source.readyState !== EventSource.CLOSED) listenOn(source, broadcast, name);
  $('listening').textContent = [...listening].join(', ');
  const option = document.createElement('option');
  option.value = name;
  $('event-names').append(option);
}

['message', 'chat', 'alert'].forEach(listen); // the names this page offers to publish

counter.open();
broadcast.open();
$('counter-open').addEventListener('click', () => counter.open());
$('counter-close').addEventListener('click', () => counter.close());
$('broadcast-open').addEventListener('click', () => broadcast.open());
$('broadcast-close').addEventListener('click', () => broadcast.close());

// ---------------------------------------------------------------------------
// 4. Publish form, and "drop all connections".

// A new event name gets a listener once the user pauses typing (and, at the latest,
// just before sending), so our own event is never missed.
let typing;
$('event-name').addEventListener('input', (e) => {
  clearTimeout(typing);
  typing = setTimeout(() => listen(e.target.value.trim()), 800);
});
$('event-name').addEventListener('change', (e) => listen(e.target.value.trim()));

$('publish').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('event-name').value.trim();
  listen(name);
  const out = $('publish-result');
  out.textContent = 'sending…';
  try {
    out.textContent = await publish('', name, $('content-type').value, $('body').value);
  } catch (err) {
    out.textContent = 'network error: ' + err.message;
  }
});

$('disconnect').addEventListener('click', async () => {
  const out = $('disconnect-result');
  out.textContent = 'asking…';
  try {
    const res = await fetch('/api/disconnect', { method: 'POST' });
    if (!res.ok) {
      out.textContent = await describe(res);
      return;
    }
    const answer = parseJson(await res.text());
    const closed = answer ? answer.closed : '?';
    out.dataset.closed = closed;
    out.textContent = `the server closed ${closed} stream${closed === 1 ? '' : 's'}`;
  } catch (err) {
    out.textContent = 'network error: ' + err.message;
  }
});

// ---------------------------------------------------------------------------
// 5. Wire view: /api/broadcast read a second way, with fetch and a stream reader.

const WIRE_MAX = 300; // newest lines kept on screen
const wire = {
  running: false,     // between "Start" and "Stop"
  state: '',          // reading | ended | reconnecting in N ms | stopped (and connecting)
  controller: null,   // aborts the request in progress
  timer: 0,           // the pending reconnect
  retryMs: 3000,      // the reconnection delay until the server sends retry:
  lastId: '',         // the last event id: set when a frame that had an id: line ends
  idBuffer: '',       // the id: line seen in the frame being read
  reconnecting: false,
  headers: null,      // the headers of the last request, for the request shown
};

function setWireState(state) {
  wire.state = state;
  $('wire-state').textContent = state;
}

// One line as it came: shown with a class by kind, and read the way EventSource reads it.
function wireLine(line) {
  const { kind, value } = sseLine(line);
  if (kind === 'retry' && /^[0-9]+$/.test(value)) {
    wire.retryMs = Number(value);
    $('wire-retry').textContent = wire.retryMs + ' ms';
  } else if (kind === 'id' && !value.includes('\0')) {
    wire.idBuffer = value;
  } else if (kind === 'blank') {
    wire.lastId = wire.idBuffer;
    $('wire-last-id').textContent = wire.lastId || '– (none yet)';
  }
  const li = document.createElement('li');
  li.className = 'wire-' + kind;
  li.textContent = line === '' ? '⏎' : line;
  appendBounded($('wire'), li, WIRE_MAX);
}

async function wireConnect() {
  const controller = new AbortController();
  wire.controller = controller;
  const headers = { Accept: 'text/event-stream' };
  if (wire.lastId) headers['Last-Event-ID'] = wire.lastId;
  wire.headers = headers;
  showWireRequest();
  setWireState('connecting');
  const again = wire.reconnecting;
  wire.reconnecting = false;
  let res;
  try {
    res = await fetch('/api/broadcast', { headers, signal: controller.signal, cache: 'no-store' });
  } catch (err) {
    if (controller.signal.aborted) return;
    logLine($('wire-log'), 'error', 'request failed: ' + err.message);
    wireRetry();
    return;
  }
  const type = res.headers.get('Content-Type') || '';
  if (res.status !== 200 || !type.startsWith('text/event-stream')) {
    // Like EventSource: an answer that is not a stream (a 204, an HTTP error) is final.
    controller.abort();
    wire.running = false;
    logLine($('wire-log'), 'error', `HTTP ${res.status} ${type}: not a stream, so no reconnect (EventSource gives up too)`);
    setWireState('ended');
    return;
  }
  logLine($('wire-log'), again ? 'reopen' : 'open', again
    ? (wire.lastId ? 'reopened, sent Last-Event-ID: ' + wire.lastId : 'reopened (no Last-Event-ID yet)')
    : 'open: GET /api/broadcast' + (wire.lastId ? ' with Last-Event-ID: ' + wire.lastId : ''));
  setWireState('reading');
  wire.idBuffer = wire.lastId;
  const reader = res.body.getReader();
  const decoder = new TextDecoder('utf-8'); // stream: true keeps a character split across chunks whole
  const push = lineSplitter(wireLine);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      push(decoder.decode(value, { stream: true }));
    }
    push(decoder.decode());
    // An unfinished line or frame at the end is dropped, as EventSource drops it.
    logLine($('wire-log'), 'error', 'the stream ended (the server closed it)');
  } catch (err) {
    if (controller.signal.aborted) return;
    logLine($('wire-log'), 'error', 'the stream broke: ' + err.message);
  }
  setWireState('ended');
  wireRetry();
}

// The request as the browser sends it: an HTTP/1.1 request line and headers, or over HTTP/2 a HEADERS frame,
// its request line as pseudo-headers and every name in lower case. (Shown again once the protocol is known.)
function showWireRequest() {
  if (!wire.headers) return;
  const h2 = protocolTo('').protocol === 'h2';
  const lines = h2
    ? [':method: GET', ':scheme: ' + location.protocol.slice(0, -1), ':authority: ' + location.host, ':path: /api/broadcast']
    : ['GET /api/broadcast HTTP/1.1', 'Host: ' + location.host];
  Object.entries(wire.headers).forEach(([k, v]) => lines.push((h2 ? k.toLowerCase() : k) + ': ' + v));
  const text = lines.join('\n');
  if ($('wire-request').textContent !== text) $('wire-request').textContent = text;
}

// fetch does not reconnect by itself: wait the last retry: value, then ask again with Last-Event-ID.
function wireRetry() {
  if (!wire.running) return;
  wire.reconnecting = true;
  setWireState('reconnecting in ' + wire.retryMs + ' ms');
  wire.timer = setTimeout(() => {
    wire.timer = 0;
    if (wire.running) wireConnect();
  }, wire.retryMs);
}

function wireStart() {
  if (wire.running) return;
  wire.running = true;
  wireConnect();
}

function wireStop() {
  if (!wire.running) return;
  wire.running = false;
  clearTimeout(wire.timer);
  wire.timer = 0;
  wire.reconnecting = false;
  if (wire.controller) wire.controller.abort();
  wire.controller = null;
  logLine($('wire-log'), 'closed', 'stopped by the page (AbortController.abort())');
  setWireState('stopped');
}

// The other side: what the page's EventSource dispatched from its own connection.
// presence and gap have no id: line, yet e.lastEventId still holds the last id seen.
function showDispatched(e, hasId) {
  const li = eventItem(hasId ? e.lastEventId : '', e.type, e.data);
  if (!hasId && e.lastEventId) li.append(span('(no id: line; lastEventId stays ' + e.lastEventId + ')', 'note'));
  appendBounded($('wire-parsed'), li, FEED_MAX);
}

$('wire-start').addEventListener('click', wireStart);
$('wire-stop').addEventListener('click', wireStop);
wireStart();

// ---------------------------------------------------------------------------
// 6. Connection-limit lab: extra counter streams, to meet the six-connection limit.

const LAB_URL = '/api/counter?interval=1000';
const BROWSER_LIMIT = 6; // connections per host and port over HTTP/1.1
const lab = [];          // { source, li, stateEl, countEl }

function labOpen() {
  labClose();
  lab.length = 0;
  $('lab').replaceChildren();
  const n = Math.min(30, Math.max(1, Math.floor(Number($('lab-count').value)) || 7));
  for (let i = 1; i <= n; i++) {
    const entry = { source: new EventSource(LAB_URL), li: document.createElement('li') };
    entry.stateEl = span('', 'state');
    entry.countEl = span('count –', 'count');
    entry.protocolEl = span('–', 'protocol');
    entry.li.append(span('lab stream ' + i, 'n'), entry.stateEl, entry.countEl, entry.protocolEl);
    entry.source.addEventListener('tick', (e) => {
      const tick = parseJson(e.data);
      entry.countEl.textContent = 'count ' + (tick ? tick.count : '?');
    });
    lab.push(entry);
    $('lab').append(entry.li);
  }
  poll();
}

function labClose() {
  lab.forEach((entry) => entry.source.close());
  poll();
}

$('lab-open').addEventListener('click', labOpen);
$('lab-close').addEventListener('click', labClose);

// The protocol, live: what the attendee will see when the lab streams open.
function labProtocol() {
  const { protocol, why } = protocolTo('');
  let text;
  if (protocol === 'h2') {
    text = 'This page speaks h2 (HTTP/2) to the server: every stream shares one connection, so all lab streams open at once.';
  } else if (protocol) {
    text = `This page speaks ${protocolLabel(protocol)} to the server: at most six connections, so lab streams wait`
      + (location.protocol === 'https:' ? ' (this server offers no HTTP/2 over TLS).' : ' (HTTP/2 needs https).');
  } else {
    text = 'The protocol is not known yet.';
  }
  const el = $('lab-protocol');
  if (el.textContent !== text) el.textContent = text;
  if (el.title !== why) el.title = why;
  el.dataset.protocol = protocol;
}

// How many of the six connections the page's own streams hold right now (over HTTP/1.1).
function labNote() {
  const held = [];
  if (counter.isOpen()) held.push('counter');
  if (broadcast.isOpen()) held.push('broadcast');
  if (wire.state === 'reading') held.push('wire view');
  const k = held.length;
  const free = BROWSER_LIMIT - k;
  let text;
  if (protocolTo('').protocol === 'h2') {
    text = `The page has ${k} stream${k === 1 ? '' : 's'} open right now` + (k ? ` (${held.join(', ')})` : '')
      + ', all on its one HTTP/2 connection: no lab stream waits.';
  } else {
    text = `The page holds ${k} connection${k === 1 ? '' : 's'} right now`
      + (k ? ` (${held.join(', ')})` : '') + ', so ';
    if (free === 0) text += 'every lab stream will wait.';
    else text += `lab stream${free === 1 ? ' 1' : 's 1–' + free} can open and lab stream ${free + 1} and later will wait.`;
  }
  const note = $('lab-note');
  if (note.textContent !== text) note.textContent = text;
  note.dataset.pageConnections = k;
}

// ---------------------------------------------------------------------------
// Leaving the page (reload, a link, the back button): close every stream first. With all six
// connections to this server held by this page, the browser's request for the next page would
// wait for a free one for ever. beforeunload runs before that request; pagehide comes too late.
// Back to the page from the browser's back-forward cache: open them again.

let openBeforeLeaving = null;
window.addEventListener('beforeunload', () => {
  openBeforeLeaving = {
    counter: stateOf(counter.source) !== 'CLOSED',
    broadcast: stateOf(broadcast.source) !== 'CLOSED',
    wire: wire.running,
  };
  counter.close();
  broadcast.close();
  wireStop();
  labClose();
});
window.addEventListener('pageshow', (e) => {
  if (!e.persisted || !openBeforeLeaving) return;
  if (openBeforeLeaving.counter) counter.open();
  if (openBeforeLeaving.broadcast) broadcast.open();
  if (openBeforeLeaving.wire) wireStart();
  openBeforeLeaving = null;
});

// ---------------------------------------------------------------------------
// Every 250 ms: the live readyState of every stream (EventSource has no "state changed" event), and its protocol.

function poll() {
  counter.poll();
  broadcast.poll();
  showProtocol($('protocol'), '', true);
  showProtocol($('counter-protocol'), '', counter.isOpen());
  showProtocol($('broadcast-protocol'), '', broadcast.isOpen());
  showProtocol($('wire-protocol'), '', wire.state === 'reading');
  showWireRequest();
  lab.forEach((entry) => {
    const state = stateOf(entry.source);
    showState(entry.stateEl, state);
    if (entry.li.dataset.state !== state) entry.li.dataset.state = state;
    showProtocol(entry.protocolEl, '', state === 'OPEN', state === 'CONNECTING' ? 'waiting for a connection' : '–');
  });
  labProtocol();
  labNote();
}
setInterval(poll, 250);
poll();
