"""A token audit written the way people script one: every project and group the caller can
manage, the access tokens in each that expire within a month, and the caller's own personal
tokens, through lazy iterators and GitLab's own filters."""

import gitlab

from support import MARIA, OLIVIA, SimTestCase, client, days_after_today


def expiring(gl, before):
    """(where, token name, expiry) of every active token expiring before `before`."""
    found = []
    for project in gl.projects.list(min_access_level=40, iterator=True):
        tokens = project.access_tokens.list(state="active", expires_before=before, iterator=True)
        found += [(project.path_with_namespace, t.name, t.expires_at) for t in tokens]
    for group in gl.groups.list(min_access_level=50, iterator=True):
        tokens = group.access_tokens.list(state="active", expires_before=before, iterator=True)
        found += [(group.full_path, t.name, t.expires_at) for t in tokens]
    mine = gl.personal_access_tokens.list(state="active", expires_before=before, iterator=True)
    found += [("me", t.name, t.expires_at) for t in mine]
    return sorted(found)


class AuditScriptTest(SimTestCase):
    def test_tokens_expiring_within_a_month(self):
        before = days_after_today(31)
        bots = [(f"bot-{i:02d}", days_after_today(10 + i)) for i in range(1, 21)]
        self.assertEqual(
            expiring(client(MARIA), before),
            sorted(
                [("acme/web", "ci", days_after_today(30)), ("me", "ci-read", days_after_today(30))]
                + [("tools/many", name, expiry) for name, expiry in bots]
            ),
        )
        # Olivia owns acme: she also sees its group tokens (none expire this month).
        self.assertEqual(
            expiring(client(OLIVIA), before), [("acme/web", "ci", days_after_today(30))]
        )

    def test_counting_with_head(self):
        many = client(MARIA).projects.get("tools/many", lazy=True)
        self.assertEqual(many.access_tokens.head()["X-Total"], "23")
        self.assertEqual(many.deploytokens.head(per_page=5)["X-Total-Pages"], "5")

    def test_search_and_deploy_token_filters(self):
        gl = client(MARIA)
        self.assertEqual(
            [t.name for t in gl.personal_access_tokens.list(search="laptop")], ["old laptop"]
        )
        many = gl.projects.get("tools/many", lazy=True)
        self.assertEqual(len(many.deploytokens.list(active=True, get_all=True)), 21)
        pull = many.deploytokens.list(per_page=1, get_all=False)[0]
        many.deploytokens.delete(pull.id)
        self.assertEqual(len(many.deploytokens.list(active=True, get_all=True)), 20)

    def test_a_personal_token_as_a_bearer_token(self):
        gl = gitlab.Gitlab(client(MARIA).url, oauth_token=MARIA)
        gl.auth()
        self.assertEqual(gl.user.username, "maria")
