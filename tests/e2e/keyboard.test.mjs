// Keyboard use and focus: every flow works without a mouse, every dialog takes the focus, keeps
// it, closes on Escape and gives it back; failures never drop focus to the page underneath.
import assert from 'node:assert/strict';
import { appTest, eventually, signIn } from './harness.mjs';

/** What has the focus: its test id, else tag and text. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.dataset.testid ?? `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}`;
  });

/** Whether the focused element is inside the element with test id `testid`. */
const focusInside = (page, testid) =>
  page.evaluate((id) => !!document.activeElement?.closest(`[data-testid="${id}"]`), testid);

/** Presses Tab until `matches(focusedDescription)` holds; fails after `max` presses. */
async function tabTo(page, matches, { max = 60, shift = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (typeof matches === 'string' ? now === matches : matches(now)) return now;
  }
  throw new Error(`Tab never reached ${matches}; focus is on ${await focused(page)}`);
}

/** Fails the test if any mouse event reaches the page. */
async function forbidMouse(page) {
  await page.evaluate(() => {
    window.__mouse = [];
    for (const type of ['mousedown', 'mouseup', 'click', 'pointerdown']) {
      document.addEventListener(type, (e) => {
        // Enter and Space on a button fire a click with no pointer behind it (detail 0).
        if (type !== 'click' || e.detail !== 0) window.__mouse.push(type);
      }, true);
    }
  });
  return async () => assert.deepEqual(await page.evaluate(() => window.__mouse), [], 'no mouse event');
}

appTest('sign in, open a project, create, show, copy, close, rotate and revoke with the keyboard alone', 'team', async ({ page, sim }) => {
  const noMouse = await forbidMouse(page);
  await tabTo(page, 'connect-url');
  await page.keyboard.type(sim.apiUrl);
  await tabTo(page, 'connect-token');
  await page.keyboard.type(sim.tokenFor('maria'));
  await page.keyboard.press('Enter');
  await page.getByTestId('projects-table').waitFor();

  await tabTo(page, (f) => f.startsWith('a:API'));
  await page.keyboard.press('Enter');
  await page.getByTestId('active-tokens').waitFor();

  await tabTo(page, 'new-token');
  await page.keyboard.press('Enter');
  await page.getByTestId('create-dialog').waitFor();
  assert.equal(await focused(page), 'token-name', 'the dialog starts at its first field');
  await page.keyboard.type('kbd-bot');
  await tabTo(page, 'scope-api');
  await page.keyboard.press('Space');
  await tabTo(page, 'expiry-preset-30');
  await page.keyboard.press('Space');
  await tabTo(page, 'create-submit');
  await page.keyboard.press('Enter');

  // The reveal takes the focus from the create dialog it replaces.
  await page.getByTestId('reveal-dialog').waitFor();
  await eventually(async () => assert.equal(await focused(page), 'reveal-copy'));
  // Enter must not reach the page's "New token" button under the overlay.
  await tabTo(page, 'reveal-toggle', { shift: true });
  await page.keyboard.press('Enter');
  assert.equal(await page.getByTestId('reveal-secret').getAttribute('type'), 'text');
  await tabTo(page, 'reveal-copy');
  await page.keyboard.press('Enter');
  await page.getByTestId('copy-status').filter({ hasText: 'Copied' }).waitFor();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(secret, /^glpat-/);
  // Tab stays inside the dialog, however often it is pressed.
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await focusInside(page, 'reveal-dialog'), `Tab ${i + 1} left the dialog for ${await focused(page)}`);
  }
  await page.keyboard.press('Escape');
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('create-dialog').count(), 0, 'no second dialog opened underneath');

  // Focus lands on the new row, which is marked.
  const row = page.locator('[data-testid=active-tokens] [data-token-name="kbd-bot"]');
  await eventually(async () => assert.equal(await row.evaluate((r) => r === document.activeElement), true));
  assert.match(await row.getAttribute('class'), /row-changed/);

  // Rotate from the row, by keyboard.
  await tabTo(page, (f) => f === 'token-rotate' );
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Rotate kbd-bot');
  await page.keyboard.press('Enter');
  await page.getByTestId('rotate-dialog').waitFor();
  assert.ok(await focusInside(page, 'rotate-dialog'));
  await tabTo(page, 'rotate-submit');
  await page.keyboard.press('Enter');
  await page.getByTestId('reveal-dialog').waitFor();
  await eventually(async () => assert.equal(await focused(page), 'reveal-copy'));
  await page.keyboard.press('Enter');
  await page.getByTestId('copy-status').filter({ hasText: 'Copied' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  // The list reloads: the replaced row says by which one.
  await page.getByTestId('inactive-tokens').locator('[data-token-name="kbd-bot"]').getByTestId('row-lineage')
    .filter({ hasText: /replaced by token ID \d+/ }).waitFor();
  assert.match(await row.getByTestId('row-lineage').innerText(), /Replaces token ID \d+/);

  // Revoke: type the name, Enter.
  await eventually(async () => assert.equal(await row.evaluate((r) => r === document.activeElement), true));
  await tabTo(page, 'token-revoke');
  await page.keyboard.press('Enter');
  await page.getByTestId('revoke-dialog').waitFor();
  await eventually(async () => assert.equal(await focused(page), 'revoke-confirm'));
  await page.keyboard.type('kbd-bot');
  await page.keyboard.press('Enter');
  await page.getByTestId('notice').filter({ hasText: 'Revoked' }).waitFor();
  await row.waitFor({ state: 'detached' });
  assert.equal((await sim.api('GET', '/user', { token: secret })).status, 401);
  await noMouse();
});

