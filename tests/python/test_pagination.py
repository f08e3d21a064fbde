"""Offset pagination as python-gitlab follows it: `get_all=True` and `iterator=True` walk the
`Link` header's `next` URLs; `X-Total`, `X-Total-Pages`, `X-Page`, `X-Per-Page`, `X-Next-Page`
and `X-Prev-Page` become the iterator's attributes; a plain `list()` that stops at one full page
warns."""

import warnings

from support import MARIA, ROOT, USER_IDS, SimTestCase, client

BATCH = [f"batch-{i:02d}" for i in range(1, 46)]  # robo's 45 personal access tokens
BOTS = [f"bot-{i:02d}" for i in range(1, 24)]  # tools/many's 23 project access tokens
PULLS = [f"pull-{i:02d}" for i in range(1, 22)]  # tools/many's 21 deploy tokens


class PaginationTest(SimTestCase):
    def many(self):
        return client(MARIA).projects.get("tools/many")

    def test_get_all_follows_every_page(self):
        tokens = client(ROOT).personal_access_tokens.list(user_id=USER_IDS["robo"], get_all=True)
        self.assertEqual([t.name for t in tokens], BATCH)
        self.assertEqual([t.name for t in self.many().access_tokens.list(get_all=True)], BOTS)
        self.assertEqual(
            [t.name for t in self.many().deploytokens.list(get_all=True, per_page=4)], PULLS
        )

    def test_iterator_reads_the_headers_and_fetches_lazily(self):
        tokens = client(ROOT).personal_access_tokens.list(
            user_id=USER_IDS["robo"], iterator=True, per_page=10
        )
        self.assertEqual((tokens.total, tokens.total_pages, tokens.per_page), (45, 5, 10))
        self.assertEqual((tokens.current_page, tokens.prev_page, tokens.next_page), (1, None, 2))
        self.assertEqual(len(tokens), 45)
        self.assertEqual([t.name for t in tokens], BATCH)
        self.assertEqual((tokens.current_page, tokens.prev_page, tokens.next_page), (5, 4, None))

        bots = self.many().access_tokens.list(iterator=True, per_page=7)
        self.assertEqual((bots.total, bots.total_pages), (23, 4))
        self.assertEqual([t.name for t in bots], BOTS)

        groups = client(MARIA).groups.list(iterator=True, per_page=1)
        self.assertEqual(groups.total_pages, 2)
        self.assertEqual([g.path for g in groups], ["acme", "tools"])

    def test_one_page(self):
        second = self.many().access_tokens.list(page=2)
        self.assertEqual([t.name for t in second], BOTS[20:])
        self.assertEqual(len(self.many().deploytokens.list(page=3, per_page=10)), 1)

    def test_a_plain_list_warns_when_there_is_more(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            first = self.many().access_tokens.list()
        self.assertEqual([t.name for t in first], BOTS[:20])
        self.assertEqual(len(caught), 1)
        self.assertIn("23 items", str(caught[0].message))
