"""Project and group access tokens through `project.access_tokens` and `group.access_tokens`:
list, get, create, rotate (by id, as an object, and the token rotating itself), delete.

GitLab mounts the same endpoints for both resources, so one set of tests runs for each.
"""

import gitlab

from support import (
    DEVON,
    GROUP_RELEASE_BOT,
    MARIA,
    OLIVIA,
    WEB_RELEASE_BOT,
    SimTestCase,
    by_name,
    client,
    days_after_today,
    place,
)


class AccessTokens:
    """The shared tests; subclasses say where the tokens live and who manages them."""

    kind = None  # "project" or "group"
    path = None  # where the tokens live
    manager_token = None  # may manage the resource's tokens (Maintainer / Owner)
    refused_token = None  # may not list them
    bot_token = None  # the secret of `bot_name`, an `api` token of the resource
    bot_name = None
    fixture_names = None  # the fixture's tokens, in id order

    def resource(self, token, lazy=False):
        return place(token, self.kind, self.path, lazy)

    def test_list_and_get(self):
        tokens = self.resource(self.manager_token).access_tokens.list(get_all=True)
        self.assertEqual([t.name for t in tokens], self.fixture_names)
        for token in tokens:
            self.assertFalse(hasattr(token, "token"), "lists never carry the secret")
            self.assertEqual(token.resource_type, self.kind)
            self.assertTrue(token.active)
        release = by_name(tokens)[self.bot_name]
        self.assertEqual(release.access_level, 40)
        self.assertEqual(release.scopes, ["api"])
        one = self.resource(self.manager_token).access_tokens.get(release.id)
        self.assertEqual(
            (one.id, one.name, one.expires_at), (release.id, release.name, release.expires_at)
        )
        self.assertFalse(hasattr(one, "token"))

    def test_create_returns_the_secret_once(self):
        resource = self.resource(self.manager_token)
        created = resource.access_tokens.create(
            {
                "name": "deploy",
                "scopes": ["read_repository", "read_registry"],
                "access_level": 30,
                "expires_at": days_after_today(90),
            }
        )
        self.assertTrue(created.token.startswith("glpat-"))
        self.assertEqual(created.scopes, ["read_repository", "read_registry"])
        self.assertEqual(created.access_level, 30)
        self.assertEqual(created.expires_at, days_after_today(90))
        self.assertEqual(created.resource_type, self.kind)
        self.assertEqual(created.resource_id, resource.id)
        self.assertFalse(hasattr(resource.access_tokens.get(created.id), "token"))
        # The new token works (any scope may describe itself) and belongs to a new bot user.
        itself = client(created.token).personal_access_tokens.get("self")
        self.assertEqual(
            (itself.id, itself.name, itself.scopes), (created.id, "deploy", created.scopes)
        )
        bot = client(self.manager_token).users.get(itself.user_id)
        self.assertTrue(bot.bot)
        self.assertTrue(bot.username.startswith(f"{self.kind}_{resource.id}_bot_"))

    def test_create_defaults_to_maintainer_and_a_year(self):
        created = self.resource(self.manager_token).access_tokens.create(
            {"name": "ci", "scopes": ["api"]}
        )
        self.assertEqual(created.access_level, 40)
        self.assertEqual(created.expires_at, days_after_today(365))

    def test_rotate_by_id_and_as_an_object(self):
        manager = self.resource(self.manager_token).access_tokens
        old = by_name(manager.list(get_all=True))[self.fixture_names[0]]
        rotated = manager.rotate(old.id, expires_at=days_after_today(20))
        self.assertNotEqual(rotated["id"], old.id)
        self.assertTrue(rotated["token"].startswith("glpat-"))
        self.assertEqual(rotated["expires_at"], days_after_today(20))
        self.assertEqual(rotated["name"], old.name)
        gone = manager.get(old.id)
        self.assertEqual((gone.revoked, gone.active), (True, False))

        # As an object: rotate() updates it in place with the new token's attributes.
        token = manager.get(rotated["id"])
        token.rotate()
        self.assertNotEqual(token.id, rotated["id"])
        self.assertTrue(token.token.startswith("glpat-"))
        self.assertEqual(token.expires_at, days_after_today(7))

        with self.assertGitlabError(
            gitlab.GitlabRotateError, 400, "400 Bad request - Token already revoked"
        ):
            manager.rotate(old.id)

    def test_token_rotates_itself(self):
        bot = self.resource(self.bot_token, lazy=True)
        rotated = bot.access_tokens.rotate("self")
        self.assertTrue(rotated["token"].startswith("glpat-"))
        self.assertEqual(rotated["resource_type"], self.kind)
        # The old value stops working at once; the new one carries on.
        with self.assertRaises(gitlab.GitlabAuthenticationError):
            client(self.bot_token).auth()
        fresh = client(rotated["token"])
        fresh.auth()
        self.assertTrue(fresh.user.bot)

    def test_delete_revokes(self):
        manager = self.resource(self.manager_token).access_tokens
        tokens = by_name(manager.list(get_all=True))
        manager.delete(tokens[self.fixture_names[0]].id)
        tokens[self.fixture_names[1]].delete()
        listed = by_name(manager.list(get_all=True))
        for name in self.fixture_names[:2]:
            self.assertTrue(listed[name].revoked)
            self.assertFalse(listed[name].active)
        self.assertEqual(
            [t.name for t in manager.list(state="active", get_all=True)], self.fixture_names[2:]
        )
        with self.assertGitlabError(
            gitlab.GitlabDeleteError, 404, f"404 {self.kind} Access Token Not Found"
        ):
            manager.delete(999)

    def test_callers_without_the_role_are_refused(self):
        refused = self.resource(self.refused_token, lazy=True)
        with self.assertGitlabError(gitlab.GitlabAuthenticationError, 401, "401 Unauthorized"):
            refused.access_tokens.list()

    def test_create_errors_carry_gitlabs_message(self):
        manager = self.resource(self.manager_token).access_tokens
        with self.assertGitlabError(
            gitlab.GitlabCreateError, 400, "scopes does not have a valid value"
        ):
            manager.create({"name": "x", "scopes": ["read_user"]})
        with self.assertGitlabError(
            gitlab.GitlabCreateError,
            400,
            f"400 Bad request - Expiration date must be before {days_after_today(365)}",
        ):
            manager.create({"name": "x", "scopes": ["api"], "expires_at": days_after_today(400)})


