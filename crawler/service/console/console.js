// The web console of `crawler serve`: one page, its view chosen by the address's
// fragment (#/overview, #/hosts, #/errors, #/search?q=, #/page?url=), fed by the
// JSON API of docs/console.md, polled every two seconds.
// Must stay true: everything the API returns came from the web or describes it, so
// it reaches the DOM only through textContent (never innerHTML), and the only
// links built from it are our own #/page?url= views (encodeURIComponent) or an
// original that parsed as http(s).
'use strict';

const kPollMs = 2000;
const kWindowSeconds = 3600;  // the overview's charts keep the last hour
const kTokenKey = 'crawler.console.token';
const kColors = ['#2563eb', '#d97706', '#dc2626'];

// ---- Text and numbers ---------------------------------------------------------

function element(tag, text, testid) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (testid) node.dataset.testid = testid;
  return node;
}

// Text from the web (titles, URLs, excerpts, error details, seed lines): its
// direction is its own (dir=auto) and it is bidi-isolated (unicode-bidi:
// isolate, console.css), so a U+202E in it cannot reorder the console around it.
function fromWeb(node) {
  node.dir = 'auto';
  node.classList.add('web');
  return node;
}

function webText(tag, text, testid) {
  return fromWeb(element(tag, text, testid));
}

function formatCount(value) {
  return Number.isFinite(value) ? value.toLocaleString('en-US', {maximumFractionDigits: 1}) : '–';
}

