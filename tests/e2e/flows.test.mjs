// The user journeys of the project access token slice, in Debian's Chromium against gitlab-sim:
// sign in, pick a project, create (bad input first), reveal, copy, see it listed, rotate, revoke;
// and the people who cannot manage tokens get a clear message instead of a failure.
import assert from 'node:assert/strict';
import { appTest, signIn } from './harness.mjs';

/** The POST/DELETE calls the page sent to the API, in order. */
function writes(page) {
  const seen = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/v4/') && ['POST', 'DELETE'].includes(req.method())) {
      seen.push(`${req.method()} ${new URL(req.url()).pathname}`);
    }
  });
  return seen;
}

const row = (page, name) => page.locator(`[data-testid=active-tokens] [data-token-name="${name}"]`);

appTest('a maintainer creates, copies, rotates and revokes a project access token', 'team', async ({ page, sim }) => {
  const sent = writes(page);
  await signIn(page, sim, 'maria');
  assert.match(await page.getByTestId('whoami').innerText(), /Maria Maintainer/);

  await page.getByTestId('project-row').filter({ hasText: 'Platform / API' }).getByRole('link').click();
  await page.getByTestId('active-tokens').waitFor();
  assert.match(await row(page, 'nightly-build').getByTestId('token-status').innerText(), /expires in 3 days/);
  assert.match(await page.getByTestId('inactive-tokens').innerText(), /old-deploy[\s\S]*revoked/);

  // Invalid input first: errors at the fields, nothing sent.
  await page.getByTestId('new-token').click();
  await page.getByTestId('create-submit').click();
  assert.match(await page.getByTestId('error-token-name').innerText(), /name/i);
  assert.match(await page.getByTestId('error-token-scopes').innerText(), /at least one scope/i);
  assert.deepEqual(sent, [], 'an invalid form sends nothing');
  const roles = await page.getByTestId('token-role').locator('option').allInnerTexts();
  assert.ok(!roles.includes('Owner'), `a Maintainer is not offered Owner: ${roles}`);

  await page.getByTestId('token-name').fill('release-bot');
  assert.equal(await page.getByTestId('error-token-name').innerText(), '');
  await page.getByTestId('scope-api').check();
  await page.getByTestId('scope-read_repository').check();
  await page.getByTestId('expiry-preset-7').check();
  await page.getByTestId('create-submit').click();

  // Reveal once: masked, copyable, and the copy is the working secret.
  const secretInput = page.getByTestId('reveal-secret');
  await secretInput.waitFor();
  assert.equal(await secretInput.getAttribute('type'), 'password');
  await page.getByTestId('reveal-copy').click();
  assert.match(await page.getByTestId('copy-status').innerText(), /Copied/);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await secretInput.inputValue());
  assert.match(copied, /^glpat-/);
  const bot = await sim.api('GET', '/user', { token: copied });
  assert.equal(bot.status, 200, 'the copied secret authenticates');
  assert.equal(bot.body.bot, true);
  const snippets = await page.getByTestId('snippet').allInnerTexts();
  // The clone URL names the token's bot user, quoted for the shell; the secret is in no snippet.
  assert.ok(snippets.some((s) => /git clone 'http:\/\/project_100_bot_[0-9a-f]+@/.test(s)), `git clone snippet: ${snippets.join('\n')}`);
  assert.ok(!snippets.join('\n').includes(copied), 'snippets stay masked while the secret is hidden');

  // The copied secret is offered to be cleared from the clipboard on the way out.
  assert.match(await page.getByTestId('clipboard-note').innerText(), /still in your clipboard/);
  await page.getByTestId('reveal-close-clear').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '', 'the clipboard no longer holds the secret');
  assert.ok(!(await page.content()).includes(copied), 'closing drops the secret from the page');
  await row(page, 'release-bot').waitFor();
  assert.match(await row(page, 'release-bot').innerText(), /api[\s\S]*read_repository[\s\S]*Maintainer[\s\S]*expires in 7 days/);

  // Rotate: warned, a new secret, the old one dead at once.
  await row(page, 'release-bot').getByTestId('token-rotate').click();
  assert.match(await page.getByTestId('rotate-dialog').innerText(), /stops working immediately/);
  await page.getByTestId('expiry-preset-30').check();
  await page.getByTestId('rotate-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  await page.getByTestId('reveal-toggle').click();
  const rotated = await page.getByTestId('reveal-secret').inputValue();
  assert.notEqual(rotated, copied);
  assert.equal((await sim.api('GET', '/user', { token: copied })).status, 401, 'the old secret stopped working');
  assert.equal((await sim.api('GET', '/user', { token: rotated })).status, 200);
  // Closing without copying asks once more.
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('close-warning').waitFor();
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  await page.locator('[data-testid=active-tokens] [data-token-name="release-bot"]', { hasText: 'expires in 30 days' }).waitFor();

  // Revoke: only after typing the name.
  await row(page, 'release-bot').getByTestId('token-revoke').click();
  const confirm = page.getByTestId('revoke-submit');
  assert.equal(await confirm.isDisabled(), true);
  await page.getByTestId('revoke-confirm').fill('release-bo');
  assert.equal(await confirm.isDisabled(), true);
  await page.getByTestId('revoke-confirm').fill('release-bot');
  await confirm.click();
  await page.getByTestId('notice').filter({ hasText: 'Revoked' }).waitFor();
  await row(page, 'release-bot').waitFor({ state: 'detached' });
  const inactive = page.locator('[data-testid=inactive-tokens] tr', { hasText: 'release-bot' });
  await inactive.first().waitFor();
  assert.match(await inactive.allInnerTexts().then((t) => t.join('\n')), /revoked/);
  assert.equal((await sim.api('GET', '/user', { token: rotated })).status, 401, 'the revoked secret stopped working');

  assert.equal(sent.length, 3, `three writes: ${sent}`);
  assert.equal(sent[0], 'POST /api/v4/projects/100/access_tokens');
  assert.match(sent[1], /^POST \/api\/v4\/projects\/100\/access_tokens\/\d+\/rotate$/);
  assert.match(sent[2], /^DELETE \/api\/v4\/projects\/100\/access_tokens\/\d+$/);
});

appTest('a developer gets a clear explanation instead of a failure', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'devon');
  const empty = page.getByTestId('projects-empty');
  await empty.waitFor();
  assert.match(await empty.innerText(), /not a Maintainer or Owner/);
  // Even by deep link, a developer sees why, not an error (and no token list is requested).
  const tokenLists = [];
  page.on('request', (req) => req.url().includes('/access_tokens') && tokenLists.push(req.url()));
  await page.evaluate(() => (location.hash = '#/projects/100'));
  const message = page.getByTestId('no-permission');
  await message.waitFor();
  assert.match(await message.innerText(), /Only Maintainers and Owners of this project[\s\S]*You are Developer/);
  assert.equal(await page.getByTestId('error').count(), 0);
  assert.deepEqual(tokenLists, []);
});

