// "What is this token?" and the session's own token, in Chromium against gitlab-sim: a pasted
// token is named from its prefix, described by GitLab, rotated or revoked with itself or by an
// administrator; rotating the token the page signs in with keeps the session going.
import assert from 'node:assert/strict';
import { appTest, signIn } from './harness.mjs';

async function openCheck(page) {
  await page.getByTestId('nav-check').click();
  await page.getByTestId('check-page').waitFor();
}

async function paste(page, token) {
  await page.getByTestId('check-token').fill(token);
}

/** Copies the revealed secret and closes the reveal; returns it. */
async function takeSecret(page) {
  await page.getByTestId('reveal-dialog').waitFor();
  const secret = await page.getByTestId('reveal-secret').inputValue();
  await page.getByTestId('reveal-copy').click();
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  return secret;
}

const selfStatus = async (sim, token) => (await sim.api('GET', '/personal_access_tokens/self', { token })).status;

appTest('a pasted token is named from its prefix, and nonsense is told apart', 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await openCheck(page);
  assert.match(await page.getByTestId('check-kind').innerText(), /Paste a token/);

  await paste(page, 'gldt-e2e-registry-pull-01');
  assert.match(await page.getByTestId('check-kind').innerText(), /Deploy token/);
  assert.equal(await page.getByTestId('check-self').count(), 0, 'deploy tokens cannot describe themselves');
  assert.equal(await page.getByTestId('check-admin').count(), 0, 'no admin lookup for a non-admin');

  await paste(page, 'glrt-abcdefghijklmnopqrstu');
  assert.match(await page.getByTestId('check-kind').innerText(), /Runner authentication token[\s\S]*does not manage this kind/);

  await paste(page, 'not a token!');
  assert.match(await page.getByTestId('check-kind').innerText(), /does not look like a GitLab token/);

  await paste(page, 'glpat-e2e-maria-readonly1');
  await page.getByTestId('check-clear').click();
  assert.equal(await page.getByTestId('check-token').inputValue(), '', 'clearing empties the box');
  assert.ok(!(await page.evaluate(() => location.href)).includes('glpat'));
});

appTest('a token asks GitLab about itself, rotates itself, and the old value dies', 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await openCheck(page);

  // read_api only: described, but it may not rotate itself.
  await paste(page, 'glpat-e2e-maria-readonly1');
  await page.getByTestId('check-self').click();
  const found = await page.getByTestId('check-found').innerText();
  assert.match(found, /read-only/);
  assert.match(found, /@maria/);
  assert.match(found, /active/);
  assert.equal(await page.getByTestId('check-rotate').count(), 0);

  // self_rotate: it may.
  await paste(page, 'glpat-e2e-maria-laptop01');
  assert.equal(await page.getByTestId('check-found').count(), 0, 'a new paste drops the old answer');
  await page.getByTestId('check-self').click();
  assert.match(await page.getByTestId('check-found').innerText(), /laptop[\s\S]*self_rotate/);
  await page.getByTestId('check-rotate').click();
  await page.getByTestId('rotate-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  assert.match(await page.getByTestId('reveal-username').innerText(), /^@?maria$/);
  const rotated = await takeSecret(page);
  assert.equal(await page.getByTestId('check-token').inputValue(), '', 'the dead value left the box');
  assert.equal(await selfStatus(sim, 'glpat-e2e-maria-laptop01'), 401);
  assert.equal(await selfStatus(sim, rotated), 200);
});

appTest('a leaked project token is identified by its bot user and revoked with itself', 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await openCheck(page);
  await paste(page, 'glpat-e2e-project-bot-01');
  await page.getByTestId('check-self').click();
  const found = await page.getByTestId('check-found').innerText();
  assert.match(found, /project access token/i);
  assert.match(found, /@project_100_bot_/);
  await page.getByTestId('check-revoke').click();
  await page.getByTestId('revoke-confirm').fill('ci-bot');
  await page.getByTestId('revoke-submit').click();
  await page.getByTestId('revoke-dialog').waitFor({ state: 'detached' });
  assert.match(await page.getByTestId('notice').innerText(), /Revoked “ci-bot”/);
  assert.equal(await selfStatus(sim, 'glpat-e2e-project-bot-01'), 401);
});

appTest('rotating the token the page signs in with keeps the session going', 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('nav-tokens').click();
  const row = page.locator('[data-testid=active-tokens] [data-token-name="tokenwarden"]');
  await row.getByTestId('this-session').waitFor();
  await row.getByTestId('token-rotate').click();
  await page.getByTestId('rotate-submit').click();
  const rotated = await takeSecret(page);
  assert.equal(await selfStatus(sim, 'glpat-e2e-maria-000000001'), 401, 'the old value died');
  // The page carries on with the new value: lists still load.
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('project-row').first().waitFor();
  await page.getByTestId('nav-tokens').click();
  await page.locator('[data-testid=active-tokens] [data-token-name="tokenwarden"] [data-testid=this-session]').waitFor();
  assert.equal(await selfStatus(sim, rotated), 200);
});

