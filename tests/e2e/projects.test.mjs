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
  assert.equal(await page.getByTestId('projects-prev').isDisabled(), true);

  await page.getByTestId('projects-next').click();
  await page.getByTestId('projects-page').filter({ hasText: 'Page 2 of 2' }).waitFor();
  const second = await names(page);
  assert.equal(second.length, 7);
  assert.equal(await page.getByTestId('projects-next').isDisabled(), true);
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
  assert.deepEqual(found, ['Platform / Service 10', 'Platform / Service 11', 'Platform / Service 12', 'Platform / Service 13',
    'Platform / Service 14', 'Platform / Service 15', 'Platform / Service 16', 'Platform / Service 17',
    'Platform / Service 18', 'Platform / Service 19']);
  assert.equal(await page.getByTestId('projects-next').count(), 0, 'one page: no pager');

  await page.getByTestId('projects-search').fill('no such thing');
  await page.getByTestId('projects-search').press('Enter');
  const empty = page.getByTestId('projects-empty');
  await empty.waitFor();
  assert.match(await empty.innerText(), /No project you maintain matches “no such thing”/);
});
