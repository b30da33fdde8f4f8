'use strict';
// Four servers side by side: one column per server, each with its own broadcast and
// counter EventSource, opened cross-origin. Helpers (watchedStream, eventItem, ...) are in common.js.

const MAX_COLUMNS = 4;
// ./serve all's ports: 8080-8083 over http, 8443-8446 over https (--tls).
const SERVE_ALL_FIRST_PORT = { 'http:': 8080, 'https:': 8443 };

// The names every column's broadcast EventSource listens for: 'message', the names the
// workshop page offers, and every name published from the form below.
const names = new Set(['message', 'chat', 'alert']);

// "127.0.0.1:8090", "http://127.0.0.1:8090/" or "http%3A%2F%2F127.0.0.1%3A8090" all become
// "http://127.0.0.1:8090": a base URL without a trailing slash.
function normalizeBase(text) {
  let base = text.trim();
  if (/%[0-9A-Fa-f]{2}/.test(base)) {
    try { base = decodeURIComponent(base); } catch { /* keep it as it is */ }
  }
  if (base && !/^[a-z][a-z0-9+.-]*:\/\//i.test(base)) base = 'http://' + base;
  return base.replace(/\/+$/, '');
}

// ?servers=<url>,<url>,... (1 to 4), else this page's scheme and host on ./serve all's four ports (8080 ... 8083
// over http, 8443 ... 8446 over https), or, when the page's own port is not one of them, on its port and the next three.
function initialBases() {
  let list = new URLSearchParams(location.search).get('servers') || '';
  if (!list.includes(',') && /%2C/i.test(list)) {
    try { list = decodeURIComponent(list); } catch { /* keep it as it is */ }
  }
  const bases = list.split(',').map(normalizeBase).filter(Boolean).slice(0, MAX_COLUMNS);
  if (bases.length) return bases;
  const scheme = location.protocol === 'https:' ? 'https:' : 'http:'; // a page opened as a file: http
  const host = location.hostname || 'localhost';
  const own = Number(location.port) || (scheme === 'https:' ? 443 : 80);
  let first = SERVE_ALL_FIRST_PORT[scheme];
  if (location.host && (own < first || own > first + 3)) first = own;
  return [0, 1, 2, 3].map((i) => `${scheme}//${host}:${first + i}`);
}

const columns = initialBases().map(makeColumn);

// One column: its DOM (a copy of the template) and its two streams.
function makeColumn(base, index) {
  const el = $('column-template').content.firstElementChild.cloneNode(true);
  const part = (cls) => el.querySelector('.' + cls);
  const col = {
    index, base, el,
    title: part('title'), stack: part('stack'), feed: part('feed'), log: part('log'), input: part('base'),
    broadcast: null, counter: null,
    listened: new Set(), // names listened for on the current broadcast EventSource
    server: '',          // from /api/status
    unreachable: false,  // its /api/status did not answer
    statusAsked: 0,      // so that a late answer about an older base URL is ignored
  };
  col.title.textContent = 'Server ' + (index + 1);
  col.input.id = 'base-' + index;
  part('base-label').htmlFor = col.input.id;
  part('base-label').textContent = `Server ${index + 1} base URL`;
  part('watch').setAttribute('aria-label', `Watch server ${index + 1}`);
  part('wire-start').setAttribute('aria-label', `Show the first bytes of server ${index + 1}'s /api/broadcast`);
  col.input.value = base;
  part('watch-form').addEventListener('submit', (e) => {
    e.preventDefault();
    col.base = normalizeBase(col.input.value);
    col.input.value = col.base;
    watch(col);
    rememberBases();
  });
  $('columns').append(el);

  const option = document.createElement('option');
  option.value = String(index);
  $('target').append(option);
  col.option = option;
  return col;
}

// (Re)connect a column to its base URL: status, broadcast and counter.
function watch(col) {
  if (col.broadcast && col.broadcast.source) col.broadcast.source.close();
  if (col.counter && col.counter.source) col.counter.source.close();
  col.el.dataset.base = col.base;
  col.server = '';
  col.title.textContent = 'Server ' + (col.index + 1);
  col.feed.replaceChildren();
  col.log.replaceChildren();
  col.el.querySelector('.subscribers').textContent = '–';
  col.el.querySelector('.count').textContent = '–';
  col.listened = new Set();
  showTarget(col);
  loadStatus(col);

  col.broadcast = watchedStream({
    url: () => col.base + '/api/broadcast',
    stateEl: col.el.querySelector('.state'),
    logEl: col.log,
    prefix: 'broadcast ',
    resume: false,
    listen(source, stream) {
      names.forEach((name) => listenOn(col, name));
      stream.on(source, 'presence', (e) => {
        const p = parseJson(e.data);
        col.el.querySelector('.subscribers').textContent = p ? p.subscribers : '?';
      });
      stream.on(source, 'gap', (e) => prependBounded(col.feed, eventItem('', 'gap', e.data), FEED_MAX));
      // A server that was down when the page loaded: ask for its status once it answers.
      source.addEventListener('open', () => { if (col.unreachable) loadStatus(col); });
    },
  });
  col.counter = watchedStream({
    url: () => col.base + '/api/counter',
    stateEl: col.el.querySelector('.counter-state'),
    logEl: col.log,
    prefix: 'counter ',
    resume: false,
    listen(source, stream) {
      stream.on(source, 'tick', (e) => {
        const tick = parseJson(e.data);
        col.el.querySelector('.count').textContent = tick ? tick.count : '?';
      });
    },
  });
  col.broadcast.open();
  col.counter.open();
}

// Listen for a name on a column's broadcast EventSource, once (twice would show every event twice).
function listenOn(col, name) {
  if (col.listened.has(name)) return;
  col.listened.add(name);
  col.broadcast.on(col.broadcast.source, name, (e) => {
    prependBounded(col.feed, eventItem(e.lastEventId, e.type, e.data), FEED_MAX);
  });
}

function listen(name) {
  if (!isFeedEventName(name) || names.has(name)) return;
  names.add(name);
  columns.forEach((col) => { if (col.broadcast) listenOn(col, name); });
  $('compare-listening').textContent = [...names].join(', ');
}

function loadStatus(col) {
  const asked = ++col.statusAsked;
  const base = col.base;
  col.stack.textContent = 'asking /api/status…';
  fetch(base + '/api/status')
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error('HTTP ' + res.status))))
    .then((status) => {
      if (asked !== col.statusAsked) return;
      col.unreachable = false;
      col.server = String(status.server);
      // With REDIS_URL (SPEC 11) the instances share one broadcast: say so, since the page's lesson is the opposite.
      const shared = status.cluster ? `; shares its broadcast through Redis with ${status.cluster.instances - 1} other instance(s)` : '';
      col.stack.textContent = `${status.stack} (${status.server})${shared}`;
      col.title.textContent = `Server ${col.index + 1}: ${col.server}`;
      showTarget(col);
    })
    .catch(() => {
      if (asked !== col.statusAsked) return;
      col.unreachable = true;
      col.stack.textContent = 'not reachable';
      showTarget(col);
    });
}

