// The release site starts at all: served from a sub-path, every asset found relative to it,
// the sign-in form shown, nothing logged as an error. Also checks the harness's sim controls.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { appTest, getBrowser, loadFixture, startSim } from './harness.mjs';
import { test } from 'node:test';

appTest('the page loads from a sub-path and shows the sign-in form; the rest of the page comes after', 'basic', async ({ page, sim, network }) => {
  await page.locator('[data-testid=connect-form]').waitFor({ state: 'visible' });

  assert.ok(page.url().startsWith(sim.siteUrl), `page at ${page.url()}, expected under ${sim.siteUrl}`);
  // The first visit is the sign-in's module; the rest of the page is asked for only once the
  // form can be used, and arrives while the user fills it in.
  const timing = () =>
    page.evaluate(() => ({
      mark: performance.getEntriesByName('tokenwarden:sign-in-interactive')[0]?.startTime,
      wasm: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).map((e) => ({ name: e.name, start: e.startTime })),
    }));
  await page.waitForFunction(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length === 2);
  const { mark, wasm } = await timing();
  const [rest, first] = [wasm.filter((w) => /tokenwarden-app-/.test(w.name)), wasm.filter((w) => !/tokenwarden-app-/.test(w.name))];
  assert.equal(first.length, 1, `one sign-in module: ${JSON.stringify(wasm)}`);
  assert.equal(rest.length, 1, `one rest of the page: ${JSON.stringify(wasm)}`);
  assert.ok(mark !== undefined && rest[0].start >= mark, `the rest is asked for after the form is ready: ${JSON.stringify({ mark, wasm })}`);
  for (const w of wasm) assert.ok(w.name.startsWith(sim.siteUrl), `wasm served from under the prefix: ${w.name}`);
  // config.json is optional: this site has none, and the page goes on without it.
  const failed = network.filter((r) => r.status >= 400 && !r.url.endsWith('/favicon.ico') && !r.url.endsWith('/config.json'));
  assert.deepEqual(failed, [], 'no asset request failed');
});

appTest('the rest of the page failing to load keeps the user signed in, and trying again opens it', 'basic', async ({ page, sim }) => {
  let blocked = true;
  await page.route(/tokenwarden-app-[0-9a-f]+(_bg\.wasm|\.js)/, (route) => (blocked ? route.abort('connectionreset') : route.continue()));
  // Loaded afresh with the route in place: the first load may have fetched the rest already.
  await page.reload();
  await page.getByTestId('connect-url').fill(sim.apiUrl);
  await page.getByTestId('connect-token').fill(sim.tokenFor('alice'));
  await page.getByTestId('connect-submit').click();
  const alert = page.getByTestId('opening-failed');
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not be loaded[\s\S]*still signed in/);
  assert.equal(await page.getByTestId('connect-form').count(), 0, 'no second sign-in');

  blocked = false;
  await page.getByTestId('opening-retry').click();
  await page.getByTestId('project-row').first().waitFor();
  // One app on the page: the sign-in's is gone.
  assert.equal(await page.getByTestId('whoami').count(), 1);
  assert.equal(await page.getByTestId('opening').count(), 0);
}, { allowConsoleErrors: true });

test('gitlab-sim: a reset replaces who the tokens belong to', { timeout: 30_000 }, async () => {
  const sim = await startSim({ fixture: 'basic', site: false });
  try {
    const alice = sim.tokenFor('alice');
    assert.equal((await sim.api('GET', '/user', { token: alice })).body.username, 'alice');

    const other = loadFixture('basic');
    const fresh = 'glpat-e2e-alice-0000000003';
    other.users.find((u) => u.username === 'alice').personal_access_tokens = [
      { name: 'new-laptop', scopes: ['api'], expires_at: '2027-01-31', token: fresh },
    ];
    await sim.reset(other);
    assert.equal((await sim.api('GET', '/user', { token: alice })).status, 401);
    assert.equal(sim.tokenFor('alice'), fresh);
    assert.equal((await sim.api('GET', '/user', { token: fresh })).body.username, 'alice');
  } finally {
    await sim.stop();
  }
});

test('gitlab-sim: the OAuth consent page sends a code to the site; pages cannot use the test hooks', { timeout: 60_000 }, async () => {
  const sim = await startSim({ fixture: 'basic' });
  const context = await (await getBrowser()).newContext();
  try {
    const page = await context.newPage();
    await page.goto(sim.siteUrl);
    // A page on another origin: a plain POST is refused and unreadable, a custom header needs a
    // preflight the hooks never grant.
    const tries = await page.evaluate(async (api) => {
      const out = [];
      for (const headers of [{}, { 'X-Sim-Control': 'a-guess' }]) {
        try {
          out.push((await fetch(`${api}/-/sim/reset`, { method: 'POST', headers, body: '{}' })).status);
        } catch (err) {
          out.push(err.name);
        }
      }
      return out;
    }, sim.apiUrl);
    assert.deepEqual(tries, ['TypeError', 'TypeError']);
    const alice = sim.tokenFor('alice');
    assert.equal((await sim.api('GET', '/user', { token: alice })).status, 200, 'the fixture is untouched');

    // The registered redirect URI is `{site}`: the page this sim serves.
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({
      client_id: 'tokenwarden-e2e',
      redirect_uri: sim.siteUrl,
      response_type: 'code',
      state: 'e2e-state',
      scope: 'api',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    await page.goto(`${sim.apiUrl}/oauth/authorize?${query}`);
    // The address as GitLab sent the browser back (the page cleans it up as soon as it starts).
    const [landing] = await Promise.all([
      page.waitForRequest((req) => req.isNavigationRequest() && req.url().startsWith(`${sim.siteUrl}?`)),
      page.getByTestId('approve-alice').click(),
    ]);
    const back = new URL(landing.url()).searchParams;
    assert.equal(back.get('state'), 'e2e-state');
    const res = await fetch(`${sim.apiUrl}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: 'tokenwarden-e2e',
        grant_type: 'authorization_code',
        code: back.get('code'),
        redirect_uri: sim.siteUrl,
        code_verifier: verifier,
      }),
    });
    assert.equal(res.status, 200);
    const { access_token: accessToken } = await res.json();
    const me = await fetch(`${sim.apiUrl}/api/v4/user`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal((await me.json()).username, 'alice');
  } finally {
    await context.close();
    await sim.stop();
  }
});
