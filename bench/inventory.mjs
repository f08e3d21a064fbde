// The inventory's benchmark, in three parts:
//
//   scan    the page's own scan of a generated instance (gitlab-sim answering every API call
//           after 40 ms) against the limit six connections allow: requests / 6 * 40 ms; and a
//           bare fetch loop over the same URLs, the floor of this browser on this machine;
//           both in a Chromium without DevTools network instrumentation (bare-chromium.mjs);
//   python  the same listing as a plain python-gitlab script does it today, one list after
//           another (bench/python_gitlab_scan.py), against a second sim started the same way;
//   filter  how soon the table changes after a keystroke in its search box, or a click on a
//           column header, with 10,000 rows or more.
//
//   node bench/inventory.mjs                      all three
//   node bench/inventory.mjs --only scan,python   some of them
//   node bench/inventory.mjs --filter-tokens N    the filter part's instance starts at N tokens
//                                                 (default 10000; raised while it yields fewer
//                                                 than 10,000 rows)
//
// Environment: TOKENWARDEN_SIM_BIN, TOKENWARDEN_DIST and TOKENWARDEN_CHROMIUM as for the e2e
// tests; TOKENWARDEN_BENCH_PYTHON, a Python with python-gitlab (by default the venv
// scripts/setup makes for the python test step).
//
// Timings vary with the machine, so they are reported against their targets, never gated: the
// run fails (exit 1) only when a part could not be measured.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ACTION_TIMEOUT_MS,
  CHROMIUM,
  CHROMIUM_ARGS,
  DIST_DIR,
  chromium,
  killLiveSims,
  signIn,
  startSim,
} from '../tests/e2e/support.mjs';
import { launchBare } from './bare-chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The generated instance's owner (Owner of `gen`, Maintainer of `gen-shared`). */
const OWNER = 'owner';
const OWNER_TOKEN = 'glpat-generated-owner-001';
const SCAN_SPEC = 'projects=400,groups=40,tokens=4000,seed=1';
const LATENCY_MS = 40;
/**
 * The limit's concurrency: the connections Chromium opens to one host over HTTP/1.1 (the sim
 * speaks HTTP/1.1), so no page can have more calls on the wire. The page hands the browser up to
 * PAGE_BOUND calls (domain::inventory::plan::MAX_IN_FLIGHT); the rest wait in its queue.
 */
const IN_FLIGHT = 6;
const PAGE_BOUND = 12;
const SCAN_TARGET_RATIO = 1.3;
const FILTER_ROWS = 10_000;
const filterSpec = (tokens) => `projects=400,groups=40,tokens=${tokens},seed=2`;
/** One frame at 60 Hz: a keystroke should show its result in the next frame. */
const KEYSTROKE_TARGET_MS = 16;

const OPEN_TIMEOUT_MS = 30_000;
const SCAN_TIMEOUT_MS = 180_000;
const PYTHON_TIMEOUT_MS = 600_000;
/** No change to the table this long after a keystroke or click counts as a failure. */
const CHANGE_TIMEOUT_MS = 2_000;
/** The table counts as settled once it has not changed for this long. */
const QUIET_MS = 150;

const PARTS = ['scan', 'python', 'filter'];
const args = process.argv.slice(2);
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? String(args[onlyArg + 1]).split(',') : PARTS;
const tokensArg = args.indexOf('--filter-tokens');
const FILTER_START_TOKENS = tokensArg >= 0 ? Number(args[tokensArg + 1]) : FILTER_ROWS;
if (only.some((p) => !PARTS.includes(p)) || !Number.isInteger(FILTER_START_TOKENS) || FILTER_START_TOKENS < 1) {
  console.error(`usage: node bench/inventory.mjs [--only ${PARTS.join(',')}] [--filter-tokens N]`);
  process.exit(2);
}

const TOOLS_DIR = process.env.TOKENWARDEN_TOOLS ?? path.join(os.homedir(), '.cache', 'tokenwarden-tools');
const PYTHON = process.env.TOKENWARDEN_BENCH_PYTHON ?? path.join(TOOLS_DIR, 'python-venv', 'bin', 'python');

// ---- children: none outlives the run ------------------------------------------------------

