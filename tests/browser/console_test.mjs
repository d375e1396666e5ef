// The web console of `crawler serve` (docs/console.md) in a real browser: Debian's
// headless Chromium, driven by playwright-core, during a real crawl of the loopback
// test server; what it shows is checked against /api, /metrics and the database.
// Usage: node console_test.mjs --crawler PATH --test-server PATH --out DIR
// Must stay true: every child is stopped in `finally` (SIGTERM, then SIGKILL), every
// wait has a deadline, and any failure is printed and makes the exit code non-zero.
import {execFile, spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import assert from 'node:assert/strict';
import {chromium} from 'playwright-core';

const kChromium = process.env.CHROMIUM || '/usr/bin/chromium';
const kTrickyTitle = '<script>window.__pwned=1</script>Tricky & <b>bold</b>';
const kSiteSize = 100000;  // a tree far bigger than the test's crawl: pages keep coming
const kDeadlineMs = 300000;
const kRlo = '\u202e';  // RIGHT-TO-LEFT OVERRIDE
// The one format of every time the console shows (console.js formatTime).
const kTimeFormat = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/;

const {values: args} = parseArgs({options: {
  'crawler': {type: 'string'}, 'test-server': {type: 'string'}, 'out': {type: 'string'},
}});
if (!args.crawler || !args['test-server'] || !args.out) {
  console.error('usage: node console_test.mjs --crawler PATH --test-server PATH --out DIR');
  process.exit(2);
}
const out = path.resolve(args.out);
fs.mkdirSync(out, {recursive: true});

// ---- Waiting, with a deadline on everything ------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Thrown by a probe of waitFor when waiting longer cannot help.
class GiveUp extends Error {}

// Calls `probe` until it returns something truthy; throws naming `what` (and the last
// value or error seen) after `timeoutMs`.
async function waitFor(what, probe, timeoutMs = 15000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      last = error.message;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await sleep(everyMs);
  }
}

// ---- Children: started here, always stopped -------------------------------------------

const children = [];

function startChild(name, file, argv, env = {}) {
  const log = fs.createWriteStream(path.join(out, `console-${name}.log`));
  const child = spawn(file, argv, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...env}});
  child.name = name;
  child.output = '';
  child.done = false;
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({code, signal}));
    child.on('error', (error) => {  // could not start
      child.output += `${error.message}\n`;
      resolve({code: null, signal: null, error});
    });
  }).finally(() => { child.done = true; });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      child.output += chunk;
      log.write(chunk);
    });
  }
  children.push(child);
  return child;
}

const running = (child) => !child.done;

async function stopChild(child, timeoutMs = 10000) {
  if (!running(child)) return child.exited;
  child.kill('SIGTERM');
  const timer = sleep(timeoutMs).then(() => null);
  const status = await Promise.race([child.exited, timer]);
  if (status) return status;
  console.error(`${child.name} ignored SIGTERM for ${timeoutMs / 1000} s: SIGKILL`);
  child.kill('SIGKILL');
  return Promise.race([child.exited, sleep(5000).then(() => ({code: null, signal: 'lost'}))]);
}

// Waits for a line of the child's output matching `pattern`; fails at once if it exits.
async function waitForOutput(child, pattern, what) {
  return waitFor(what, () => {
    if (!running(child)) throw new GiveUp(`${child.name} exited: ${child.output.slice(-2000)}`);
    return pattern.exec(child.output);
  }, 15000, 50);
}

// ---- The crawl's own numbers: /api, /metrics, the database ----------------------------

let consoleBase = '';

async function getJson(urlPath, headers = {}) {
  const response = await fetch(consoleBase + urlPath, {headers, signal: AbortSignal.timeout(5000)});
  const body = await response.json();
  if (!response.ok) throw new Error(`GET ${urlPath}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function metric(name) {
  const response = await fetch(consoleBase + '/metrics', {signal: AbortSignal.timeout(5000)});
  const text = await response.text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  if (!line) throw new Error(`no ${name} in /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

function queryDb(db, sql) {
  return new Promise((resolve, reject) => {
    execFile(args.crawler, ['query', '--db', db, '--json', sql], {timeout: 15000}, (error, stdout, stderr) => {
      if (error) return reject(new Error(`crawler query ${sql}: ${error.message} ${stderr}`));
      resolve(stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)));
    });
  });
}

async function storedRows(db) {
  const [row] = await queryDb(db, 'SELECT count(*) AS n FROM pages');
  return Number(row.n);
}

// ---- The browser ------------------------------------------------------------------------

const problems = [];  // console errors and uncaught exceptions of the pages
let allowedConsoleErrors = null;  // a RegExp while a step expects some (401s)
let allowedConsoleErrorsSeen = 0;

function watchPage(page, label) {
  page.setDefaultTimeout(10000);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (allowedConsoleErrors && allowedConsoleErrors.test(message.text())) {
      ++allowedConsoleErrorsSeen;
      return;
    }
    problems.push(`${label}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${label}: uncaught: ${error.message}`));
}

const testid = (id) => `[data-testid="${id}"]`;

async function numberShown(page, id) {
  const value = await page.locator(testid(id)).getAttribute('data-value', {timeout: 10000});
  return Number(value);
}

// The whole page, or (`fullPage` false: a long table) what the viewport shows.
async function shoot(page, name, fullPage = true) {
  await page.screenshot({path: path.join(out, `console-${name}.png`), fullPage});
}

