'use strict';
// Small helpers shared by index.html and compare.html.
// Everything the servers send is put on the page with textContent, never innerHTML:
// an event's data is shown as text and can never become HTML.

const $ = (id) => document.getElementById(id);

const STATES = ['CONNECTING', 'OPEN', 'CLOSED'];  // EventSource.readyState 0, 1, 2
const EVENT_NAME = /^[A-Za-z0-9_-]{1,64}$/;      // the event names the servers accept
const FEED_MAX = 200;                             // lists stay short on a page left open all day
const LOG_MAX = 100;

// A bad JSON body should show as "?", not throw.
function parseJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

const clock = () => new Date().toLocaleTimeString();

// A <span> with text (and a class).
function span(text, className) {
  const s = document.createElement('span');
  if (className) s.className = className;
  s.textContent = text;
  return s;
}

// Put an entry at the top of a list (newest first), and drop the oldest beyond max.
function prependBounded(list, li, max) {
  li.classList.add('fresh');
  list.prepend(li);
  while (list.children.length > max) list.lastElementChild.remove();
}

// Put an entry at the bottom of a list (oldest first, like a terminal), drop the oldest
// beyond max, and keep the list scrolled to the bottom unless the reader scrolled up.
function appendBounded(list, node, max) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 30;
  list.append(node);
  while (list.children.length > max) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

// One line of a connection log: <li data-kind="open|error|reopen|closed">time text</li>
function logLine(list, kind, text) {
  const li = document.createElement('li');
  li.dataset.kind = kind;
  li.append(span(clock(), 'time'), span(text, 'text'));
  prependBounded(list, li, LOG_MAX);
}

// One event as a list entry: <li data-id data-event> id, name, <span class="data">.
// Only events that carried an id get data-id (gap and presence carry none).
function eventItem(id, name, data) {
  const li = document.createElement('li');
  if (id) li.dataset.id = id;
  li.dataset.event = name;
  li.append(span(id ? '#' + id : '—', 'id'), span(name, 'event'), span(data, 'data'));
  return li;
}

// Show a readyState word, and colour it (through data-state), only when it changed.
function showState(el, state) {
  if (el.textContent !== state) el.textContent = state;
  if (el.dataset.state !== state) el.dataset.state = state;
}

const stateOf = (source) => (source ? STATES[source.readyState] : 'CLOSED');

// A name worth a listener of its own for the feed: a valid event name, not presence or gap (handled apart).
const isFeedEventName = (name) => EVENT_NAME.test(name) && name !== 'presence' && name !== 'gap';

// The server's answer as one line: a 2xx body as it came, or the sentence of an {"error": ...} body.
async function describe(res) {
  const text = await res.text();
  if (res.ok) return text;
  const body = parseJson(text);
  return res.status + ': ' + (body && body.error ? body.error : text);
}

// POST one event to a server's /api/broadcast (base '' is this page's server); the answer as one line.
async function publish(base, name, contentType, body) {
  const res = await fetch(base + '/api/broadcast?event=' + encodeURIComponent(name), {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body,
  });
  return describe(res);
}

// ---------------------------------------------------------------------------
// A watched EventSource: its readyState on screen and a log of what happened to it.
//
// EventSource tells us about 'open' and 'error', but it fires no event when it starts
// reconnecting or when it goes CLOSED after close(), so the state is also polled (see poll()).
// It does not tell which Last-Event-ID it sends when it reconnects either: that is the
// lastEventId of the last event it received before the error, so we remember that.

function watchedStream({ url, stateEl, logEl, listen, resume, prefix = '' }) {
  const log = (kind, text) => logLine(logEl, kind, prefix + text);
  const stream = {
    source: null,
    lastId: '', // lastEventId of the last event received: what the browser sends back as Last-Event-ID

    // A new EventSource, unless one is open or connecting already.
    open() {
      if (stream.source && stream.source.readyState !== EventSource.CLOSED) return;
      if (!resume) stream.lastId = ''; // a new EventSource starts with no last event id
      const address = url(stream.lastId);
      let source;
      try {
        source = new EventSource(address);
      } catch (err) { // not a URL at all (a typo in a base URL): there is nothing to watch
        log('error', 'error: ' + err.message);
        return;
      }
      stream.source = source;
      let failed = false; // an error happened since the last open
      let opened = false; // this EventSource was open at least once
      let idAtError = '';
      source.addEventListener('open', () => {
        if (failed) {
          log('reopen', idAtError
            ? 'reopened, resumed from Last-Event-ID: ' + idAtError
            : 'reopened (no Last-Event-ID yet)');
        } else {
          log('open', 'open: GET ' + address);
        }
        failed = false;
        opened = true;
        stream.poll();
      });
      source.addEventListener('error', () => {
        if (!failed) idAtError = stream.lastId;
        failed = true;
        if (source.readyState === EventSource.CLOSED) {
          // An answer that is not a stream (an HTTP error, a 204): the browser gives up.
          log('error', 'error: the answer was not a stream');
          log('closed', 'closed by the browser: it will not retry');
        } else {
          log('error', opened
            ? 'error: connection lost, the browser reconnects after the retry delay'
            : 'error: could not connect, the browser tries again after the retry delay');
        }
        stream.poll();
      });
      listen(source, stream);
      stream.poll();
    },

    close() {
      if (!stream.source || stream.source.readyState === EventSource.CLOSED) return;
      stream.source.close();
      log('closed', 'closed by the page: EventSource.close(), it never reconnects');
      stream.poll();
    },

    // Add a listener that also remembers the event's lastEventId.
    on(source, type, handler) {
      source.addEventListener(type, (e) => {
        stream.lastId = e.lastEventId;
        handler(e);
      });
    },

    poll() {
      showState(stateEl, stateOf(stream.source));
    },

    isOpen: () => stream.source !== null && stream.source.readyState === EventSource.OPEN,
  };
  return stream;
}