const children = new Set();
const killChildren = () => {
  for (const child of children) child.kill('SIGKILL');
  killLiveSims();
};
process.on('exit', killChildren);
// Node exits on these without running 'exit' handlers unless someone listens.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    killChildren();
    process.exit(code);
  });
}

// ---- formatting ---------------------------------------------------------------------------

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const msx = (ms) => `${ms.toFixed(1)} ms`;

function quantile(values, p) {
  const v = [...values].sort((a, b) => a - b);
  const i = (v.length - 1) * p;
  const lo = Math.floor(i);
  return v[lo] + (v[Math.ceil(i)] - v[lo]) * (i - lo);
}

function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)) + 2);
  const line = (r) => r.map((c, i) => (i === 0 ? pad(c, widths[i]) : lpad(c, widths[i]))).join('').trimEnd();
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

/** When dist/ was last built: said in the message when the page lacks the inventory. */
function distBuilt() {
  try {
    return statSync(path.join(DIST_DIR, 'index.html')).mtime.toISOString();
  } catch {
    return 'never';
  }
}

// ---- the page -----------------------------------------------------------------------------

/** A fresh context and page; console errors and page errors are kept for failure messages. */
async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } }); // wide enough for the table form, whose column headers sort
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || /panicked at/.test(msg.text())) problems.push(`[console.${msg.type()}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`[pageerror] ${err.message}`));
  const explain = (err) => {
    const last = problems.slice(-10);
    const tail = last.length ? `\npage console (last ${last.length}):\n${last.join('\n')}` : '';
    return new Error(`${err.message.split('\n')[0]}${tail}`, { cause: err });
  };
  return { context, page, explain };
}

// In-page functions: each runs in the page through `page.evaluate(fn, arg)`, which Playwright's
// pages and the bare browser's pages both offer; each polls the page itself, so nothing outside
// it wakes the page while a scan runs but a check every `pollMs`. They see none of this
// module's names: everything comes in their one argument.
const POLL_MS = 50;

/** Sets `location.hash` and waits for the inventory's progress element. */
async function openInventoryInPage({ timeoutMs, pollMs }) {
  location.hash = '#/inventory';
  const deadline = performance.now() + timeoutMs;
  while (!document.querySelector('[data-testid=inventory-progress]')) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return true;
}

/**
 * Waits until more than `endsBefore` scans have ended and the progress says finished (or the
 * time is up); resolves with the progress element's attributes and the last scan's marks.
 */
async function scanStateInPage({ endsBefore = -1, timeoutMs = 0, pollMs = 50 }) {
  const ends = () => performance.getEntriesByName('inventory-scan-end');
  const progress = () => document.querySelector('[data-testid=inventory-progress]');
  const deadline = performance.now() + timeoutMs;
  while (!(ends().length > endsBefore && progress()?.dataset.finished === 'true') && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const starts = performance.getEntriesByName('inventory-scan-start');
  const p = progress();
  return {
    starts: starts.length,
    ends: ends().length,
    finishedNow: ends().length > endsBefore && p?.dataset.finished === 'true',
    startTime: starts.at(-1)?.startTime ?? null,
    wallMs: starts.length && ends().length ? ends().at(-1).startTime - starts.at(-1).startTime : null,
    done: Number(p?.dataset.done),
    planned: Number(p?.dataset.planned),
    found: Number(p?.dataset.found),
    finished: p?.dataset.finished,
  };
}

/** Opens #/inventory; fails clearly when this build of the site has no inventory page. */
async function openInventory(page) {
  if (await page.evaluate(openInventoryInPage, { timeoutMs: OPEN_TIMEOUT_MS, pollMs: POLL_MS })) return;
  throw new Error(
    `#/inventory showed no [data-testid=inventory-progress] within ${OPEN_TIMEOUT_MS / 1000} s: the site in ` +
      `${DIST_DIR} (built ${distBuilt()}) has no inventory page, or it did not render. ` +
      `Build the site with 'trunk build index.html --release' (./scripts/bench --inventory does).`,
  );
}

