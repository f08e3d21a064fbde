// The soak: create / rotate / revoke cycles through the page against gitlab-sim with its fault
// model on (latency, 5xx, a rate limit, dropped connections, answers lost after the write was
// made). The script acts as a user would on what the page says (try again after an error,
// revoke what the page offers to revoke, rotate again when it says the new secret was lost), then
// checks that the page's list and the sim agree and that no token the run made is left working.
//
//   node tests/e2e/soak.mjs [--cycles 300] [--seed 7] [--short]
//
// --short runs 12 cycles with harsher faults (what CI runs). Prints the figures, and a last
// machine-readable line `soak: cycles=… operations=… …`. Exits 1 when the check fails.
import assert from 'node:assert/strict';
import { withApp, signIn } from './harness.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const short = args.includes('--short');
const cycles = flag('cycles', short ? 12 : 300);
const seed = flag('seed', 7);
const PROJECT = 100;
const PREFIX = 'soak-';

const chaos = {
  seed,
  latency_ms: 5,
  latency_max_ms: 40,
  error_rate: short ? 0.08 : 0.04,
  rate_limit_per_second: short ? 8 : 12,
  drop_rate: short ? 0.03 : 0.02,
  lost_answer_rate: short ? 0.25 : 0.1,
};

const figures = {
  cycles: 0,
  operations: 0,
  writes_sent: 0,
  reads_failed_and_retried: 0,
  write_errors_shown: 0,
  writes_failed: 0,
  orphans_found: 0,
  orphans_revoked: 0,
  lost_rotations: 0,
};

/** Which of the outcomes the script waits for is on screen now (null if none yet). */
async function outcome(page, dialogId) {
  return page.evaluate((id) => {
    const q = (s) => document.querySelector(s);
    if (q('[data-testid=reveal-dialog]')) return 'reveal';
    if (q('[data-testid=secret-lost]:not([data-seen])')) return q("[data-testid=revoke-dialog]") ? 'orphan' : 'lost-rotation';
    const dialog = q(`[data-testid=${id}]`);
    // A create or rotation ends in a reveal or an offer, which may show a moment after its
    // dialog closed; only a revocation ends with its dialog closed.
    if (!dialog) return id === 'revoke-dialog' ? 'closed' : null;
    if (dialog.querySelector('[data-testid=error]') && !dialog.querySelector('button[type=submit][disabled]')) return 'error';
    return null;
  }, dialogId);
}

async function waitOutcome(page, dialogId) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const seen = await outcome(page, dialogId);
    if (seen) return seen;
    if (Date.now() > deadline) throw new Error(`no outcome in #${dialogId} after 90 s`);
    await page.waitForTimeout(40);
  }
}

/** Closes a reveal without copying (the page asks once more). The script never reads the secret. */
async function closeReveal(page) {
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('close-warning').waitFor();
  await page.getByTestId('reveal-close').click();
  await page.getByTestId('reveal-dialog').waitFor({ state: 'detached' });
}

const row = (page, name) => page.locator(`[data-testid=active-tokens] [data-token-name="${name}"]`);

/** Submits the open dialog until it ends; returns how it ended. Errors the page shows are tried again, as a user would. */
async function submitUntilDone(page, dialogId, submitId) {
  for (let attempt = 0; attempt < 20; attempt++) {
    // An offer already acted on is marked, so only a new one (a new dialog) counts as an outcome.
    await page.evaluate(() => document.querySelectorAll('[data-testid=secret-lost]').forEach((e) => (e.dataset.seen = '1')));
    await page.getByTestId(submitId).click();
    figures.writes_sent++;
    // The last error goes as the new submit starts; don't read the old one as its outcome.
    await page.waitForFunction((id) => !document.querySelector(`[data-testid=${id}] [data-testid=error]`), dialogId).catch(() => {});
    const seen = await waitOutcome(page, dialogId);
    trail.push(`  outcome: ${seen}`);
    if (seen !== 'error') return seen;
    figures.write_errors_shown++;
    const said = await page.locator(`[data-testid=${dialogId}] [data-testid=error]`).innerText();
    trail.push(`  page said: ${said}`);
    assert.doesNotMatch(said, /Check the list/, `the page could not tell what happened: ${said}`);
    await page.waitForTimeout(300);
  }
  throw new Error(`#${dialogId} still failing after 20 tries`);
}

