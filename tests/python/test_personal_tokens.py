"""Personal access tokens: `gl.personal_access_tokens` (list, get, rotate, delete, `self`),
an admin creating one for a user (`user.personal_access_tokens.create`), and the self-service
`POST /user/personal_access_tokens`, for which python-gitlab has no manager.
"""

import gitlab

from support import (
    DEVON,
    MARIA,
    MARIA_READ_API,
    ROOT,
    USER_IDS,
    SimTestCase,
    by_name,
    client,
    days_after_today,
)

MARIA_ID = USER_IDS["maria"]


class PersonalTokensTest(SimTestCase):
    def test_a_user_lists_their_own(self):
        tokens = client(MARIA).personal_access_tokens.list(get_all=True)
        self.assertEqual([t.name for t in tokens], ["script", "ci-read", "old laptop"])
        self.assertEqual({t.user_id for t in tokens}, {MARIA_ID})
        script = by_name(tokens)["script"]
        self.assertEqual(script.scopes, ["api"])
        self.assertEqual(script.expires_at, "2026-01-01")
        self.assertEqual(script.description, "scripts on my laptop")
        self.assertFalse(hasattr(script, "token"))
        active = client(MARIA).personal_access_tokens.list(state="active", get_all=True)
        self.assertEqual([t.name for t in active], ["script", "ci-read"])
        self.assertEqual(
            [t.name for t in client(MARIA).personal_access_tokens.list(revoked=True)],
            ["old laptop"],
        )

    def test_an_admin_lists_anyones(self):
        admin = client(ROOT)
        tokens = admin.personal_access_tokens.list(user_id=MARIA_ID, get_all=True)
        self.assertEqual([t.name for t in tokens], ["script", "ci-read", "old laptop"])
        everyone = admin.personal_access_tokens.list(get_all=True)
        self.assertEqual(len(everyone), len(tokens) + 1 + 1 + 2 + 1 + 45 + 5 + 23)
        # A non-admin naming someone else is refused, as GitLab does, with 401.
        with self.assertGitlabError(gitlab.GitlabAuthenticationError, 401, "401 Unauthorized"):
            client(DEVON).personal_access_tokens.list(user_id=MARIA_ID)

    def test_get_by_id_and_self(self):
        gl = client(MARIA)
        script = by_name(gl.personal_access_tokens.list(get_all=True))["script"]
        one = gl.personal_access_tokens.get(script.id)
        self.assertEqual((one.name, one.scopes, one.active), ("script", ["api"], True))
        itself = client(MARIA_READ_API).personal_access_tokens.get("self")
        self.assertEqual(
            (itself.name, itself.scopes, itself.user_id), ("ci-read", ["read_api"], MARIA_ID)
        )
        self.assertEqual(itself.expires_at, days_after_today(30))
        # Someone else's token is "not yours" (401) to a user; an admin sees it, or 404.
        with self.assertRaises(gitlab.GitlabAuthenticationError):
            client(DEVON).personal_access_tokens.get(script.id)
        self.assertEqual(client(ROOT).personal_access_tokens.get(script.id).user_id, MARIA_ID)
        with self.assertGitlabError(gitlab.GitlabGetError, 404, "404 Not Found"):
            client(ROOT).personal_access_tokens.get(9999)

    def test_rotate_by_id_and_as_an_object(self):
        gl = client(MARIA)
        ci_read = by_name(gl.personal_access_tokens.list(get_all=True))["ci-read"]
        rotated = gl.personal_access_tokens.rotate(ci_read.id, expires_at=days_after_today(60))
        self.assertEqual((rotated["name"], rotated["scopes"]), ("ci-read", ["read_api"]))
        self.assertEqual(rotated["expires_at"], days_after_today(60))
        self.assertTrue(rotated["token"].startswith("glpat-"))
        self.assertTrue(gl.personal_access_tokens.get(ci_read.id).revoked)
        with self.assertRaises(gitlab.GitlabAuthenticationError):
            client(MARIA_READ_API).auth()
        client(rotated["token"]).auth()

        token = gl.personal_access_tokens.get(rotated["id"])
        token.rotate()
        self.assertNotEqual(token.id, rotated["id"])
        self.assertEqual(token.expires_at, days_after_today(7))
        self.assertTrue(token.token.startswith("glpat-"))

    def test_a_token_rotates_itself(self):
        gl = client(MARIA)
        itself = gl.personal_access_tokens.get("self")
        rotated = itself.rotate(self_rotate=True)
        self.assertEqual(itself.token, rotated["token"])
        self.assertEqual(itself.name, "script")
        with self.assertRaises(gitlab.GitlabAuthenticationError):
            gl.auth()
        fresh = client(itself.token)
        fresh.auth()
        self.assertEqual(fresh.user.username, "maria")
        # read_api may not rotate itself: GitLab asks for api or self_rotate.
        with self.assertGitlabError(gitlab.GitlabRotateError, 403, "insufficient_scope"):
            client(MARIA_READ_API).personal_access_tokens.rotate("self")

    def test_delete_by_id_as_an_object_and_self(self):
        gl = client(MARIA)
        tokens = by_name(gl.personal_access_tokens.list(get_all=True))
        tokens["ci-read"].delete()
        self.assertTrue(gl.personal_access_tokens.get(tokens["ci-read"].id).revoked)
        with self.assertGitlabError(gitlab.GitlabDeleteError, 400, "400 Bad request"):
            client(DEVON).personal_access_tokens.delete(tokens["script"].id)
        # An unknown id is ActiveRecord's "Not found", lower-case f.
        with self.assertGitlabError(gitlab.GitlabDeleteError, 404, "404 Not found"):
            gl.personal_access_tokens.delete(9999)
        gl.personal_access_tokens.delete("self")
        with self.assertRaises(gitlab.GitlabAuthenticationError):
            gl.personal_access_tokens.list()

    def test_an_admin_creates_one_for_a_user(self):
        admin = client(ROOT)
        maria = admin.users.get(MARIA_ID)
        created = maria.personal_access_tokens.create(
            {
                "name": "made by admin",
                "scopes": ["read_repository", "read_api"],
                "expires_at": days_after_today(10),
            }
        )
        self.assertEqual(created.user_id, MARIA_ID)
        self.assertEqual(created.scopes, ["read_repository", "read_api"])
        self.assertEqual(created.expires_at, days_after_today(10))
        self.assertTrue(created.token.startswith("glpat-"))
        self.assertIn(
            "made by admin",
            [t.name for t in client(MARIA).personal_access_tokens.list(get_all=True)],
        )
        # Without a date GitLab gives the longest lifetime; beyond it the model refuses (422).
        self.assertEqual(
            maria.personal_access_tokens.create({"name": "x", "scopes": ["api"]}).expires_at,
            days_after_today(365),
        )
        with self.assertGitlabError(
            gitlab.GitlabCreateError, 422, f"Expiration date must be before {days_after_today(365)}"
        ):
            maria.personal_access_tokens.create(
                {"name": "x", "scopes": ["api"], "expires_at": days_after_today(366)}
            )
        # Only admins may.
        with self.assertGitlabError(gitlab.GitlabCreateError, 403, "403 Forbidden"):
            client(MARIA).users.get(MARIA_ID, lazy=True).personal_access_tokens.create(
                {"name": "x", "scopes": ["api"]}
            )

    def test_self_service_creation(self):
        # python-gitlab 8.6 has no manager for POST /user/personal_access_tokens; a script posts.
        gl = client(DEVON)
        created = gl.http_post(
            "/user/personal_access_tokens", post_data={"name": "k8s", "scopes": ["k8s_proxy"]}
        )
        self.assertEqual((created["name"], created["scopes"]), ("k8s", ["k8s_proxy"]))
        self.assertEqual(created["expires_at"], days_after_today(1))
        self.assertTrue(created["token"].startswith("glpat-"))
        with self.assertGitlabError(
            gitlab.GitlabHttpError, 400, "scopes does not have a valid value"
        ):
            gl.http_post("/user/personal_access_tokens", post_data={"name": "x", "scopes": ["api"]})
