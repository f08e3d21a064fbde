// The inventory: a scan of every list the user administers on a generated instance, what the
// table, chart and exports show of it, cancelling, a failing list and its retry, bulk revoke, and
// editing a row in place.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appTest, eventually } from './harness.mjs';

const OWNER = 'glpat-generated-owner-001';
const SMALL = ['--generate', 'projects=12,groups=4,tokens=160,seed=3'];

async function signInAsOwner(page, sim) {
  await page.getByTestId('connect-form').waitFor();
  await page.getByTestId('connect-url').fill(sim.apiUrl);
  await page.getByTestId('connect-token').fill(OWNER);
  await page.getByTestId('connect-submit').click();
  await page.getByTestId('whoami').waitFor();
}

async function openInventory(page) {
  await page.getByTestId('nav-inventory').click();
  await page.getByTestId('inventory-progress').waitFor();
}

const progress = (page) => page.getByTestId('inventory-progress');

async function waitFinished(page, timeout = 60_000) {
  await page.locator('[data-testid=inventory-progress][data-finished=true]').waitFor({ timeout });
}

/** Every page of a list, straight from the sim's API as the owner. */
async function all(sim, apiPath) {
  const out = [];
  for (let page = 1; ; page++) {
    const sep = apiPath.includes('?') ? '&' : '?';
    const res = await sim.api('GET', `${apiPath}${sep}per_page=100&page=${page}`, { token: OWNER });
    assert.equal(res.status, 200, `${apiPath}: ${JSON.stringify(res.body)}`);
    out.push(...res.body);
    if (!res.headers.get('x-next-page')) return out;
  }
}

/** What the scan should find: the owner's lists, read one by one. */
async function expectedCount(sim) {
  const projects = await all(sim, '/projects?min_access_level=40');
  const groups = await all(sim, '/groups?min_access_level=40');
  const owned = new Set((await all(sim, '/groups?min_access_level=50')).map((g) => g.id));
  let n = (await all(sim, '/personal_access_tokens')).length;
  for (const p of projects) {
    for (const kind of ['access_tokens', 'deploy_tokens', 'deploy_keys', 'triggers']) {
      n += (await all(sim, `/projects/${p.id}/${kind}`)).length;
    }
  }
  for (const g of groups) {
    n += (await all(sim, `/groups/${g.id}/deploy_tokens`)).length;
    if (owned.has(g.id)) n += (await all(sim, `/groups/${g.id}/access_tokens`)).length;
  }
  return { n, projects };
}