function formatBytes(value) {
  if (!Number.isFinite(value)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(value * 10) / 10 : value.toFixed(1)} ${units[unit]}`;
}

function formatMs(value) {
  return Number.isFinite(value) ? `${value.toFixed(1)} ms` : '–';
}

function formatSeconds(value) {
  return Number.isFinite(value) ? `${value.toFixed(0)} s` : '–';
}

// Every time the console shows goes through these two, in UTC with the zone
// written out: "2024-05-01 12:34:56 UTC". The API gives times as Unix seconds
// (numbers) or ISO 8601 UTC strings (the page view); both are accepted.
function toDate(time) {
  if (typeof time === 'string' && time !== '') return new Date(time);
  if (typeof time === 'number' && Number.isFinite(time) && time > 0) return new Date(time * 1000);
  return null;
}

function formatTime(time) {
  const date = toDate(time);
  if (!date || Number.isNaN(date.getTime())) return '–';
  return date.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

// The time of day alone, for chart ticks (whose axis says UTC).
function formatClock(seconds) {
  const date = toDate(seconds);
  return date ? date.toISOString().slice(11, 19) : '';  // no data: no 1970
}

// A snippet marks matches between U+0002 and U+0003 (brackets would clash
// with page text): they become <mark> elements, everything stays text.
function snippetNodes(snippet) {
  const nodes = [];
  const pattern = /\u0002([^\u0003]*)\u0003/g;
  let from = 0;
  for (let match; (match = pattern.exec(snippet)) !== null; from = pattern.lastIndex) {
    if (match.index > from) nodes.push(document.createTextNode(snippet.slice(from, match.index)));
    nodes.push(element('mark', match[1]));
  }
  if (from < snippet.length) nodes.push(document.createTextNode(snippet.slice(from)));
  return nodes;
}

// ---- Links: our own page view, or an http(s) original -------------------------

function pageHref(url) {
  return '#/page?url=' + encodeURIComponent(url);
}

function pageLink(url, label) {
  const link = webText('a', label || url);
  link.href = pageHref(String(url));
  return link;
}

// The original address, only if it is http or https (never javascript:, data:, ...).
function originalHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

// ---- The API: token, errors ---------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let waitingForToken = false;

async function api(path, {method = 'GET', body} = {}, retries = 3) {
  const headers = {};
  const token = sessionStorage.getItem(kTokenKey);
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'text/plain; charset=utf-8';
  // Actions carry a header another site's page cannot send without a CORS
  // preflight (which serve never grants): docs/console.md, Access.
  if (method === 'POST') headers['X-Crawler-Action'] = '1';
  const response = await fetch(path, {method, headers, body, cache: 'no-store'});
  let data = null;
  try {
    data = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): the status tells enough.
  }
  if (response.status === 401) askForToken(token ? 'The token was refused.' : '');
  // serve runs one search or page view at a time and says when to come back.
  if (response.status === 503 && response.headers.has('Retry-After') && retries > 0) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return api(path, {method, body}, retries - 1);
  }
  if (!response.ok) {
    const message = data && typeof data.error === 'string' ? data.error : response.statusText;
    throw new ApiError(response.status, `${method} ${path.split('?')[0]}: ${response.status} ${message}`);
  }
  return data;
}

function askForToken(reason) {
  waitingForToken = true;
  document.getElementById('token-reason').textContent = reason;
  document.getElementById('token-form').hidden = false;
  document.getElementById('token-input').focus();
}

// The banner shows one error of the API, and remembers who put it there: the
// poll ('poll') or the view being shown ('view'). Each clears only its own, so
// the poll never wipes a view's error (a search's syntax error, say) that the
// user has not acted on yet. A 401 has the token form instead.
let messageOwner = null;

function showMessage(error, owner) {
  if (error && error.status === 401) return;
  const message = document.getElementById('message');
  message.hidden = false;
  message.textContent = String(error.message || error);
  messageOwner = owner;
}

function clearMessage(owner) {
  if (messageOwner !== owner) return;
  const message = document.getElementById('message');
  message.hidden = true;
  message.textContent = '';
  messageOwner = null;
}

// ---- Overview: series over the last hour, totals, charts ----------------------

const kSeriesKeys = ['pages_per_s', 'bytes_per_s', 'errors_per_s', 'queued', 'queued_stored',
                     'paused', 'in_flight', 'hosts_active', 'hosts_resting', 'hosts_backing_off',
                     'write_latency_ms'];
// `unit` names the y axis; the x axis is the time of day, UTC. Time the crawl
// spent paused is shaded on every chart (pauseShading), so a pause does not
// read as an outage.
const kLineCharts = [
  {id: 'pages-per-s', title: 'Pages per second', keys: ['pages_per_s'], format: formatCount,
   unit: 'pages/s'},
  {id: 'bytes-per-s', title: 'Bytes per second', keys: ['bytes_per_s'], format: formatBytes,
   unit: 'bytes/s'},
  {id: 'errors-per-s', title: 'Errors per second', keys: ['errors_per_s'], format: formatCount,
   unit: 'errors/s'},
  {id: 'queued', title: 'Backlog: queued URLs', keys: ['queued_stored', 'queued'],
   labels: ['in the database', 'in memory'], format: formatCount, unit: 'URLs'},
  {id: 'in-flight', title: 'Fetches in flight', keys: ['in_flight'], format: formatCount,
   unit: 'fetches'},
  {id: 'hosts', title: 'Origins', keys: ['hosts_active', 'hosts_resting', 'hosts_backing_off'],
   labels: ['active', 'resting', 'backing off'], format: formatCount, unit: 'origins'},
  {id: 'write-latency', title: 'Write latency', keys: ['write_latency_ms'], format: formatMs,
   unit: 'ms per batch'},
];
const kPauseShade = 'rgba(217, 119, 6, 0.15)';
// The totals and gauges are the API's `counters` list (one entry per row of
// the crawler's counter table), shown in its order; a unit picks the format.
const kUnitFormats = {count: formatCount, bytes: formatBytes, seconds: formatSeconds, ms: formatMs,
                      boolean: null};
const kCounterLists = [['totals', 'totals', 'total'], ['gauges', 'gauges', 'gauge']];

const series = Object.fromEntries(['t', ...kSeriesKeys].map((key) => [key, []]));
let lastSampleTime = null;
const charts = {};

// Appends the samples newer than the last one held, drops those older than an hour.
function appendSeries(fresh, now) {
  const times = (fresh && fresh.t) || [];
  for (let i = 0; i < times.length; ++i) {
    if (lastSampleTime !== null && times[i] <= lastSampleTime) continue;
    series.t.push(times[i]);
    for (const key of kSeriesKeys) series[key].push(fresh[key] ? fresh[key][i] : null);
    lastSampleTime = times[i];
  }
  let old = 0;
  while (old < series.t.length && series.t[old] < now - kWindowSeconds) ++old;
  if (old > 0) for (const key of ['t', ...kSeriesKeys]) series[key].splice(0, old);
}

// Shades the spans of samples taken while the crawl was paused (a Chart.js
// plugin of this chart alone: no inline style, so the CSP holds).
const pauseShading = {
  id: 'pauseShading',
  beforeDatasetsDraw(chart) {
    const x = chart.scales.x;
    const area = chart.chartArea;
    if (!x || !area) return;
    const {ctx} = chart;
    ctx.save();
    ctx.fillStyle = kPauseShade;
    for (let i = 0; i < series.t.length; ++i) {
      if (!series.paused[i]) continue;
      let end = i;
      while (end + 1 < series.t.length && series.paused[end + 1]) ++end;
      const left = Math.max(area.left, x.getPixelForValue(series.t[i] - 0.5));
      const right = Math.min(area.right, x.getPixelForValue(series.t[end] + 0.5));
      if (right > left) ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      i = end;
    }
    ctx.restore();
  },
};

function lineChart(canvas, spec) {
  return new Chart(canvas, {
    type: 'line',
    plugins: [pauseShading],
    data: {
      datasets: spec.keys.map((key, i) => ({
        label: spec.labels ? spec.labels[i] : spec.title, data: [], borderColor: kColors[i],
        backgroundColor: kColors[i], borderWidth: 1.5, pointRadius: 0,
      })),
    },
    options: {
      // No decimation: 3,600 points draw fast enough, and Chart.js 3.9's
      // decimation leaves `dataset.data` read-only when it turns off again
      // (a canvas that had no width yet triggers it), so the next update threw.
      animation: false, parsing: false, normalized: true, maintainAspectRatio: false,
      interaction: {mode: 'nearest', axis: 'x', intersect: false},
      plugins: {
        legend: {display: spec.keys.length > 1},
        tooltip: {callbacks: {
          title: (items) => (items.length ? formatClock(items[0].parsed.x) : ''),
          label: (item) => `${item.dataset.label}: ${spec.format(item.parsed.y)}`,
        }},
      },
      scales: {
        x: {type: 'linear', title: {display: true, text: 'UTC'},
            ticks: {maxTicksLimit: 6, maxRotation: 0, callback: formatClock}},
        y: {beginAtZero: true, title: {display: true, text: spec.unit},
            ticks: {maxTicksLimit: 5, callback: (v) => spec.format(v)}},
      },
    },
  });
}

function barChart(canvas, label) {
  return new Chart(canvas, {
    type: 'bar',
    data: {labels: [], datasets: [{label, data: [], backgroundColor: kColors[0]}]},
    options: {animation: false, maintainAspectRatio: false, plugins: {legend: {display: false}},
              scales: {y: {beginAtZero: true, title: {display: true, text: label},
                           ticks: {precision: 0}}}},
  });
}

function createCharts() {
  const box = document.getElementById('charts');
  for (const spec of kLineCharts) {
    const figure = element('figure');
    figure.append(element('figcaption', spec.title));
    const holder = element('div');
    holder.className = 'chart-box';
    const canvas = element('canvas', null, `${spec.id}-chart`);
    holder.append(canvas);
    figure.append(holder);
    box.append(figure);
    charts[spec.id] = lineChart(canvas, spec);
  }
  const canvas = (testid) => document.querySelector(`canvas[data-testid="${testid}"]`);
  charts.statusClasses = barChart(canvas('status-classes-chart'), 'responses');
  charts.errorKinds = barChart(canvas('error-kinds-chart'), 'failures');
}

function updateCharts() {
  for (const spec of kLineCharts) {
    const chart = charts[spec.id];
    // The axis spans the samples exactly (Chart.js would round it out to ticks).
    chart.options.scales.x.min = series.t[0];
    chart.options.scales.x.max = series.t[series.t.length - 1];
    spec.keys.forEach((key, i) => {
      chart.data.datasets[i].data = series.t.map((t, j) => ({x: t, y: series[key][j]}));
    });
    chart.update('none');
  }
}

function updateBars(chart, counts) {
  chart.data.labels = Object.keys(counts);
  chart.data.datasets[0].data = Object.values(counts);
  chart.update('none');
}

// Fills a <dl> with label / value pairs; each value carries its raw number in
// data-value and a data-testid of PREFIX-KEY, for tests and scripts. A value
// that is null shows as `missing`.
function fillNumbers(list, prefix, rows, missing = '–') {
  list.replaceChildren();
  for (const [key, label, format, value, help] of rows) {
    const term = element('dt', label);
    if (help) term.title = String(help);
    let shown = format ? format(value) : value;
    if (value === null || value === undefined) shown = missing;
    else if (typeof value === 'boolean') shown = value ? 'yes' : 'no';
    const definition = element('dd', shown, `${prefix}-${String(key).replaceAll('_', '-')}`);
    definition.dataset.value = String(value);
    list.append(term, definition);
  }
}

// The crawl's state as the engine names it (running, paused, idle, done,
// stopping), or 'disconnected' when serve stopped answering; null until known.
let crawlState = null;
let lastAnswer = null;  // the server's clock at its last answer (Unix seconds)
const kStates = new Set(['running', 'paused', 'idle', 'done', 'stopping']);

function showState(state, detail) {
  const badge = document.getElementById('crawl-state');
  crawlState = state;
  badge.dataset.value = state;
  badge.className = `crawl-state ${state}`;
  badge.textContent = detail ? `${state} — ${detail}` : state;
  showTabTitle();
}

function showAnswerState(data) {
  lastAnswer = Number.isFinite(data.now) ? data.now : lastAnswer;
  const state = kStates.has(data.state) ? data.state : (data.paused ? 'paused' : 'running');
  const detail = state === 'idle' && data.next_due ? `next fetch ${formatTime(data.next_due)}` : '';
  showState(state, detail);
}

// No answer at all (the connection refused or cut): not an API error, the
// service is gone. The page keeps its last numbers and says since when.
function showDisconnected() {
  showState('disconnected', lastAnswer ? `last answer ${formatTime(lastAnswer)}` : 'no answer yet');
}

// The tab's title: "crawler — paused — Hosts".
function showTabTitle() {
  const name = currentRoute().name;
  const link = document.querySelector(`[data-nav="${name}"]`);
  const view = link ? link.textContent : name === 'origin' ? 'Origin' : 'Page';
  document.title = ['crawler', crawlState, view].filter(Boolean).join(' — ');
}

async function pollOverview() {
  const since = lastSampleTime === null ? '' : `?since=${lastSampleTime}`;
  const data = await api('/api/overview' + since);
  appendSeries(data.series, data.now);
  updateCharts();
  const counters = Array.isArray(data.counters) ? data.counters : [];
  // A counter the crawl cannot tell (null: a database that keeps no count
  // of its queued URLs) is "unknown", never a 0.
  for (const [group, listId, prefix] of kCounterLists) {
    fillNumbers(document.getElementById(listId), prefix, counters
      .filter((counter) => counter.group === group)
      .map((counter) => [counter.key, counter.title, kUnitFormats[counter.unit] ?? formatCount,
                         counter.value, counter.help]), 'unknown');
  }
  const classes = data.status_classes || {};
  const errors = data.errors || {};
  fillNumbers(document.getElementById('status-classes'), 'status',
              Object.entries(classes).map(([key, n]) => [key, key, formatCount, n]));
  fillNumbers(document.getElementById('error-kinds'), 'error-kind',
              Object.entries(errors).map(([key, n]) => [key, key, formatCount, n]));
  updateBars(charts.statusClasses, classes);
  updateBars(charts.errorKinds, errors);
  showProgress(data.progress);
  showAnswerState(data);
}

// A bounded crawl (--max-pages): pages stored of the bound, the fleet's
// when crawlers share the database. Hidden when the crawl has no bound.
function showProgress(progress) {
  const box = document.getElementById('progress');
  const valid = progress && Number.isFinite(progress.stored) && Number.isFinite(progress.bound) &&
                progress.bound > 0;
  box.hidden = !valid;
  if (!valid) return;
  const bar = document.getElementById('progress-bar');
  bar.max = progress.bound;
  bar.value = Math.min(progress.stored, progress.bound);
  const percent = Math.floor((100 * Math.min(progress.stored, progress.bound)) / progress.bound);
  const text = document.getElementById('progress-text');
  text.textContent = `${formatCount(progress.stored)} of ${formatCount(progress.bound)} pages` +
                     ` stored (${percent} %)${progress.fleet ? ', by the fleet' : ''}`;
  box.dataset.stored = String(progress.stored);
  box.dataset.bound = String(progress.bound);
}

// ---- Hosts ---------------------------------------------------------------------

const kHostColumns = [
  {key: 'origin', label: 'Origin', sort: 'origin'},
  {key: 'queued', label: 'Queued', sort: 'queued', format: formatCount},
  {key: 'in_flight', label: 'In flight', format: formatCount},
  {key: 'fetched', label: 'Fetched', sort: 'fetched', format: formatCount},
  {key: 'errors', label: 'Errors', sort: 'errors', format: formatCount},
  {key: 'mean_ms', label: 'Mean time', sort: 'mean_ms', format: formatMs},
  {key: 'last_fetch', label: 'Last fetch', format: formatTime},
  {key: 'next_fetch', label: 'Next fetch', format: formatTime},
  {key: 'robots', label: 'robots.txt'},
  {key: 'backoff_until', label: 'Backing off until', format: formatTime},
];

function hostsSort(params) {
  const sort = params.get('sort');
  return kHostColumns.some((column) => column.sort && column.sort === sort) ? sort : 'queued';
}

// Rebuilt only when the order changes: a heading replaced under the pointer
// between press and release would lose the click.
let headingsSort = null;

function showHostHeadings(sort) {
  if (sort === headingsSort) return;
  headingsSort = sort;
  const row = document.querySelector('#hosts-table thead tr');
  row.replaceChildren();
  for (const column of kHostColumns) {
    const heading = element('th');
    if (column.format) heading.className = 'num';
    if (column.sort) {
      const button = element('button', column.label, `sort-${column.sort}`);
      button.type = 'button';
      button.addEventListener('click', () => { location.hash = `#/hosts?sort=${column.sort}`; });
      heading.append(button);
      if (column.sort === sort) heading.setAttribute('aria-sort', sort === 'origin' ? 'ascending' : 'descending');
    } else {
      heading.textContent = column.label;
    }
    row.append(heading);
  }
}

