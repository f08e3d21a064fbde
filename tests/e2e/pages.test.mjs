// The site as GitLab Pages publishes it: the pages job's layout (scripts/pages: the release build,
// a config.json, the policy written for it, a .br and .gz beside every asset) served the way
// Pages serves it, under a project's sub-path or at the root of a unique domain, with the
// precompressed copies sent to a browser that accepts them. (That the page refuses to run in a
// frame is in hardening.test.mjs.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after } from 'node:test';
import { appTest, pagesLayout, signIn } from './harness.mjs';

const made = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
/** A new empty directory for one test's layout (the sim needs it to exist when it starts). */
function emptyDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenwarden-pages-'));
  made.push(dir);
  return dir;
}

/** Every response from the site's origin with the headers that say how it was sent. */
function siteResponses(page, sim) {
  const seen = [];
  page.on('response', (res) => {
    if (!res.url().startsWith(sim.siteOrigin)) return;
    const headers = res.headers();
    seen.push({
      path: new URL(res.url()).pathname,
      status: res.status(),
      type: headers['content-type'],
      encoding: headers['content-encoding'],
    });
  });
  return seen;
}

/** Asserts that every asset of the layout has a .br and .gz copy holding exactly its bytes. */
function assertPrecompressed(dir) {
  const files = readdirSync(dir);
  const assets = files.filter((f) => /\.(html|js|wasm|css|svg|json)$/.test(f));
  for (const ext of ['html', 'js', 'wasm', 'css']) {
    assert.ok(assets.some((f) => f.endsWith(`.${ext}`)), `a .${ext} in the layout: ${files}`);
  }
  for (const file of assets) {
    const raw = readFileSync(path.join(dir, file));
    assert.ok(brotliDecompressSync(readFileSync(path.join(dir, `${file}.br`))).equals(raw), `${file}.br is ${file}`);
    assert.ok(gunzipSync(readFileSync(path.join(dir, `${file}.gz`))).equals(raw), `${file}.gz is ${file}`);
  }
}

/** The wasm, the JS glue and the page itself came compressed with brotli, with their own types. */
function assertBrotli(responses) {
  const find = (re) => responses.find((r) => re.test(r.path));
  for (const [what, re, type] of [
    ['index.html', /\/$/, /^text\/html/],
    ['the wasm', /\.wasm$/, /^application\/wasm$/],
    ['the JS glue', /\.js$/, /^text\/javascript/],
    ['the stylesheet', /\.css$/, /^text\/css/],
  ]) {
    const res = find(re);
    assert.ok(res, `${what} was requested: ${JSON.stringify(responses)}`);
    assert.equal(res.encoding, 'br', `${what} sent with Content-Encoding br: ${JSON.stringify(res)}`);
    assert.match(res.type ?? '', type, `${what}'s content type: ${JSON.stringify(res)}`);
  }
}

function assertNothingMissing(responses, { withoutConfig = false } = {}) {
  // Without settings the page asks for config.json, gets 404 and goes on with defaults.
  const failed = responses.filter((r) => r.status >= 400 && !(withoutConfig && r.path.endsWith('/config.json')));
  assert.deepEqual(failed, [], 'every file the page asked for was there');
}

const row = (page, name) => page.locator(`[data-testid=active-tokens] [data-token-name="${name}"]`);

const projectSite = emptyDir();
appTest('under a project sub-path: compressed assets, sign-in, a new project token, a deep link and a reload', 'team', async ({ page, sim, context }) => {
  // The pages job writes config.json before the policy: connect-src names this GitLab alone.
  pagesLayout(projectSite, { gitlab_url: sim.apiUrl });
  assertPrecompressed(projectSite);
  assert.deepEqual(JSON.parse(readFileSync(path.join(projectSite, 'config.json'), 'utf8')), { gitlab_url: sim.apiUrl });

  const responses = siteResponses(page, sim);
  assert.match(sim.siteUrl, /\/tokenwarden\/$/);
  await page.goto(sim.siteUrl);
  await page.getByTestId('connect-form').waitFor();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, new RegExp(`; connect-src 'self' ${sim.apiUrl.replace(/[.]/g, '\\.')}; `));
  assertBrotli(responses);

  // Sign in and create a project access token through that policy.
  await signIn(page, sim, 'maria');
  await page.getByTestId('project-row').filter({ hasText: 'Platform / API' }).getByRole('link').click();
  await page.getByTestId('active-tokens').waitFor();
  assert.ok(page.url().startsWith(`${sim.siteUrl}#/projects/`), page.url());
  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill('pages-bot');
  await page.getByTestId('scope-read_api').check();
  await page.getByTestId('expiry-preset-7').check();
  await page.getByTestId('create-submit').click();
  const secret = await page.getByTestId('reveal-secret').inputValue();
  assert.match(secret, /^glpat-/);
  assert.equal((await sim.api('GET', '/user', { token: secret })).status, 200, 'the new token works');
  await page.getByTestId('reveal-copy').click();
  await page.getByTestId('copy-status').waitFor();
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  await row(page, 'pages-bot').waitFor();

  // A deep link opened in a new tab lands on its page once signed in, and so does a reload.
  const tab = await context.newPage();
  const tabResponses = siteResponses(tab, sim);
  await tab.goto(`${sim.siteUrl}#/projects/101`);
  await signIn(tab, sim, 'maria');
  assert.match(await tab.getByTestId('project-title').innerText(), /Web/);
  await tab.reload();
  await tab.getByTestId('connect-form').waitFor();
  assert.ok(tab.url().startsWith(`${sim.siteUrl}#/projects/101`), tab.url());
  await signIn(tab, sim, 'maria');
  assert.match(await tab.getByTestId('project-title').innerText(), /Web/);
  await tab.close();

  assertNothingMissing([...responses, ...tabResponses]);
}, { siteDir: projectSite, goto: false });

const uniqueDomain = emptyDir();
appTest('at the root of a unique domain, with no config.json: compressed assets and sign-in', 'team', async ({ page, sim }) => {
  pagesLayout(uniqueDomain);
  assertPrecompressed(uniqueDomain);
  assert.ok(!readdirSync(uniqueDomain).includes('config.json'), 'no config.json without settings');

  const responses = siteResponses(page, sim);
  assert.equal(new URL(sim.siteUrl).pathname, '/');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  await signIn(page, sim, 'maria');
  await row(page, 'nightly-build').waitFor();
  assertBrotli(responses);
  assertNothingMissing(responses, { withoutConfig: true });
  // What is not a file is a 404, as on Pages.
  assert.equal((await page.request.get(`${sim.siteUrl}no-such-file.js`)).status(), 404);
}, { siteDir: uniqueDomain, prefix: '/', goto: false });