appTest('the inventory scans every list the user administers, with filters, sort, forecast and exports', null, async ({ page, sim }) => {
  const { n } = await expectedCount(sim);
  assert.ok(n > 100, `the generated instance has tokens (${n})`);
  await signInAsOwner(page, sim);
  const apiCalls = [];
  page.on('request', (r) => {
    if (r.url().startsWith(sim.apiUrl) && r.method() === 'GET') apiCalls.push(r.url());
  });
  await openInventory(page);
  await waitFinished(page);
  const p = progress(page);
  assert.equal(Number(await p.getAttribute('data-found')), n, 'every token is found once');
  assert.equal(await p.getAttribute('data-done'), await p.getAttribute('data-planned'));
  assert.match(await page.getByTestId('inventory-status').innerText(), new RegExp(`Scan complete: \\d+ requests, ${n} tokens found`));
  assert.ok(apiCalls.every((u) => /per_page=100/.test(u) || !/(access_tokens|deploy_tokens|deploy_keys|triggers)/.test(u)), 'lists are read 100 a page');
  const count = page.getByTestId('inventory-count');
  assert.equal(await count.getAttribute('data-shown'), String(n));
  assert.equal(await page.getByTestId('inventory-row').count(), Math.min(n, 25), 'one page of rows is drawn');

  // The search narrows the table to rows whose name, path, scope or username matches.
  const firstName = await page.getByTestId('inventory-row').first().getAttribute('data-token-name');
  await page.getByTestId('inventory-search').fill(firstName);
  await eventually(async () => assert.ok(Number(await count.getAttribute('data-shown')) < n));
  for (const name of await page.getByTestId('inventory-row').evaluateAll((rows) => rows.map((r) => r.innerText.toLowerCase()))) {
    assert.ok(name.includes(firstName.toLowerCase()), name);
  }
  await page.getByTestId('inventory-search').fill('');
  await eventually(async () => assert.equal(await count.getAttribute('data-shown'), String(n)));

  // Sorting by expiry puts the soonest first, and says so.
  // Below 1440 px the table is cards, sorted with the select; the column headers say the same.
  await page.getByTestId('sort-select').selectOption('expires-asc');
  const header = page.locator('th', { has: page.getByTestId('sort-expires') });
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  const expiries = await page.locator('[data-testid=inventory-row] td[data-label=Expires]').allInnerTexts();
  const dated = expiries.filter((e) => /^\d{4}-/.test(e));
  assert.deepEqual(dated, [...dated].sort(), 'dates ascend');
  await page.getByTestId('sort-select').selectOption('expires-desc');
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  // Where the table fits, its column headers sort.
  await page.setViewportSize({ width: 1600, height: 900 });
  await page.getByTestId('sort-name').click();
  assert.equal(await page.locator('th', { has: page.getByTestId('sort-name') }).getAttribute('aria-sort'), 'ascending');
  assert.equal(await header.getAttribute('aria-sort'), null);
  await page.setViewportSize({ width: 1280, height: 720 });

  // A bar of the forecast filters the table to its week's working tokens.
  const bar = page.locator('[data-testid=forecast-bar][role=button]').first();
  const total = Number(await bar.getAttribute('data-total'));
  const week = await bar.getAttribute('data-week');
  await bar.focus();
  await page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await count.getAttribute('data-shown'), String(total)));
  assert.equal(await bar.getAttribute('aria-pressed'), 'true');
  assert.match(await page.getByTestId('filter-week').innerText(), new RegExp(week));

  // Exports hold exactly what is shown.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const text = readFileSync(await csv.path(), 'utf8');
  const lines = text.trimEnd().split('\r\n');
  assert.equal(lines.length, total + 1, 'a header and one line per shown row');
  const [ics] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-ics').click()]);
  const cal = readFileSync(await ics.path(), 'utf8');
  assert.equal((cal.match(/BEGIN:VEVENT/g) ?? []).length, total);
  assert.match(cal, /TRIGGER:-P7D/);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  assert.equal(JSON.parse(readFileSync(await json.path(), 'utf8')).length, total);
  await page.getByTestId('filter-clear').click();
  await eventually(async () => assert.equal(await count.getAttribute('data-shown'), String(n)));

  // The kind filter and a row's links.
  await page.getByTestId('filter-kind').selectOption('deploy_key');
  await eventually(async () => {
    const kinds = await page.getByTestId('inventory-row').evaluateAll((rows) => [...new Set(rows.map((r) => r.dataset.kind))]);
    assert.deepEqual(kinds, ['deploy_key']);
  });
  const row = page.getByTestId('inventory-row').first();
  assert.match(await row.getByTestId('row-gitlab').getAttribute('href'), /\/-\/settings\/repository/);
  assert.match(await row.getByTestId('row-open').getAttribute('href'), /^#\/projects\/.+\/deploy_keys$/);
}, { simArgs: SMALL });

