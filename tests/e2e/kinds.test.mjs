// Every credential kind through the same page, form, table and reveal, in Debian's Chromium
// against gitlab-sim: create with an invalid field first, reveal and copy where there is a
// secret, see it listed, rotate where GitLab can, revoke or remove; and the people GitLab
// refuses get the reason in plain words.
import assert from 'node:assert/strict';
import { appTest, signIn } from './harness.mjs';

const PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINniN849AFyIV3GqGrPDYJPPCZr1DldJEODzQnXCbRg1 e2e@laptop';
// What `ssh-keygen -lf` prints for PUBLIC_KEY.
const FINGERPRINT = 'SHA256:siwyLMsnymHWJYbeH9iF95dSGL+ftCU/zqm3Vco/Wss';

const active = (page, name) => page.locator(`[data-testid=active-tokens] [data-token-name="${name}"]`);

/** Opens a route under the signed-in session and waits for its list (or its explanation). */
async function open(page, hash) {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.locator('[data-testid=active-tokens], [data-testid=no-active-tokens], [data-testid=no-permission]').first().waitFor();
}

/** Copies the revealed secret, checks the clipboard holds it, closes the reveal; returns it. */
async function copyAndClose(page) {
  await page.getByTestId('reveal-copy').click();
  assert.match(await page.getByTestId('copy-status').innerText(), /Copied/);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.getByTestId('reveal-secret').inputValue());
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  assert.ok(!(await page.content()).includes(copied), 'closing drops the secret from the page');
  return copied;
}

async function revoke(page, name) {
  await active(page, name).getByTestId('token-revoke').click();
  await page.getByTestId('revoke-confirm').fill(name);
  await page.getByTestId('revoke-submit').click();
  await page.getByTestId('revoke-dialog').waitFor({ state: 'detached' });
  await active(page, name).waitFor({ state: 'detached' });
}