// Nothing from the web ran, and every link points at one of our views, or (the
// page view's "original") at an http(s) address.
async function assertNothingInjected(page) {
  const found = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
    badLinks: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))
      .filter((href) => !href.startsWith('#/') && !/^https?:\/\//.test(href)),
    markup: document.querySelectorAll('main b, main img, main iframe, main script').length,
  }));
  assert.equal(found.pwned, 'undefined', 'window.__pwned was set: crawled markup ran');
  assert.deepEqual(found.scripts, ['/console/chart.js', '/console/console.js']);
  assert.deepEqual(found.badLinks, [], 'links that are neither #/ views nor http(s)');
  assert.equal(found.markup, 0, 'crawled markup became elements');
}

// Nothing wider than the viewport: no horizontal scrolling of the whole page.
async function assertFitsViewport(page, what) {
  const {scrollWidth, innerWidth} = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth}));
  assert.ok(scrollWidth <= innerWidth, `${what}: ${scrollWidth} px wide in a ${innerWidth} px viewport`);
}

// Every text node under `selector` holding a U+202E is set apart by an element of
// its own, `selector` itself or one below it: a <bdi> or dir=auto element (its
// direction taken from its own text) whose unicode-bidi is isolate, so the
// override cannot reach the console's text around it. (A block such as <h1> is
// isolated by the browser already, but with the page's direction, not its own.)
async function assertOverrideIsolated(page, selector) {
  const found = await page.locator(selector).first().evaluate((root, rlo) => {
    const nodes = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      if (!node.data.includes(rlo)) continue;
      let own = null;
      for (let up = node.parentElement; up && up !== root.parentElement && !own; up = up.parentElement) {
        if (getComputedStyle(up).unicodeBidi === 'isolate') own = up;
      }
      nodes.push({text: node.data.slice(0, 40), isolated: Boolean(own && own.matches('bdi, [dir="auto" i]'))});
    }
    return nodes;
  }, kRlo);
  assert.ok(found.length > 0, `no U+202E under ${selector}`);
  assert.deepEqual(found.filter((n) => !n.isolated), [], `U+202E not isolated under ${selector}`);
}

// Where a piece of text is drawn: the box of the first text node under `selector`
// holding `needle` (the characters of the needle only).
async function textBox(page, selector, needle) {
  return page.locator(selector).first().evaluate((root, needle) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      const at = node.data.indexOf(needle);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      const {left, right} = range.getBoundingClientRect();
      return {left, right};
    }
    return null;
  }, needle);
}

// ---- Steps --------------------------------------------------------------------------------

const failures = [];

async function step(name, body, page) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failures.push(name);
    console.log(`not ok - ${name}\n  ${String(error.stack || error).replaceAll('\n', '\n  ')}`);
    if (page) await shoot(page, `failed-${name.replace(/\W+/g, '-')}`).catch(() => {});
  }
}

// `fresh`: the database starts empty; else serve goes on with what it holds.
async function startServe(name, db, seeds, extraArgs = [], env = {}, {fresh = true} = {}) {
  if (fresh) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, {force: true});
  const seedsFile = path.join(out, `console-${name}-seeds.txt`);
  fs.writeFileSync(seedsFile, seeds.join('\n') + '\n');
  // Slow enough (at most 50 pages/s) that the crawl is still going when the test ends.
  const serve = startChild(name, args.crawler, [
    'serve', '--seeds', seedsFile, '--db', db, '--listen', '127.0.0.1:0', '--delay', '0.02',
    '--per-host', '2', '--allow-address', '127.0.0.0/8', '--retries', '0', '--backoff-ms', '200',
    '--max-backoff-ms', '1000', '--grace', '2', '--no-sitemaps', ...extraArgs], env);
  const [, address] = await waitForOutput(serve, /serving (http:\/\/[^\s/]+)/, `${name} to listen`);
  return {serve, address};
}

// The test server prints each request it gets ("request HOST TARGET"): how many
// came for `host` (a name:port as in the Host header) so far.
let testServer = null;
function requestsTo(host) {
  let count = 0;
  for (const line of testServer.output.split('\n')) if (line.startsWith(`request ${host} `)) ++count;
  return count;
}