/** Revokes what the page offers to (a token made without a known secret; sometimes two in a row). */
async function revokeOffered(page, name) {
  for (;;) {
    figures.orphans_found++;
    await page.getByTestId('revoke-confirm').fill(name);
    const seen = await submitUntilDone(page, 'revoke-dialog', 'revoke-submit');
    figures.orphans_revoked++;
    if (seen === 'closed') return;
    assert.equal(seen, 'orphan', `after revoking an orphan: ${seen}`);
  }
}

async function create(page, name) {
  for (;;) {
    await page.getByTestId('new-token').click();
    await page.getByTestId('token-name').fill(name);
    await page.getByTestId('scope-read_repository').check();
    const seen = await submitUntilDone(page, 'create-dialog', 'create-submit');
    figures.operations++;
    if (seen === 'reveal') return closeReveal(page);
    // Made, but nobody has its secret: the page offers revocation; take it, then make another.
    assert.equal(seen, 'orphan', `after create: ${seen}`);
    await revokeOffered(page, name);
  }
}

async function rotate(page, name) {
  await row(page, name).getByTestId('token-rotate').click();
  for (;;) {
    const seen = await submitUntilDone(page, 'rotate-dialog', 'rotate-submit');
    figures.operations++;
    if (seen === 'reveal') return closeReveal(page);
    // The old token is dead and the new secret lost: the dialog now rotates the new token.
    assert.equal(seen, 'lost-rotation', `after rotate: ${seen}`);
    figures.lost_rotations++;
  }
}

async function revoke(page, name) {
  await row(page, name).getByTestId('token-revoke').click();
  await page.getByTestId('revoke-confirm').fill(name);
  const seen = await submitUntilDone(page, 'revoke-dialog', 'revoke-submit');
  figures.operations++;
  assert.equal(seen, 'closed', `after revoke: ${seen}`);
}