/** Waits until a scan ended after the `endsBefore`-th one and the progress says finished. */
async function scanFinished(page, endsBefore) {
  const state = await page.evaluate(scanStateInPage, { endsBefore, timeoutMs: SCAN_TIMEOUT_MS, pollMs: POLL_MS });
  if (!state.finishedNow) {
    throw new Error(
      `the scan did not finish within ${SCAN_TIMEOUT_MS / 1000} s (marks: ${state.starts} start, ${state.ends} end; ` +
        `progress: done=${state.done} planned=${state.planned} found=${state.found} finished=${state.finished})`,
    );
  }
  return state;
}

/**
 * Signs in through the connect form as a user would, in a page of the bare browser (which has
 * no Playwright locators): the fields are set and announced with `input` events, the button is
 * clicked, and the page's greeting is awaited.
 */
async function signInInPage({ apiUrl, token, timeoutMs }) {
  const deadline = performance.now() + timeoutMs;
  const found = async (selector) => {
    for (;;) {
      const el = document.querySelector(selector);
      if (el) return el;
      if (performance.now() > deadline) throw new Error(`sign-in: no ${selector} within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  // Yew re-renders after each event; its handlers read what the last render gave them.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  const fill = async (el, value) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
  };
  await found('[data-testid=connect-form]');
  // A site whose config.json names the instance has no address field.
  const url = document.querySelector('[data-testid=connect-url]');
  if (url) await fill(url, apiUrl);
  await fill(await found('[data-testid=connect-token]'), token);
  (await found('[data-testid=connect-submit]')).click();
  await found('[data-testid=whoami]');
}

/** The page's own calls under /api/v4/ since `since` (ms), from its Resource Timing entries. */
function apiCallsInPage({ apiOrigin, since }) {
  return performance
    .getEntriesByType('resource')
    .filter((e) => e.startTime >= since && e.initiatorType === 'fetch' && e.name.startsWith(`${apiOrigin}/api/v4/`))
    .map((e) => e.name);
}

/** Resolves once the sim has seen no API call for `ms` (its fault model counts them). */
async function simQuiet(sim, ms = 500, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = (await sim.chaosStats()).requests;
  let since = Date.now();
  while (Date.now() - since < ms) {
    if (Date.now() > deadline) throw new Error(`the page kept calling the API for ${timeoutMs / 1000} s after sign-in`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = (await sim.chaosStats()).requests;
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

/**
 * One scan in a page of the bare browser, from `begin` (which starts it) until it has
 * finished: its marks, the page's API calls meanwhile (its Resource Timing), the calls and
 * preflights the sim answered (its fault model counts them while latency is on), and how long
 * the page's main thread was busy.
 */
async function measureScan(page, sim, begin) {
  const { ends } = await page.evaluate(scanStateInPage, {});
  const simBefore = await sim.chaosStats();
  const busyBefore = await page.mainThread();
  await page.evaluate(() => performance.setResourceTimingBufferSize(1_000_000));
  await begin();
  const state = await scanFinished(page, ends);
  const busyAfter = await page.mainThread();
  const simAfter = await sim.chaosStats();
  if (state.wallMs == null) throw new Error('the scan finished without both performance marks');
  const urls = await page.evaluate(apiCallsInPage, { apiOrigin: new URL(sim.apiUrl).origin, since: state.startTime });
  const requests = urls.length;
  const limitMs = (requests / IN_FLIGHT) * LATENCY_MS;
  const busyMs = Object.fromEntries(Object.keys(busyAfter).map((k) => [k, (busyAfter[k] - busyBefore[k]) * 1000]));
  return {
    ...state,
    urls,
    requests,
    simCounted: simAfter.requests - simBefore.requests,
    preflights: simAfter.preflights - simBefore.preflights,
    limitMs,
    ratio: state.wallMs / limitMs,
    busyMs,
  };
}

// ---- part 1: the page's scan --------------------------------------------------------------

/** What the sim answers a preflight like the page's: how long the browser may keep it. */
async function preflightMaxAge(sim) {
  const res = await fetch(`${sim.apiUrl}/api/v4/projects`, {
    method: 'OPTIONS',
    headers: {
      origin: sim.siteOrigin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'private-token',
    },
  });
  return res.headers.get('access-control-max-age');
}

async function pageScan() {
  const sim = await startSim({ site: true, args: ['--generate', SCAN_SPEC, '--latency-ms', String(LATENCY_MS)] });
  const browser = await launchBare(CHROMIUM, CHROMIUM_ARGS);
  children.add(browser.process);
  const page = await browser.newPage();
  try {
    const maxAge = await preflightMaxAge(sim);
    await page.goto(sim.siteUrl);
    await page.evaluate(signInInPage, { apiUrl: sim.apiUrl, token: OWNER_TOKEN, timeoutMs: OPEN_TIMEOUT_MS });
    // Whatever the landing page loads after sign-in is not part of the scan.
    await simQuiet(sim);
    const first = await measureScan(page, sim, () => openInventory(page));
    let again;
    try {
      again = await measureScan(page, sim, () =>
        page.evaluate(() => document.querySelector('[data-testid=inventory-rescan]').click()),
      );
    } catch (err) {
      again = { error: page.explain(err).message };
    }
    let floor;
    try {
      floor = await bareLoop(browser, sim, first.urls);
    } catch (err) {
      floor = { error: err.message };
    }
    return { first, again, maxAge, floor };
  } catch (err) {
    throw page.explain(err);
  } finally {
    await page.close();
    await browser.close();
    children.delete(browser.process);
    await sim.stop();
  }
}

/**
 * The floor: the same URLs fetched by a bare JavaScript loop with the page's bound, in a fresh
 * context of the same browser (its own preflight cache) on the site's origin, nothing done with
 * the answers but reading them. No page can scan faster in this browser on this machine.
 */
async function bareLoop(browser, sim, urls) {
  const page = await browser.newPage();
  try {
    await page.goto(sim.siteUrl);
    const before = await sim.chaosStats();
    const wallMs = await page.evaluate(
      async ({ urls, bound, token }) => {
        const t0 = performance.now();
        let next = 0;
        const worker = async () => {
          while (next < urls.length) {
            const res = await fetch(urls[next++], { headers: { 'PRIVATE-TOKEN': token }, credentials: 'omit', cache: 'no-store' });
            await res.text();
          }
        };
        await Promise.all(Array.from({ length: bound }, worker));
        return performance.now() - t0;
      },
      { urls, bound: PAGE_BOUND, token: OWNER_TOKEN },
    );
    const after = await sim.chaosStats();
    const requests = after.requests - before.requests;
    const limitMs = (requests / IN_FLIGHT) * LATENCY_MS;
    return { wallMs, requests, preflights: after.preflights - before.preflights, limitMs, ratio: wallMs / limitMs };
  } catch (err) {
    throw page.explain(err);
  } finally {
    await page.close();
  }
}

function reportScan({ first, again, maxAge, floor }) {
  console.log(
    `\nThe page's scan: gitlab-sim --generate ${SCAN_SPEC} --latency-ms ${LATENCY_MS}, signed in as ${OWNER}` +
      ` (${OWNER_TOKEN}), headless Chromium with no DevTools network instrumentation. Wall time between the` +
      ` page's performance marks 'inventory-scan-start' and 'inventory-scan-end'; requests: the page's calls under` +
      ` /api/v4/ meanwhile (its Resource Timing entries), CORS preflights apart (counted by the sim); limit: requests / ${IN_FLIGHT}` +
      ` * ${LATENCY_MS} ms, ${IN_FLIGHT} being the connections Chromium opens to one HTTP/1.1 host (the page` +
      ` hands it up to ${PAGE_BOUND} calls at once; the rest wait in its queue).`,
  );
  console.log(
    `Found ${first.found} credentials in ${first.done} of ${first.planned} planned calls;` +
      ` the sim answered ${first.simCounted} API calls (the page counted ${first.requests}).`,
  );
  if (first.starts !== 1) console.log(`Note: the first scan left ${first.starts} start marks.`);
  const busy = (b) =>
    `${secs(b.task)} (script ${secs(b.script)}, layout ${secs(b.layout)}, style ${secs(b.style)})`;
  console.log(`The page's main thread was busy ${busy(first.busyMs)} of the scan's ${secs(first.wallMs)}.`);
  console.log(
    `Preflights: ${first.preflights}, one per URL. The sim answers them without its latency (it delays API` +
      ` answers only); on GitLab each is a round trip too: with them the bound would be` +
      ` ${secs(((first.requests + first.preflights) / IN_FLIGHT) * LATENCY_MS)}. The sim allows the browser to keep` +
      ` a preflight for ${maxAge ?? '(no Access-Control-Max-Age)'} s.`,
  );
  if (again.error) console.log(`Scanning again (inventory-rescan) failed: ${again.error}`);
  else {
    console.log(
      `Scanning again (inventory-rescan, same tab): ${secs(again.wallMs)}, ${again.requests} requests,` +
        ` ${again.preflights} preflights; main thread busy ${busy(again.busyMs)}.`,
    );
  }
  console.log(
    `inventory-scan: wall_ms=${Math.round(first.wallMs)} requests=${first.requests}` +
      ` limit_ms=${Math.round(first.limitMs)} ratio=${first.ratio.toFixed(2)}`,
  );
  console.log(
    `inventory-scan-preflights: preflights=${first.preflights} found=${first.found} sim_requests=${first.simCounted}`,
  );
  if (floor.error) console.log(`The bare fetch loop failed: ${floor.error}`);
  else {
    console.log(
      `A bare fetch loop over the same ${floor.requests} URLs (${PAGE_BOUND} at a time, a fresh context, ${floor.preflights}` +
        ` preflights, the answers only read): ${secs(floor.wallMs)}, ratio ${floor.ratio.toFixed(2)}. No page scans faster` +
        ` in this browser on this machine; the page took ${(first.wallMs / floor.wallMs).toFixed(2)}x as long.`,
    );
    console.log(
      `inventory-scan-floor: wall_ms=${Math.round(floor.wallMs)} requests=${floor.requests} preflights=${floor.preflights}` +
        ` ratio=${floor.ratio.toFixed(2)} page_over_floor=${(first.wallMs / floor.wallMs).toFixed(2)}`,
    );
  }
  if (!again.error) {
    console.log(
      `inventory-rescan: wall_ms=${Math.round(again.wallMs)} requests=${again.requests} preflights=${again.preflights}` +
        ` limit_ms=${Math.round(again.limitMs)} ratio=${again.ratio.toFixed(2)}`,
    );
  }
}

// ---- part 2: python-gitlab ----------------------------------------------------------------

/** Runs a child to the end (killed after `timeoutMs`); resolves with its stdout. */
function run(cmd, argv, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`could not start ${cmd}: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(cmd)} ${argv.join(' ')} ended with ${signal ?? `code ${code}`}\n${out}${err}`));
    });
  });
}