appTest('an owner creates, rotates and revokes a group access token', 'kinds', async ({ page, sim }) => {
  await signIn(page, sim, 'olivia');
  await page.getByTestId('nav-groups').click();
  await page.getByTestId('project-row').filter({ hasText: 'platform' }).getByRole('link').click();
  await active(page, 'group-bot').waitFor();

  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill('group-ci');
  await page.getByTestId('create-submit').click();
  assert.match(await page.getByTestId('error-token-scopes').innerText(), /at least one scope/);
  await page.getByTestId('scope-read_api').check();
  await page.getByTestId('scope-read_registry').check();
  await page.getByTestId('create-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  const bot = (await page.getByTestId('reveal-username').innerText()).trim();
  assert.match(bot, /^group_10_bot_/);
  // The group's record names no registry: the instance's comes from one of the user's projects.
  const snippets = await page.getByTestId('snippet').allInnerTexts();
  assert.ok(snippets.some((s) => s.includes(`docker login 'registry.e2e.test:5050' -u '${bot}' --password-stdin`)), snippets.join('\n'));
  const secret = await copyAndClose(page);
  assert.equal((await sim.api('GET', '/groups/10', { token: secret })).status, 200, 'the copied secret works');
  await active(page, 'group-ci').waitFor();

  await active(page, 'group-ci').getByTestId('token-rotate').click();
  await page.getByTestId('rotate-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  const rotated = await copyAndClose(page);
  assert.equal((await sim.api('GET', '/groups/10', { token: secret })).status, 401, 'the old secret died');
  await revoke(page, 'group-ci');
  assert.equal((await sim.api('GET', '/groups/10', { token: rotated })).status, 401);
});

appTest('a group maintainer is told why group access tokens are closed to them', 'kinds', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await open(page, '#/groups/10');
  assert.match(await page.getByTestId('no-permission').innerText(), /Only Owners of this group[\s\S]*You are Maintainer/);
  // Group deploy tokens: visible to a Maintainer, but creating them needs Owner.
  await page.getByTestId('tab-deploy_tokens').click();
  await active(page, 'group-pull').waitFor();
  assert.equal(await page.getByTestId('tab-access_tokens').count(), 0, 'no tab for what they may not see');
  assert.equal(await page.getByTestId('new-token').isDisabled(), true);
  assert.match(await page.getByTestId('new-token').getAttribute('title'), /Only Owners/);
});

appTest('a maintainer creates and revokes a project deploy token', 'kinds', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await open(page, '#/projects/100/deploy_tokens');
  assert.match(await page.getByTestId('expiring-soon').innerText(), /registry-pull/);
  assert.match(await page.getByTestId('inactive-tokens').innerText(), /old-pull[\s\S]*revoked/);
  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill('docker-pull');
  await page.getByTestId('token-username').fill('not valid!');
  await page.getByTestId('scope-read_registry').check();
  await page.getByTestId('scope-read_repository').check();
  await page.getByTestId('create-submit').click();
  assert.match(await page.getByTestId('error-token-username').innerText(), /letters, digits/);
  await page.getByTestId('token-username').fill('docker-puller');
  await page.getByTestId('create-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  assert.equal(await page.getByTestId('reveal-username').innerText(), 'docker-puller');
  const snippets = await page.getByTestId('snippet').allInnerTexts();
  assert.ok(snippets.some((s) => s.includes("git clone 'http://docker-puller@")), snippets.join('\n'));
  // The registry GitLab reports for the project, with the deploy token's username.
  assert.ok(snippets.some((s) => s.includes("docker login 'registry.e2e.test:5050' -u 'docker-puller' --password-stdin")), snippets.join('\n'));
  const secret = await copyAndClose(page);
  assert.match(secret, /^gldt-/);
  await active(page, 'docker-pull').waitFor();
  assert.match(await active(page, 'docker-pull').innerText(), /docker-puller[\s\S]*never/);
  await revoke(page, 'docker-pull');
});

appTest('a deploy key is checked in the page, listed with its fingerprint, edited and removed', 'kinds', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  const writes = [];
  page.on('request', (r) => ['POST', 'PUT', 'DELETE'].includes(r.method()) && writes.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await open(page, '#/projects/100/deploy_keys');
  await active(page, 'ci runner').waitFor();
  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill('laptop');
  await page.getByTestId('token-key').fill('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----');
  await page.getByTestId('create-submit').click();
  assert.match(await page.getByTestId('error-token-key').innerText(), /never leave your machine[\s\S]*nothing was sent/);
  assert.deepEqual(writes, [], 'a private key is never sent');
  await page.getByTestId('token-key').fill(PUBLIC_KEY);
  assert.match(await page.getByTestId('create-dialog').innerText(), new RegExp(FINGERPRINT.replace(/[+/]/g, '\\$&')));
  await page.getByTestId('create-submit').click();
  await page.getByTestId('create-dialog').waitFor({ state: 'detached' });
  await active(page, 'laptop').waitFor();
  assert.equal(await active(page, 'laptop').getByTestId('row-fingerprint').innerText(), FINGERPRINT);

  await active(page, 'laptop').getByTestId('token-edit').click();
  await page.getByTestId('token-name').fill('work laptop');
  await page.getByTestId('token-can-push').check();
  await page.getByTestId('create-submit').click();
  await active(page, 'work laptop').waitFor();
  assert.match(await active(page, 'work laptop').innerText(), /read and write/);
  await revoke(page, 'work laptop');
  assert.deepEqual(writes.map((w) => w.replace(/\d+$/, 'N')), [
    'POST /api/v4/projects/100/deploy_keys',
    'PUT /api/v4/projects/100/deploy_keys/N',
    'DELETE /api/v4/projects/100/deploy_keys/N',
  ]);
});

appTest('a maintainer creates, copies, edits and removes a pipeline trigger', 'kinds', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await open(page, '#/projects/100/triggers');
  assert.match(await page.getByTestId('active-tokens').innerText(), /downstream deploy[\s\S]*@olivia/);
  await page.getByTestId('new-token').click();
  await page.getByTestId('create-submit').click();
  assert.notEqual(await page.getByTestId('error-token-description').innerText(), '');
  await page.getByTestId('token-description').fill('nightly');
  await page.getByTestId('create-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  const snippets = await page.getByTestId('snippet').allInnerTexts();
  assert.ok(snippets.some((s) => s.includes('/trigger/pipeline')), snippets.join('\n'));
  const secret = await copyAndClose(page);
  assert.match(secret, /^glptt-/);
  await active(page, 'nightly').getByTestId('token-edit').click();
  await page.getByTestId('token-description').fill('nightly build');
  await page.getByTestId('create-submit').click();
  await active(page, 'nightly build').waitFor();
  await revoke(page, 'nightly build');
});

appTest('personal tokens: what the API cannot create goes to GitLab, the rest works here', 'kinds', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('nav-tokens').click();
  await active(page, 'tokenwarden').waitFor();
  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill('laptop');
  await page.getByTestId('scope-api').check();
  await page.getByTestId('create-submit').click();
  assert.match(await page.getByTestId('error-token-scopes').innerText(), /only in its own settings page/);
  const link = await page.getByTestId('gitlab-form-link').getAttribute('href');
  assert.equal(link, `${sim.apiUrl}/-/user_settings/personal_access_tokens?name=laptop&scopes=api`);
  await page.getByTestId('scope-api').uncheck();
  await page.getByTestId('scope-k8s_proxy').check();
  await page.getByTestId('create-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  assert.equal(await page.getByTestId('reveal-username').innerText(), '@maria');
  const secret = await copyAndClose(page);
  assert.match(secret, /^glpat-/);
  await active(page, 'laptop').getByTestId('token-rotate').click();
  await page.getByTestId('rotate-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  await copyAndClose(page);
  await revoke(page, 'laptop');
});

appTest('a deploy key used in one project is enabled in another', 'kinds', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await open(page, '#/projects/101/deploy_keys');
  await page.getByTestId('no-active-tokens').waitFor();
  await page.getByTestId('enable-existing').click();
  await page.getByTestId('enable-search').fill('API');
  await page.getByTestId('enable-find').click();
  await page.getByTestId('enable-project').first().waitFor();
  const projects = await page.getByTestId('enable-project').allInnerTexts();
  assert.ok(projects.some((p) => /API/.test(p)), projects.join(', '));
  assert.ok(!projects.some((p) => /Web/.test(p)), 'this project is not offered');
  await page.getByTestId('enable-project').filter({ hasText: 'API' }).click();
  await page.locator('[data-testid=enable-key][data-key-title="ci runner"] [data-testid=enable-key-submit]').click();
  await page.getByTestId('enable-dialog').waitFor({ state: 'detached' });
  await active(page, 'ci runner').waitFor();
  assert.match(await page.getByTestId('notice').innerText(), /Enabled “ci runner” here/);
  const there = await sim.api('GET', '/projects/101/deploy_keys', { token: sim.tokenFor('maria') });
  assert.deepEqual(there.body.map((k) => k.title), ['ci runner']);

  // Back in the dialog the key is marked as already here.
  await page.getByTestId('enable-existing').click();
  await page.getByTestId('enable-find').click();
  await page.getByTestId('enable-project').filter({ hasText: 'API' }).click();
  assert.match(await page.locator('[data-testid=enable-key][data-key-title="ci runner"]').innerText(), /already enabled here/);
});