async function showHosts(params, isCurrent) {
  const sort = hostsSort(params);
  const data = await api(`/api/hosts?sort=${encodeURIComponent(sort)}&limit=200`);
  if (!isCurrent()) return;
  showHostHeadings(sort);
  const body = document.querySelector('#hosts-table tbody');
  body.replaceChildren();
  for (const host of data.hosts || []) {
    const row = element('tr');
    for (const column of kHostColumns) {
      const value = host[column.key];
      const cell = element('td', column.format ? column.format(value) : value ?? '–');
      if (column.format) cell.className = 'num';
      else fromWeb(cell);
      if (column.key === 'origin') {
        const link = webText('a', value);
        link.href = originHref(String(value));
        cell.replaceChildren(link);
        if (host.order) cell.append(' ', element('span', orderText(host.order), 'host-order'));
      }
      row.append(cell);
    }
    body.append(row);
  }
  const shown = (data.hosts || []).length;
  document.getElementById('hosts-count').textContent = `${shown} of ${formatCount(data.total)} shown.`;
}

// ---- One origin: its order, politeness, queue, recent fetches, robots.txt -----------

function originHref(origin) {
  return '#/origin?o=' + encodeURIComponent(origin);
}

function orderText(order) {
  if (!order) return '';
  const said = [];
  if (order.blocked) said.push('blocked for the rest of the crawl');
  else if (order.paused) said.push('paused by the operator');
  if (order.delay_ms !== null && order.delay_ms !== undefined) said.push(`delay ${order.delay_ms / 1000} s`);
  return said.join(', ');
}

