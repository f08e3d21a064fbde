// What the accessibility and small-screen tests share: a tour of every page and dialog (as an
// administrator who may see everything, over fixtures/a11y.json), axe-core run in the page with
// its findings printed readably, WCAG contrast arithmetic, and layout measurements.
import assert from 'node:assert/strict';
import axe from 'axe-core';
import { signIn } from './support.mjs';

/** The word fixtures/a11y.json plants in descriptions: 300 letters without a break. */
export const LONG_WORD = `${'unbroken'.repeat(37)}word`;
/** A personal token's name in fixtures/a11y.json: 140 characters without a break. */
export const LONG_NAME = `build-agent-${'0123456789abcdef'.repeat(8)}`;

// ---- the tour ------------------------------------------------------------------------------

/** Hash routes and, for each, an element only that page shows once its data is in. */
export const PAGES = [
  { name: 'projects', hash: '#/projects', ready: '[data-testid=project-row] >> text=Platform / Web' },
  { name: 'groups', hash: '#/groups', ready: '[data-testid=project-row] >> text=/Shared services/' },
  { name: 'project access tokens', hash: '#/projects/100', ready: '[data-token-name="nightly-build"]' },
  { name: 'project deploy tokens', hash: '#/projects/100/deploy_tokens', ready: '[data-token-name="registry-pull"]' },
  { name: 'deploy keys', hash: '#/projects/100/deploy_keys', ready: '[data-token-name="ci runner"]' },
  { name: 'pipeline triggers', hash: '#/projects/100/triggers', ready: '[data-token-name="downstream deploy"]' },
  { name: 'group access tokens', hash: '#/groups/10', ready: '[data-token-name="group-bot"]' },
  { name: 'group deploy tokens', hash: '#/groups/10/deploy_tokens', ready: '[data-token-name="group-pull"]' },
  { name: 'my tokens', hash: '#/tokens', ready: '[data-token-name="laptop"]' },
  { name: "a user's tokens", hash: '#/users/2/tokens', ready: '[data-token-name="maria-laptop"]' },
  { name: 'admin: personal tokens', hash: '#/admin', ready: '[data-testid=row-user]' },
  { name: 'admin: deploy tokens', hash: '#/admin/deploy_tokens', ready: '[data-token-name="registry-pull"]' },
  { name: 'what is this token?', hash: '#/check', ready: '[data-testid=check-page]' },
  { name: 'inventory', hash: '#/inventory', ready: '[data-testid=inventory-progress][data-finished=true]' },
];

/** Opens a hash route of the signed-in session and waits until its data is shown. */
export async function openPage(page, { hash, ready }) {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.locator(ready).first().waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached' });
}

const row = (page, name) => page.locator(`[data-testid=active-tokens] [data-token-name="${name}"]`);

async function closeWithEscape(page, id) {
  await page.keyboard.press('Escape');
  await page.getByTestId(id).waitFor({ state: 'detached' });
}

/**
 * Walks every page and dialog, awaiting `visit(name)` at each stop: the sign-in form (empty,
 * then refused), every page in PAGES, then the create (empty, with errors), reveal, rotate,
 * revoke (untouched, confirmed, and for a long name, then the notice it leaves) and enable-key
 * dialogs, the inventory's bulk dry run, and a pasted token described.
 */
