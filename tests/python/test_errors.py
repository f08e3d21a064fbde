"""The exceptions python-gitlab raises from GitLab's status codes and bodies when the credential
itself is the problem, or the instance throttles. Refusals of each kind are tested with the
kind."""

import gitlab

from support import DEVON_EXPIRED, MARIA, VERA, SimTestCase, client, fault

REVOKED = "glpat-py-maria-revoked-01"


class AuthenticationErrorsTest(SimTestCase):
    def test_an_unknown_token(self):
        gl = client("glpat-py-not-a-real-token")
        with self.assertGitlabError(gitlab.GitlabAuthenticationError, 401, "401 Unauthorized"):
            gl.auth()
        with self.assertRaises(gitlab.GitlabAuthenticationError):
            gl.projects.get("acme/web").access_tokens.list()

    def test_expired_and_revoked_tokens(self):
        # The OAuth guard's body: {"error": "invalid_token", "error_description": ...}.
        for token in (DEVON_EXPIRED, REVOKED):
            with self.subTest(token=token):
                with self.assertGitlabError(gitlab.GitlabAuthenticationError, 401, "invalid_token"):
                    client(token).personal_access_tokens.list()

    def test_a_read_api_token_cannot_write(self):
        web = client(VERA).projects.get("acme/web")
        self.assertEqual(len(web.access_tokens.list()), 3)
        with self.assertGitlabError(gitlab.GitlabCreateError, 403, "insufficient_scope"):
            web.access_tokens.create({"name": "x", "scopes": ["api"]})
        with self.assertGitlabError(gitlab.GitlabDeleteError, 403, "insufficient_scope"):
            web.triggers.delete(1)

    def test_not_found(self):
        gl = client(MARIA)
        with self.assertGitlabError(gitlab.GitlabGetError, 404, "404 Group Not Found"):
            gl.groups.get("nobody")
        with self.assertGitlabError(gitlab.GitlabListError, 404, "404 Project Not Found"):
            gl.projects.get(12345, lazy=True).access_tokens.list()


class ThrottlingTest(SimTestCase):
    THROTTLED = dict(
        method="GET",
        path="/api/v4/projects/100/access_tokens",
        status=429,
        body="Retry later\n",
        headers={"Retry-After": "0"},
    )

    def test_python_gitlab_waits_and_retries(self):
        fault(count=2, **self.THROTTLED)
        web = client(MARIA).projects.get(100, lazy=True)
        self.assertEqual(len(web.access_tokens.list()), 3)

    def test_until_it_gives_up(self):
        fault(count=2, **self.THROTTLED)
        gl = client(MARIA)
        # Rack::Attack's plain-text body is the message.
        with self.assertGitlabError(gitlab.GitlabListError, 429, "Retry later\n"):
            gl.projects.get(100, lazy=True).access_tokens.list(max_retries=1)
