"""Deploy keys through `project.keys`: list, get, create, update (`save()`), delete, and
`enable()` of a key from another project."""

import gitlab

from support import DEVON, KEY_API, KEY_NEW, KEY_WEB, MARIA, SimTestCase, client, fingerprints


class DeployKeysTest(SimTestCase):
    def web(self, token=MARIA):
        return client(token).projects.get("acme/web")

    def test_list_and_get(self):
        keys = self.web().keys.list(get_all=True)
        self.assertEqual([k.title for k in keys], ["deployer"])
        key = keys[0]
        md5, sha256 = fingerprints(KEY_WEB)
        self.assertEqual((key.key, key.fingerprint, key.fingerprint_sha256), (KEY_WEB, md5, sha256))
        self.assertTrue(key.can_push)
        self.assertIsNone(key.expires_at)
        self.assertEqual(self.web().keys.get(key.id).title, "deployer")

    def test_create_update_delete(self):
        keys = self.web().keys
        created = keys.create(
            {
                "title": "new deployer",
                "key": KEY_NEW,
                "can_push": False,
                "expires_at": "2026-03-01T00:00:00Z",
            }
        )
        self.assertEqual((created.fingerprint, created.fingerprint_sha256), fingerprints(KEY_NEW))
        self.assertFalse(created.can_push)
        self.assertEqual(created.expires_at, "2026-03-01T00:00:00.000Z")

        created.title = "renamed"
        created.can_push = True
        created.save()
        again = keys.get(created.id)
        self.assertEqual((again.title, again.can_push), ("renamed", True))

        again.delete()
        self.assertEqual([k.title for k in keys.list(get_all=True)], ["deployer"])
        with self.assertGitlabError(gitlab.GitlabGetError, 404, "404 Not found"):
            keys.get(created.id)

    def test_enable_a_key_from_another_project(self):
        api_key = client(MARIA).projects.get("acme/api").keys.list()[0]
        enabled = self.web().keys.enable(api_key.id)
        self.assertEqual((enabled["id"], enabled["key"]), (api_key.id, KEY_API))
        self.assertEqual(enabled["fingerprint_sha256"], fingerprints(KEY_API)[1])
        web_keys = {k.title: k for k in self.web().keys.list(get_all=True)}
        self.assertEqual(sorted(web_keys), ["api deployer", "deployer"])
        self.assertFalse(web_keys["api deployer"].can_push)
        with self.assertGitlabError(
            gitlab.GitlabProjectDeployKeyError, 404, "404 Deploy key Not Found"
        ):
            self.web().keys.enable(999)

    def test_refusals_and_model_errors(self):
        with self.assertGitlabError(gitlab.GitlabListError, 403, "403 Forbidden"):
            self.web(DEVON).keys.list()
        # render_validation_error!: the message is an object of attribute errors.
        with self.assertGitlabError(
            gitlab.GitlabCreateError,
            400,
            {
                "deploy_key.key": [
                    "type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK"
                ],
                "deploy_key.fingerprint_sha256": ["cannot be generated"],
            },
        ):
            self.web().keys.create({"title": "broken", "key": "ssh-ed25519 AAAAbroken"})
        # The same key with another comment is the same key.
        with self.assertGitlabError(
            gitlab.GitlabCreateError,
            400,
            {"deploy_key.fingerprint_sha256": ["has already been taken"]},
        ):
            self.web().keys.create(
                {"title": "again", "key": KEY_WEB.replace("deploy-a@demo", "copy")}
            )
        with self.assertGitlabError(
            gitlab.GitlabUpdateError,
            400,
            "title, can_push are missing, at least one parameter must be provided",
        ):
            self.web().keys.update(self.web().keys.list()[0].id, {"expires_at": "2026-01-01"})
