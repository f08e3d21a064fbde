// Finding a project among many: GitLab's pages of 20, followed by their headers, and search.
import assert from 'node:assert/strict';
import { appTest, loadFixture, signIn } from './harness.mjs';

/** The team fixture with 25 more projects Maria maintains (27 in all) and one she does not. */
function manyProjects() {
  const f = loadFixture('team');
  for (let i = 1; i <= 25; i++) {
    const n = String(i).padStart(2, '0');
    f.projects.push({ id: 200 + i, path: `svc-${n}`, name: `Service ${n}`, namespace_id: 10, members: [{ user_id: 2, access_level: 40 }] });
  }
  f.projects.push({ id: 300, path: 'secret', name: 'Service Hidden', namespace_id: 10, members: [{ user_id: 3, access_level: 40 }] });
  return f;
}

const names = (page) => page.getByTestId('project-row').getByRole('link').allInnerTexts();

appTest('projects come in pages, with previous and next', manyProjects(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('projects-table').waitFor();
  const first = await names(page);
  assert.equal(first.length, 20);
  assert.equal(await page.getByTestId('projects-page').innerText(), 'Page 1 of 2');
  assert.equal(await page.getByTestId('projects-prev').getAttribute('aria-disabled'), 'true');

  await page.getByTestId('projects-next').click();
  await page.getByTestId('projects-page').filter({ hasText: 'Page 2 of 2' }).waitFor();
  const second = await names(page);
  assert.equal(second.length, 7);
  assert.equal(await page.getByTestId('projects-next').getAttribute('aria-disabled'), 'true');
  const all = [...first, ...second];
  assert.equal(new Set(all).size, 27, 'no project shown twice or skipped');
  assert.ok(!all.some((n) => n.includes('Hidden')), 'only projects Maria maintains');
  assert.deepEqual(all, [...all].sort((a, b) => a.localeCompare(b)), 'sorted by name across pages');

  await page.getByTestId('projects-prev').click();
  await page.getByTestId('projects-page').filter({ hasText: 'Page 1 of 2' }).waitFor();
  assert.deepEqual(await names(page), first);
});

appTest('searching narrows the list and says when nothing matches', manyProjects(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('projects-table').waitFor();
  await page.getByTestId('projects-search').fill('Service 1');
  await page.getByTestId('projects-search').press('Enter');
  await page.getByTestId('project-row').first().filter({ hasText: 'Service 10' }).waitFor();
  const found = await names(page);
  assert.deepEqual(found, ['Service 10', 'Service 11', 'Service 12', 'Service 13', 'Service 14', 'Service 15',
    'Service 16', 'Service 17', 'Service 18', 'Service 19']);
  assert.equal(await page.getByTestId('projects-next').count(), 0, 'one page: no pager');

  await page.getByTestId('projects-search').fill('no such thing');
  await page.getByTestId('projects-search').press('Enter');
  const empty = page.getByTestId('projects-empty');
  await empty.waitFor();
  assert.match(await empty.innerText(), /No project you maintain matches “no such thing”/);
});

appTest('the page and the search live in the address: Back, Forward and reload return to them', manyProjects(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('projects-table').waitFor();
  await page.getByTestId('projects-next').click();
  await page.getByTestId('projects-page').filter({ hasText: 'Page 2 of 2' }).waitFor();
  assert.match(page.url(), /#\/projects\?page=2$/);

  await page.goBack();
  await page.getByTestId('projects-page').filter({ hasText: 'Page 1 of 2' }).waitFor();
  assert.ok(await page.getByTestId('whoami').isVisible(), 'Back stays in the app, signed in');
  await page.goForward();
  await page.getByTestId('projects-page').filter({ hasText: 'Page 2 of 2' }).waitFor();

  await page.getByTestId('projects-search').fill('Service 1');
  await page.getByTestId('projects-search').press('Enter');
  await page.getByTestId('project-row').first().filter({ hasText: 'Service 10' }).waitFor();
  assert.match(page.url(), /#\/projects\?search=Service%201$/);
  await page.goBack();
  await page.getByTestId('projects-page').filter({ hasText: 'Page 2 of 2' }).waitFor();

  // A reload signs out (the token lives in memory only) and comes back to the same results.
  await page.goto(`${sim.siteUrl}#/projects?search=Service%202`);
  await page.reload();
  await signIn(page, sim, 'maria');
  await page.getByTestId('project-row').first().filter({ hasText: 'Service 20' }).waitFor();
  assert.equal(await page.getByTestId('projects-search').inputValue(), 'Service 2');
});

appTest('a search shorter than three characters says how GitLab treats it', manyProjects(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('projects-table').waitFor();
  assert.equal(await page.getByTestId('search-hint').innerText(), '');
  await page.getByTestId('projects-search').fill('Se');
  await page.getByTestId('projects-search').press('Enter');
  await page.getByTestId('projects-empty').waitFor();
  assert.match(await page.getByTestId('search-hint').innerText(), /at least 3/);
});

appTest('projects are shown by the name they are sorted by, the namespace beside it', manyProjects(), async ({ page, sim }) => {
  await signIn(page, sim, 'maria');
  await page.getByTestId('projects-table').waitFor();
  const shown = await names(page);
  assert.deepEqual(shown, [...shown].sort((a, b) => a.localeCompare(b)), `sorted by what is shown: ${shown}`);
  assert.match(await page.getByTestId('project-row').first().innerText(), /Platform \//);
});

appTest('an administrator sees every project, labelled as admin access', (() => {
  const f = manyProjects();
  f.users.push({ id: 9, username: 'ada', name: 'Ada Admin', admin: true,
    personal_access_tokens: [{ name: 'tokenwarden', scopes: ['api'], expires_at: '+200d', token: 'glpat-e2e-ada-000000000009' }] });
  return f;
})(), async ({ page, sim }) => {
  await signIn(page, sim, 'ada');
  await page.getByTestId('projects-table').waitFor();
  assert.match(await page.locator('h1').innerText(), /All projects/);
  assert.match(await page.locator('.lead').first().innerText(), /admin access/);
  assert.equal(await page.getByTestId('projects-page').innerText(), 'Page 1 of 2', 'all 28 projects, none of them hers');
  await page.getByTestId('projects-search').fill('Hidden');
  await page.getByTestId('projects-search').press('Enter');
  await page.getByTestId('project-row').filter({ hasText: 'Service Hidden' }).waitFor();
});