async function pythonScan() {
  if (!existsSync(PYTHON)) {
    throw new Error(
      `no Python at ${PYTHON}: ./scripts/bench --inventory makes a venv with python-gitlab there` +
        ` (or set TOKENWARDEN_BENCH_PYTHON)`,
    );
  }
  const sim = await startSim({ site: false, args: ['--generate', SCAN_SPEC, '--latency-ms', String(LATENCY_MS)] });
  try {
    const before = (await sim.chaosStats()).requests;
    const out = await run(PYTHON, [path.join(HERE, 'python_gitlab_scan.py'), sim.apiUrl, OWNER_TOKEN], PYTHON_TIMEOUT_MS);
    const simCounted = (await sim.chaosStats()).requests - before;
    const m = out.match(/^python-gitlab-scan: wall_ms=(\d+) requests=(\d+) tokens=(\d+)$/m);
    if (!m) throw new Error(`python_gitlab_scan.py printed no figures:\n${out}`);
    return { out, wallMs: Number(m[1]), requests: Number(m[2]), tokens: Number(m[3]), simCounted };
  } finally {
    await sim.stop();
  }
}

function reportPython(py) {
  console.log(
    `\npython-gitlab, one list after another (bench/python_gitlab_scan.py): a second gitlab-sim --generate ${SCAN_SPEC}` +
      ` --latency-ms ${LATENCY_MS}; projects and groups with min_access_level=40, owned groups (50), then each` +
      ` project's access tokens, deploy tokens, deploy keys and triggers, each group's deploy tokens, each owned` +
      ` group's access tokens, the user's personal access tokens; get_all at per_page=100. Requests counted by a` +
      ` requests response hook (the sim answered ${py.simCounted}).`,
  );
  for (const line of py.out.trimEnd().split('\n')) {
    if (!line.startsWith('python-gitlab-scan:')) console.log(line.startsWith('  ') ? line : `  ${line}`);
  }
  console.log(`python-gitlab-scan: wall_ms=${py.wallMs} requests=${py.requests} tokens=${py.tokens}`);
}

