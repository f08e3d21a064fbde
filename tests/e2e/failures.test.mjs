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