export async function tour(page, sim, visit) {
  await page.getByTestId('connect-form').waitFor();
  await visit('sign-in');
  await page.getByTestId('connect-submit').click();
  await page.locator('[aria-invalid=true]').first().waitFor();
  await visit('sign-in with errors');
  await signIn(page, sim, 'ada');

  for (const p of PAGES) {
    await openPage(page, p);
    await visit(p.name);
  }

  await openPage(page, PAGES[2]);
  await page.getByTestId('new-token').click();
  await page.getByTestId('create-dialog').waitFor();
  await visit('create dialog');
  await page.getByTestId('create-submit').click();
  await page.getByTestId('error-token-scopes').filter({ hasText: /\S/ }).waitFor();
  await visit('create dialog with errors');
  await page.getByTestId('token-name').fill('a11y-check');
  await page.getByTestId('scope-read_api').check();
  await page.getByTestId('create-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  await visit('reveal dialog');
  await page.getByTestId('reveal-toggle').click();
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('close-warning').waitFor();
  await visit('reveal dialog, closing unsaved');
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });

  await row(page, 'release').getByTestId('token-rotate').click();
  await page.getByTestId('rotate-dialog').waitFor();
  await visit('rotate dialog');
  await closeWithEscape(page, 'rotate-dialog');

  await row(page, 'release').getByTestId('token-revoke').click();
  await page.getByTestId('revoke-dialog').waitFor();
  await visit('revoke dialog');
  await page.getByTestId('revoke-confirm').fill('release');
  await visit('revoke dialog, confirmed');
  await closeWithEscape(page, 'revoke-dialog');

  await openPage(page, PAGES[8]);
  await row(page, LONG_NAME).getByTestId('token-revoke').click();
  await page.getByTestId('revoke-dialog').waitFor();
  await visit('revoke dialog, long name');
  await page.getByTestId('revoke-confirm').fill(LONG_NAME);
  await page.getByTestId('revoke-submit').click();
  await page.getByTestId('notice').waitFor();
  await visit('notice of a revoked long name');
  await page.getByTestId('notice').getByRole('button', { name: 'Dismiss' }).click();

  await openPage(page, PAGES[4]);
  await page.getByTestId('enable-existing').click();
  await page.getByTestId('enable-dialog').waitFor();
  await visit('enable-key dialog');
  await page.locator('#enable-search').fill('Web');
  await page.getByTestId('enable-find').click();
  await page.getByTestId('enable-projects').getByRole('button').first().click();
  await page.locator('[data-testid=enable-key][data-key-title="web deploy"]').waitFor();
  await visit('enable-key dialog, keys of a project');
  // Not Escape: picking a project leaves the focus on the page's body, outside the dialog.
  await page.getByTestId('enable-dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('enable-dialog').waitFor({ state: 'detached' });

  await openPage(page, PAGES.at(-1));
  await page.getByTestId('inventory-row').first().getByTestId('row-select').check();
  await page.getByTestId('bulk-revoke').click();
  await page.getByTestId('bulk-dialog').waitFor();
  await visit('bulk revoke dry run');
  await closeWithEscape(page, 'bulk-dialog');

  await openPage(page, PAGES.at(-2));
  await page.getByTestId('check-token').fill(sim.tokenFor('ada'));
  await page.getByTestId('check-self').click();
  await page.getByTestId('check-found').waitFor();
  await visit('what is this token?, described');
}

/** Fails with `heading` and one line per problem, when there are any. */
export function assertNone(problems, heading) {
  if (problems.length) assert.fail(`${heading}:\n${problems.join('\n')}`);
}

// ---- axe -----------------------------------------------------------------------------------

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page) {
  // Evaluated through the debugger, not as a <script> tag, which the page's CSP would block.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${axe.source};void 0`);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Violations as text a person can act on: the rule, where, the markup, and why. */
export function describeViolations(where, violations) {
  return violations.flatMap((v) => [
    `${where}: ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`,
    ...v.nodes.flatMap((n) => [
      `    at ${n.target.join(' ')}`,
      `       ${n.html.slice(0, 200)}`,
      ...n.failureSummary.split('\n').map((l) => `       ${l.trim()}`),
    ]),
  ]);
}

// ---- colour --------------------------------------------------------------------------------

/** A computed CSS colour (rgb(), rgba(), color(srgb ...)) as [r, g, b, a], r/g/b in 0..255. */
export function parseColor(text) {
  let m = text.match(/^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:[,/] ?([\d.]+))?\)$/);
  if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
  m = text.match(/^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)$/);
  if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : +m[4]];
  throw new Error(`cannot read the colour ${JSON.stringify(text)}`);
}

/** `top` painted over the opaque `bottom`. */
export function over(top, bottom) {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
}

