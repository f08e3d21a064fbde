// The README's screenshots: the release site (dist/) against gitlab-sim's demo data, signed in as
// Maria (a Maintainer), at desktop and phone width in both colour schemes: the sign-in form, a
// project's access tokens, the create dialog and the reveal dialog, each the size of the
// viewport, into docs/screenshots/.
//
//   node tests/e2e/screenshots.mjs        (after ./scripts/test trunk; builds gitlab-sim if needed)
//
// The sim and the page share a fixed date, so the pictures only change when the page does (but
// for the reveal's bot username, which the sim makes up anew).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, chromium, loadFixture, signIn, startSim } from './support.mjs';

const OUT = path.join(ROOT, 'docs', 'screenshots');
const TODAY = '2026-11-21';
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } };
const fixture = { ...loadFixture(path.join(ROOT, 'crates', 'gitlab-sim', 'fixtures', 'demo.json')), today: TODAY };

mkdirSync(OUT, { recursive: true });
const sim = await startSim({ fixture });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const colorScheme of ['light', 'dark']) {
      await sim.reset(fixture);
      const context = await browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      await page.clock.setFixedTime(new Date(`${TODAY}T10:00:00Z`));
      const shot = async (name) => {
        await page.mouse.move(0, 0);
        await page.locator('.loading').first().waitFor({ state: 'detached' });
        const file = path.join(OUT, `${name}-${size}-${colorScheme}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
        console.log(path.relative(ROOT, file));
      };

      await page.goto(sim.siteUrl);
      await page.getByTestId('connect-url').fill('https://gitlab.example.com');
      await shot('sign-in');

      await signIn(page, sim, 'maria');
      await page.evaluate(() => (location.hash = '#/projects/100'));
      await page.locator('[data-token-name="deploy-bot"]').waitFor();
      // On a phone the header and the page's head fill the first screen: show the cards.
      if (size === 'phone') await page.getByTestId('expiring-soon').evaluate((el) => el.scrollIntoView());
      await shot('tokens');

      await page.getByTestId('new-token').click();
      await page.getByTestId('token-name').fill('release-bot');
      await page.getByTestId('scope-read_repository').check();
      await page.getByTestId('scope-write_repository').check();
      await page.getByTestId('token-name').focus();
      await shot('create');

      await page.getByTestId('create-submit').click();
      await page.getByTestId('reveal-dialog').waitFor();
      await shot('reveal');
      await context.close();
    }
  }
} finally {
  await browser.close();
  await sim.stop();
}
