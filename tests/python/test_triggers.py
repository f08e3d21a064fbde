"""Pipeline trigger tokens through `project.triggers`: list, get, create, update (`save()`),
delete."""

import re

import gitlab

from support import DEVON, MARIA, OLIVIA, SimTestCase, client


class TriggersTest(SimTestCase):
    def web(self, token=MARIA):
        return client(token).projects.get("acme/web")

    def test_only_the_owner_sees_the_whole_token(self):
        triggers = {t.description: t for t in self.web().triggers.list(get_all=True)}
        self.assertEqual(sorted(triggers), ["nightly", "release"])
        self.assertRegex(triggers["nightly"].token, r"^glptt-[0-9a-f]{40}$")
        self.assertEqual(triggers["nightly"].owner["username"], "maria")
        # Olivia's trigger: Maria sees the first four characters after the prefix.
        self.assertRegex(triggers["release"].token, r"^[0-9a-f]{4}$")
        whole = self.web(OLIVIA).triggers.get(triggers["release"].id).token
        self.assertEqual(whole[len("glptt-") :][:4], triggers["release"].token)

    def test_create_update_delete(self):
        triggers = self.web().triggers
        created = triggers.create({"description": "deploy"})
        self.assertTrue(re.fullmatch(r"glptt-[0-9a-f]{40}", created.token))
        self.assertEqual(created.owner["username"], "maria")
        created.description = "deploy to production"
        created.save()
        self.assertEqual(triggers.get(created.id).description, "deploy to production")
        created.delete()
        self.assertEqual(
            sorted(t.description for t in triggers.list(get_all=True)), ["nightly", "release"]
        )
        with self.assertGitlabError(gitlab.GitlabGetError, 404, "404 Not found"):
            triggers.get(created.id)

    def test_only_the_owner_edits_any_maintainer_deletes(self):
        release = [t for t in self.web().triggers.list() if t.description == "release"][0]
        release.description = "mine now"
        with self.assertGitlabError(
            gitlab.GitlabUpdateError,
            403,
            "403 Forbidden - The current user is not authorized to update the pipeline trigger token",
        ):
            release.save()
        release.delete()
        self.assertEqual([t.description for t in self.web(OLIVIA).triggers.list()], ["nightly"])

    def test_developers_are_forbidden(self):
        with self.assertGitlabError(gitlab.GitlabListError, 403, "403 Forbidden"):
            self.web(DEVON).triggers.list()
        with self.assertGitlabError(gitlab.GitlabCreateError, 403, "403 Forbidden"):
            self.web(DEVON).triggers.create({"description": "mine"})