let originQueuedOffset = 0;
const kOriginQueuedPage = 50;

async function showOrigin(params, isCurrent) {
  const origin = params.get('o') || '';
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  document.getElementById('origin-name').textContent = origin;
  const data = await api(`/api/origin?origin=${encodeURIComponent(origin)}&offset=${offset}&limit=${kOriginQueuedPage}`);
  if (!isCurrent()) return;
  originQueuedOffset = offset;
  const orderLine = document.getElementById('origin-order');
  orderLine.textContent = data.order ? `Operator's order: ${orderText(data.order) || 'none'} (since ${formatTime(data.order.changed_at)})` : 'No order from the operator: it goes as the crawl\'s options say.';
  orderLine.dataset.paused = String(Boolean(data.order && data.order.paused));
  orderLine.dataset.blocked = String(Boolean(data.order && data.order.blocked));
  const f = data.frontier || {};
  const delayMs = data.order && data.order.delay_ms !== null ? data.order.delay_ms : data.crawl_delay_ms;
  fillNumbers(document.getElementById('origin-fields'), 'origin', [
    ['delay', 'Delay between fetches', formatMs, delayMs],
    ['robots', 'robots.txt', null, data.robots],
    ['queued-memory', 'Queued in memory', formatCount, f.queued],
    ['in-flight', 'In flight', formatCount, f.in_flight],
    ['failures', 'Failures in a row', formatCount, f.failures_in_a_row],
    ['last-start', 'Last fetch started', formatTime, f.last_start],
    ['next-fetch', 'Next fetch', formatTime, f.next_fetch],
    ['backoff', 'Backing off until', formatTime, f.backoff_until],
    ['fetched', 'Fetched', formatCount, data.tally ? data.tally.fetched : null],
    ['errors', 'Errors', formatCount, data.tally ? data.tally.errors : null],
  ]);
  const queued = document.getElementById('origin-queued');
  queued.start = offset + 1;
  queued.replaceChildren(...(data.queued || []).map((entry) => {
    const item = element('li', null, 'origin-queued-url');
    item.append(pageLink(entry.url), ` depth ${entry.depth ?? '–'}, ${entry.source ?? 'unknown source'}`);
    return item;
  }));
  const total = Number(data.queued_total) || 0;
  document.getElementById('origin-queued-count').textContent =
    `(${total ? `${offset + 1}–${offset + (data.queued || []).length} of ` : ''}${formatCount(total)} in the database)`;
  document.getElementById('origin-queued-count').dataset.value = String(total);
  document.getElementById('origin-queued-prev').disabled = offset === 0;
  document.getElementById('origin-queued-next').disabled = offset + kOriginQueuedPage >= total;
  document.getElementById('origin-recent').replaceChildren(...(data.recent || []).map((entry) => {
    const item = element('li');
    item.append(element('time', formatTime(entry.at)), ' ', pageLink(entry.url), ' ',
                webText('span', entry.error || String(entry.status ?? '–')));
    return item;
  }));
  document.getElementById('origin-failures').replaceChildren(...(data.failures || []).map((failure) => {
    const item = element('li');
    item.append(element('time', formatTime(failure.at)), ' ', webText('span', failure.kind), ' ',
                pageLink(failure.url), ' ', webText('span', failure.detail ?? ''));
    return item;
  }));
  const robots = data.robots_txt;
  document.getElementById('origin-robots-state').textContent = robots
    ? `${robots.status}, HTTP ${robots.http_status ?? '–'}, fetched ${formatTime(robots.fetched_at)}`
    : 'None kept (not fetched yet, unreachable, or robots.txt is ignored).';
  document.getElementById('origin-robots').textContent = robots ? String(robots.body ?? '') : '';
}

