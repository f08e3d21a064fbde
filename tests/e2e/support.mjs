// What the end-to-end tests and the benchmarks share, free of node:test so plain scripts can
// use it: paths, fixtures, starting gitlab-sim (API and the release site), Chromium's settings,
// signing in.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Re-exported so scripts outside tests/e2e use this directory's installed copy.
export { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const FIXTURES_DIR = path.join(HERE, 'fixtures');
export const RESULTS_DIR = path.join(HERE, 'test-results');
export const DIST_DIR = process.env.TOKENWARDEN_DIST ?? path.join(ROOT, 'dist');
export const SITE_PREFIX = '/tokenwarden/';
export const CHROMIUM = process.env.TOKENWARDEN_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SIM_START_TIMEOUT_MS = 20_000;
/** Default for every Playwright action and wait (the app is local; 10 s is already generous). */
export const ACTION_TIMEOUT_MS = 10_000;
/** Default for a whole app test (node:test's own default is no limit at all). */
export const TEST_TIMEOUT_MS = 60_000;

// ---- fixtures ------------------------------------------------------------------------------

/** A fixture from tests/e2e/fixtures/ (the `.json` may be left off), parsed: a fresh copy to edit. */
export function loadFixture(name) {
  const file = path.isAbsolute(name) ? name : path.join(FIXTURES_DIR, name.endsWith('.json') ? name : `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** A fixture name, a path, or an object -> the object; null/undefined -> null (the sim's demo data). */
function fixtureObject(fixture) {
  if (fixture == null) return null;
  return typeof fixture === 'string' ? loadFixture(fixture) : fixture;
}

// ---- gitlab-sim ----------------------------------------------------------------------------

let simBinary;
/** The gitlab-sim executable: $TOKENWARDEN_SIM_BIN, or built by cargo (once per test file). */
export function simBin() {
  if (simBinary) return simBinary;
  if (process.env.TOKENWARDEN_SIM_BIN) {
    simBinary = process.env.TOKENWARDEN_SIM_BIN;
  } else {
    const out = execFileSync('cargo', ['build', '-p', 'gitlab-sim', '--message-format=json-render-diagnostics'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 << 20,
    });
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line);
      if (msg.reason === 'compiler-artifact' && msg.target?.name === 'gitlab-sim' && msg.executable) {
        simBinary = msg.executable;
      }
    }
    if (!simBinary) throw new Error('cargo build -p gitlab-sim produced no gitlab-sim executable');
  }
  if (!existsSync(simBinary)) throw new Error(`gitlab-sim not found at ${simBinary}`);
  return simBinary;
}

function requireDist() {
  if (!existsSync(path.join(DIST_DIR, 'index.html'))) {
    throw new Error(
      `no release site at ${DIST_DIR}: build it with 'trunk build index.html --release' ` +
        `(or run './scripts/test trunk e2e')`,
    );
  }
}

/**
 * The GitLab Pages layout of the release site (`scripts/pages --no-build`, the pages job's own
 * steps after the build): dist/ copied into `out` (empty or new), config.json from `config`
 * (`gitlab_url`, `oauth_client_id`), the policy written again and a .br and .gz beside every
 * asset. Returns `out`.
 */
export function pagesLayout(out, config = {}) {
  requireDist();
  const env = { ...process.env };
  delete env.TOKENWARDEN_GITLAB_URL;
  delete env.TOKENWARDEN_OAUTH_CLIENT_ID;
  if (config.gitlab_url) env.TOKENWARDEN_GITLAB_URL = config.gitlab_url;
  if (config.oauth_client_id) env.TOKENWARDEN_OAUTH_CLIENT_ID = config.oauth_client_id;
  execFileSync(path.join(ROOT, 'scripts', 'pages'), ['--no-build', '--from', DIST_DIR, out], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

const liveSims = new Set();
/** Kills every sim still running (a live child process would keep node from exiting). */
export function killLiveSims() {
  for (const child of liveSims) child.kill('SIGKILL');
}
// Whatever happens to the process, no sim outlives it.
process.on('exit', killLiveSims);

/**
 * Starts gitlab-sim on free 127.0.0.1 ports and waits until it has printed its addresses.
 *
 * @param {object} [options]
 * @param {string|object|null} [options.fixture] fixture name/path/object; null = the sim's demo data
 * @param {boolean} [options.site=true] also serve dist/ (under `prefix`, on its own port)
 * @param {string} [options.siteDir] serve this directory instead of dist/
 * @param {string} [options.prefix='/tokenwarden/']
 * @param {string[]} [options.args] extra command-line arguments
 */
export async function startSim({ fixture = null, site = true, siteDir, prefix = SITE_PREFIX, args = [] } = {}) {
  const bin = simBin();
  if (site && !siteDir) requireDist();
  let fixtureData = fixtureObject(fixture);
  let fixtureDir;
  if (fixtureData) {
    fixtureDir = mkdtempSync(path.join(os.tmpdir(), 'tokenwarden-e2e-'));
    writeFileSync(path.join(fixtureDir, 'fixture.json'), JSON.stringify(fixtureData, null, 2));
  }
  // Port 0: the sim binds free ports itself and prints the addresses it got.
  const argv = ['--listen', '127.0.0.1:0'];
  if (fixtureDir) argv.push('--fixture', path.join(fixtureDir, 'fixture.json'));
  if (site) argv.push('--site', siteDir ?? DIST_DIR, '--site-listen', '127.0.0.1:0', '--site-prefix', prefix);
  argv.push(...args);
  try {
    return await launchSim(bin, argv, { site, fixtureDir, getFixture: () => fixtureData, setFixture: (f) => (fixtureData = f) });
  } catch (err) {
    if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
    throw err;
  }
}

function launchSim(bin, argv, { site, fixtureDir, getFixture, setFixture }) {
  const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_BACKTRACE: '1' } });
  liveSims.add(child);
  const lines = [];
  let apiUrl;
  let siteUrl;
  let controlSecret;
  let exited = null;
  const exitedPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      liveSims.delete(child);
      resolve(exited);
    }),
  );

  return new Promise((resolve, reject) => {
    let lastOutput = Date.now();
    let settled = false;
    const finish = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      if (err) {
        child.kill('SIGKILL');
        reject(new Error(`${err}\n$ gitlab-sim ${argv.join(' ')}\n${lines.join('\n')}`));
      } else {
        resolve(makeSim());
      }
    };
    const onLine = (line) => {
      lines.push(line);
      lastOutput = Date.now();
      const listening = line.match(/gitlab-sim listening on (http:\/\/\S+)/);
      if (listening) apiUrl = listening[1].replace(/\/$/, '');
      const siteAt = line.match(/site at (http:\/\/\S+)/);
      if (siteAt) siteUrl = siteAt[1];
      const hooks = line.match(/need the header X-Sim-Control: (\S+)/);
      if (hooks) controlSecret = hooks[1];
    };
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop();
        parts.forEach(onLine);
      });
    }
    child.once('error', (err) => finish(`could not start ${bin}: ${err.message}`));
    exitedPromise.then(({ code, signal }) => finish(`gitlab-sim exited early (code ${code}, signal ${signal})`));
    const timer = setTimeout(() => finish(`gitlab-sim did not say it was listening within ${SIM_START_TIMEOUT_MS} ms`), SIM_START_TIMEOUT_MS);
    // Ready once both addresses and the hooks' secret are known and the start-up lines (sign-in
    // tokens) have stopped.
    const poll = setInterval(() => {
      if (apiUrl && controlSecret && (siteUrl || !site) && Date.now() - lastOutput > 100) finish();
    }, 20);
  });

  /** A request to one of the sim's test hooks (/-/sim/*), which need the run's secret. */
  function hook(method, route, body) {
    const headers = { 'x-sim-control': controlSecret };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${apiUrl}/-/sim/${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  function makeSim() {
    const sim = {
      /** The API base, e.g. http://127.0.0.1:41234: what a user types as the GitLab URL. */
      apiUrl,
      /** The page, e.g. http://127.0.0.1:41235/tokenwarden/ (undefined when started with site: false). */
      siteUrl,
      get siteOrigin() {
        return siteUrl && new URL(siteUrl).origin;
      },
      /** The fixture in force (null for the demo data). */
      get fixture() {
        return getFixture();
      },
      /** Everything the sim printed so far. */
      output: () => lines.join('\n'),
      /** `sign in as NAME (...) with token TOKEN` lines printed at start-up. */
      get signIns() {
        return lines
          .map((l) => l.match(/sign in as (\S+) \((.*)\) with token (\S+)/))
          .filter(Boolean)
          .map(([, username, about, token]) => ({ username, about, token }));
      },
      /** A usable token for a user: the first unrevoked one in the fixture, else from the start-up lines. */
      tokenFor(username) {
        const user = getFixture()?.users?.find((u) => u.username === username);
        const pat = user?.personal_access_tokens?.find((t) => !t.revoked);
        const token = pat?.token ?? sim.signIns.find((s) => s.username === username)?.token;
        if (!token) throw new Error(`no token for user '${username}' in the fixture or the sim's output`);
        return token;
      },
      /** The secret the sim printed for its test hooks (the X-Sim-Control header). */
      controlSecret,
      /** Replaces all the sim's state with a fixture (name, path or object). */
      async reset(fixture) {
        const data = fixtureObject(fixture);
        const res = await hook('POST', 'reset', data);
        if (res.status !== 204) throw new Error(`POST /-/sim/reset: ${res.status} ${await res.text()}`);
        setFixture(data);
      },
      /** Sets the sim's seeded fault model (POST /-/sim/chaos); `{}` turns it off. */
      async chaos(settings) {
        const res = await hook('POST', 'chaos', settings);
        if (res.status !== 204) throw new Error(`POST /-/sim/chaos: ${res.status} ${await res.text()}`);
      },
      /** What the fault model injected so far. */
      async chaosStats() {
        const res = await hook('GET', 'chaos');
        if (!res.ok) throw new Error(`GET /-/sim/chaos: ${res.status} ${await res.text()}`);
        return (await res.json()).stats;
      },
      /** Injects failures (body as the sim defines it for POST /-/sim/faults). */
      async faults(spec) {
        const res = await hook('POST', 'faults', spec);
        if (!res.ok) throw new Error(`POST /-/sim/faults: ${res.status} ${await res.text()}`);
      },
      /** Moves the sim's clock `seconds` ahead (POST /-/sim/clock); negative moves it back. */
      async advanceClock(seconds) {
        const res = await hook('POST', 'clock', { advance_seconds: seconds });
        if (res.status !== 204) throw new Error(`POST /-/sim/clock: ${res.status} ${await res.text()}`);
      },
      /**
       * Calls the sim's REST API directly (to check state behind the page's back).
       * `path` is under /api/v4; returns { status, body } with body parsed when it is JSON.
       */
      async api(method, apiPath, { token, body } = {}) {
        const headers = {};
        if (token) headers['PRIVATE-TOKEN'] = token;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await fetch(`${apiUrl}/api/v4${apiPath}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        let parsed = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        return { status: res.status, headers: res.headers, body: parsed };
      },
      /** Stops the sim (SIGTERM, then SIGKILL after 3 s) and removes its temporary fixture file. */
      async stop() {
        if (!exited) {
          child.kill('SIGTERM');
          const timeout = setTimeout(() => child.kill('SIGKILL'), 3_000);
          await exitedPromise;
          clearTimeout(timeout);
        }
        if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
      },
    };
    return sim;
  }
}

// ---- app actions ---------------------------------------------------------------------------

/** Fills the sign-in form with the sim's address (unless the site names it) and `username`'s token, and submits it. */
export async function submitSignIn(page, sim, username) {
  await page.getByTestId('connect-form').waitFor();
  // A site whose config.json names the instance has no address field.
  if (await page.getByTestId('connect-url').count()) await page.getByTestId('connect-url').fill(sim.apiUrl);
  await page.getByTestId('connect-token').fill(sim.tokenFor(username));
  await page.getByTestId('connect-submit').click();
}

/** Signs in as `username` and waits until the page says who is signed in. */
export async function signIn(page, sim, username) {
  await submitSignIn(page, sim, username);
  await page.getByTestId('whoami').waitFor();
}
