// End-to-end harness: the release site (dist/) served by gitlab-sim under a sub-path, driven in
// Debian's Chromium through playwright-core, with node's own test runner.
//
// Why it looks like this:
// - Each app test gets its own gitlab-sim (fresh state, free ports) and its own browser context
//   (fresh storage, clipboard permission for the site origin); one Chromium per test file.
//   The sim picks its own free ports (port 0) and prints them: nothing races for a port.
// - The site and the API are on different 127.0.0.1 ports, as GitLab Pages and GitLab are on
//   different origins, so CORS is exercised; 127.0.0.1 is a secure context (clipboard works).
// - A test fails on a panic or a console error even when its own assertions pass. On any
//   failure, the error carries the page console, the sim's output and the paths of a screenshot
//   and an HTML snapshot saved under tests/e2e/test-results/.
//
//   import { appTest } from './harness.mjs';
//   appTest('shows the form', 'basic.json', async ({ page, sim }) => {
//     await page.getByTestId('connect-form').waitFor();
//   });
//
// Environment: TOKENWARDEN_SIM_BIN (a built gitlab-sim; otherwise `cargo build -p gitlab-sim`
// runs once per test file), TOKENWARDEN_DIST (default: <repo>/dist), TOKENWARDEN_CHROMIUM
// (default: /usr/bin/chromium), HEADED=1 to watch the browser (needs a display).

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  ACTION_TIMEOUT_MS,
  CHROMIUM,
  CHROMIUM_ARGS,
  RESULTS_DIR,
  TEST_TIMEOUT_MS,
  killLiveSims,
  startSim,
} from './support.mjs';

export * from './support.mjs';

// ---- the browser ---------------------------------------------------------------------------

let browserPromise;
/** One Chromium per test file, launched on first use and closed when the file's tests end. */
export function getBrowser() {
  browserPromise ??= chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: process.env.HEADED !== '1',
  });
  return browserPromise;
}
// When a file's tests end: close its browser, and stop any sim a test left running (a live child
// process would keep the test file, and so the whole run, from ever finishing).
after(async () => {
  killLiveSims();
  if (browserPromise) await (await browserPromise).close();
});

/** Console errors that only echo an HTTP status the test asked for (401s, injected 500s...). */
const NETWORK_NOISE = [/^Failed to load resource: /];

/**
 * Runs `fn` against the app: a fresh gitlab-sim with `fixture`, a fresh browser context, the page
 * opened at the site's sub-path URL.
 *
 * `fn` receives { page, sim, context, consoleLines, network }: `consoleLines` is every console
 * message, page error and failed request so far; `network` every response from the site
 * origin ({ url, status }).
 *
 * Options: `name` or `t` (for artifact names), `goto` (false: do not open the page), `prefix`,
 * `siteDir` (serve this directory instead of dist/),
 * `allowConsoleErrors` (true: do not fail on console errors; panics still fail),
 * `keptSession` (true: the test opted in to "stay signed in in this tab", so the tab's kept
 * session may hold the credential), `secretsCheck` (false: skip the check, run after every test, that no secret the page handled
 * is left in storage, URLs, the console, the DOM or requests to other hosts),
 * `ignoreConsole` (extra regexes of console errors to tolerate), `simArgs`, `contextOptions`
 * (for the browser context: `viewport`, `colorScheme`...).
 */