function showOriginResult(result, error) {
  const output = document.getElementById('origin-result');
  output.textContent = error ? error.message : `Done: ${orderText(result.order) || 'no order'}.`;
  if (!error) render();
}

function wireOriginActions() {
  const origin = () => currentRoute().params.get('o') || '';
  const action = (id, path, extra = () => '') => {
    const button = document.getElementById(id);
    button.addEventListener('click', () =>
      act(button, `/api/origin/${path}?origin=${encodeURIComponent(origin())}${extra()}`, '', showOriginResult));
  };
  action('origin-pause', 'pause');
  action('origin-resume', 'resume');
  action('origin-delay-set', 'delay',
         () => `&delay=${encodeURIComponent(document.getElementById('origin-delay').value.trim())}`);
  const block = document.getElementById('origin-block');
  block.addEventListener('click', () => {
    if (!confirm(`Block ${origin()} for the rest of the crawl? Nothing lifts a block.`)) return;
    act(block, `/api/origin/block?origin=${encodeURIComponent(origin())}`, '', showOriginResult);
  });
  const page = (step) => {
    const params = new URLSearchParams({o: origin(), offset: String(Math.max(0, originQueuedOffset + step))});
    location.hash = `#/origin?${params}`;
  };
  document.getElementById('origin-queued-prev').addEventListener('click', () => page(-kOriginQueuedPage));
  document.getElementById('origin-queued-next').addEventListener('click', () => page(kOriginQueuedPage));
}

// ---- Errors --------------------------------------------------------------------

async function showErrors(params, isCurrent) {
  const data = await api('/api/errors?limit=5');
  if (!isCurrent()) return;
  const groups = document.getElementById('error-groups');
  groups.replaceChildren();
  if (!(data.kinds || []).length) groups.append(element('p', 'No recent failures.'));
  for (const kind of data.kinds || []) {
    const group = element('section', null, 'error-group');
    group.dataset.kind = String(kind.kind);
    group.append(element('h3', `${errorText(kind.kind)} — ${formatCount(kind.count)}`));
    const list = element('ul');
    list.className = 'links';
    for (const example of kind.examples || []) {
      const item = element('li');
      item.append(pageLink(example.url), ' ', webText('span', example.detail ?? ''), ' ',
                  element('time', formatTime(example.at), 'error-time'));
      list.append(item);
    }
    group.append(list);
    groups.append(group);
  }
  const body = document.querySelector('#skipped-table tbody');
  body.replaceChildren();
  if (!(data.skipped || []).length) {
    const row = element('tr');
    row.append(element('td', 'None so far.'), element('td'), element('td'));
    body.append(row);
  }
  for (const skipped of data.skipped || []) {
    const row = element('tr', null, 'skipped-row');
    row.dataset.reason = String(skipped.reason);
    const count = element('td', formatCount(skipped.count));
    count.className = 'num';
    const examples = element('td');
    const list = element('ul', null, 'skipped-examples');
    list.className = 'links';
    for (const example of skipped.examples || []) {
      const item = element('li');
      item.append(pageLink(example.url), ` (depth ${example.depth})`);
      list.append(item);
    }
    examples.append(list);
    row.append(webText('td', skipText(skipped.reason)), count, examples);
    body.append(row);
  }
}

// ---- Crawl log -----------------------------------------------------------------

const kLogFilters = ['origin', 'class', 'error'];
let logFormFilled = null;  // the filters the form was last filled from

