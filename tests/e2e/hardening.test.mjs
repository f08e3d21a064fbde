// The static site's own defences: its Content-Security-Policy (every test also fails on any
// violation, see harness.mjs), no framing, and nothing loaded from other origins.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DIST_DIR, appTest } from './harness.mjs';

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