// ---- part 3: filter and sort with 10,000 rows ---------------------------------------------

/**
 * In the page: applies one keystroke (`value` into the search box) or one click (`click`, a
 * test id), and times the table's answer with a MutationObserver on the table and the count:
 * `firstMs` at the first change, `lastMs` at the last one before it stays unchanged for
 * `quietMs`; `firstMs` null when nothing changed within `timeoutMs`.
 *
 * The page filters and renders on its main thread, so the timer set before the keystroke
 * cannot fire before that work is done: a short `timeoutMs` suffices to tell that a keystroke
 * changed nothing.
 */
function step(page, action, timeoutMs = CHANGE_TIMEOUT_MS) {
  return page.evaluate(
    ({ value, inputType, click, quietMs, timeoutMs }) =>
      new Promise((resolve) => {
        const table = document.querySelector('[data-testid=inventory-table]');
        const count = document.querySelector('[data-testid=inventory-count]');
        const input = document.querySelector('[data-testid=inventory-search]');
        let t0 = 0;
        let firstMs = null;
        let lastMs = null;
        let timer;
        const finish = () => {
          observer.disconnect();
          clearTimeout(timer);
          clearTimeout(cap);
          const shown = Number(document.querySelector('[data-testid=inventory-count]')?.dataset.shown);
          resolve({ firstMs, lastMs, shown });
        };
        const observer = new MutationObserver(() => {
          const now = performance.now() - t0;
          firstMs ??= now;
          lastMs = now;
          clearTimeout(timer);
          timer = setTimeout(finish, quietMs);
        });
        const options = { subtree: true, childList: true, characterData: true, attributes: true };
        observer.observe(table, options);
        if (count && !table.contains(count)) observer.observe(count, options);
        timer = setTimeout(finish, timeoutMs);
        // A table that never stops changing is cut off, not waited for.
        const cap = setTimeout(finish, timeoutMs + 5_000);
        t0 = performance.now();
        if (click) {
          document.querySelector(`[data-testid=${click}]`).click();
        } else {
          input.value = value;
          const data = inputType === 'insertText' ? value.at(-1) : null;
          input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType, data }));
        }
      }),
    { quietMs: QUIET_MS, timeoutMs, ...action },
  );
}