export async function withApp(fixture, fn, options = {}) {
  const name = options.name ?? options.t?.fullName ?? options.t?.name ?? `app-${process.pid}-${Date.now()}`;
  const ignore = [...NETWORK_NOISE, ...(options.ignoreConsole ?? [])];
  const consoleLines = [];
  const problems = [];
  const network = [];
  let sim;
  let context;
  let page;
  try {
    sim = await startSim({ fixture, prefix: options.prefix, siteDir: options.siteDir, args: options.simArgs });
    const browser = await getBrowser();
    context = await browser.newContext(options.contextOptions);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sim.siteOrigin });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    // Every page runs under the site's Content-Security-Policy: any violation fails the test.
    const cspViolations = [];
    await context.exposeBinding('__reportCspViolation', (_source, v) => cspViolations.push(v));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    page = await context.newPage();
    page.on('console', (msg) => {
      // A network error's text has no URL of its own: add where it came from.
      const where = /^Failed to load resource/.test(msg.text()) && msg.location()?.url;
      const line = `[console.${msg.type()}] ${msg.text()}${where ? ` (${where})` : ''}`;
      consoleLines.push(line);
      const isPanic = /panicked at/.test(msg.text());
      if (isPanic || (msg.type() === 'error' && !options.allowConsoleErrors && !ignore.some((re) => re.test(msg.text())))) {
        problems.push(line);
      }
    });
    page.on('pageerror', (err) => {
      const line = `[pageerror] ${err.stack ?? err}`;
      consoleLines.push(line);
      problems.push(line);
    });
    page.on('crash', () => {
      consoleLines.push('[crash] the page crashed');
      problems.push('[crash] the page crashed');
    });
    page.on('requestfailed', (req) => {
      consoleLines.push(`[requestfailed] ${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
    });
    page.on('response', (res) => {
      if (res.url().startsWith(sim.siteOrigin)) network.push({ url: res.url(), status: res.status() });
    });
    const secrets = watchSecrets(page, sim, { keptSession: options.keptSession });

    if (options.goto !== false) await page.goto(sim.siteUrl);
    await fn({ page, sim, context, consoleLines, network });
    if (problems.length) {
      throw new Error(`the page logged errors or panicked:\n${problems.join('\n')}`);
    }
    if (options.secretsCheck !== false) await secrets.check(context, consoleLines);
    if (cspViolations.length) {
      throw new Error(`the Content-Security-Policy was violated:\n${cspViolations.join('\n')}`);
    }
  } catch (err) {
    throw await failureReport(name, err, { page, sim, consoleLines });
  } finally {
    await context?.close().catch(() => {});
    await sim?.stop();
  }
}

// ---- secrets ------------------------------------------------------------------------------

/** Where a token-bearing answer comes from: creates and rotations of every kind. */
const SECRET_ANSWER = /\/(access_tokens|personal_access_tokens|deploy_tokens|triggers|rotate|oauth\/token)(\/|$|\?)/;

/**
 * Learns every secret the page handles by watching the wire (the credentials it sends to GitLab,
 * the tokens GitLab answers creates and rotations with), then, after the test, checks that none
 * of them is anywhere it must never be: web storage, IndexedDB, Cache Storage, cookies, any URL
 * the tab visited, the console, the DOM once no reveal is open, or a request to another host.
 */
function watchSecrets(page, sim, { keptSession = false } = {}) {
  const secrets = new Set();
  const pending = [];
  const visited = [];
  const elsewhere = [];
  const api = new URL(sim.apiUrl).origin;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  page.on('request', (req) => {
    if (req.url().startsWith(api)) {
      const headers = req.headers();
      const sent = headers['private-token'] ?? headers.authorization?.replace(/^Bearer /i, '');
      if (sent) secrets.add(sent);
    } else {
      elsewhere.push(`${req.method()} ${req.url()} ${JSON.stringify(req.headers())} ${req.postData() ?? ''}`);
    }
  });
  page.on('response', (res) => {
    const req = res.request();
    if (!res.url().startsWith(api) || req.method() !== 'POST' || !SECRET_ANSWER.test(new URL(res.url()).pathname)) return;
    pending.push(res.text().then((body) => {
      try {
        const answer = JSON.parse(body);
        // A created or rotated token; an OAuth grant's access and refresh tokens.
        for (const token of [answer?.token, answer?.access_token, answer?.refresh_token]) {
          if (typeof token === 'string' && token.length >= 8) secrets.add(token);
        }
      } catch {
        // not JSON: no secret in it
      }
    }, () => {}));
  });
  return {
    async check(context, consoleLines) {
      await Promise.all(pending);
      if (page.isClosed()) return;
      const places = await page.evaluate(async (kept) => ({
        // The kept session is the one place a secret may be, when the test opted in to it.
        storage: JSON.stringify({ ...localStorage }) + JSON.stringify(Object.fromEntries(
          Object.entries(sessionStorage).filter(([k]) => !(kept && k === 'tokenwarden.session')))),
        idb: (await indexedDB.databases?.())?.map((d) => d.name).join(',') ?? '',
        caches: (await caches.keys()).join(','),
        cookie: document.cookie,
        url: location.href,
        historyState: JSON.stringify(history.state),
        revealOpen: !!document.querySelector('[data-testid=reveal-dialog]'),
      }), keptSession);
      const cookies = JSON.stringify(await context.cookies());
      const dom = places.revealOpen ? '' : await page.content();
      const where = {
        'web storage': places.storage,
        'IndexedDB': places.idb,
        'Cache Storage': places.caches,
        'cookies': places.cookie + cookies,
        'a URL the tab visited': [...visited, places.url, places.historyState].join('\n'),
        'the console': consoleLines.join('\n'),
        'the DOM with no reveal open': dom,
        'a request to another host': elsewhere.join('\n'),
      };
      // The site loads nothing from anywhere but itself and the GitLab instance.
      const site = new URL(sim.siteUrl).origin;
      const foreign = elsewhere.filter((r) => {
        const url = r.split(' ')[1];
        return !url.startsWith(site) && !/^(data|blob):/.test(url);
      });
      assert.deepEqual(foreign, [], 'requests to an origin other than the site and GitLab');
      for (const secret of secrets) {
        for (const [place, text] of Object.entries(where)) {
          assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 6)}…) was found in ${place}`);
        }
      }
      assert.equal(places.idb, '', 'the page keeps no IndexedDB');
      assert.equal(places.caches, '', 'the page keeps no Cache Storage');
    },
  };
}