async function main(browser) {
  const server = startChild('test-server', args['test-server'],
                            ['--host', '127.0.0.1', '--port', '0', '--log-requests']);
  testServer = server;
  const [, site] = await waitForOutput(server, /listening on (http:\/\/\S+)/, 'the test server');
  const tricky = `${site}/title-script.html`;
  const root = `${site}/site/${kSiteSize}/0`;
  const reset = `${site}/reset`;
  const db = path.join(out, 'console.db');
  // The seed added from the console gets an origin of its own (a name given by
  // --resolve), so it does not wait behind the thousands of URLs queued on the site's.
  const port = new URL(site).port;
  const addedSeed = `http://added-seed.test:${port}/site/9/0`;
  const longTitle = `${site}/long-title.html`;
  const rtlTitle = `${site}/rtl-title.html`;
  // An origin of its own (a name given by --resolve) for the operator to pause.
  const heldHost = `held.test:${port}`;
  const held = `http://${heldHost}`;
  const {serve, address} = await startServe('serve', db, [tricky, longTitle, rtlTitle, root, reset,
                                                          `${site}/relative/index.html`,
                                                          `${held}/site/${kSiteSize}/0`],
                                            ['--resolve', `added-seed.test:${port}:127.0.0.1`,
                                             '--resolve', `${heldHost}:127.0.0.1`]);
  consoleBase = address;

  const context = await browser.newContext({viewport: {width: 1280, height: 900}});
  const page = await context.newPage();
  watchPage(page, 'console');
  const overviewRequests = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/overview')) overviewRequests.push(request.url());
  });

  await step('the overview loads with its CSP, Chart.js and totals', async () => {
    const response = await page.goto(consoleBase + '/');
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-security-policy'] || '', /script-src 'self'/);
    assert.equal(await page.evaluate(() => typeof Chart), 'function', 'Chart.js not loaded');
    await page.locator(testid('total-pages') + '[data-value]').waitFor();
    assert.equal(await page.locator('[data-view="overview"]').isVisible(), true);
  }, page);

  await step('the state badge says running while the crawl goes', async () => {
    await page.locator(`${testid('crawl-state')}[data-value="running"]`).waitFor();
    assert.equal((await getJson('/api/overview')).state, 'running');
    assert.match(await page.title(), /^crawler — running — Overview$/);
  }, page);

  await step('the overview shows every counter the API lists, and only those', async () => {
    const {counters} = await getJson('/api/overview');
    assert.ok(Array.isArray(counters) && counters.length > 0, 'no counters in /api/overview');
    const wanted = counters.map((c) => `${c.group === 'totals' ? 'total' : 'gauge'}-${c.key.replaceAll('_', '-')}`);
    const shown = await page.locator('#totals dd, #gauges dd').evaluateAll(
      (nodes) => nodes.map((node) => node.dataset.testid));
    assert.deepEqual([...shown].sort(), [...wanted].sort());
    const title = await page.locator('#totals dt').first().textContent();
    assert.equal(title, counters.find((c) => c.group === 'totals').title);
  }, page);

  await step('total pages increases between two reads', async () => {
    const first = await numberShown(page, 'total-pages');
    await waitFor('total-pages to grow', async () => (await numberShown(page, 'total-pages')) > first);
    // A poll that failed shows its error in the banner (and stops nothing else).
    assert.equal(await page.locator('#message').isVisible(), false,
                 `error banner: ${await page.locator('#message').textContent()}`);
  }, page);

  await step('the console agrees with /metrics, /api and the database during the crawl', async () => {
    const before = await metric('crawler_pages_stored_total');
    const shown = await waitFor(`the console to show >= ${before} pages (from /metrics)`, async () => {
      const value = await numberShown(page, 'total-pages');
      return value >= before ? value : 0;
    }, 10000);
    const after = await metric('crawler_pages_stored_total');
    const api = (await getJson('/api/overview')).totals.pages;
    const rows = await storedRows(db);
    assert.ok(shown <= after, `console ${shown} > /metrics ${after}, read later`);
    assert.ok(shown <= api, `console ${shown} > /api/overview ${api}, read later`);
    assert.ok(shown <= rows, `console ${shown} > ${rows} rows in pages, read later`);
  }, page);

  await step('the charts fill from polls that ask only for new samples', async () => {
    await waitFor('3 samples in the pages/s chart', () => page.evaluate((selector) => {
      const chart = Chart.getChart(document.querySelector(selector));
      return chart && chart.data.datasets[0].data.length >= 3;
    }, testid('pages-per-s-chart')), 20000);
    for (const id of ['pages-per-s', 'bytes-per-s', 'errors-per-s', 'queued', 'in-flight', 'hosts',
                      'write-latency', 'status-classes', 'error-kinds']) {
      const hasChart = await page.evaluate((s) => Boolean(Chart.getChart(document.querySelector(s))),
                                           testid(`${id}-chart`));
      assert.ok(hasChart, `no chart ${id}`);
    }
    const pagesPerSecond = await page.evaluate((s) => Chart.getChart(document.querySelector(s))
      .data.datasets[0].data.some((point) => point.y > 0), testid('pages-per-s-chart'));
    assert.ok(pagesPerSecond, 'pages/s never above 0');
    assert.ok(await numberShown(page, 'status-2xx') > 0, 'no 2xx responses shown');
    assert.ok(overviewRequests.some((url) => /[?&]since=\d/.test(url)), 'no poll used ?since=');
    await shoot(page, 'overview');
  }, page);

  await step('the hosts view lists the test server and sorts by a clicked column', async () => {
    await page.goto(consoleBase + '/#/hosts');
    const origin = new URL(site).origin;
    await page.locator(testid('hosts-table') + ' tbody td', {hasText: origin}).first().waitFor();
    const sorted = page.waitForRequest((r) => r.url().includes('/api/hosts?sort=fetched'));
    await page.locator(testid('sort-fetched')).click();
    await sorted;
    assert.equal(await page.evaluate(() => location.hash), '#/hosts?sort=fetched');
    // The request is out; the sorted table comes with its answer.
    await waitFor('the clicked column to be the sorted one',
                  async () => (await page.locator('th[aria-sort]').textContent()) === 'Fetched',
                  5000, 100);
    await waitFor('the tab title to name the state and the view',
                  async () => (await page.title()) === 'crawler — running — Hosts', 5000, 100);
    const row = page.locator(testid('hosts-table') + ' tbody tr', {hasText: origin}).first();
    const lastFetch = await row.locator('td').nth(6).textContent();
    assert.match(lastFetch, kTimeFormat, 'the hosts view\'s last fetch');
    await assertNothingInjected(page);
    await shoot(page, 'hosts');
  }, page);

  await step('the errors view groups the reset by kind, linking to its page view', async () => {
    await page.goto(consoleBase + '/#/errors');
    const link = page.locator(`${testid('error-group')} a[href="#/page?url=${encodeURIComponent(reset)}"]`);
    await link.first().waitFor({timeout: 20000});
    const kinds = (await getJson('/api/errors')).kinds.map((k) => k.kind).sort();
    const shown = await page.locator(testid('error-group')).evaluateAll((groups) => groups.map((g) => g.dataset.kind));
    assert.deepEqual(shown.sort(), kinds);
    const times = await page.locator(testid('error-group') + ' time').allTextContents();
    assert.ok(times.length > 0, 'no times in the errors view');
    for (const time of times) assert.match(time, kTimeFormat, 'a time in the errors view');
    await assertNothingInjected(page);
    await shoot(page, 'errors');
  }, page);

  await step('search finds zanzibarquux on the page titled with <script>, as text', async () => {
    await waitFor('/api/search to index title-script.html', async () =>
      (await getJson('/api/search?q=zanzibarquux')).hits.some((hit) => hit.url === tricky), 30000, 500);
    await page.goto(consoleBase + '/#/search');
    await page.locator(testid('search-input')).fill('zanzibarquux');
    await page.locator(testid('search-submit')).click();
    const hit = page.locator(`${testid('search-results')} a[href="#/page?url=${encodeURIComponent(tricky)}"]`);
    await hit.waitFor();
    assert.equal(await page.evaluate(() => location.hash), '#/search?q=zanzibarquux');
    assert.equal(await hit.textContent(), kTrickyTitle);
    const marks = await page.locator(`${testid('search-results')} mark`).allTextContents();
    assert.ok(marks.some((m) => m.toLowerCase() === 'zanzibarquux'), `marks: ${JSON.stringify(marks)}`);
    await assertNothingInjected(page);
    await shoot(page, 'search');
    await hit.click();
    await page.waitForURL(/#\/page\?url=/);
  }, page);

  await step('the page view shows the tricky title as text, status 200 and its fields', async () => {
    if (!page.url().includes('#/page?url=')) await page.goto(`${consoleBase}/#/page?url=${encodeURIComponent(tricky)}`);
    await page.locator(testid('page-title'), {hasText: 'Tricky'}).waitFor();
    assert.equal(await page.locator(testid('page-title')).textContent(), kTrickyTitle);
    assert.equal(await numberShown(page, 'page-status'), 200);
    assert.equal(await page.locator(testid('page-url')).textContent(), tricky);
    assert.match(await page.locator(testid('page-fetched-at')).textContent(), kTimeFormat,
                 'the page view\'s fetched at');
    assert.equal(await page.locator(testid('page-original')).getAttribute('href'), tricky);
    assert.match(await page.locator(testid('page-text')).textContent(), /zanzibarquux/);
    assert.equal(await page.locator(testid('page-sections')).isVisible(), true);
    await assertNothingInjected(page);
    await shoot(page, 'page');
  }, page);

  await step('twenty 300-letter words in a title wrap: page view and search fit 1,400 and 420 px', async () => {
    await waitFor('/api/search to index long-title.html', async () =>
      (await getJson('/api/search?q=longtitlequux')).hits.some((hit) => hit.url === longTitle), 30000, 500);
    try {
      for (const width of [1400, 420]) {
        await page.setViewportSize({width, height: 900});
        await page.goto(`${consoleBase}/#/page?url=${encodeURIComponent(longTitle)}`);
        await page.locator(testid('page-title'), {hasText: 'a'.repeat(300)}).waitFor();
        await page.locator(testid('page-text'), {hasText: 'longtitlequux'}).waitFor();
        await assertFitsViewport(page, `the page view at ${width} px`);
        if (width === 420) await shoot(page, 'long-title-420');
        await page.goto(`${consoleBase}/#/search?q=longtitlequux`);
        await page.locator(testid('search-hit'), {hasText: 'a'.repeat(300)}).waitFor();
        await assertFitsViewport(page, `search at ${width} px`);
      }
    } finally {
      await page.setViewportSize({width: 1280, height: 900});
    }
  }, page);

  await step('a U+202E in a title, text and seed line reverses nothing around it', async () => {
    await waitFor('/api/search to index rtl-title.html', async () =>
      (await getJson('/api/search?q=rtlquux')).hits.some((hit) => hit.url === rtlTitle), 30000, 500);
    await page.goto(`${consoleBase}/#/page?url=${encodeURIComponent(rtlTitle)}`);
    await page.locator(testid('page-title'), {hasText: 'Override'}).waitFor();
    await assertOverrideIsolated(page, testid('page-title'));
    await assertOverrideIsolated(page, testid('page-text'));
    await page.goto(`${consoleBase}/#/search?q=rtlquux`);
    await page.locator(testid('search-hit'), {hasText: 'Override'}).waitFor();
    await assertOverrideIsolated(page, testid('search-hit'));
    // A refused seed line is shown between our words: they keep their place.
    await page.goto(consoleBase + '/#/overview');
    await page.locator(testid('seeds-input')).fill(`${kRlo}ftp://rtl.invalid/\n`);
    await page.locator(testid('seeds-submit')).click();
    const line = page.locator(testid('seeds-rejected') + ' li', {hasText: 'rtl.invalid'});
    await line.waitFor();
    const input = await textBox(page, testid('seeds-rejected'), 'rtl.invalid');
    const reason = await textBox(page, testid('seeds-rejected'), 'not an http');
    assert.ok(input && reason && reason.left >= input.right - 1,
              `the reason is drawn left of the seed line: ${JSON.stringify({input, reason})}`);
  }, page);

  await step('a search syntax error stays up across polls, until the next search', async () => {
    allowedConsoleErrors = /status of 4\d\d|status of 5\d\d/;
    try {
      await page.goto(consoleBase + '/#/search');
      await page.locator(testid('search-input')).fill('"unterminated');
      await page.locator(testid('search-submit')).click();
      const message = page.locator(testid('message'));
      await message.waitFor();
      const text = await message.textContent();
      assert.match(text, /search/);
      const polls = overviewRequests.length;
      await waitFor('two polls', () => overviewRequests.length >= polls + 2, 6000, 100);
      await sleep(300);  // the second poll's answer handled
      assert.equal(await message.isVisible(), true, 'the error went away by itself');
      assert.equal(await message.textContent(), text);
      await page.locator(testid('search-input')).fill('zanzibarquux');
      await page.locator(testid('search-submit')).click();
      await page.locator(testid('search-hit')).first().waitFor();
      await message.waitFor({state: 'hidden'});
    } finally {
      allowedConsoleErrors = null;
    }
  }, page);

  await step('links out and in lead to page views', async () => {
    const child = `${site}/site/${kSiteSize}/1`;
    await page.goto(`${consoleBase}/#/page?url=${encodeURIComponent(root)}`);
    const link = page.locator(`${testid('links-out')} a[href="#/page?url=${encodeURIComponent(child)}"]`);
    await link.waitFor();
    await link.click();
    await page.locator(testid('page-title'), {hasText: 'Page 1'}).waitFor();
    await page.locator(`${testid('links-in')} a[href="#/page?url=${encodeURIComponent(root)}"]`).waitFor();
    await assertNothingInjected(page);
  }, page);

  // What a page elsewhere could make the browser send: an action without the
  // header (adding one needs a CORS preflight serve never grants). Each is
  // refused and does nothing.
  await step('every action without X-Crawler-Action is refused with 403 and does nothing', async () => {
    const refusedSeed = `${site}/site/7/0?refused=1`;
    const seen = allowedConsoleErrorsSeen;
    allowedConsoleErrors = /status of 403/;
    try {
      const answers = await page.evaluate(async (seed) => {
        const out = [];
        for (const [action, body] of [['/api/pause', undefined], ['/api/resume', undefined],
                                      ['/api/seeds', seed]]) {
          const response = await fetch(action, {method: 'POST', body, cache: 'no-store'});
          out.push({action, status: response.status, error: (await response.json()).error});
        }
        return out;
      }, refusedSeed);
      for (const {action, status, error} of answers) {
        assert.equal(status, 403, `POST ${action} without the header`);
        assert.match(error, /X-Crawler-Action/, `POST ${action}`);
      }
      assert.equal((await getJson('/api/overview')).paused, false, 'a refused pause paused the crawl');
      // The browser logs each refusal; wait for them while they are allowed.
      await waitFor('the three 403s in the console', () => allowedConsoleErrorsSeen >= seen + 3, 5000, 50);
      const [row] = await queryDb(db, `SELECT count(*) AS n FROM urls WHERE url = '${refusedSeed}'`);
      assert.equal(Number(row.n), 0, 'a refused seed was queued');
    } finally {
      allowedConsoleErrors = null;
    }
  }, page);

  await step('pause stops the crawl, the numbers then agree exactly, resume restarts it', async () => {
    await page.goto(consoleBase + '/#/overview');
    await page.locator(testid('pause')).click();
    await page.locator(`${testid('crawl-state')}[data-value="paused"]`).waitFor();
    assert.match(await page.locator(testid('action-result')).textContent(), /paused/i);
    const pausedTitle = await page.title();  // checked after the resume: a failure leaves no pause
    assert.equal((await getJson('/api/overview')).paused, true);
    const drained = await waitFor('fetches in flight and writes to finish', async () => {
      const {gauges, totals} = await getJson('/api/overview');
      return gauges.in_flight === 0 && !gauges.write_backlog && totals;
    });
    await sleep(2500);
    const {totals} = await getJson('/api/overview');
    assert.equal(totals.pages, drained.pages, 'pages stored while paused');
    await waitFor(`the console to show ${totals.pages} pages`,
                  async () => (await numberShown(page, 'total-pages')) === totals.pages, 6000);
    assert.equal(await metric('crawler_pages_stored_total'), totals.pages, '/metrics vs /api/overview');
    const rows = await storedRows(db);
    assert.equal(rows, totals.pages, 'rows in pages vs the console');
    // The whole backlog: what the database holds queued, as its writer counts it.
    const [queued] = await queryDb(db, "SELECT count(*) AS n FROM urls WHERE state = 'queued'");
    const overview = await getJson('/api/overview');
    assert.ok(Number(queued.n) > 0, 'nothing queued in the database at the pause');
    assert.equal(overview.gauges.queued_stored, Number(queued.n), 'backlog vs the database');
    await waitFor(`the console to show ${queued.n} queued in the database`,
                  async () => (await numberShown(page, 'gauge-queued-stored')) === Number(queued.n), 6000);
    assert.equal(overview.state, 'paused');
    assert.ok(overview.series.paused.includes(true), 'the pause is not in the series (charts shade it)');
    await shoot(page, 'paused');
    await page.locator(testid('resume')).click();
    await page.locator(`${testid('crawl-state')}[data-value="running"]`).waitFor();
    assert.equal((await getJson('/api/overview')).paused, false);
    await waitFor('pages to grow after resume',
                  async () => (await getJson('/api/overview')).totals.pages > totals.pages);
    assert.equal(pausedTitle, 'crawler — paused — Overview', 'the tab title while paused');
  }, page);

  await step('the crawl log filtered to one origin shows only its fetches, also as JSON lines', async () => {
    await page.goto(consoleBase + '/#/log');
    await page.locator(testid('log-row')).first().waitFor();
    await page.locator(testid('log-origin')).fill(held);
    // A poll while the operator types must leave the form alone (it used to
    // fill it from the route again, and the submit sent no filter).
    await page.waitForResponse((response) => response.url().includes('/api/log?'), {timeout: 10000});
    assert.equal(await page.locator(testid('log-origin')).inputValue(), held, 'the typed origin, after a poll');
    await page.locator(testid('log-submit')).click();
    await waitFor('rows of one origin only', async () => {
      const origins = await page.locator(testid('log-row')).evaluateAll((rows) => rows.map((r) => r.dataset.origin));
      return origins.length > 0 && origins.every((origin) => origin === held);
    });
    assert.match(decodeURIComponent(new URL(page.url()).hash), new RegExp(`origin=${held.replaceAll('.', '\\.')}`));
    const response = await fetch(consoleBase + `/api/log?format=jsonl&limit=50&origin=${encodeURIComponent(site)}`,
                                 {signal: AbortSignal.timeout(5000)});
    assert.match(response.headers.get('content-type'), /^application\/x-ndjson/);
    const lines = (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    assert.ok(lines.length > 0, 'no JSON lines for the site');
    assert.deepEqual([...new Set(lines.map((line) => line.origin))], [site]);
    const steps = new Set(['fetch', 'robots', 'redirect', 'html', 'admission gate', 'store', 'engine']);
    assert.ok(lines.every((line) => steps.has(line.step)), 'a line without its deciding step');
    await page.locator(testid('log-class')).selectOption('2xx');
    await page.locator(testid('log-origin')).fill('');
    await page.locator(testid('log-submit')).click();
    await waitFor('2xx fetches only', async () => {
      const rows = await page.locator(testid('log-row')).evaluateAll((r) => r.map((row) => row.dataset.class));
      return rows.length > 0 && rows.every((c) => c === '2xx');
    });
    await assertFitsViewport(page, 'the log view');
    await shoot(page, 'log', false);
  }, page);

  await step('an origin paused from the console gets no fetch while paused, then resumes', async () => {
    await waitFor(`requests to ${heldHost}`, () => requestsTo(heldHost) > 0, 20000);
    await page.goto(consoleBase + `/#/origin?o=${encodeURIComponent(held)}`);
    await page.locator(testid('origin-pause')).click();
    await page.locator(`${testid('origin-order')}[data-paused="true"]`).waitFor();
    await waitFor('its fetches in flight to end', async () => {
      const origin = await getJson(`/api/origin?origin=${encodeURIComponent(held)}`);
      return !origin.frontier || origin.frontier.in_flight === 0;
    });
    await sleep(500);  // the test server prints within 200 ms
    const before = requestsTo(heldHost);
    const pagesBefore = (await getJson('/api/overview')).totals.pages;
    await sleep(3000);
    assert.equal(requestsTo(heldHost), before, 'the test server was asked for the paused origin');
    assert.ok((await getJson('/api/overview')).totals.pages > pagesBefore, 'the other origins stopped too');
    await waitFor('its queued URLs listed', async () =>
      Number(await page.locator(testid('origin-queued-count')).getAttribute('data-value')) > 0);
    assert.ok(await page.locator(testid('origin-queued-url')).count() > 0);
    await assertFitsViewport(page, 'the origin view');
    await shoot(page, 'origin', false);
    await page.locator(testid('origin-resume')).click();
    await page.locator(`${testid('origin-order')}[data-paused="false"]`).waitFor();
    await waitFor('the origin to be fetched again', () => requestsTo(heldHost) > before, 15000);
    assert.match(serve.output, new RegExp(`origin ${held.replaceAll('.', '\\.')} paused`), 'the pause is not logged');
  }, page);

  await step('the settings view lists the seeds with their state and each option with its source', async () => {
    await page.goto(consoleBase + '/#/settings');
    await page.locator(testid('seed-row')).first().waitFor();
    const seeds = await page.locator(testid('seed-row')).evaluateAll(
      (rows) => rows.map((row) => [row.querySelector('a').textContent, row.dataset.state]));
    const [stored] = await queryDb(db, `SELECT state FROM url_states WHERE url = '${tricky}'`);
    assert.deepEqual(seeds.find(([url]) => url === tricky), [tricky, stored.state]);
    assert.equal(seeds.length, 7, JSON.stringify(seeds));
    const delay = page.locator(`${testid('config-row')}[data-key="politeness.delay"]`);
    assert.equal(await delay.getAttribute('data-source'), 'flag');
    assert.match(await delay.textContent(), /0\.02/);
    assert.equal(await page.locator(`${testid('config-row')}[data-key="failures.backoff"]`).getAttribute('data-source'), 'flag');
    assert.equal(await page.locator(`${testid('config-row')}[data-key="limits.concurrency"]`).getAttribute('data-source'), 'default');
    await assertFitsViewport(page, 'the settings view');
    await shoot(page, 'settings', false);
  }, page);

  await step('the seeds form adds a seed, reports the rejected line, and it is crawled', async () => {
    await page.goto(consoleBase + '/#/overview');
    await page.locator(testid('seeds-input')).fill(`${addedSeed}\nftp://example.invalid/\n`);
    await page.locator(testid('seeds-submit')).click();
    const added = await waitFor('the seeds result', () =>
      page.locator(testid('seeds-result')).getAttribute('data-added'), 10000);
    assert.ok(Number(added) >= 1, `added ${added}`);
    assert.match(await page.locator(testid('seeds-rejected')).textContent(), /line 2: ftp:\/\/example\.invalid\//);
    assert.equal(await page.locator(testid('seeds-input')).inputValue(), 'ftp://example.invalid/',
                 'the box keeps only the refused line');
    await waitFor('the new seed to be stored', async () =>
      (await getJson(`/api/page?url=${encodeURIComponent(addedSeed)}`)).status === 200, 20000, 500);
  }, page);

  await step('the seeds form says a known seed is known, an empty box is nothing, and clears', async () => {
    const result = page.locator(testid('seeds-result'));
    await page.locator(testid('seeds-input')).fill(`${addedSeed}\n`);
    await page.locator(testid('seeds-submit')).click();
    await page.locator(`${testid('seeds-result')}[data-known="1"]`).waitFor();
    assert.equal(await result.getAttribute('data-added'), '0');
    assert.match(await result.textContent(), /1 already known/);
    assert.doesNotMatch(await result.textContent(), /Added/);
    assert.equal(await page.locator(testid('seeds-input')).inputValue(), '', 'the box was not cleared');
    await page.locator(testid('seeds-input')).fill('  \n\n');
    await page.locator(testid('seeds-submit')).click();
    await page.locator(testid('seeds-result'), {hasText: /nothing to add/i}).waitFor({timeout: 3000});
  }, page);

  await step('a count the crawl cannot tell shows as unknown, not 0', async () => {
    // The overview as a database that keeps no count of its queued URLs answers it: null.
    const overviewPath = (url) => new URL(url).pathname === '/api/overview';
    await page.route(overviewPath, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const counter of body.counters || []) if (counter.key === 'queued_stored') counter.value = null;
      if (body.gauges) body.gauges.queued_stored = null;
      await route.fulfill({response, json: body});
    });
    try {
      await page.goto(consoleBase + '/#/overview');
      const shown = page.locator(`${testid('gauge-queued-stored')}[data-value="null"]`);
      await shown.waitFor({timeout: 6000});
      assert.equal(await shown.textContent(), 'unknown');
    } finally {
      await page.unroute(overviewPath);
    }
  }, page);

  // The page polls every 2 s: close it first, or a poll that meets the stopped
  // server logs ERR_CONNECTION_REFUSED as a console error.
  await context.close();
  await step('serve stops with exit 0 on SIGTERM', async () => {
    const status = await stopChild(serve, 15000);
    assert.deepEqual(status, {code: 0, signal: null});
  });
  return site;
}

