"""Deploy tokens: `project.deploytokens`, `group.deploytokens` (list, create, get, delete) and the
instance list `gl.deploytokens`."""

import gitlab

from support import DEVON, MARIA, OLIVIA, ROOT, SimTestCase, by_name, client, place


class DeployTokens:
    """Shared by project and group tokens."""

    kind = None  # "project" or "group"
    path = None
    creator = None  # may create and delete (project Maintainer, group Owner)
    refused = None  # may not even list
    fixture_names = None

    def resource(self, token, lazy=False):
        return place(token, self.kind, self.path, lazy)

    def test_list_and_get(self):
        manager = self.resource(MARIA).deploytokens
        tokens = manager.list(get_all=True)
        self.assertEqual([t.name for t in tokens], self.fixture_names)
        for token in tokens:
            self.assertFalse(hasattr(token, "token"))
            self.assertFalse(token.revoked)
            self.assertFalse(token.expired)
        first = manager.get(tokens[0].id)
        self.assertEqual(
            (first.name, first.username, first.scopes),
            (tokens[0].name, tokens[0].username, tokens[0].scopes),
        )

    def test_create_get_delete(self):
        manager = self.resource(self.creator).deploytokens
        created = manager.create(
            {
                "name": "registry",
                "scopes": ["write_registry", "read_registry"],
                "expires_at": "2026-03-01T12:00:00Z",
            }
        )
        self.assertTrue(created.token.startswith("gldt-"))
        self.assertEqual(created.username, f"gitlab+deploy-token-{created.id}")
        # The model keeps its own order of scopes.
        self.assertEqual(created.scopes, ["read_registry", "write_registry"])
        self.assertEqual(created.expires_at, "2026-03-01T12:00:00.000Z")
        named = manager.create(
            {"name": "pull", "scopes": ["read_repository"], "username": "puller"}
        )
        self.assertEqual((named.username, named.expires_at), ("puller", None))

        fetched = manager.get(created.id)
        self.assertEqual((fetched.name, fetched.username), ("registry", created.username))
        self.assertFalse(hasattr(fetched, "token"))

        manager.delete(created.id)
        named.delete()
        self.assertEqual([t.name for t in manager.list(get_all=True)], self.fixture_names)
        with self.assertGitlabError(gitlab.GitlabGetError, 404, "404 Not found"):
            manager.get(created.id)

    def test_blank_optional_values_mean_the_defaults(self):
        # As a script fills them from options it may not have: GitLab reads "" as not given.
        created = self.resource(self.creator).deploytokens.create(
            {"name": "ci", "scopes": ["read_repository"], "username": "", "expires_at": ""}
        )
        self.assertEqual(created.username, f"gitlab+deploy-token-{created.id}")
        self.assertIsNone(created.expires_at)

    def test_refusals_and_model_errors(self):
        refused = self.resource(self.refused, lazy=True).deploytokens
        with self.assertGitlabError(gitlab.GitlabListError, 403, "403 Forbidden"):
            refused.list()
        manager = self.resource(self.creator).deploytokens
        with self.assertGitlabError(
            gitlab.GitlabCreateError, 400, "scopes does not have a valid value"
        ):
            manager.create({"name": "x", "scopes": ["api"]})
        with self.assertGitlabError(
            gitlab.GitlabCreateError,
            400,
            "Username can contain only letters, digits, '_', '-', '+', and '.'",
        ):
            manager.create({"name": "x", "scopes": ["read_repository"], "username": "no spaces"})


class ProjectDeployTokensTest(DeployTokens, SimTestCase):
    kind = "project"
    path = "acme/web"
    creator = MARIA
    refused = DEVON
    fixture_names = ["ci-clone"]

    def test_fixture_token(self):
        token = self.resource(MARIA).deploytokens.list()[0]
        self.assertEqual((token.username, token.scopes), ("ci-bot", ["read_repository"]))
        self.assertEqual(token.expires_at, "2026-01-01T00:00:00.000Z")


class GroupDeployTokensTest(DeployTokens, SimTestCase):
    kind = "group"
    path = "acme"
    creator = OLIVIA
    refused = DEVON
    fixture_names = ["registry-pull"]

    def test_maintainers_see_but_only_owners_create(self):
        with self.assertGitlabError(gitlab.GitlabCreateError, 403, "403 Forbidden"):
            self.resource(MARIA).deploytokens.create({"name": "x", "scopes": ["read_registry"]})
        token = self.resource(MARIA).deploytokens.list()[0]
        with self.assertGitlabError(gitlab.GitlabDeleteError, 403, "403 Forbidden"):
            token.delete()


class InstanceDeployTokensTest(SimTestCase):
    def test_admins_list_every_deploy_token(self):
        tokens = client(ROOT).deploytokens.list(get_all=True)
        self.assertEqual(len(tokens), 1 + 1 + 21)
        self.assertEqual(by_name(tokens)["ci-clone"].username, "ci-bot")
        client(OLIVIA).groups.get("acme", lazy=True).deploytokens.create(
            {"name": "new", "scopes": ["read_registry"]}
        )
        self.assertIn("new", [t.name for t in client(ROOT).deploytokens.list(get_all=True)])
        with self.assertGitlabError(gitlab.GitlabListError, 403, "403 Forbidden"):
            client(MARIA).deploytokens.list()
