// The release site starts at all: served from a sub-path, every asset found relative to it,
// the sign-in form shown, nothing logged as an error. Also checks the harness's sim controls.
import assert from 'node:assert/strict';
import { appTest, loadFixture, startSim } from './harness.mjs';
import { test } from 'node:test';

appTest('the page loads from a sub-path and shows the sign-in form', 'basic', async ({ page, sim, network }) => {
  await page.locator('[data-testid=connect-form]').waitFor({ state: 'visible' });

  assert.ok(page.url().startsWith(sim.siteUrl), `page at ${page.url()}, expected under ${sim.siteUrl}`);
  const wasm = network.filter((r) => r.url.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one .wasm loaded: ${JSON.stringify(network)}`);
  assert.ok(wasm[0].url.startsWith(sim.siteUrl), `wasm served from under the prefix: ${wasm[0].url}`);
  // config.json is optional: this site has none, and the page goes on without it.
  const failed = network.filter((r) => r.status >= 400 && !r.url.endsWith('/favicon.ico') && !r.url.endsWith('/config.json'));
  assert.deepEqual(failed, [], 'no asset request failed');
});

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