class ProjectAccessTokensTest(AccessTokens, SimTestCase):
    kind = "project"
    path = "acme/web"
    manager_token = MARIA
    refused_token = DEVON
    bot_token = WEB_RELEASE_BOT
    bot_name = "release-bot"
    fixture_names = ["ci", "release-bot", "owner-bot"]

    def test_no_role_above_your_own(self):
        manager = self.resource(MARIA).access_tokens
        with self.assertGitlabError(
            gitlab.GitlabCreateError,
            400,
            "400 Bad request - Access level of the token contains permissions not held by the creating user",
        ):
            manager.create({"name": "owner", "scopes": ["api"], "access_level": 50})
        owner_bot = by_name(manager.list(get_all=True))["owner-bot"]
        with self.assertGitlabError(
            gitlab.GitlabRotateError,
            400,
            "400 Bad request - Not eligible to rotate tokens with permissions not held by the user",
        ):
            owner_bot.rotate()
        # The group's Owner may do both.
        owner = self.resource(OLIVIA).access_tokens
        self.assertEqual(
            owner.create({"name": "owner", "scopes": ["api"], "access_level": 50}).access_level, 50
        )
        self.assertIn("token", owner.rotate(owner_bot.id))


class GroupAccessTokensTest(AccessTokens, SimTestCase):
    kind = "group"
    path = "acme"
    manager_token = OLIVIA
    refused_token = MARIA  # a group Maintainer: group tokens need Owner
    bot_token = GROUP_RELEASE_BOT
    bot_name = "group-release"
    fixture_names = ["group-ci", "group-release"]