appTest('cancelling a scan keeps what was found, and it can carry on', null, async ({ page, sim }) => {
  await signInAsOwner(page, sim);
  await openInventory(page);
  const p = progress(page);
  await eventually(async () => assert.ok(Number(await p.getAttribute('data-found')) > 0), { timeout: 30_000 });
  await page.getByTestId('inventory-cancel').click();
  await waitFinished(page);
  assert.equal(await p.getAttribute('data-cancelled'), 'true');
  const found = Number(await p.getAttribute('data-found'));
  const planned = Number(await p.getAttribute('data-planned'));
  assert.match(await page.getByTestId('inventory-status').innerText(), /Scan cancelled: .* lists were not read/);
  assert.equal(await page.getByTestId('inventory-count').getAttribute('data-shown'), String(found), 'the partial results are in the table');
  assert.ok(found > 0);
  // Nothing more is asked while cancelled.
  const before = Number(await p.getAttribute('data-done'));
  await page.waitForTimeout(600);
  assert.equal(Number(await p.getAttribute('data-done')), before);
  await page.getByTestId('inventory-resume').click();
  await waitFinished(page, 90_000);
  assert.equal(await p.getAttribute('data-cancelled'), 'false');
  assert.ok(Number(await p.getAttribute('data-found')) > found);
  assert.ok(Number(await p.getAttribute('data-planned')) > planned);
}, { simArgs: [...SMALL, '--latency-ms', '120'] });

appTest('a list that cannot be read is named with the reason, and its retry fills it in', null, async ({ page, sim }) => {
  const projects = await all(sim, '/projects?min_access_level=40');
  const target = projects[0];
  const keys = await all(sim, `/projects/${target.id}/deploy_keys`);
  assert.ok(keys.length > 0, 'the chosen project has deploy keys');
  await sim.faults({ method: 'GET', path: `/api/v4/projects/${target.id}/deploy_keys`, status: 403, body: '{"message":"403 Forbidden"}', count: 1 });
  await signInAsOwner(page, sim);
  await openInventory(page);
  await waitFinished(page);
  const failure = page.getByTestId('inventory-failure');
  assert.equal(await failure.count(), 1);
  assert.match(await failure.innerText(), new RegExp(`deploy keys in ${target.path_with_namespace}`));
  assert.match(await failure.innerText(), /403|permission|Forbidden/i);
  const found = Number(await progress(page).getAttribute('data-found'));
  await failure.getByTestId('inventory-retry').click();
  await page.getByTestId('inventory-failures').waitFor({ state: 'detached' });
  await waitFinished(page);
  assert.equal(Number(await progress(page).getAttribute('data-found')), found + keys.length);
}, { simArgs: SMALL, ignoreConsole: [/403/] });

appTest('a bulk revoke shows a dry run, asks for confirmation, then reports each token', null, async ({ page, sim }) => {
  await signInAsOwner(page, sim);
  await openInventory(page);
  await waitFinished(page);
  await page.getByTestId('filter-kind').selectOption('project_deploy_token');
  await page.getByTestId('filter-state').selectOption('active');
  await eventually(async () => assert.ok((await page.getByTestId('inventory-row').count()) >= 2));
  const rows = page.getByTestId('inventory-row');
  const names = [await rows.nth(0).getAttribute('data-token-name'), await rows.nth(1).getAttribute('data-token-name')];
  await rows.nth(0).getByTestId('row-select').check();
  await rows.nth(1).getByTestId('row-select').check();
  // And one that no longer works: the dry run says it is skipped.
  await page.getByTestId('filter-kind').selectOption('');
  await page.getByTestId('filter-state').selectOption('inactive');
  await eventually(async () => assert.ok((await rows.count()) >= 1));
  await rows.nth(0).getByTestId('row-select').check();
  assert.equal(await page.getByTestId('bulk-count').innerText(), '3 selected');
  await page.getByTestId('bulk-revoke').click();

  const items = page.getByTestId('bulk-item');
  assert.equal(await items.count(), 3);
  assert.equal(await page.locator('[data-testid=bulk-item][data-step=send]').count(), 2);
  assert.match(await page.locator('[data-testid=bulk-item][data-step=skip]').innerText(), /no longer works/);
  assert.match(await page.getByTestId('bulk-summary').innerText(), /Dry run: nothing has been sent yet\. 2 tokens will be revoked; 1 skipped/);
  await page.getByTestId('bulk-continue').click();
  assert.equal(await page.getByTestId('bulk-submit').isDisabled(), true, 'not before the number is typed');
  await page.getByTestId('bulk-confirm').fill('2');
  await page.getByTestId('bulk-submit').click();
  await page.getByTestId('bulk-headline').filter({ hasText: '2 revoked, 0 failed, 1 skipped' }).waitFor();
  assert.equal(await page.locator('[data-testid=bulk-result][data-outcome=done]').count(), 2);
  await page.getByTestId('bulk-close').click();
  await page.getByTestId('bulk-dialog').waitFor({ state: 'detached' });
  // The bar that opened the dialog went with the selection: focus lands on the table's count.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'inventory-count');
  // The changed lists are read again: both tokens now show as revoked.
  await waitFinished(page);
  await page.getByTestId('filter-state').selectOption('active');
  await eventually(async () => {
    const shown = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.tokenName));
    for (const name of names) assert.ok(!shown.includes(name), `${name} is no longer active`);
  });
}, { simArgs: SMALL });

