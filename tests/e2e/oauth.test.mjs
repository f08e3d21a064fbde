// "Sign in with GitLab" on a site laid out as the pages job makes it (config.json naming the
// instance and the OAuth application, the CSP narrowed to it), against gitlab-sim's OAuth
// endpoints: the round trip with PKCE, a refresh when GitLab says the token expired, revoke on
// sign-out, and "stay signed in in this tab" surviving a reload but not a new tab.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appTest, eventually, pagesLayout } from './harness.mjs';

const CLIENT_ID = 'tokenwarden-e2e';

/**
 * A directory the test's sim serves as its site (`siteDir`), filled once the sim's address is
 * known by `configuredSite`.
 */
function siteDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenwarden-oauth-'));
  return { dir, options: { goto: false, siteDir: dir } };
}

/** The pages job's layout in `site.dir`, its config.json naming this sim and the fixture's application. */
function configuredSite(site, sim) {
  pagesLayout(site.dir, { gitlab_url: sim.apiUrl, oauth_client_id: CLIENT_ID });
}

/** Every call the page makes to the token and revoke endpoints, as `METHOD path grant_type`. */
function oauthCalls(page, sim) {
  const seen = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin === new URL(sim.apiUrl).origin && /^\/oauth\/(token|revoke)$/.test(url.pathname) && req.method() === 'POST') {
      const grant = new URLSearchParams(req.postData() ?? '').get('grant_type') ?? '';
      seen.push(`${url.pathname} ${grant}`.trim());
    }
  });
  return seen;
}

/** The bearer token of the page's latest API call. */
function lastBearer(page, sim) {
  let bearer = null;
  page.on('request', (req) => {
    if (req.url().startsWith(`${sim.apiUrl}/api/v4/`)) {
      const h = req.headers().authorization;
      if (h) bearer = h.replace(/^Bearer /, '');
    }
  });
  return () => bearer;
}

async function signInWithGitLab(page, username, { keep = false, readOnly = false } = {}) {
  await page.getByTestId('oauth-start').waitFor();
  if (keep) await page.getByTestId('keep-signed-in').check();
  if (readOnly) await page.getByTestId('oauth-access-read_api').check();
  await page.getByTestId('oauth-start').click();
  // GitLab's consent page (the sim's), then back to the site.
  await page.getByTestId(`approve-${username}`).click();
  await page.getByTestId('whoami').waitFor();
}

const userCall = (sim, bearer) => fetch(`${sim.apiUrl}/api/v4/user`, { headers: { authorization: `Bearer ${bearer}` } });

const site1 = siteDir();
appTest('sign in with GitLab: PKCE round trip, refresh on expiry, revoke on sign-out', 'basic', async ({ page, sim }) => {
  configuredSite(site1, sim);
  const calls = oauthCalls(page, sim);
  const bearer = lastBearer(page, sim);
  await page.goto(`${sim.siteUrl}#/groups`);
  assert.match(await page.getByTestId('connect-instance').innerText(), new RegExp(sim.apiUrl.replace(/[.:/]/g, '\\$&')));
  assert.equal(await page.getByTestId('connect-url').count(), 0, 'the configured instance is not typed');

  await signInWithGitLab(page, 'alice');
  assert.match(await page.getByTestId('whoami').innerText(), /alice/);
  assert.match(await page.getByTestId('token-scopes').innerText(), /signed in with GitLab: api/);
  // Back where the user started, with code and state gone from the address bar.
  assert.equal(new URL(page.url()).search, '', page.url());
  assert.equal(new URL(page.url()).hash, '#/groups');
  assert.deepEqual(calls, ['/oauth/token authorization_code']);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'nothing kept without the opt-in');
  const first = bearer();
  assert.ok(first, 'API calls carry the OAuth token as a bearer token');
  assert.equal((await userCall(sim, first)).status, 200);
  // What an OAuth sign-in is not: a personal access token in the user's own list.
  await page.getByTestId('nav-tokens').click();
  assert.match(await page.getByTestId('oauth-not-listed').innerText(), /not in this list/);

  // Two hours later GitLab calls the token expired: the page refreshes and goes on.
  await sim.advanceClock(2 * 3600 + 60);
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('projects-table').waitFor();
  assert.deepEqual(calls, ['/oauth/token authorization_code', '/oauth/token refresh_token']);
  const second = bearer();
  assert.notEqual(second, first, 'a new access token after the refresh');
  assert.equal((await userCall(sim, first)).status, 401, 'the old one is dead');

  // Sign-out revokes the grant at GitLab, not only in the page.
  await page.getByTestId('disconnect').click();
  await page.getByTestId('connect-form').waitFor();
  await eventually(() => assert.equal(calls.at(-1), '/oauth/revoke'));
  await eventuallyStatus(() => userCall(sim, second), 401);
}, site1.options);