async function showLog(params, isCurrent) {
  // The form follows the route when the route changes, not on every poll: a
  // poll landing while the operator types must not undo what was typed.
  const filters = kLogFilters.map((name) => params.get(name) || '');
  if (logFormFilled === null || filters.some((value, i) => value !== logFormFilled[i])) {
    kLogFilters.forEach((name, i) => { document.getElementById(`log-${name}`).value = filters[i]; });
    logFormFilled = filters;
  }
  // Held: the operator is reading; the poll leaves the table alone.
  if (document.getElementById('log-hold').checked && document.querySelector('#log-table tbody tr')) return;
  const query = new URLSearchParams({limit: '500'});
  for (const name of kLogFilters) if (params.get(name)) query.set(name, params.get(name));
  const data = await api(`/api/log?${query}`);
  if (!isCurrent()) return;
  const body = document.querySelector('#log-table tbody');
  body.replaceChildren();
  const entries = (data.entries || []).slice().reverse();  // newest first
  if (!entries.length) {
    const row = element('tr');
    row.append(element('td', 'No fetches match.'));
    body.append(row);
  }
  for (const entry of entries) {
    const row = element('tr', null, 'log-row');
    row.dataset.origin = String(entry.origin);
    row.dataset.class = String(entry.class);
    const outcome = entry.error ? `${entry.status ?? ''} ${entry.error}`.trim() : String(entry.status ?? '–');
    const bytes = element('td', formatBytes(entry.bytes));
    const ms = element('td', formatMs(entry.ms));
    bytes.className = ms.className = 'num';
    const link = element('td');
    link.append(pageLink(entry.url));
    row.append(element('td', formatTime(entry.at)), webText('td', entry.origin), link,
               webText('td', outcome), bytes, ms, element('td', entry.step ?? '–'));
    body.append(row);
  }
}

// ---- Settings: the seeds and the effective configuration -----------------------

async function showSettings(params, isCurrent) {
  const config = await api('/api/config');
  const seeds = await api('/api/seeds/list?limit=1000');
  if (!isCurrent()) return;
  const seedRows = document.querySelector('#seeds-table tbody');
  seedRows.replaceChildren();
  for (const seed of seeds.seeds || []) {
    const row = element('tr', null, 'seed-row');
    row.dataset.state = String(seed.state);
    const link = element('td');
    link.append(pageLink(seed.url));
    row.append(link, element('td', seed.state ?? '–'), webText('td', seed.last_error ?? ''),
               element('td', formatTime(seed.fetched_at)));
    seedRows.append(row);
  }
  const shown = (seeds.seeds || []).length;
  document.getElementById('seeds-count').textContent = `(${shown} of ${formatCount(seeds.total)})`;
  const configRows = document.querySelector('#config-table tbody');
  configRows.replaceChildren();
  for (const option of config.options || []) {
    const row = element('tr', null, 'config-row');
    row.dataset.key = String(option.key);
    row.dataset.source = String(option.source);
    row.append(element('td', option.key), webText('td', option.value === '' ? '(unset)' : option.value),
               element('td', option.source));
    configRows.append(row);
  }
}

// ---- Search --------------------------------------------------------------------

async function showSearch(params, isCurrent) {
  const query = params.get('q') || '';
  document.getElementById('search-q').value = query;
  const results = document.getElementById('search-results');
  results.replaceChildren();
  if (!query.trim()) return;
  const data = await api(`/api/search?q=${encodeURIComponent(query)}&limit=50`);
  if (!isCurrent()) return;
  const hits = data.hits || [];
  if (!hits.length) results.append(element('li', 'No pages match.', 'no-results'));
  for (const hit of hits) {
    const item = element('li', null, 'search-hit');
    const link = pageLink(hit.url, hit.title || hit.url);
    link.classList.add('title');
    const snippet = webText('p', null, 'hit-snippet');
    snippet.classList.add('snippet');
    snippet.append(...snippetNodes(String(hit.snippet ?? '')));
    item.append(link, webText('div', hit.url, 'hit-url'), snippet);
    results.append(item);
  }
}

// ---- One page --------------------------------------------------------------------

function fillLinks(list, urls, countNode, total) {
  list.replaceChildren(...(urls || []).map((url) => {
    const item = element('li');
    item.append(pageLink(url));
    return item;
  }));
  const shown = (urls || []).length;
  countNode.textContent = `(${shown === total ? formatCount(total) : `${shown} of ${formatCount(total)}`})`;
}

// Why a URL was not queued, in words (the names are the crawl's skip reasons).
const kSkipReasons = {
  out_of_scope: 'outside the crawl\'s scope (--scope)',
  excluded: 'matched an --exclude pattern',
  not_included: 'matched no --include pattern',
  url_too_long: 'longer than --max-url-length',
  repeated_segments: 'a path segment repeated (a crawler trap)',
  path_too_deep: 'more path segments than --max-path-depth',
  too_many_params: 'more query parameters than --max-query-params',
  host_budget: 'its host\'s page budget (--max-pages-per-host) is spent',
  bad_scheme: 'not http or https',
  userinfo: 'a user name or password in the URL',
  internal_address: 'an internal address off the seeds\' origins (--allow-address)',
  too_many_links: 'past the page\'s link cap (--max-links-per-page)',
  too_many_origins: 'its host name has too many origins (ports, schemes) already',
  too_deep: 'deeper than --max-depth',
  sitemap_entries: 'past its origin\'s budget of sitemap entries',
  sitemap_documents: 'past its origin\'s budget of sitemap documents',
};

// What each kind of failure means, in words (the names the crawl records).
const kErrorKinds = {
  resolve: 'the host name did not resolve',
  connect: 'no connection to the server',
  timeout: 'the server took too long',
  reset: 'the connection was cut',
  truncated: 'the body ended early',
  too_many_redirects: 'more redirects than --max-redirects',
  tls: 'the TLS handshake or certificate failed',
  bad_response: 'not a valid HTTP answer',
  cancelled: 'cancelled when the crawl stopped',
  blocked: 'refused by the admission gate (an address not allowed)',
  head_too_large: 'the response head was too large',
  other: 'another transfer error',
  robots_disallowed: 'robots.txt disallows it',
  robots_unreachable: 'robots.txt could not be fetched; the origin was given up',
  redirect_loop: 'a redirect led back to a URL of its own chain',
  bad_redirect: 'a redirect without a usable Location',
  binary: 'not HTML (binary content)',
  parse_budget: 'the page took longer to parse than its CPU budget',
  store_refused: 'the database refused the record',
  internal: 'an internal error of the crawler on this page',
};