appTest('revoking the token the page signs in with signs out, and says so', 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('nav-tokens').click();
  const row = page.locator('[data-testid=active-tokens] [data-token-name="tokenwarden"]');
  await row.getByTestId('token-revoke').click();
  await page.getByTestId('revoke-confirm').fill('tokenwarden');
  await page.getByTestId('revoke-submit').click();
  await page.getByTestId('connect-token').waitFor();
  assert.match(await page.getByTestId('notice').innerText(), /the token you were signed in with/);
  assert.equal(await selfStatus(sim, 'glpat-e2e-maria-000000001'), 401);
});

appTest('tabs count the active credentials of each kind', 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.evaluate(() => (location.hash = '#/projects/100'));
  const tab = (segment) => page.getByTestId(`tab-${segment}`);
  await tab('deploy_tokens').locator('.tab-count').waitFor();
  assert.equal(await tab('access_tokens').locator('.tab-count').innerText(), '1');
  assert.equal(await tab('deploy_tokens').locator('.tab-count').innerText(), '1', 'the revoked one is not counted');
  assert.equal(await tab('deploy_keys').locator('.tab-count').innerText(), '0');
  assert.equal(await tab('triggers').locator('.tab-count').innerText(), '1');
});

appTest('an administrator sees every personal and deploy token of the instance', 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'ada');
  await page.getByTestId('nav-admin').click();
  const laptop = page.locator('[data-testid=active-tokens] [data-token-name="laptop"]');
  await laptop.waitFor();
  assert.equal(await laptop.getByTestId('row-user').innerText(), 'user 2');
  assert.equal(await page.getByTestId('new-token').isDisabled(), true);
  assert.match(await page.getByTestId('new-token').getAttribute('title'), /User column/);

  await page.getByTestId('tab-deploy_tokens').click();
  const pull = page.locator('[data-testid=active-tokens] [data-token-name="registry-pull"]');
  await pull.waitFor();
  assert.equal(await pull.getByTestId('token-revoke').isDisabled(), true);
  assert.match(await pull.getByTestId('token-revoke').getAttribute('title'), /revoke it there/);

  await page.getByTestId('tab-personal_access_tokens').click();
  await laptop.getByTestId('row-user').click();
  assert.match(await page.getByTestId('project-title').innerText(), /@maria/);
});

appTest('someone who is not an administrator has no admin page', 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  assert.equal(await page.getByTestId('nav-admin').count(), 0);
  await page.evaluate(() => (location.hash = '#/admin'));
  assert.match(await page.getByTestId('no-permission').innerText(), /Only administrators/);
});

appTest("an administrator identifies and revokes any token, on the instance's own prefix too", 'check', async ({ page, sim }) => {
  await signIn(page, sim, 'ada');
  await openCheck(page);

  // The instance's prefix replaces glpat-: only an admin can read it, and then the box knows it.
  await paste(page, 'acme-e2e-maria-cli-00001');
  // The prefix comes from the instance's settings, read in the background.
  await page.getByTestId('check-kind').filter({ hasText: /access token/i }).waitFor();
  await page.getByTestId('check-admin').click();
  const found = await page.getByTestId('check-found').innerText();
  assert.match(found, /admin token API/);
  assert.match(found, /cli[\s\S]*@maria/);
  await page.getByTestId('check-revoke').click();
  await page.getByTestId('revoke-confirm').fill('cli');
  await page.getByTestId('revoke-submit').click();
  await page.getByTestId('revoke-dialog').waitFor({ state: 'detached' });
  assert.equal(await selfStatus(sim, 'acme-e2e-maria-cli-00001'), 401);

  await paste(page, 'gldt-e2e-registry-pull-01');
  await page.getByTestId('check-admin').click();
  assert.match(await page.getByTestId('check-found').innerText(), /registry-pull/);
  await page.getByTestId('check-revoke').click();
  await page.getByTestId('revoke-confirm').fill('registry-pull');
  await page.getByTestId('revoke-submit').click();
  await page.getByTestId('revoke-dialog').waitFor({ state: 'detached' });
  const listed = await sim.api('GET', '/projects/100/deploy_tokens', { token: sim.tokenFor('ada') });
  assert.equal(listed.body.find((t) => t.name === 'registry-pull').revoked, true);

  await paste(page, 'glpat-never-issued-000000');
  await page.getByTestId('check-admin').click();
  assert.match(await page.getByTestId('error').innerText(), /does not know this token/);
});