/** The built site with a policy file beside it, named in its config.json, as a deployment would serve it. */
function siteWithPolicy(policy) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenwarden-policy-'));
  cpSync(process.env.TOKENWARDEN_DIST ?? path.resolve('../../dist'), dir, { recursive: true });
  writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(policy));
  // The site opts in to a policy by naming its file.
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ policy_url: 'policy.json' }));
  return dir;
}

const POLICY = { kinds: { project_access_token: { max_lifetime_days: 30, forbidden_scopes: ['api'] } } };

/** The API writes the page makes (POST, PUT, DELETE), as they are sent. */
function watchWrites(page, sim) {
  const writes = [];
  page.on('request', (r) => {
    if (r.url().startsWith(sim.apiUrl) && ['POST', 'PUT', 'DELETE'].includes(r.method())) writes.push(`${r.method()} ${r.url()}`);
  });
  return writes;
}

/** From a project page: a new token with the api scope and 60 days, both against POLICY. */
async function submitBreakingCreate(page, name) {
  await page.getByTestId('new-token').click();
  await page.getByTestId('token-name').fill(name);
  await page.getByTestId('scope-api').check();
  await page.getByTestId('expiry-preset-60').check();
  await page.getByTestId('create-submit').click();
}

/** The create form names both of POLICY's rules at their fields. */
async function createRefused(page) {
  assert.match(await page.getByTestId('error-token-scopes').innerText(), /Site policy: .*api scope/);
  assert.match(await page.getByTestId('error-token-expiry').innerText(), /Site policy: .*at most 30 days/);
}

/** The breaking create mended (read_api, 30 days) and sent: the secret is revealed. */
async function submitWithinPolicy(page) {
  await page.getByTestId('scope-api').uncheck();
  await page.getByTestId('scope-read_api').check();
  await page.getByTestId('expiry-preset-30').check();
  await page.getByTestId('create-submit').click();
  await page.getByTestId('reveal-secret').waitFor();
}

/** Closes a reveal whose secret was not copied, through its warning. */
async function closeUnshownReveal(page) {
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('close-warning').waitFor();
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
}