function luminance([r, g, b]) {
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG's contrast ratio of two opaque colours, 1 to 21. */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * What the browser paints for `element` (a locator): its outline and box-shadow, its border,
 * and the opaque background behind it (its ancestors' backgrounds composited, innermost last).
 */
export async function paintOf(locator) {
  const raw = await locator.evaluate((el) => {
    const behind = [];
    for (let n = el.parentElement; n; n = n.parentElement) behind.unshift(getComputedStyle(n).backgroundColor);
    const cs = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type'),
      focusVisible: el.matches(':focus-visible'),
      outlineStyle: cs.outlineStyle,
      outlineWidth: parseFloat(cs.outlineWidth),
      outlineColor: cs.outlineColor,
      boxShadow: cs.boxShadow,
      borderColor: cs.borderTopColor,
      borderWidth: parseFloat(cs.borderTopWidth),
      behind,
      dark: matchMedia('(prefers-color-scheme: dark)').matches,
    };
  });
  const canvas = raw.dark ? [18, 18, 18, 1] : [255, 255, 255, 1];
  const background = raw.behind.map(parseColor).reduce((under, c) => over(c, under), canvas);
  return { ...raw, background };
}

// ---- layout --------------------------------------------------------------------------------

/**
 * What sticks out on the page as it is now, one sentence per problem: a page wider than the
 * viewport, a dialog or table wider than its box, a row whose name and actions are not on
 * screen together, a long word that did not wrap.
 */
export async function layoutProblems(page) {
  return page.evaluate((longWord) => {
    const problems = [];
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    const label = (el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''}${el.className ? `.${String(el.className).trim().split(/\s+/).join('.')}` : ''}`;
    if (document.documentElement.scrollWidth > vw) {
      problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${vw} px viewport`);
    }
    const outside = (r) => r.left < 0 || r.right > vw + 0.5;
    for (const el of document.querySelectorAll('[role=dialog], .overlay, .table-wrap, .notice')) {
      if (el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${label(el)} scrolls sideways: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
      }
      if (outside(el.getBoundingClientRect())) problems.push(`${label(el)} sticks out of the viewport`);
    }
    // Every link, button and field you can see (not the skip link, which waits off-screen), but
    // those in table rows, which the next check names by their row.
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea')) {
      const r = el.getBoundingClientRect();
      if (r.width > 1 && !el.matches('.skip, tr *') && outside(r)) {
        problems.push(`${label(el)} "${el.textContent.trim().slice(0, 40)}" is off-screen (${Math.round(r.left)}..${Math.round(r.right)} of ${vw} px)`);
      }
    }
    for (const row of document.querySelectorAll('tbody tr')) {
      const name = row.querySelector('.token-name, .row-link');
      const buttons = [...row.querySelectorAll('button, a[href]:not(.row-link)')];
      const parts = [name, ...buttons].filter(Boolean);
      const rects = parts.map((p) => p.getBoundingClientRect());
      const what = row.dataset.tokenName ?? name?.textContent ?? row.textContent.slice(0, 40);
      const nameWidth = name?.closest('td').getBoundingClientRect().width;
      if (nameWidth < 120) problems.push(`row "${what}": its name is squeezed into ${Math.round(nameWidth)} px`);
      parts.forEach((p, i) => {
        if (outside(rects[i])) problems.push(`row "${what}": ${label(p)} is off-screen (${Math.round(rects[i].left)}..${Math.round(rects[i].right)} of ${vw} px)`);
      });
      const top = Math.min(...rects.map((r) => r.top));
      const bottom = Math.max(...rects.map((r) => r.bottom));
      if (buttons.length && bottom - top > vh) problems.push(`row "${what}": its name and its buttons are ${Math.round(bottom - top)} px apart`);
    }
    // The long word itself: broken over lines (it is far wider than any screen), all on screen.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const at = t.data.indexOf(longWord);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(t, at);
      range.setEnd(t, at + longWord.length);
      const lines = [...range.getClientRects()];
      if (lines.length < 2 || lines.some(outside)) {
        const spans = lines.map((r) => `${Math.round(r.left)}..${Math.round(r.right)}`).join(', ');
        problems.push(`${label(t.parentElement)}: the ${longWord.length}-letter word does not wrap on screen (lines at ${spans} px)`);
      }
    }
    return problems;
  }, LONG_WORD);
}