/**
 * The keystrokes: each query typed a letter at a time, then deleted a letter at a time. They
 * match names (`deploy-ci-…`, `SYNC token …`), paths (`gen`, `gen-shared`, `team-1…`) and
 * scopes (`read_registry` against `read_repository`, `api`); on the seed-2 instance about 60
 * of them change what matches.
 */
const QUERIES = ['gen-', 'deploy-ci-1', 'sync token 3', 'read_reg', 'docs-backup-2', 'team-1', 'ci-', 'api'];
function keystrokes() {
  const steps = [];
  for (const q of QUERIES) {
    for (let i = 1; i <= q.length; i++) steps.push({ value: q.slice(0, i), inputType: 'insertText' });
    for (let i = q.length - 1; i >= 0; i--) steps.push({ value: q.slice(0, i), inputType: 'deleteContentBackward' });
  }
  return steps;
}
const SORT_COLUMNS = ['kind', 'name', 'place', 'scopes', 'role', 'state', 'created', 'last_used', 'expires', 'policy'];

async function filterSort(browser) {
  let tokens = FILTER_START_TOKENS;
  for (let attempt = 1; ; attempt++) {
    const spec = filterSpec(tokens);
    const sim = await startSim({ site: true, args: ['--generate', spec] });
    const { context, page, explain } = await newPage(browser);
    try {
      await page.goto(sim.siteUrl);
      await signIn(page, sim, OWNER);
      await openInventory(page);
      const scan = await scanFinished(page, 0);
      if (scan.found < FILTER_ROWS) {
        if (attempt >= 4) throw new Error(`${spec} still gives only ${scan.found} rows`);
        // Rows grow in proportion to tokens; a little more so one more try is enough.
        tokens = Math.ceil((tokens * FILTER_ROWS * 1.02) / scan.found / 100) * 100;
        console.log(`(filter: ${spec} gives ${scan.found} rows, fewer than ${FILTER_ROWS}: trying tokens=${tokens})`);
        continue;
      }
      const missing = [];
      for (const id of ['inventory-table', 'inventory-count', 'inventory-search']) {
        if (!(await page.getByTestId(id).count())) missing.push(id);
      }
      if (missing.length) throw new Error(`#/inventory has no ${missing.map((id) => `[data-testid=${id}]`).join(', ')}`);
      const rows = await page.getByTestId('inventory-count').getAttribute('data-shown').then(Number);
      const inDom = await page.evaluate(() => document.querySelectorAll('[data-testid=inventory-table] tbody tr').length);

      // A dry run: which keystrokes change the table at all (one that leaves the same rows
      // matching may rightly change nothing). It also warms the page's code up.
      const plan = keystrokes();
      const dry = [];
      for (const k of plan) dry.push(await step(page, k, QUIET_MS));
      const failures = [];
      const keys = [];
      for (const [i, k] of plan.entries()) {
        const expected = dry[i].firstMs != null;
        const r = await step(page, k, expected ? CHANGE_TIMEOUT_MS : QUIET_MS);
        if (r.firstMs != null) keys.push({ ...r, value: k.value, countChanged: r.shown !== (i ? dry[i - 1].shown : rows) });
        else if (expected) failures.push(`keystroke to '${k.value}': no change within ${CHANGE_TIMEOUT_MS} ms`);
      }
      if (keys.length === 0) throw new Error(`no keystroke changed the table (queries: ${QUERIES.join(', ')})`);

      await step(page, { value: '', inputType: 'deleteContentBackward' });
      const sorts = [];
      for (const column of SORT_COLUMNS) {
        const id = `sort-${column}`;
        if (!(await page.getByTestId(id).count())) {
          failures.push(`no [data-testid=${id}]`);
          continue;
        }
        for (let n = 0; n < 2; n++) {
          const r = await step(page, { click: id });
          if (r.firstMs == null) failures.push(`click on ${id}: no change within ${CHANGE_TIMEOUT_MS} ms`);
          else sorts.push({ ...r, column });
        }
      }
      return { spec, rows, inDom, scanWallMs: scan.wallMs, planned: plan.length, keys, sorts, failures };
    } catch (err) {
      throw explain(err);
    } finally {
      await context.close().catch(() => {});
      await sim.stop();
    }
  }
}