appTest('a bulk rotate skips what GitLab would refuse, reveals each new token once, and warns before dropping one', null, async ({ page, sim }) => {
  // A token with the Owner role where the user is only Maintainer: GitLab refuses to rotate it.
  const { projects } = await expectedCount(sim);
  let above;
  for (const p of projects.filter((p) => p.path_with_namespace.startsWith('gen-shared/'))) {
    above ??= (await all(sim, `/projects/${p.id}/access_tokens`)).find((t) => t.access_level === 50 && t.active);
  }
  assert.ok(above, 'the generated instance has an Owner token in a project the user only maintains');
  await signInAsOwner(page, sim);
  await openInventory(page);
  await waitFinished(page);
  const rows = page.getByTestId('inventory-row');
  await page.getByTestId('filter-kind').selectOption('project_access_token');
  await page.getByTestId('filter-state').selectOption('active');
  // Projects in the group the user owns: every token there can be rotated by them.
  await page.getByTestId('inventory-search').fill('gen/project');
  await eventually(async () => assert.ok((await rows.count()) >= 2));
  const names = [await rows.nth(0).getAttribute('data-token-name'), await rows.nth(1).getAttribute('data-token-name')];
  await rows.nth(0).getByTestId('row-select').check();
  await rows.nth(1).getByTestId('row-select').check();
  await page.getByTestId('inventory-search').fill(above.name);
  await eventually(async () => assert.ok((await rows.count()) >= 1));
  await page.locator(`[data-testid=inventory-row][data-token-name="${above.name}"]`).first().getByTestId('row-select').check();
  // A deploy token cannot be rotated at all.
  await page.getByTestId('inventory-search').fill('');
  await page.getByTestId('filter-kind').selectOption('project_deploy_token');
  await eventually(async () => assert.ok((await rows.count()) >= 1));
  await rows.nth(0).getByTestId('row-select').check();
  assert.equal(await page.getByTestId('bulk-count').innerText(), '4 selected');
  await page.getByTestId('bulk-rotate').click();
  assert.equal(await page.locator('[data-testid=bulk-item][data-step=send]').count(), 2);
  const skipped = await page.locator('[data-testid=bulk-item][data-step=skip]').allInnerTexts();
  assert.equal(skipped.length, 2, skipped.join('\n'));
  assert.ok(skipped.some((t) => /cannot rotate a project deploy token/.test(t)), skipped.join('\n'));
  assert.ok(skipped.some((t) => /Owner role and yours in gen-shared\/.* is Maintainer/.test(t)), skipped.join('\n'));
  await page.getByTestId('bulk-continue').click();
  await page.getByTestId('bulk-confirm').fill('2');
  await page.getByTestId('bulk-submit').click();
  await page.getByTestId('bulk-headline').filter({ hasText: /2 rotated, 0 failed, 2 skipped/ }).waitFor();

  // The first secret is shown once, with copy; afterwards it cannot be shown again.
  await page.getByTestId('bulk-reveal').first().click();
  await page.getByTestId('reveal-copy').click();
  assert.match(await page.getByTestId('copy-status').innerText(), /Copied/);
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(secret, /^glpat-/);
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
  assert.ok(!(await page.content()).includes(secret), 'closing drops the secret from the page');
  await eventually(async () => assert.equal(await page.getByTestId('bulk-revealed').count(), 1));
  assert.equal(await page.getByTestId('bulk-reveal').count(), 1, 'one secret is left to show');
  const check = await sim.api('GET', '/personal_access_tokens/self', { token: secret });
  assert.equal(check.status, 200, 'the shown secret works');

  // Closing with a secret not yet shown asks first.
  await page.getByTestId('bulk-close').click();
  assert.match(await page.getByTestId('bulk-unshown').innerText(), /1 new token has not been shown/);
  await page.getByTestId('bulk-close-anyway').click();
  await page.getByTestId('bulk-dialog').waitFor({ state: 'detached' });
  // The rotated lists are read again: each name now has a revoked old token and an active new one.
  await waitFinished(page);
  await page.getByTestId('filter-kind').selectOption('project_access_token');
  await page.getByTestId('filter-state').selectOption('revoked');
  await eventually(async () => {
    const shown = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.tokenName));
    for (const name of names) assert.ok(shown.includes(name), `${name}'s old token shows as revoked`);
  });
}, { simArgs: SMALL });