/** The active tokens named `name`, as the sim holds them (asked as another user, so the page's rate limit is not touched; faults on these calls are waited out). */
async function simActiveIds(sim, name) {
  for (let i = 0; ; i++) {
    const res = await sim.api('GET', `/projects/${PROJECT}/access_tokens?per_page=100&state=active`, { token: sim.tokenFor('olivia') }).catch(() => null);
    if (res?.status === 200 && Array.isArray(res.body)) return res.body.filter((t) => t.name === name).map((t) => String(t.id)).sort();
    if (i > 50) throw new Error(`the sim did not list tokens: ${res?.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the page's active list shows exactly the sim's active tokens named `name`. */
async function listSettled(page, sim, name) {
  const want = await simActiveIds(sim, name);
  trail.push(`  sim lists ${name} active as ${JSON.stringify(want)}`);
  await page.waitForFunction(([n, ids]) => {
    const shown = [...document.querySelectorAll(`[data-testid=active-tokens] [data-token-name="${n}"]`)].map((r) => r.dataset.tokenId).sort();
    const none = ids.length === 0 && !document.querySelector(`[data-testid=active-tokens] [data-token-name="${n}"]`);
    return none || JSON.stringify(shown) === JSON.stringify(ids);
  }, [name, want]);
  return want;
}

/** Every access token of the project, straight from the sim. */
async function simTokens(sim, token) {
  const all = [];
  for (let p = 1; ; p++) {
    const res = await sim.api('GET', `/projects/${PROJECT}/access_tokens?per_page=100&page=${p}`, { token });
    assert.equal(res.status, 200);
    all.push(...res.body);
    if (!res.headers.get('x-next-page')) return all;
  }
}

const started = Date.now();
// The last API calls the page made, printed when the run fails.
const trail = [];
let exit = 0;
try {
  await withApp('team', async ({ page, sim }) => {
    // Requests that failed (5xx, 429, no answer): reads the page asks again; writes it settles
    // by reading the list (all but the throttled ones, which were refused).
    page.on('requestfinished', async (req) => {
      if (!req.url().includes('/api/v4/')) return;
      const status = (await req.response())?.status() ?? 0;
      note(req, status);
      if (status >= 500 || status === 429) count(req.method());
    });
    page.on('requestfailed', (req) => {
      if (!req.url().includes('/api/v4/')) return;
      note(req, 'no answer');
      count(req.method());
    });
    function note(req, status) {
      if (req.method() === 'OPTIONS') return;
      const url = new URL(req.url());
      trail.push(`${req.method()} ${url.pathname}${url.search} -> ${status}`);
    }
    function count(method) {
      if (method === 'GET') figures.reads_failed_and_retried++;
      else if (method !== 'OPTIONS') figures.writes_failed++;
    }

    // Retries under faults can take a read up to 15 s.
    page.setDefaultTimeout(60_000);
    await signIn(page, sim, 'maria');
    await page.goto(`${sim.siteUrl}#/projects/${PROJECT}`);
    await page.getByTestId('active-tokens').waitFor();
    await sim.chaos(chaos);
    for (let i = 1; i <= cycles; i++) {
      const name = `${PREFIX}${i}`;
      // Each step starts once the page lists what the sim holds, as a user would see it.
      await create(page, name);
      assert.equal((await listSettled(page, sim, name)).length, 1, `one ${name} after create`);
      await rotate(page, name);
      assert.equal((await listSettled(page, sim, name)).length, 1, `one ${name} after rotate`);
      await revoke(page, name);
      assert.equal((await listSettled(page, sim, name)).length, 0, `no ${name} after revoke`);
      figures.cycles++;
      if (i % 25 === 0) console.log(`  ${i} cycles, ${figures.operations} operations, ${Math.round((Date.now() - started) / 1000)} s`);
    }
    const faults = await sim.chaosStats();
    await sim.chaos({});

    // The sim and the page agree, and nothing the run made still works.
    const inSim = await simTokens(sim, sim.tokenFor('maria'));
    const mine = inSim.filter((t) => t.name.startsWith(PREFIX));
    const working = mine.filter((t) => t.active && !t.revoked);
    assert.deepEqual(working.map((t) => t.name), [], 'tokens the run made that still work');
    // A fresh read of the list (away and back; a reload would sign out).
    await page.goto(`${sim.siteUrl}#/projects`);
    await page.getByTestId('projects-table').waitFor();
    await page.goto(`${sim.siteUrl}#/projects/${PROJECT}`);
    await page.getByTestId('active-tokens').waitFor();
    const shown = await page.locator('[data-testid=active-tokens] [data-token-name]').evaluateAll((rows) => rows.map((r) => r.dataset.tokenName).sort());
    const active = inSim.filter((t) => t.active && !t.revoked).map((t) => t.name).sort();
    assert.deepEqual(shown, active, 'the page lists what the sim holds');
    // Every token of the run's is accounted for: one per create the page revealed or offered
    // for revocation, one more per rotation (the old one revoked, a new one made).
    Object.assign(figures, {
      tokens_made: mine.length,
      faults_injected: faults.errors + faults.throttled + faults.dropped + faults.lost_answers,
      sim_errors: faults.errors,
      sim_throttled: faults.throttled,
      sim_dropped: faults.dropped,
      sim_lost_answers: faults.lost_answers,
      sim_requests: faults.requests,
    });
    assert.equal(mine.length, figures.cycles * 2 + figures.orphans_found + figures.lost_rotations, 'tokens made, against what the page reported');
  }, { name: 'soak', allowConsoleErrors: true });
} catch (err) {
  console.error(err.message ?? err);
  console.error(`--- the page's last API calls ---\n${trail.slice(-60).join('\n')}`);
  exit = 1;
}
figures.wall_s = Math.round((Date.now() - started) / 100) / 10;
console.log(`\nsoak${short ? ' (short)' : ''}: seed ${seed}, faults ${JSON.stringify(chaos)}`);
for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(26)} ${v}`);
console.log(`soak: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')} result=${exit ? 'FAILED' : 'ok'}`);
process.exit(exit);
