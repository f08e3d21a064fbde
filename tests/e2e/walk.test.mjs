// A first-time user's walk around the edges: wrong addresses, dead links, a token that dies
// mid-session, what a role may not do, notices that belong to one page, dates that read alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appTest, loadFixture, signIn, withApp } from './harness.mjs';

/** The team fixture, with a spare token for Maria and an Owner-level bot token in platform/api. */
function team() {
  const f = loadFixture('team');
  const maria = f.users.find((u) => u.username === 'maria');
  maria.personal_access_tokens.push({ name: 'spare', scopes: ['api'], expires_at: '+100d', token: 'glpat-e2e-maria-spare0001' });
  f.projects.find((p) => p.id === 100).access_tokens.push({ name: 'owner-bot', scopes: ['api'], access_level: 50, expires_at: '+60d' });
  return f;
}

appTest("typing tokenwarden's own address instead of GitLab's says so", 'team', async ({ page, sim }) => {
  await page.getByTestId('connect-url').fill(sim.siteUrl);
  await page.getByTestId('connect-token').fill(sim.tokenFor('maria'));
  await page.getByTestId('connect-submit').click();
  assert.match(await page.getByTestId('error-gitlab-url').innerText(), /tokenwarden's own address. Enter your GitLab's address/);
});

appTest('an unknown project says what is missing and leads back, with no useless retry', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/999`);
  const banner = page.getByTestId('not-found');
  await banner.waitFor();
  assert.match(await banner.innerText(), /GitLab has no project 999 that you can see \(404 Project Not Found\)/);
  assert.equal(await banner.getByRole('button', { name: 'Try again' }).count(), 0);
  await banner.getByRole('link', { name: 'Go to your projects' }).click();
  await page.getByTestId('projects-table').waitFor();
});

appTest('a sign-in token revoked mid-session leads to sign-in, then back to the same page', team(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  await page.getByTestId('active-tokens').waitFor();
  // Someone revokes the token tokenwarden signed in with.
  assert.equal((await sim.api('DELETE', '/personal_access_tokens/self', { token: sim.tokenFor('maria') })).status, 204);

  await page.getByTestId('tab-deploy_tokens').click();
  await page.getByTestId('connect-form').waitFor();
  assert.match(await page.getByTestId('notice').innerText(), /Your sign-in token stopped working \(GitLab says “.*revoked.*”\)/);
  assert.equal(await page.getByTestId('whoami').count(), 0, 'no header still claiming a valid token');
  assert.match(page.url(), /#\/projects\/100\/deploy_tokens$/);

  await page.getByTestId('connect-url').fill(sim.apiUrl);
  await page.getByTestId('connect-token').fill('glpat-e2e-maria-spare0001');
  await page.getByTestId('connect-submit').click();
  await page.getByTestId('tokens-page').waitFor();
  assert.match(await page.locator('[data-testid=kind-tabs] [aria-current=page]').innerText(), /Deploy tokens/);
}, { ignoreConsole: [/401/] });

appTest('a Maintainer sees Rotate on an Owner-level token disabled, with the reason', team(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  const row = page.locator('[data-testid=active-tokens] [data-token-name="owner-bot"]');
  await row.waitFor();
  const rotate = row.getByTestId('token-rotate');
  assert.equal(await rotate.getAttribute('aria-disabled'), 'true');
  assert.match(await row.getByTestId('action-reason').first().innerText(), /Owner role, above yours \(Maintainer\)/);
  // Focusable, so the keyboard reaches the reason; pressing it opens nothing.
  await rotate.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.getByTestId('rotate-dialog').count(), 0);
  // A token at her own level stays rotatable.
  assert.equal(await page.locator('[data-token-name="nightly-build"]').getByTestId('token-rotate').getAttribute('aria-disabled'), null);
});

appTest('a notice about one project does not follow the user to another page', team(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  await page.locator('[data-token-name="nightly-build"]').getByTestId('token-revoke').click();
  await page.getByTestId('revoke-confirm').fill('nightly-build');
  await page.getByTestId('revoke-submit').click();
  await page.getByTestId('notice').filter({ hasText: 'Revoked' }).waitFor();
  // The revoked row is marked where it now lives.
  await page.locator('[data-testid=inactive-tokens] tr.row-changed[data-token-name="nightly-build"]').waitFor();
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('projects-table').waitFor();
  assert.equal(await page.getByTestId('notice').count(), 0);
});

appTest('the expiry banner names the tokens it warns about', team(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  assert.match(await page.getByTestId('expiring-soon').innerText(), /Expiring within 7 days: “nightly-build”/);
});

appTest('a custom expiry date reads the same in the hint as in the date input', team(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  await page.getByTestId('new-token').click();
  await page.getByTestId('expiry-custom').check();
  const iso = await page.evaluate(() => new Date(Date.now() + 20 * 864e5).toISOString().slice(0, 10));
  await page.getByTestId('expiry-date').fill(iso);
  const local = await page.evaluate((d) => new Date(d).toLocaleDateString('default', { timeZone: 'UTC' }), iso);
  const hint = await page.getByTestId('expiry-date-hint').innerText();
  assert.ok(hint.includes(`Chosen: ${local} (${iso})`), hint);
  assert.ok(!/YYYY/.test(hint), hint);
});

appTest('a 401 on a list a Maintainer may see does not tell her to ask for the role she has', team(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('projects-table').waitFor();
  await sim.faults({ method: 'GET', path: '/api/v4/projects/100/access_tokens', status: 401, body: '{"message":"401 Unauthorized"}', count: 1 });
  await page.goto(`${sim.siteUrl}#/projects/100`);
  const refusal = page.getByTestId('no-permission');
  await refusal.waitFor();
  const text = await refusal.innerText();
  assert.match(text, /although you are Maintainer of this project/);
  assert.doesNotMatch(text, /ask a Maintainer/i);
  assert.ok(await page.getByTestId('whoami').isVisible(), 'a refusal of one list is not the end of the session');
}, { ignoreConsole: [/401/] });

// The check every test ends with must itself catch a leak, or it proves nothing.
test('the after-every-test secrets check catches a leaked credential or new token', { timeout: 120_000 }, async () => {
  await assert.rejects(
    withApp('team', async ({ page, sim }) => {
      await signIn(page, sim, 'maria');
      await page.evaluate((t) => sessionStorage.setItem('oops', t), sim.tokenFor('maria'));
    }, { name: 'leak-storage' }),
    /a secret \(glpat-…\) was found in web storage/,
  );
  await assert.rejects(
    withApp('team', async ({ page, sim }) => {
      await signIn(page, sim, 'maria');
      await page.evaluate(() => (location.hash = '#/projects/100'));
      await page.getByTestId('new-token').click();
      await page.getByTestId('token-name').fill('leaky');
      await page.getByTestId('scope-read_api').check();
      await page.getByTestId('create-submit').click();
      const secret = await page.getByTestId('reveal-secret').inputValue();
      await page.evaluate((s) => console.log(`debug ${s}`), secret);
    }, { name: 'leak-console' }),
    /a secret \(glpat-…\) was found in the console/,
  );
});