appTest('a deploy key and a trigger are edited from their inventory rows, and their lists read again', null, async ({ page, sim }) => {
  const { projects } = await expectedCount(sim);
  await signInAsOwner(page, sim);
  await openInventory(page);
  await waitFinished(page);
  const rows = page.getByTestId('inventory-row');
  // Access and deploy tokens cannot be changed in place: no Edit on their rows.
  await page.getByTestId('filter-kind').selectOption('project_deploy_token');
  await eventually(async () => assert.ok((await rows.count()) >= 1));
  assert.equal(await page.getByTestId('row-edit').count(), 0, 'deploy tokens have no Edit');

  await page.getByTestId('filter-kind').selectOption('deploy_key');
  await page.getByTestId('filter-state').selectOption('active');
  await eventually(async () => assert.ok((await rows.count()) >= 1));
  const before = await rows.nth(0).getAttribute('data-token-name');
  await rows.nth(0).getByTestId('row-edit').click();
  const dialog = page.getByTestId('create-dialog');
  assert.equal(await page.getByTestId('token-name').inputValue(), before, 'the form starts from the key as it is');
  await page.getByTestId('token-name').fill('renamed from the inventory');
  await page.getByTestId('create-submit').click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator('[data-testid=inventory-row][data-token-name="renamed from the inventory"]').waitFor();
  assert.equal(await page.locator(`[data-testid=inventory-row][data-token-name="${before}"]`).count(), 0);
  let keys = [];
  for (const p of projects) keys.push(...(await all(sim, `/projects/${p.id}/deploy_keys`)));
  assert.ok(keys.some((k) => k.title === 'renamed from the inventory'), 'GitLab has the new title');

  await page.getByTestId('filter-kind').selectOption('trigger_token');
  await eventually(async () => assert.ok((await rows.count()) >= 1));
  await rows.nth(0).getByTestId('row-edit').click();
  await page.getByTestId('token-description').fill('edited trigger');
  await page.getByTestId('create-submit').click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator('[data-testid=inventory-row][data-token-name="edited trigger"]').waitFor();
  const triggers = [];
  for (const p of projects) triggers.push(...(await all(sim, `/projects/${p.id}/triggers`)));
  assert.ok(triggers.some((t) => t.description === 'edited trigger'), 'GitLab has the new description');
}, { simArgs: SMALL });

