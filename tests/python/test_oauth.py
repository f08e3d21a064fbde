"""OAuth 2.0 access tokens in python-gitlab: a token from the authorization code flow with PKCE
(approved through the sim's `sim_user`, since it has no sign-in), then `Gitlab(oauth_token=...)`
managing project access tokens with it, a refresh, and a revoke."""

import base64
import hashlib
import secrets
import urllib.parse

import gitlab
import requests

from support import SimTestCase, days_after_today, sim_url

# The fixture's non-confidential application; a loopback redirect URI matches any port.
CLIENT_ID = "python-gitlab-test"
REDIRECT_URI = "http://127.0.0.1:8765/callback"


def pkce_pair():
    """A fresh RFC 7636 verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return verifier, challenge


def oauth_tokens(username, scope="api"):
    """The token endpoint's answer after `username` approved the application for `scope`."""
    verifier, challenge = pkce_pair()
    state = secrets.token_hex(8)
    approval = requests.get(
        f"{sim_url()}/oauth/authorize",
        params={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "state": state,
            "scope": scope,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "sim_user": username,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert approval.status_code == 302, approval.text
    location = urllib.parse.urlsplit(approval.headers["Location"])
    query = urllib.parse.parse_qs(location.query)
    assert query["state"] == [state], query
    response = requests.post(
        f"{sim_url()}/oauth/token",
        data={
            "client_id": CLIENT_ID,
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def oauth_client(access_token):
    return gitlab.Gitlab(sim_url(), oauth_token=access_token, retry_transient_errors=False)


class OauthTest(SimTestCase):
    def test_an_oauth_token_lists_and_creates_project_access_tokens(self):
        tokens = oauth_tokens("maria")
        self.assertEqual(tokens["token_type"], "Bearer")
        self.assertEqual(tokens["expires_in"], 7200)
        self.assertEqual(tokens["scope"], "api")
        gl = oauth_client(tokens["access_token"])
        gl.auth()
        self.assertEqual(gl.user.username, "maria")

        web = gl.projects.get("acme/web")
        before = {t.name for t in web.access_tokens.list(get_all=True)}
        created = web.access_tokens.create(
            {
                "name": "made-with-oauth",
                "scopes": ["read_api"],
                "access_level": 30,
                "expires_at": days_after_today(30),
            }
        )
        self.assertTrue(created.token.startswith("glpat-"))
        self.assertEqual(created.expires_at, days_after_today(30))
        after = {t.name for t in web.access_tokens.list(get_all=True)}
        self.assertEqual(after - before, {"made-with-oauth"})

    def test_a_read_api_oauth_token_reads_but_cannot_create(self):
        gl = oauth_client(oauth_tokens("maria", scope="read_api")["access_token"])
        web = gl.projects.get("acme/web")
        self.assertTrue(web.access_tokens.list(get_all=True))
        with self.assertGitlabError(gitlab.GitlabCreateError, 403, "insufficient_scope"):
            web.access_tokens.create({"name": "x", "scopes": ["api"]})

    def test_refresh_then_revoke(self):
        first = oauth_tokens("maria")
        refreshed = requests.post(
            f"{sim_url()}/oauth/token",
            data={
                "client_id": CLIENT_ID,
                "grant_type": "refresh_token",
                "refresh_token": first["refresh_token"],
            },
            timeout=10,
        )
        self.assertEqual(refreshed.status_code, 200, refreshed.text)
        second = refreshed.json()
        oauth_client(second["access_token"]).auth()
        # Using the new token retired the old pair.
        with self.assertGitlabError(gitlab.GitlabAuthenticationError, 401, "invalid_token"):
            oauth_client(first["access_token"]).auth()

        revoked = requests.post(
            f"{sim_url()}/oauth/revoke",
            data={"client_id": CLIENT_ID, "token": second["access_token"]},
            timeout=10,
        )
        self.assertEqual((revoked.status_code, revoked.json()), (200, {}))
        with self.assertGitlabError(gitlab.GitlabAuthenticationError, 401, "invalid_token"):
            oauth_client(second["access_token"]).auth()
