// Accessibility and small screens, in Chromium against gitlab-sim over fixtures/a11y.json: axe-core
// on every page and dialog at desktop and phone width in both colour schemes; nothing pans
// sideways, every row keeps its name and its buttons on screen together and long words wrap; every
// control shows where the keyboard focus is; form fields stand out from their background.
import assert from 'node:assert/strict';
import { appTest, signIn } from './harness.mjs';
import {
  PAGES,
  assertNone,
  axeViolations,
  contrast,
  describeViolations,
  layoutProblems,
  openPage,
  over,
  paintOf,
  parseColor,
  tour,
} from './a11y.mjs';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const SCHEMES = ['light', 'dark'];
const TOUR_TIMEOUT_MS = 240_000;

for (const viewport of [DESKTOP, PHONE]) {
  for (const colorScheme of SCHEMES) {
    appTest(
      `axe finds nothing serious or critical on any page or dialog at ${viewport.width} px, ${colorScheme}`,
      'a11y',
      async ({ page, sim }) => {
        const found = [];
        await tour(page, sim, async (where) => {
          found.push(...describeViolations(where, await axeViolations(page)));
        });
        assertNone(found, `axe-core at ${viewport.width} px, ${colorScheme}`);
      },
      { contextOptions: { viewport, colorScheme }, timeout: TOUR_TIMEOUT_MS },
    );
  }
}

for (const viewport of [PHONE, { width: 800, height: 900 }, { width: 1100, height: 800 }, DESKTOP, { width: 1440, height: 900 }]) {
  appTest(
    `at ${viewport.width} px nothing pans sideways, rows keep name and actions together, long words wrap`,
    'a11y',
    async ({ page, sim }) => {
      const found = [];
      // Where the fixture plants its 300-letter word: each must be seen (and wrapped) somewhere.
      const planted = new Set(['projects', 'groups', 'project access tokens', 'group access tokens', 'my tokens']);
      await tour(page, sim, async (where) => {
        found.push(...(await layoutProblems(page)).map((p) => `${where}: ${p}`));
        if (planted.delete(where) && !(await page.getByText(/unbrokenunbroken/).count())) {
          found.push(`${where}: the long word is not on the page`);
        }
      });
      assert.deepEqual([...planted], [], 'the tour saw every page with a long word');
      assertNone(found, `at ${viewport.width} px`);
    },
    { contextOptions: { viewport }, timeout: TOUR_TIMEOUT_MS },
  );
}

/**
 * Presses Tab until focus comes back to an element it already visited (or leaves the page), and
 * returns, for each element focused on the way, what the browser paints for it.
 */
async function tabThrough(page) {
  const seen = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const state = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return 'left';
      const visited = (window.__tabbed ??= new WeakSet());
      if (visited.has(el)) return 'again';
      visited.add(el);
      return el.outerHTML.slice(0, 120);
    });
    if (state === 'left' || state === 'again') break;
    seen.push({ html: state, ...(await paintOf(page.locator(':focus'))) });
  }
  return seen;
}

/** Why the focus on an element would be hard to see, or null when it is plain. */
function focusProblem(p) {
  if (!p.focusVisible) return 'does not match :focus-visible after Tab';
  let ring;
  if (p.outlineStyle !== 'none' && p.outlineWidth >= 2) ring = p.outlineColor;
  else if (p.boxShadow !== 'none') ring = p.boxShadow.match(/^(rgba?\([^)]*\)|color\([^)]*\))/)?.[1];
  if (!ring) return `no outline or box-shadow (outline: ${p.outlineStyle} ${p.outlineWidth}px, box-shadow: ${p.boxShadow})`;
  const ratio = contrast(over(parseColor(ring), p.background), p.background);
  return ratio < 3 ? `its focus ring ${ring} has ${ratio.toFixed(2)}:1 against the background (3:1 needed)` : null;
}

for (const colorScheme of SCHEMES) {
  appTest(
    `the keyboard focus is visible on every control, ${colorScheme}`,
    'a11y',
    async ({ page, sim }) => {
      const found = [];
      const kinds = new Set();
      const check = async (where) => {
        await page.evaluate(() => document.activeElement?.blur());
        for (const p of await tabThrough(page)) {
          kinds.add(p.type === 'checkbox' || p.type === 'radio' ? p.type : p.tag);
          const problem = focusProblem(p);
          if (problem) found.push(`${where}: ${p.html}\n    ${problem}`);
        }
      };
      await page.getByTestId('connect-form').waitFor();
      await check('sign-in');
      await signIn(page, sim, 'ada');
      await openPage(page, PAGES[2]);
      await check('project access tokens');
      await page.getByTestId('new-token').click();
      await page.getByTestId('create-dialog').waitFor();
      await check('create dialog');
      for (const kind of ['a', 'button', 'input', 'select', 'checkbox', 'radio']) {
        assert.ok(kinds.has(kind), `Tab reached a ${kind} (reached: ${[...kinds].join(', ')})`);
      }
      assertNone(found, `focus indicators, ${colorScheme}`);
    },
    { contextOptions: { viewport: DESKTOP, colorScheme } },
  );

  appTest(
    `form fields stand out from their background (3:1), ${colorScheme}`,
    'a11y',
    async ({ page, sim }) => {
      const found = [];
      const check = async (where) => {
        for (const field of await page.locator('input:visible:not([type=checkbox]):not([type=radio]), select:visible, textarea:visible').all()) {
          const p = await paintOf(field);
          const ratio = contrast(over(parseColor(p.borderColor), p.background), p.background);
          if (p.borderWidth < 1 || ratio < 3) {
            found.push(`${where}: ${await field.evaluate((el) => el.outerHTML.slice(0, 100))}: border ${p.borderColor}, ${ratio.toFixed(2)}:1`);
          }
        }
      };
      await page.getByTestId('connect-form').waitFor();
      await check('sign-in');
      await signIn(page, sim, 'ada');
      await openPage(page, PAGES[0]);
      await check('projects');
      await openPage(page, PAGES[2]);
      await page.getByTestId('new-token').click();
      await page.getByTestId('expiry-custom').check();
      await check('create dialog');
      assertNone(found, `field borders, ${colorScheme}`);
    },
    { contextOptions: { viewport: DESKTOP, colorScheme } },
  );
}