function errorText(kind) {
  const name = String(kind);
  if (kErrorKinds[name]) return `${name}: ${kErrorKinds[name]}`;
  const http = /^http_(\d{3})$/.exec(name);
  return http ? `${name}: the server answered ${http[1]}` : name;
}

function skipText(reason) {
  return kSkipReasons[reason] ? `${reason}: ${kSkipReasons[reason]}` : String(reason);
}

// A URL the crawl has not stored: what it knows of it (queued, linked,
// skipped, refused, waiting), from memory and the database. Only what is
// known is shown: no empty rows, and none of a stored page's sections.
function showUrlState(url, data) {
  const title = document.getElementById('page-title');
  title.replaceChildren('No stored page for ', webText('bdi', url));
  showPageSections(false);
  const stored = data.stored || {};
  const skip = data.skipped;
  let state = stored.state || (skip ? 'skipped' : data.seen === 'yes' ? 'known this run' : 'unknown to the crawl');
  fillNumbers(document.getElementById('page-fields'), 'url', [
    ['state', 'State', null, state],
    ['in-memory', 'Held by the frontier', null, data.seen],
    ['depth', 'Depth', null, stored.depth ?? (skip ? skip.depth : null)],
    ['source', 'Found as', null, stored.source],
    ['found-on', 'Found on', null, stored.found_on],
    ['attempts', 'Attempts', null, stored.attempts],
    ['last-error', 'Last error', null, stored.last_error],
    ['skip-step', 'Skipped by', null, skip ? skip.step : null],
    ['skip-reason', 'Why', null, skip ? skipText(skip.reason) : null],
    ['skipped-at', 'Skipped at', formatTime, skip ? skip.at : null],
    ['origin-order', 'Its origin', null, data.origin_order ? orderText(data.origin_order) : null],
  ].filter((row) => row[3] !== null && row[3] !== undefined && row[3] !== ''));
  for (const value of document.querySelectorAll('#page-fields dd')) fromWeb(value);
  const foundOn = document.querySelector('[data-testid="url-found-on"]');
  if (foundOn && stored.found_on) foundOn.replaceChildren(pageLink(String(stored.found_on)));
}

// A stored page's sections (text, headers, redirects, links), shown only for one.
function showPageSections(on) {
  for (const section of document.querySelectorAll('[data-page-section]')) section.hidden = !on;
}

