// The static site's own defences: its Content-Security-Policy (every test also fails on any
// violation, see harness.mjs), no framing, and nothing loaded from other origins.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DIST_DIR, appTest, loadFixture, signIn } from './harness.mjs';

appTest('the built page carries a strict policy with the loader hashed, not inline scripts allowed', 'team', async ({ page }) => {
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /^default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/]+=*' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self' https: http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*; base-uri 'none'; form-action 'none'$/);
  assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/);
  // The page is up under it: the sign-in form works.
  await page.getByTestId('connect-form').waitFor();
});

appTest('inside a frame the page refuses to run', 'team', async ({ page, sim }) => {
  await page.setContent(`<iframe src="${sim.siteUrl}" width="800" height="400"></iframe>`);
  const frame = page.frameLocator('iframe');
  await frame.getByTestId('refused-frame').waitFor();
  assert.match(await frame.getByTestId('refused-frame').innerText(), /does not run inside a frame/);
  assert.equal(await frame.getByTestId('connect-form').count(), 0);
}, { goto: false, secretsCheck: false });

appTest('the built files name no origin to load from', 'team', async () => {
  const dir = DIST_DIR;
  for (const file of readdirSync(dir).filter((f) => /\.(html|css|js)$/.test(f))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const urls = [...text.matchAll(/(?:src|href)\s*=\s*["']?(https?:)?\/\//g)].map((m) => m[0]);
    assert.deepEqual(urls, [], `${file} loads from another origin`);
    assert.doesNotMatch(text, /@import\s+url\(\s*["']?https?:/, `${file} imports from another origin`);
  }
});

appTest('a token pasted with an invisible or non-ASCII character is refused before anything is sent', 'team', async ({ page, sim }) => {
  const sent = [];
  page.on('request', (r) => r.url().includes('/api/v4/') && sent.push(r.url()));
  await page.getByTestId('connect-url').fill(sim.apiUrl);
  for (const pasted of [`${sim.tokenFor('maria')}\u200b`, 'glpat-abc…']) {
    await page.getByTestId('connect-token').fill(pasted);
    await page.getByTestId('connect-submit').click();
    assert.match(await page.getByTestId('error-gitlab-token').innerText(), /Copy the token again/);
  }
  assert.deepEqual(sent, []);
});

appTest('a redirect from the API is not followed, so the token goes nowhere else', 'team', async ({ page, sim }) => {
  // A redirect to the site's own origin: were it followed, PRIVATE-TOKEN would travel there.
  await sim.faults({ method: 'GET', path: '/api/v4/user', status: 302, body: '', headers: { Location: `${sim.siteUrl}steal` } });
  await page.getByTestId('connect-url').fill(sim.apiUrl);
  await page.getByTestId('connect-token').fill(sim.tokenFor('maria'));
  await page.getByTestId('connect-submit').click();
  await page.getByTestId('error').waitFor();
  assert.match(await page.getByTestId('error').innerText(), /could not be reached/);
}, { allowConsoleErrors: true });

appTest('names and descriptions from GitLab with markup, bidi overrides, zero-width characters or 10,000 letters stay inert, readable text', (() => {
  const f = loadFixture('team');
  const tokens = f.projects.find((p) => p.id === 100).access_tokens;
  tokens.push({ name: '<img src=x onerror="window.__pwned=1">', scopes: ['read_api'], access_level: 20, expires_at: '+40d',
    description: `<script>window.__pwned=2</script>${'w'.repeat(10_000)}` });
  tokens.push({ name: 'safe\u202etxt.exe\u200b', scopes: ['read_api'], access_level: 20, expires_at: '+41d' });
  return f;
})(), async ({ page, sim }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await signIn(page, sim, 'maria');
  await page.goto(`${sim.siteUrl}#/projects/100`);
  const evil = page.locator('[data-testid=active-tokens] [data-testid=token-row]').filter({ hasText: '<img src=x' });
  await evil.waitFor();
  assert.equal(await page.locator('main img, main script').count(), 0, 'no markup from GitLab became elements');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.match(await evil.innerText(), /<script>window.__pwned=2<\/script>w{20}/);
  // A right-to-left override would make this read "safeexe.txt": it is written out instead.
  assert.match(await page.locator('[data-token-name^="safe"] .token-name').innerText(), /^safe\[U\+202E\]txt\.exe\[U\+200B\]/);
  // 10,000 letters wrap inside the card: nothing pans sideways, the row's buttons stay on screen.
  const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: innerWidth }));
  assert.ok(width.page <= width.view, `page ${width.page} px wide in a ${width.view} px window`);
  const box = await evil.getByTestId('token-revoke').boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `revoke at ${JSON.stringify(box)}`);
});
