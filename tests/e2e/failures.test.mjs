// What the user sees when GitLab or the network misbehaves: a clear message, a way to retry,
// never a dead page.
import assert from 'node:assert/strict';
import { appTest, submitSignIn as signIn } from './harness.mjs';

appTest('an expired token is refused at sign-in with the reason', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'eve');
  const error = page.getByTestId('error-gitlab-token');
  await error.filter({ hasText: 'expired' }).waitFor();
  assert.match(await error.innerText(), /This token has expired/);
  assert.equal(await page.getByTestId('connect-submit').isDisabled(), false, 'the form can be used again');
  assert.equal(await page.getByTestId('connect-url').inputValue(), sim.apiUrl, 'the address is kept');
});

appTest('a wrong address gets a message, not a hang', 'team', async ({ page, sim }) => {
  await page.getByTestId('connect-url').fill('http://gitlab.example.com');
  await page.getByTestId('connect-token').fill(sim.tokenFor('maria'));
  await page.getByTestId('connect-submit').click();
  assert.match(await page.getByTestId('error-gitlab-url').innerText(), /https/);
});

appTest('a throttled project list says it is retrying and recovers by itself', 'team', async ({ page, sim }) => {
  await sim.faults({ method: 'GET', path: '/api/v4/projects', status: 429, body: 'Retry later\n', count: 1 });
  await signIn(page, sim, 'maria');
  const waiting = page.getByTestId('retrying');
  await waiting.waitFor();
  assert.match(await waiting.innerText(), /GitLab is rate limiting; retrying in \d s/);
  await page.getByTestId('projects-table').waitFor();
  await waiting.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('project-row').count(), 2);
  assert.equal(await page.getByTestId('error').count(), 0);
}, { ignoreConsole: [/429/] });

appTest('cancelling the retries shows the error, and Try again works', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('projects-table').waitFor();
  await sim.faults({ method: 'GET', path: '/api/v4/projects/100', status: 503, body: '{"message":"503 Service Unavailable"}', count: 20 });
  await page.getByTestId('project-row').filter({ hasText: 'Platform / API' }).getByRole('link').click();
  const waiting = page.getByTestId('retrying');
  await waiting.waitFor();
  assert.match(await waiting.innerText(), /GitLab answered with an error \(503\); retrying in \d s/);
  await page.getByTestId('retry-cancel').click();
  const error = page.getByTestId('error');
  await error.waitFor();
  await waiting.waitFor({ state: 'detached' });
  await sim.reset('team');
  await error.getByRole('button', { name: 'Try again' }).click();
  await page.getByTestId('active-tokens').waitFor();
}, { allowConsoleErrors: true });

appTest('a proxy error without CORS headers reads as unreachable and is retried', 'team', async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('projects-table').waitFor();
  await sim.faults({ method: 'GET', path: '/api/v4/projects/100', status: 502, body: 'Bad Gateway', count: 1, cors: false });
  await page.getByTestId('project-row').filter({ hasText: 'Platform / API' }).getByRole('link').click();
  const waiting = page.getByTestId('retrying');
  await waiting.waitFor();
  assert.match(await waiting.innerText(), /GitLab cannot be reached; retrying/);
  await page.getByTestId('active-tokens').waitFor();
}, { allowConsoleErrors: true });

appTest('a double click and a held Enter on a slow GitLab send one create and one revocation', 'team', async ({ page, sim }) => {
  const writes = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/v4/') && ['POST', 'DELETE'].includes(req.method())) writes.push(`${req.method()} ${new URL(req.url()).pathname}`);
  });
  await signIn(page, sim, 'maria');
  await page.getByTestId('project-row').filter({ hasText: 'Platform / API' }).getByRole('link').click();
  await page.getByTestId('active-tokens').waitFor();
  // Every answer takes 600 ms: time enough for a second click and repeated Enters.
  await sim.chaos({ latency_ms: 600 });
  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill('once');
  await page.getByTestId('scope-read_repository').check();
  await page.getByTestId('create-submit').dblclick();
  for (let i = 0; i < 5; i++) await page.getByTestId('token-name').press('Enter').catch(() => {});
  await page.getByTestId('reveal-dialog').waitFor();
  assert.deepEqual(writes, ['POST /api/v4/projects/100/access_tokens'], 'one create');
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });

  const row = page.locator('[data-testid=active-tokens] [data-token-name="once"]');
  await row.getByTestId('token-revoke').click();
  await page.getByTestId('revoke-confirm').fill('once');
  await page.getByTestId('revoke-submit').dblclick();
  for (let i = 0; i < 5; i++) await page.getByTestId('revoke-confirm').press('Enter').catch(() => {});
  await page.getByTestId('revoke-dialog').waitFor({ state: 'detached' });
  assert.equal(writes.filter((w) => w.startsWith('DELETE')).length, 1, `one revocation: ${writes.join(', ')}`);
  await sim.chaos({});
  const tokens = await sim.api('GET', '/projects/100/access_tokens?per_page=100', { token: sim.tokenFor('maria') });
  assert.equal(tokens.body.filter((t) => t.name === 'once').length, 1, 'GitLab holds one token of that name');
});