appTest('a cancelled dialog gives focus back to the button that opened it', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  await page.getByTestId('active-tokens').waitFor();
  await page.getByTestId('new-token').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('create-dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('create-dialog').waitFor({ state: 'detached' });
  assert.equal(await focused(page), 'new-token');

  const rotate = page.locator('[data-token-name="nightly-build"]').getByTestId('token-rotate');
  await rotate.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('rotate-dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('rotate-dialog').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Rotate nightly-build');
});

appTest('a failed submit keeps focus in the dialog, on the error, and Escape still closes it', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  await page.getByTestId('active-tokens').waitFor();
  await page.getByTestId('new-token').focus();
  await page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await focused(page), 'token-name'));
  await page.keyboard.type('will-fail');
  await page.getByTestId('scope-api').check();
  await sim.faults({ method: 'POST', path: '/api/v4/projects/100/access_tokens', status: 500, body: '{"message":"500 Internal Server Error"}', count: 1 });
  await page.getByTestId('create-submit').focus();
  await page.keyboard.press('Enter');
  const error = page.getByTestId('create-dialog').getByTestId('error');
  await error.waitFor();
  await eventually(async () => assert.equal(await focused(page), 'error'));
  assert.equal(await page.getByTestId('token-name').inputValue(), 'will-fail', 'input kept');
  await page.keyboard.press('Tab');
  assert.ok(await focusInside(page, 'create-dialog'), `Tab stays in the dialog: ${await focused(page)}`);
  await page.keyboard.press('Escape');
  await page.getByTestId('create-dialog').waitFor({ state: 'detached' });
}, { ignoreConsole: [/500/] });

appTest('an empty submit focuses the first invalid field and sums up', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  await page.getByTestId('new-token').click();
  await page.getByTestId('create-submit').click();
  assert.equal(await focused(page), 'token-name');
  assert.match(await page.getByTestId('form-summary').innerText(), /2 fields need attention/);
});

appTest('sign-in with both fields empty flags both, and focuses the first', 'team', async ({ page }) => {
  await page.getByTestId('connect-url').fill('');
  await page.getByTestId('connect-submit').click();
  assert.match(await page.getByTestId('error-gitlab-url').innerText(), /address/);
  assert.match(await page.getByTestId('error-gitlab-token').innerText(), /Paste a personal access token/);
  assert.equal(await focused(page), 'connect-url');
});
