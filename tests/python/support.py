"""What the python-gitlab checks share: the sim's address, a client per fixture user, and a
fresh copy of the fixture before every test.

`./scripts/test python` starts gitlab-sim with `fixture.json` and passes its address in
`TOKENWARDEN_SIM_URL` and the secret its test hooks need in `TOKENWARDEN_SIM_CONTROL`. The tests drive python-gitlab's own managers, unchanged, the way a user's
script would, and expect GitLab's answers: paths, parameters, permissions, status codes, error
bodies and pagination headers.
"""

import base64
import contextlib
import datetime
import hashlib
import json
import os
import unittest
import urllib.request
import warnings
from pathlib import Path

import gitlab

FIXTURE = json.loads(Path(__file__).with_name("fixture.json").read_text())
TODAY = FIXTURE["today"]

# Fixture test credentials (printed by the sim at start-up too).
ROOT = "glpat-py-root-admin-00001"
OLIVIA = "glpat-py-olivia-owner-001"  # Owner of group acme
MARIA = "glpat-py-maria-maint-0001"  # Maintainer of acme (so of acme/web, acme/api), Owner of tools
MARIA_READ_API = "glpat-py-maria-readapi-01"
DEVON = "glpat-py-devon-dev-000001"  # Developer of acme/web
DEVON_EXPIRED = "glpat-py-devon-expired-01"
VERA = "glpat-py-vera-readapi-001"  # Maintainer of acme/web, read_api token
WEB_RELEASE_BOT = "glpat-py-web-release-bot1"  # project access token of acme/web, Maintainer, api
GROUP_RELEASE_BOT = "glpat-py-group-release-1"  # group access token of acme, Maintainer, api

USER_IDS = {u["username"]: u["id"] for u in FIXTURE["users"]}

# OpenSSH public keys: the first two are in the fixture (acme/web, acme/api), the third is new.
KEY_WEB = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILLa24DbLkEFjrGEwpK2yZ38PzlMgLMwsdHiWN7STR+b deploy-a@demo"
)
KEY_API = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNL7ra8bg79HObz5gOaR7isYwo9bDx8xFdPyavDa26R deploy-b@demo"
)
KEY_NEW = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBlDavdGKF1yhwTVkaKrWdZiKGfE2DSksW6K+u7ehK8S deploy-c@demo"
)


def days_after_today(days):
    """The fixture's date plus `days`, as GitLab writes dates (`YYYY-MM-DD`)."""
    return (datetime.date.fromisoformat(TODAY) + datetime.timedelta(days=days)).isoformat()


def sim_url():
    url = os.environ.get("TOKENWARDEN_SIM_URL")
    if not url:
        raise RuntimeError(
            "TOKENWARDEN_SIM_URL is not set: run these through ./scripts/test python"
        )
    return url.rstrip("/")


def control_secret():
    secret = os.environ.get("TOKENWARDEN_SIM_CONTROL")
    if not secret:
        raise RuntimeError(
            "TOKENWARDEN_SIM_CONTROL is not set: run these through ./scripts/test python"
        )
    return secret


def client(token):
    """A python-gitlab client signed in with `token`, as a script would make one."""
    return gitlab.Gitlab(sim_url(), private_token=token, retry_transient_errors=False)


def sim_control(route, body=b""):
    """POST to one of the sim's own routes (`reset`, `faults`, `clock`), which answer 204."""
    request = urllib.request.Request(
        f"{sim_url()}/-/sim/{route}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Sim-Control": control_secret()},
    )
    with urllib.request.urlopen(request) as response:
        if response.status != 204:
            raise RuntimeError(f"POST /-/sim/{route} answered {response.status}")


def reset():
    """Puts the sim back to the fixture it was started with (faults included)."""
    sim_control("reset")


def fault(**spec):
    """Makes the next requests matching `spec` fail (see gitlab-sim's README, /-/sim/faults)."""
    sim_control("faults", json.dumps(spec).encode())


def fingerprints(public_key):
    """(MD5, SHA256) fingerprints as `ssh-keygen -l` prints them, computed here from the key."""
    blob = base64.b64decode(public_key.split()[1])
    md5 = hashlib.md5(blob).hexdigest()
    sha256 = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return ":".join(md5[i : i + 2] for i in range(0, 32, 2)), f"SHA256:{sha256}"


def place(token, kind, path, lazy=False):
    """The project or group (`kind`) at `path`, through a client signed in with `token`."""
    gl = client(token)
    return (gl.projects if kind == "project" else gl.groups).get(path, lazy=lazy)


def by_name(objects):
    return {o.name: o for o in objects}


class SimTestCase(unittest.TestCase):
    """Every test starts from the fixture; python-gitlab's warnings (a base URL the server does
    not echo, a list cut short by pagination) fail the test unless it expects them."""

    def setUp(self):
        reset()
        catcher = warnings.catch_warnings()
        catcher.__enter__()
        self.addCleanup(catcher.__exit__, None, None, None)
        warnings.simplefilter("error", UserWarning)

    @contextlib.contextmanager
    def assertGitlabError(self, cls, code, message):
        """The block raises exactly `cls` (not a subclass), for HTTP status `code`, with
        `message`: what python-gitlab took from GitLab's answer (the JSON body's `message` or
        `error`, else the body itself)."""
        with self.assertRaises(cls) as raised:
            yield
        error = raised.exception
        self.assertIs(type(error), cls, f"{error!r}")
        self.assertEqual(error.response_code, code)
        self.assertEqual(error.error_message, message)