appTest('the site policy is flagged in the inventory and holds back a create and a rotation that break it', null, async ({ page, sim }) => {
  const writes = watchWrites(page, sim);
  await signInAsOwner(page, sim);
  await openInventory(page);
  await waitFinished(page);
  await page.getByTestId('policy-active').waitFor();
  await page.getByTestId('filter-violations').check();
  const rows = page.getByTestId('inventory-row');
  await eventually(async () => assert.ok((await rows.count()) > 0, 'some tokens break the policy'));
  const kinds = await rows.evaluateAll((rs) => [...new Set(rs.map((r) => r.dataset.kind))]);
  assert.deepEqual(kinds, ['project_access_token'], 'only the kind with rules is flagged');
  assert.match(await rows.first().getByTestId('row-violations').innerText(), /the policy (allows at most 30 days|forbids|wants an expiry)/);

  // The project's create form refuses what the policy forbids, at the fields concerned.
  await rows.first().getByTestId('row-open').click();
  await submitBreakingCreate(page, 'policy-check');
  await createRefused(page);
  assert.deepEqual(writes, [], 'nothing was sent');
  await submitWithinPolicy(page);
  assert.equal(writes.length, 1, 'within the policy it is created');
  await closeUnshownReveal(page);

  // A rotation may not give the new token a longer life than the policy allows.
  const created = page.locator('[data-testid=active-tokens] [data-token-name="policy-check"]');
  await created.getByTestId('token-rotate').click();
  await page.getByTestId('expiry-preset-60').check();
  await page.getByTestId('rotate-submit').click();
  assert.match(await page.getByTestId('error-rotate-expiry').innerText(), /Site policy: .*at most 30 days/);
  assert.equal(writes.length, 1, 'the rotation was not sent');
  await page.getByTestId('expiry-preset-30').check();
  assert.equal(await page.getByTestId('error-rotate-expiry').innerText(), '');
  await page.getByTestId('rotate-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  assert.equal(writes.length, 2);
}, { simArgs: SMALL, siteDir: siteWithPolicy(POLICY) });

appTest('a create or a rotation sent before the site policy has arrived waits for it, then is checked against it', null, async ({ page, sim }) => {
  const writes = watchWrites(page, sim);
  // A slow static host: the policy file is answered only when the test says so.
  let release = null;
  await page.route('**/policy.json', async (route) => {
    await new Promise((resolve) => {
      release = resolve;
    });
    await route.continue();
  });
  const released = async () => {
    await eventually(async () => assert.ok(release, 'the page asked for its policy'));
    release();
    release = null;
  };
  const [project] = await all(sim, '/projects?min_access_level=50');
  const openProject = async () => {
    await signInAsOwner(page, sim);
    await page.evaluate((id) => {
      location.hash = `#/projects/${id}`;
    }, project.id);
  };

  await openProject();
  await submitBreakingCreate(page, 'early');
  await eventually(async () => assert.match(await page.getByTestId('policy-wait').innerText(), /Waiting for the site's token policy/));
  assert.equal(await page.getByTestId('create-submit').innerText(), 'Reading policy…');
  assert.equal(await page.getByTestId('create-submit').getAttribute('aria-disabled'), 'true');
  assert.deepEqual(writes, [], 'nothing is sent before the policy is known');
  await released();
  await eventually(() => createRefused(page));
  assert.equal(await page.getByTestId('policy-wait').count(), 0, 'nothing waits any more');
  assert.deepEqual(writes, [], 'the policy held the create back');
  await submitWithinPolicy(page);
  assert.equal(writes.length, 1, 'within the policy it is created');
  await closeUnshownReveal(page);

  // A new page load reads the policy again, as slowly; a rotation waits for it too.
  await page.reload();
  await openProject();
  await page.locator('[data-testid=active-tokens] [data-token-name="early"]').getByTestId('token-rotate').click();
  await page.getByTestId('expiry-preset-60').check();
  await page.getByTestId('rotate-submit').click();
  await eventually(async () => assert.match(await page.getByTestId('policy-wait').innerText(), /Waiting for the site's token policy/));
  assert.equal(writes.length, 1, 'the rotation waits');
  await released();
  await eventually(async () => assert.match(await page.getByTestId('error-rotate-expiry').innerText(), /Site policy: .*at most 30 days/));
  assert.equal(writes.length, 1, 'the policy held the rotation back');
  await page.getByTestId('expiry-preset-30').check();
  await page.getByTestId('rotate-submit').click();
  await page.getByTestId('reveal-dialog').waitFor();
  assert.equal(writes.length, 2);
}, { simArgs: SMALL, siteDir: siteWithPolicy(POLICY) });

appTest('a token rotated from its inventory row is revealed with the snippets its own page gives', null, async ({ page, sim }) => {
  // An api-scoped project token in a project the user owns: its page offers a package download,
  // which needs the project's id, and a clone as its bot user.
  let pick;
  let project;
  for (const p of await all(sim, '/projects?min_access_level=50')) {
    pick = (await all(sim, `/projects/${p.id}/access_tokens`)).find((t) => t.active && t.scopes.includes('api'));
    if (pick) {
      project = p;
      break;
    }
  }
  assert.ok(pick, 'the generated instance has an api-scoped token in a project the user owns');
  await signInAsOwner(page, sim);
  await openInventory(page);
  await waitFinished(page);
  await page.getByTestId('filter-kind').selectOption('project_access_token');
  await page.getByTestId('inventory-search').fill(pick.name);
  const row = page.locator(`[data-testid=inventory-row][data-token-name="${pick.name}"]`).filter({ hasText: project.name_with_namespace });
  await row.first().getByTestId('row-rotate').click();
  await page.getByTestId('bulk-continue').click();
  await page.getByTestId('bulk-confirm').fill('1');
  await page.getByTestId('bulk-submit').click();
  await page.getByTestId('bulk-headline').filter({ hasText: /1 rotated, 0 failed/ }).waitFor();
  await page.getByTestId('bulk-reveal').click();
  await page.getByTestId('reveal-dialog').waitFor();
  const snippets = (await page.getByTestId('snippet').allInnerTexts()).join('\n');
  assert.ok(snippets.includes(`/api/v4/projects/${project.id}/packages/generic/`), snippets);
  assert.match(snippets, /git clone 'http:\/\/project_\d+_bot_[0-9a-f]+@/);
  await closeUnshownReveal(page);
  await page.getByTestId('bulk-close').click();
  await page.getByTestId('bulk-dialog').waitFor({ state: 'detached' });
}, { simArgs: SMALL });