/** `test(name, ...)` running `fn` through withApp, with a timeout and artifact names from the test. */
export function appTest(name, fixture, fn, options = {}) {
  const { timeout = TEST_TIMEOUT_MS, ...rest } = options;
  return test(name, { timeout }, (t) => withApp(fixture, fn, { t, ...rest }));
}

/** Saves a screenshot and the DOM, and returns an error that carries everything useful. */
async function failureReport(name, err, { page, sim, consoleLines }) {
  const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 100) || 'test';
  const saved = [];
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (page && !page.isClosed()) {
    const png = path.join(RESULTS_DIR, `${slug}.png`);
    const html = path.join(RESULTS_DIR, `${slug}.html`);
    try {
      await page.screenshot({ path: png, fullPage: true, timeout: 5_000 });
      saved.push(png);
    } catch (e) {
      saved.push(`(no screenshot: ${e.message.split('\n')[0]})`);
    }
    try {
      writeFileSync(html, await page.content());
      saved.push(html);
    } catch {
      // the page is gone: the screenshot note says so
    }
  }
  const simLines = sim ? sim.output().split('\n') : [];
  // An assertion's whole message (a list of findings, say); other errors' first line only.
  const [first, ...rest] = String(err?.message ?? err).split('\n');
  const report = [
    `${name}: ${first}`,
    ...(err?.code === 'ERR_ASSERTION' ? rest.slice(0, 200) : []),
    page ? `page url: ${page.url()}` : null,
    `--- page console (${consoleLines.length} lines) ---`,
    ...consoleLines.slice(-60),
    `--- gitlab-sim output (last ${Math.min(simLines.length, 40)} of ${simLines.length} lines) ---`,
    ...simLines.slice(-40),
    `--- saved ---`,
    ...(saved.length ? saved.map((p) => path.relative(process.cwd(), p) || p) : ['(nothing: no page was open)']),
  ].filter((l) => l !== null);
  writeFileSync(path.join(RESULTS_DIR, `${slug}.log`), `${report.join('\n')}\n\n${err?.stack ?? err}\n`);
  return new Error(report.join('\n'), { cause: err });
}

// ---- waiting for things --------------------------------------------------------------------

/**
 * Retries `check` (which throws, e.g. with assert) until it passes or `timeout` ms pass; then
 * rethrows its last error. For conditions Playwright locators cannot wait for themselves.
 */
export async function eventually(check, { timeout = ACTION_TIMEOUT_MS, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