function summary(results, key) {
  const v = results.map((r) => r[key]);
  return { n: v.length, p50: quantile(v, 0.5), p95: quantile(v, 0.95), max: Math.max(...v) };
}

function reportFilter(f) {
  console.log(
    `\nThe table with ${f.rows} rows (${f.inDom} rows in the DOM): gitlab-sim --generate ${f.spec} without latency,` +
      ` the scan done (${secs(f.scanWallMs)}). In the page: t0 = performance.now(), the search box's value set and an` +
      ` 'input' event dispatched (or a sort button clicked); first = the first MutationObserver callback on` +
      ` [data-testid=inventory-table] and [data-testid=inventory-count]; settled = the last change before` +
      ` ${QUIET_MS} ms without one. ${f.planned} keystrokes over '${QUERIES.join("', '")}' (typed, then deleted),` +
      ` of which ${f.keys.length} changed the table (${f.keys.filter((k) => k.countChanged).length} the number matching)` +
      ` and are timed; two clicks on each column header.`,
  );
  const rows = [];
  for (const [what, results] of [['keystroke', f.keys], ['sort click', f.sorts]]) {
    if (!results.length) continue;
    const a = summary(results, 'firstMs');
    const b = summary(results, 'lastMs');
    rows.push([what, a.n, msx(a.p50), msx(a.p95), msx(a.max), msx(b.p50), msx(b.p95)]);
  }
  printTable(['', 'n', 'first p50', 'first p95', 'first max', 'settled p50', 'settled p95'], rows);
  const slowest = [...f.keys].sort((x, y) => y.firstMs - x.firstMs).slice(0, 3);
  if (slowest.length) console.log(`Slowest keystrokes: ${slowest.map((k) => `'${k.value}' ${msx(k.firstMs)}`).join(', ')}`);
  for (const failure of f.failures) console.log(`FAILED: ${failure}`);
  if (f.keys.length) {
    const k = summary(f.keys, 'firstMs');
    console.log(`inventory-filter: rows=${f.rows} p50_ms=${k.p50.toFixed(1)} p95_ms=${k.p95.toFixed(1)}`);
  }
  if (f.sorts.length) {
    const s = summary(f.sorts, 'firstMs');
    console.log(`inventory-sort: rows=${f.rows} p50_ms=${s.p50.toFixed(1)} p95_ms=${s.p95.toFixed(1)}`);
  }
}