appTest('a deep link under the sub-path survives sign-in', 'team', async ({ page, sim }) => {
  await page.goto(`${sim.siteUrl}#/projects/101`);
  await signIn(page, sim, 'maria');
  assert.match(await page.getByTestId('project-title').innerText(), /Web/);
  assert.ok(page.url().startsWith(`${sim.siteUrl}#/projects/101`), page.url());
});

appTest('a read_api token makes the page read-only and says why', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'vera');
  assert.match(await page.getByTestId('read-only').innerText(), /read_api[\s\S]*api scope/);
  await page.getByTestId('project-row').filter({ hasText: 'Platform / API' }).getByRole('link').click();
  await page.getByTestId('active-tokens').waitFor();
  assert.equal(await page.getByTestId('new-token').isDisabled(), true);
  assert.equal(await row(page, 'nightly-build').getByTestId('token-revoke').isDisabled(), true);
});

appTest('the credential never reaches storage or the URL', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  const token = sim.tokenFor('maria');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  assert.ok(!stored.includes(token), 'not in web storage or cookies');
  assert.ok(!page.url().includes(token), 'not in the URL');
  assert.equal(await page.getByTestId('connect-token').count(), 0);
  // Reloading signs out: the token lived in memory only.
  await page.reload();
  await page.getByTestId('connect-form').waitFor();
  assert.equal(await page.getByTestId('connect-url').inputValue(), sim.apiUrl, 'the address is remembered');
  assert.equal(await page.getByTestId('connect-token').inputValue(), '');
});

appTest('leaving while a new secret is shown asks first', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.evaluate(() => (location.hash = '#/projects/100'));
  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill('asks-first');
  await page.getByTestId('scope-read_api').check();
  await page.getByTestId('create-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();

  // Reloading would lose the secret: the browser asks, and staying keeps it on screen.
  const asked = new Promise((resolve) =>
    page.once('dialog', (d) => {
      resolve(d.type());
      d.dismiss();
    }),
  );
  await page.evaluate(() => setTimeout(() => location.reload(), 0));
  assert.equal(await asked, 'beforeunload');
  assert.equal(await page.getByTestId('reveal-dialog').isVisible(), true);
  assert.match(await page.getByTestId('reveal-secret').inputValue(), /^glpat-/);

  // Once the dialog is closed, leaving is free.
  await page.getByTestId('reveal-copy').click();
  await page.getByTestId('copy-status').waitFor();
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  let askedAgain = false;
  page.on('dialog', (d) => {
    askedAgain = true;
    d.dismiss();
  });
  await page.reload();
  await page.getByTestId('connect-form').waitFor();
  assert.equal(askedAgain, false);
});

appTest('when the browser refuses the clipboard, the secret is selected for a manual copy', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.evaluate(() => (location.hash = '#/projects/100'));
  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill('manual-copy');
  await page.getByTestId('scope-read_api').check();
  await page.getByTestId('create-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });

  await page.getByTestId('reveal-copy').click();
  const status = page.getByTestId('copy-status');
  await status.waitFor();
  assert.match(await status.innerText(), /Could not copy[\s\S]*press Ctrl\+C/);
  const selection = await page.evaluate(() => {
    const el = document.activeElement;
    return { id: el.id, type: el.type, start: el.selectionStart, end: el.selectionEnd, length: el.value.length };
  });
  assert.equal(selection.id, 'reveal-secret', 'the secret field has focus');
  assert.equal(selection.type, 'text', 'and is shown in clear for copying');
  assert.ok(selection.length > 20);
  assert.deepEqual([selection.start, selection.end], [0, selection.length], 'all of it is selected');
});