// A serve whose reads need the token: the console asks for it once, keeps it in
// the tab's session storage and sends it on every /api/ request.
async function tokenSteps(browser, site) {
  const token = 'console-test-token-' + process.pid;
  const {serve, address} = await startServe('serve-token', path.join(out, 'console-token.db'), [`${site}/site/31/0`],
    ['--console-token', token, '--console-token-reads', '--max-depth', '3', '--max-pages', '100']);
  consoleBase = address;
  const context = await browser.newContext({viewport: {width: 1280, height: 900}});
  const page = await context.newPage();
  watchPage(page, 'console with a token');
  const unauthorized = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/') && request.headers().authorization !== `Bearer ${token}`) {
      unauthorized.push(request.url());
    }
  });
  await step('with console_token_reads, the API refuses requests without the token', async () => {
    const response = await fetch(consoleBase + '/api/overview', {signal: AbortSignal.timeout(5000)});
    assert.equal(response.status, 401);
    await getJson('/api/overview', {Authorization: `Bearer ${token}`});
  });
  await step('the console asks for the token once and then sends it', async () => {
    allowedConsoleErrors = /status of 401/;
    await page.goto(consoleBase + '/#/overview');
    await page.locator(testid('token-form')).waitFor();
    await shoot(page, 'token');
    const refused = unauthorized.length;
    assert.ok(refused >= 1);
    await page.locator(testid('token-input')).fill(token);
    await page.locator(testid('token-form') + ' button').click();
    await page.locator(testid('total-pages') + '[data-value]').waitFor();
    // 31 pages and nothing more to fetch: done, not running.
    await page.locator(`${testid('crawl-state')}[data-value="done"]`).waitFor({timeout: 30000});
    // --max-pages bounds the crawl: the overview shows pages stored of the bound.
    const {totals: doneTotals} = await getJson('/api/overview', {Authorization: `Bearer ${token}`});
    await waitFor('the progress to show every page stored', async () =>
      (await page.locator(testid('progress')).getAttribute('data-stored')) === String(doneTotals.pages), 6000);
    assert.equal(await page.locator(testid('progress')).isVisible(), true);
    assert.equal(await page.locator(testid('progress')).getAttribute('data-bound'), '100');
    assert.match(await page.locator(testid('progress-text')).textContent(),
                 new RegExp(`^${doneTotals.pages} of 100 pages stored \\(${doneTotals.pages} %\\)$`));
    await shoot(page, 'done');
    // --max-depth 3 skips the tree's fourth level: the errors view gives
    // examples, and a skipped URL's view names the step and the reason.
    await page.goto(consoleBase + '/#/errors');
    // A child on the fourth level (pages 15 to 30), never stored: not a parent link.
    const example = page.locator(`${testid('skipped-row')}[data-reason="too_deep"] a`,
                                 {hasText: /\/site\/31\/(1[5-9]|2\d|30)$/}).first();
    const skippedUrl = await example.textContent();
    await example.click();
    await page.locator(`${testid('url-skip-reason')}`).waitFor();
    assert.equal(await page.locator(testid('url-skip-step')).textContent(), 'queue admission');
    assert.match(await page.locator(testid('url-skip-reason')).textContent(), /^too_deep: deeper than --max-depth$/);
    assert.equal(await page.locator(testid('url-depth')).textContent(), '4');
    assert.match(await page.locator(testid('page-title')).textContent(), /No stored page for/);
    // Only what is known: no empty rows, none of a stored page's sections.
    const shownValues = await page.locator(`${testid('page-fields')} dd`).allTextContents();
    assert.ok(shownValues.length >= 3, `too few rows: ${shownValues}`);
    for (const value of shownValues) assert.ok(value !== '' && value !== '–' && value !== 'unknown', `an empty row: ${shownValues}`);
    assert.equal(await page.locator(testid('page-sections')).isVisible(), false, 'a stored page\'s sections shown');
    assert.equal(await page.locator(testid('links-in')).isVisible(), false);
    assert.ok(skippedUrl.startsWith(site), skippedUrl);
    await shoot(page, 'skipped-url');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('crawler.console.token')), token);
    await page.goto(consoleBase + '/#/hosts');
    await page.reload();  // the token outlives a reload of the tab
    await page.locator(testid('hosts-table') + ' tbody tr').first().waitFor();
    assert.equal(await page.locator(testid('token-form')).isVisible(), false);
    await page.goto(consoleBase + '/#/settings');
    const token_row = page.locator(`${testid('config-row')}[data-key="serve.console_token"]`);
    await token_row.waitFor();
    assert.match(await token_row.textContent(), /\*\*\*/);
    assert.equal(await token_row.getAttribute('data-source'), 'flag');
    assert.ok(!(await page.content()).includes(token), 'the token is shown in the page');
    await page.goto(consoleBase + '/#/overview');
    await page.locator(testid('pause')).click();
    await page.locator(`${testid('crawl-state')}[data-value="paused"]`).waitFor();
    assert.deepEqual(unauthorized.slice(refused), [], 'requests without the token after it was given');
  }, page);
  allowedConsoleErrors = null;
  await step('when serve stops answering the badge says disconnected, with the last answer\'s time', async () => {
    await page.goto(consoleBase + '/#/overview');
    await page.locator(testid('resume')).click();
    await page.locator(`${testid('crawl-state')}[data-value="done"]`).waitFor();
    allowedConsoleErrors = /ERR_CONNECTION_REFUSED|Failed to fetch|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/;
    assert.deepEqual(await stopChild(serve, 15000), {code: 0, signal: null});
    await page.locator(`${testid('crawl-state')}[data-value="disconnected"]`).waitFor();
    const text = await page.locator(testid('crawl-state')).textContent();
    const shown = /last answer (.*)$/.exec(text);
    assert.ok(shown && kTimeFormat.test(shown[1]), `no last answer time in "${text}"`);
    assert.match(await page.locator(testid('message')).textContent(), /does not answer/);
    assert.match(await page.title(), /^crawler — disconnected — /);
    await shoot(page, 'disconnected');
  }, page);
  await context.close();
  allowedConsoleErrors = null;
}