// ---- the run ------------------------------------------------------------------------------

// Other work on the machine slows every figure here: the load is reported with them.
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const loadAtStart = load();
const results = {};
const failed = [];
// The scan runs in a browser of its own, without Playwright (see bare-chromium.mjs).
const needsBrowser = only.includes('filter');
const browser = needsBrowser
  ? await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
  : null;
try {
  for (const [part, fn, report] of [
    ['scan', () => pageScan(), reportScan],
    ['python', () => pythonScan(), reportPython],
    ['filter', () => filterSort(browser), reportFilter],
  ]) {
    if (!only.includes(part)) continue;
    try {
      results[part] = await fn();
      report(results[part]);
      if (results[part].failures?.length) failed.push(part);
    } catch (err) {
      failed.push(part);
      console.error(`\ninventory ${part}: FAILED: ${err.message}`);
    }
  }
} finally {
  await browser?.close();
}

// ---- the summary --------------------------------------------------------------------------

const { scan, python, filter } = results;
const verdict = (ok) => (ok ? 'met' : 'missed');
if (scan || python || filter) {
  console.log(
    `\nInventory benchmark summary (${os.cpus().length} CPUs; load average ${loadAtStart} at the start,` +
      ` ${load()} at the end)`,
  );
}
if (scan || python) {
  const rows = [];
  const scanRow = (what, r) => [what, secs(r.wallMs), r.requests, r.preflights, secs(r.limitMs), r.ratio.toFixed(2),
    `≤ ${SCAN_TARGET_RATIO}`, verdict(r.ratio <= SCAN_TARGET_RATIO), r.found];
  if (scan) rows.push(scanRow('page scan', scan.first));
  if (scan && !scan.again.error) rows.push(scanRow('page scan again (button)', scan.again));
  if (scan && !scan.floor.error) {
    const f = scan.floor;
    rows.push([`bare fetch loop (floor)`, secs(f.wallMs), f.requests, f.preflights, secs(f.limitMs), f.ratio.toFixed(2), '', '', '-']);
  }
  if (python) {
    rows.push(['python-gitlab, one by one', secs(python.wallMs), python.requests, '-', '-', '-', '', '', python.tokens]);
  }
  console.log(`\nListing every credential: ${SCAN_SPEC}, ${LATENCY_MS} ms per API answer\n`);
  printTable(['', 'wall', 'requests', 'preflights', 'limit', 'ratio', 'target', '', 'found'], rows);
  if (scan && python) {
    console.log(`\npython-gitlab took ${(python.wallMs / scan.first.wallMs).toFixed(1)}× as long as the page's scan.`);
  }
}
if (filter) {
  const rows = [];
  for (const [what, list, target] of [['keystroke', filter.keys, KEYSTROKE_TARGET_MS], ['sort click', filter.sorts, null]]) {
    if (!list.length) continue;
    const s = summary(list, 'firstMs');
    const goal = target ? [`p95 ≤ ${target} ms`, verdict(s.p95 <= target)] : ['', ''];
    rows.push([what, s.n, msx(s.p50), msx(s.p95), msx(s.max), ...goal]);
  }
  console.log(`\nThe table with ${filter.rows} rows (${filter.spec}): time to its first change\n`);
  printTable(['', 'n', 'p50', 'p95', 'max', 'target', ''], rows);
}
if (failed.length) console.error(`\ninventory benchmark: ${failed.join(', ')} could not be measured in full`);
process.exit(failed.length ? 1 : 0);