// ---------------------------------------------------------------------------
// Reading an SSE stream by hand (the wire views of both pages).

// Split text into lines at CRLF, CR or LF. A chunk may end in the middle of a line, or
// between the CR and the LF of one CRLF, so the unfinished part waits for the next chunk.
function lineSplitter(onLine) {
  let rest = '';      // the start of a line whose end has not arrived yet
  let skipLf = false; // the last chunk ended with CR: a LF first in the next one belongs to it
  return (text) => {
    if (!text) return;
    if (skipLf && text[0] === '\n') text = text.slice(1);
    skipLf = false;
    rest += text;
    let start = 0;
    for (let i = 0; i < rest.length; i++) {
      const c = rest[i];
      if (c !== '\r' && c !== '\n') continue;
      onLine(rest.slice(start, i));
      if (c === '\r') {
        if (i + 1 === rest.length) skipLf = true;
        else if (rest[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    rest = rest.slice(start);
  };
}

// What one line of an SSE stream is, read the way EventSource reads it: blank (the end of a frame:
// the event is dispatched now), comment (a line starting with ':', ignored: the heartbeat), one of the
// four fields (retry, id, event, data) with its value, or other (a field EventSource ignores).
function sseLine(line) {
  if (line === '') return { kind: 'blank', value: '' };
  if (line[0] === ':') return { kind: 'comment', value: line.slice(1) };
  const colon = line.indexOf(':');
  const field = colon < 0 ? line : line.slice(0, colon);
  const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
  return { kind: ['retry', 'id', 'event', 'data'].includes(field) ? field : 'other', value };
}

// ---------------------------------------------------------------------------
// Which protocol a server speaks to this page (h2, http/1.1), from the Resource Timing API.
//
// Every request the page makes gets a PerformanceResourceTiming entry whose nextHopProtocol names the protocol
// of the connection it used, but only once its response has ended: an EventSource (or a streamed fetch) that is
// still open has no entry yet. So a stream's protocol is read from the newest entry of another request to the
// same server, usually the page's /api/status: all of a page's connections to one host and port speak the same
// protocol, and over HTTP/2 they are one connection. From another origin the entry's nextHopProtocol is empty
// unless the server allows it with a Timing-Allow-Origin header.

const newestEntryByOrigin = new Map(); // origin -> { protocol, url } of the newest resource entry

function noteEntry(entry) {
  let origin;
  try { origin = new URL(entry.name).origin; } catch { return; }
  const known = newestEntryByOrigin.get(origin);
  // An empty nextHopProtocol (hidden cross-origin, or served from the cache) does not replace a known one.
  if (!entry.nextHopProtocol && known && known.protocol) return;
  newestEntryByOrigin.set(origin, { protocol: entry.nextHopProtocol, url: entry.name });
}

// The observer sees every entry, also once the page's entry buffer (250 by default) is full.
if (typeof PerformanceObserver === 'function'
    && (PerformanceObserver.supportedEntryTypes || []).includes('resource')) {
  new PerformanceObserver((list) => list.getEntries().forEach(noteEntry)).observe({ type: 'resource', buffered: true });
}

const PROTOCOL_NAMES = { h2: 'HTTP/2', 'http/1.1': 'HTTP/1.1', h3: 'HTTP/3' };

// The protocol to the server at `base` ('' is this page's own): { protocol: 'h2' | 'http/1.1' | '' , why }.
// `why` says where the figure comes from, for a tooltip.
function protocolTo(base) {
  const origin = new URL(base || '/', location.href).origin;
  const entry = newestEntryByOrigin.get(origin);
  if (!entry) return { protocol: '', why: `no request to ${origin} has ended yet, so the page cannot tell` };
  const path = entry.url.startsWith(origin) ? entry.url.slice(origin.length) : entry.url;
  if (!entry.protocol) {
    return { protocol: '', why: `the server does not allow ${location.origin} to read its timing `
      + `(no Timing-Allow-Origin header on ${path}), so the page cannot tell` };
  }
  return { protocol: entry.protocol, why: `nextHopProtocol of ${path}, the newest request to ${origin} that ended `
    + '(an open stream has no Resource Timing entry until its response ends)' };
}

// A protocol as a word to show: "h2 (HTTP/2)", "http/1.1", or "–" while unknown.
function protocolLabel(protocol) {
  if (!protocol) return '–';
  const name = PROTOCOL_NAMES[protocol];
  return name && name.toLowerCase() !== protocol ? `${protocol} (${name})` : protocol;
}

// Show a stream's protocol in `el`: the server's protocol while the stream is OPEN, `idle` otherwise (a stream that
// waits for a connection has none yet). data-protocol holds the bare token, title says where it comes from.
function showProtocol(el, base, open, idle = '–') {
  const { protocol, why } = open ? protocolTo(base) : { protocol: '', why: 'not open: no connection yet' };
  const text = open ? protocolLabel(protocol) : idle;
  if (el.textContent !== text) el.textContent = text;
  if (el.dataset.protocol !== protocol) el.dataset.protocol = protocol;
  if (el.title !== why) el.title = why;
}