async function showPage(params, isCurrent) {
  const url = params.get('url') || '';
  const title = document.getElementById('page-title');
  const fields = document.getElementById('page-fields');
  title.replaceChildren(webText('bdi', url));
  fields.replaceChildren();
  for (const id of ['page-text', 'page-headers', 'page-redirects', 'links-out', 'links-in',
                    'links-out-count', 'links-in-count']) {
    document.getElementById(id).replaceChildren();
  }
  showPageSections(false);
  const original = document.getElementById('page-original');
  original.hidden = true;
  original.removeAttribute('href');
  // What the crawl knows of the URL first: a page view only for a stored
  // page (asking for one that is not would be a 404 in the browser's log).
  const known = await api(`/api/url?url=${encodeURIComponent(url)}`);
  if (!isCurrent()) return;
  const state = known.stored ? known.stored.state : null;
  if (state !== 'done' && state !== 'failed') {
    showUrlState(url, known);
    return;
  }
  let page;
  try {
    page = await api(`/api/page?url=${encodeURIComponent(known.key || url)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    if (isCurrent()) showUrlState(url, known);  // gone meanwhile (a copy replaced the database?)
    return;
  }
  if (!isCurrent()) return;
  showPageSections(true);
  title.replaceChildren(page.title ? webText('bdi', page.title) : '(no title)');
  const href = originalHref(page.final_url || page.url);
  if (href) {
    original.href = href;
    original.hidden = false;
  }
  fillNumbers(fields, 'page', [
    ['url', 'URL', null, page.url], ['final_url', 'Final URL', null, page.final_url],
    ['status', 'Status', null, page.status], ['content_type', 'Content type', null, page.content_type],
    ['fetched_at', 'Fetched at', formatTime, page.fetched_at],
    ['next_revisit', 'Next revisit', formatTime, page.next_revisit],
    ['error', 'Error', null, page.error], ['error_detail', 'Error detail', null, page.error_detail],
    ['bytes', 'Bytes', formatBytes, page.bytes], ['duration_ms', 'Fetch time', formatMs, page.duration_ms],
    ['depth', 'Depth', null, page.depth],
  ]);
  for (const value of fields.querySelectorAll('dd')) fromWeb(value);  // URLs, types, error details
  document.getElementById('page-text').textContent = page.text || '';
  const headers = document.getElementById('page-headers');
  if (Array.isArray(page.headers)) {
    const table = element('table', null, 'headers-table');
    for (const [name, value] of page.headers) {
      const row = element('tr');
      row.append(webText('th', name), webText('td', value));
      table.append(row);
    }
    headers.append(table);
  } else {
    headers.append(element('p', 'Not kept: the crawl ran without --keep-raw.'));
  }
  document.getElementById('page-redirects').replaceChildren(...(page.redirects || []).map((hop) => {
    const item = element('li');
    item.append(pageLink(hop));
    return item;
  }));
  fillLinks(document.getElementById('links-out'), page.links_out,
            document.getElementById('links-out-count'), page.links_out_total);
  fillLinks(document.getElementById('links-in'), page.links_in,
            document.getElementById('links-in-count'), page.links_in_total);
}

// ---- Routing and polling ----------------------------------------------------------

const kViews = {overview: null, hosts: showHosts, origin: showOrigin, errors: showErrors, log: showLog,
                settings: showSettings, search: showSearch, page: showPage};
const kPolledViews = new Set(['hosts', 'origin', 'errors', 'log']);  // refreshed with the overview
let renderCount = 0;

function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const question = hash.indexOf('?');
  const name = question < 0 ? hash : hash.slice(0, question);
  const params = new URLSearchParams(question < 0 ? '' : hash.slice(question + 1));
  return {name: Object.hasOwn(kViews, name) ? name : 'overview', params};
}

// Loads the current view; a view whose answer comes back after the user moved
// on is dropped (isCurrent).
async function render() {
  const {name, params} = currentRoute();
  const ticket = ++renderCount;
  for (const section of document.querySelectorAll('[data-view]')) section.hidden = section.dataset.view !== name;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  showTabTitle();
  if (!kViews[name]) {
    clearMessage('view');
    return;
  }
  try {
    await kViews[name](params, () => ticket === renderCount);
    if (ticket === renderCount) clearMessage('view');
  } catch (error) {
    if (ticket === renderCount) showMessage(error, 'view');
  }
}

async function refresh() {
  try {
    await pollOverview();
    clearMessage('poll');
    if (kPolledViews.has(currentRoute().name)) await render();
  } catch (error) {
    // fetch() rejects with a TypeError when no answer came at all.
    if (error instanceof TypeError) {
      showDisconnected();
      showMessage(new Error(`serve does not answer (${error.message}); the numbers shown are from ` +
                            (lastAnswer ? formatTime(lastAnswer) : 'no answer yet')), 'poll');
    } else {
      showMessage(error, 'poll');
    }
  }
}

// One loop, each turn started after the last one ended: a slow answer never
// piles requests up.
async function poll() {
  if (!waitingForToken) await refresh();
  setTimeout(poll, kPollMs);
}

// ---- Actions ------------------------------------------------------------------------

async function act(button, path, body, show) {
  button.disabled = true;
  try {
    show(await api(path, {method: 'POST', body}));
  } catch (error) {
    show(null, error);
  } finally {
    button.disabled = false;
  }
  if (!waitingForToken) refresh();
}

function showPauseResult(result, error) {
  const output = document.getElementById('action-result');
  if (error) {
    output.textContent = error.message;
    return;
  }
  output.textContent = result.paused ? 'Paused: no new fetches.' : 'Resumed.';
  showState(result.paused ? 'paused' : 'running');
}

function clearSeedsResult() {
  const output = document.getElementById('seeds-result');
  output.replaceChildren();
  delete output.dataset.added;
  delete output.dataset.known;
}

// What the add did, in words: added, already known, refused (each refused
// line stays in the box to be fixed; the rest of the box is cleared).
function showSeedsResult(result, error) {
  const output = document.getElementById('seeds-result');
  clearSeedsResult();
  if (error) {
    output.textContent = error.message;
    return;
  }
  const added = Number(result.added) || 0;
  const known = Number(result.known) || 0;
  const rejected = result.rejected || [];
  output.dataset.added = String(added);
  output.dataset.known = String(known);
  const said = [];
  if (added) said.push(`Added ${formatCount(added)} seed(s).`);
  if (known) said.push(`${formatCount(known)} already known: not added again.`);
  if (rejected.length) said.push(`${formatCount(rejected.length)} refused.`);
  if (!said.length) said.push('Nothing to add.');
  output.append(element('p', said.join(' '), 'seeds-added'));
  if (rejected.length) {
    const list = element('ul', null, 'seeds-rejected');
    for (const entry of rejected) {
      list.append(element('li'));
      list.lastChild.append(`line ${entry.line}: `, webText('bdi', entry.input), `: ${entry.reason}`);
    }
    output.append(list);
  }
  document.getElementById('seeds-input').value = rejected.map((entry) => entry.input).join('\n');
}

function wireActions() {
  const pause = document.getElementById('pause');
  const resume = document.getElementById('resume');
  pause.addEventListener('click', () => act(pause, '/api/pause', '', showPauseResult));
  resume.addEventListener('click', () => act(resume, '/api/resume', '', showPauseResult));
  const seedsForm = document.getElementById('seeds-form');
  seedsForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = document.getElementById('seeds-input').value;
    clearSeedsResult();
    if (!text.trim()) {
      document.getElementById('seeds-result').append(element('p', 'Nothing to add: the box is empty.', 'seeds-added'));
      return;
    }
    act(seedsForm.querySelector('button'), '/api/seeds', text, showSeedsResult);
  });
  document.getElementById('log-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const name of kLogFilters) {
      const value = document.getElementById(`log-${name}`).value.trim();
      if (value) query.set(name, value);
    }
    const target = '#/log' + (query.size ? `?${query}` : '');
    if (location.hash === target) render();
    else location.hash = target;
  });
  document.getElementById('log-hold').addEventListener('change', () => render());
  document.getElementById('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = document.getElementById('search-q').value;
    const target = '#/search?q=' + encodeURIComponent(query);
    if (location.hash === target) render();  // same query again: search again
    else location.hash = target;
  });
  document.getElementById('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(kTokenKey, document.getElementById('token-input').value);
    document.getElementById('token-input').value = '';
    document.getElementById('token-form').hidden = true;
    waitingForToken = false;
    render();
    refresh();
  });
}

function start() {
  createCharts();
  wireActions();
  wireOriginActions();
  window.addEventListener('hashchange', () => {
    logFormFilled = null;  // a navigation: the log's form shows the route's filters again
    render();
  });
  render();
  poll();
}

start();