// The publish form's choice for this column: "2: undertow (http://127.0.0.1:8081)".
function showTarget(col) {
  col.option.textContent = `${col.index + 1}: ${col.server || 'server'} (${col.base})`;
}

// Keep edited base URLs in the address, so a reload watches the same servers.
function rememberBases() {
  const query = '?servers=' + columns.map((col) => col.base).join(',');
  history.replaceState(null, '', location.pathname + query);
}

// --- Publish to one server only.
$('compare-publish').addEventListener('submit', async (e) => {
  e.preventDefault();
  const col = columns[Number($('target').value)];
  const name = $('compare-event').value.trim();
  listen(name); // before publishing, so the event is not missed
  const out = $('compare-result');
  $('compare-result-from').textContent = ` from server ${col.index + 1} (${col.base})`;
  out.textContent = 'sending…';
  try {
    out.textContent = await publish(col.base, name, $('compare-content-type').value, $('compare-body').value);
  } catch (err) {
    out.textContent = 'network error (server down, or the request was refused cross-origin): ' + err.message;
  }
});

$('compare-listening').textContent = [...names].join(', ');
columns.forEach(watch);

// Leaving the page: close every stream first (two columns watching one server hold four
// connections to it; the next page must not wait for a free one). Back from the
// back-forward cache: watch again.
window.addEventListener('beforeunload', () => {
  columns.forEach((col) => { col.broadcast.close(); col.counter.close(); });
});
window.addEventListener('pageshow', (e) => {
  if (e.persisted) columns.forEach(watch);
});

// Every 250 ms: the live readyState of every stream (EventSource has no "state changed" event).
// And the protocol each column's server speaks to this page (see protocolTo() in common.js).
setInterval(() => columns.forEach((col) => {
  col.broadcast.poll();
  col.counter.poll();
  showProtocol(col.el.querySelector('.protocol'), col.base, col.broadcast.isOpen() || col.counter.isOpen());
}), 250);