// An origin blocked from the console stays blocked when serve restarts on
// the same database: the order is kept there.
async function restartSteps(browser, site) {
  const port = new URL(site).port;
  const blockedHost = `blocked.test:${port}`;
  const blocked = `http://${blockedHost}`;
  const db = path.join(out, 'console-restart.db');
  const seeds = [`${blocked}/site/${kSiteSize}/0`, `${site}/site/${kSiteSize}/1`];
  const serveArgs = ['--resolve', `${blockedHost}:127.0.0.1`];
  let {serve, address} = await startServe('serve-block', db, seeds, serveArgs);
  consoleBase = address;
  let context = await browser.newContext({viewport: {width: 1280, height: 900}});
  let page = await context.newPage();
  watchPage(page, 'console before the restart');
  await step('an origin is blocked from the console for the rest of the crawl', async () => {
    await waitFor(`requests to ${blockedHost}`, () => requestsTo(blockedHost) > 0, 20000);
    await page.goto(consoleBase + `/#/origin?o=${encodeURIComponent(blocked)}`);
    page.once('dialog', (dialog) => dialog.accept());
    await page.locator(testid('origin-block')).click();
    await page.locator(`${testid('origin-order')}[data-blocked="true"]`).waitFor();
    // Written by the writer within its batch interval; then serve stops.
    await waitFor('the block in the database', async () =>
      (await queryDb(db, 'SELECT blocked FROM origin_controls')).length === 1, 10000, 200);
  }, page);
  await context.close();
  assert.deepEqual(await stopChild(serve, 15000), {code: 0, signal: null});
  ({serve, address} = await startServe('serve-block-again', db, seeds, serveArgs, {}, {fresh: false}));
  consoleBase = address;
  context = await browser.newContext({viewport: {width: 1280, height: 900}});
  page = await context.newPage();
  watchPage(page, 'console after the restart');
  await step('after serve restarts the blocked origin stays blocked and is not fetched', async () => {
    const before = requestsTo(blockedHost);
    const origin = await getJson(`/api/origin?origin=${encodeURIComponent(blocked)}`);
    assert.equal(origin.order && origin.order.blocked, true, 'the block was not kept');
    await page.goto(consoleBase + `/#/origin?o=${encodeURIComponent(blocked)}`);
    await page.locator(`${testid('origin-order')}[data-blocked="true"]`).waitFor();
    assert.match(await page.locator(testid('origin-order')).textContent(), /blocked for the rest of the crawl/);
    const pages = (await getJson('/api/overview')).totals.pages;
    await waitFor('the other origin to be fetched', async () =>
      (await getJson('/api/overview')).totals.pages > pages + 5, 20000);
    await sleep(500);
    assert.equal(requestsTo(blockedHost), before, 'the blocked origin was fetched after the restart');
    assert.match(serve.output, /restored the operator's orders for 1 origin/);
  }, page);
  await context.close();
  await stopChild(serve, 15000);
}

async function run() {
  let browser;
  const watchdog = setTimeout(() => {
    console.error(`not ok - the whole test took over ${kDeadlineMs / 1000} s`);
    for (const child of children) if (running(child)) child.kill('SIGKILL');
    process.exit(1);
  }, kDeadlineMs);
  try {
    browser = await chromium.launch({executablePath: kChromium, args: ['--no-sandbox'], timeout: 30000});
    const site = await main(browser);
    await tokenSteps(browser, site);
    await restartSteps(browser, site);
    await step('no console errors or uncaught exceptions in the pages', () => assert.deepEqual(problems, []));
  } catch (error) {
    failures.push('setup');
    console.log(`not ok - setup\n  ${error.stack || error}`);
  } finally {
    if (browser) await Promise.race([browser.close(), sleep(10000)]);
    for (const child of children.reverse()) await stopChild(child);
    clearTimeout(watchdog);
  }
  if (failures.length) {
    console.log(`\nFAILED: ${failures.join('; ')}\n(logs and screenshots: ${out}/console-*)`);
    process.exit(1);
  }
  console.log(`\nall console checks passed; screenshots in ${out}`);
}

await run();