async function eventuallyStatus(call, status) {
  for (let i = 0; i < 50; i++) {
    if ((await call()).status === status) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`never answered ${status}`);
}

const site2 = siteDir();
appTest('a read-only GitLab sign-in makes a read-only page', 'basic', async ({ page, sim }) => {
  configuredSite(site2, sim);
  await page.goto(sim.siteUrl);
  await signInWithGitLab(page, 'alice', { readOnly: true });
  assert.match(await page.getByTestId('read-only').innerText(), /reading only/);
  assert.match(await page.getByTestId('token-scopes').innerText(), /read_api/);
}, site2.options);

const site3 = siteDir();
appTest('denying at GitLab comes back to the form with the reason', 'basic', async ({ page, sim }) => {
  configuredSite(site3, sim);
  await page.goto(sim.siteUrl);
  await page.getByTestId('oauth-start').click();
  await page.getByTestId('deny').click();
  assert.match(await page.getByTestId('signin-problem').innerText(), /cancelled/);
  assert.equal(new URL(page.url()).search, '');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the round trip left nothing behind');
}, site3.options);

const site4 = siteDir();
appTest('stay signed in in this tab: a reload keeps the session, a new tab does not', 'basic', async ({ page, sim, context }) => {
  configuredSite(site4, sim);
  const calls = oauthCalls(page, sim);
  await page.goto(`${sim.siteUrl}#/projects`);
  await signInWithGitLab(page, 'alice', { keep: true });
  await page.getByTestId('projects-table').waitFor();

  await page.reload();
  await page.getByTestId('whoami').waitFor();
  await page.getByTestId('projects-table').waitFor();
  assert.deepEqual(calls, ['/oauth/token authorization_code'], 'the reload went back to GitLab for nothing');
  assert.equal(await page.evaluate(() => localStorage.getItem('tokenwarden.session')), null, 'never in localStorage');

  const tab = await context.newPage();
  await tab.goto(`${sim.siteUrl}#/projects`);
  await tab.getByTestId('connect-form').waitFor();
  assert.equal(await tab.getByTestId('whoami').count(), 0, 'another tab starts signed out');
  await tab.close();

  await page.getByTestId('disconnect').click();
  await page.getByTestId('connect-form').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'sign-out wipes the tab');
  await page.reload();
  await page.getByTestId('connect-form').waitFor();
  assert.equal(await page.getByTestId('whoami').count(), 0);
}, { ...site4.options, keptSession: true });

appTest('a token sign-in kept in the tab survives a reload', 'basic', async ({ page, sim }) => {
  await page.getByTestId('connect-url').fill(sim.apiUrl);
  await page.getByTestId('keep-signed-in').check();
  await page.getByTestId('connect-token').fill(sim.tokenFor('alice'));
  await page.getByTestId('connect-submit').click();
  await page.getByTestId('whoami').waitFor();
  await page.reload();
  await page.getByTestId('whoami').waitFor();
  assert.match(await page.getByTestId('token-scopes').innerText(), /scopes: api/);
}, { keptSession: true });
