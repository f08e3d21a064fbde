"""Who is signed in and where: version, current user, users, groups, projects."""

import gitlab

from support import DEVON, MARIA, OLIVIA, ROOT, VERA, SimTestCase, client


class SessionTest(SimTestCase):
    def test_version(self):
        gl = client(MARIA)
        version, revision = gl.version()
        self.assertEqual(version, "18.6.0")
        self.assertNotEqual(revision, "unknown")

    def test_auth_sets_the_current_user(self):
        gl = client(MARIA)
        gl.auth()
        self.assertEqual(gl.user.username, "maria")
        self.assertEqual(gl.user.id, 3)
        self.assertFalse(hasattr(gl.user, "is_admin"))
        admin = client(ROOT)
        admin.auth()
        self.assertTrue(admin.user.is_admin)

    def test_read_api_token_may_read_the_current_user(self):
        gl = client(VERA)
        gl.auth()
        self.assertEqual(gl.user.username, "vera")

    def test_users_get(self):
        gl = client(DEVON)
        olivia = gl.users.get(2)
        self.assertEqual((olivia.username, olivia.name), ("olivia", "Olivia Owner"))
        self.assertFalse(olivia.bot)
        with self.assertGitlabError(gitlab.GitlabGetError, 404, "404 User Not Found"):
            gl.users.get(999)

    def test_groups_with_min_access_level(self):
        gl = client(MARIA)
        owned = gl.groups.list(min_access_level=50, get_all=True)
        self.assertEqual([g.full_path for g in owned], ["tools"])
        maintained = gl.groups.list(min_access_level=40, get_all=True)
        self.assertEqual([g.full_path for g in maintained], ["acme", "tools"])
        self.assertEqual(
            client(OLIVIA).groups.list(min_access_level=50, get_all=True)[0].path, "acme"
        )
        self.assertEqual(client(DEVON).groups.list(min_access_level=40, get_all=True), [])

    def test_projects_by_path_and_id(self):
        gl = client(MARIA)
        web = gl.projects.get("acme/web")
        self.assertEqual((web.id, web.path_with_namespace), (100, "acme/web"))
        self.assertEqual(gl.projects.get(101).path_with_namespace, "acme/api")
        group = gl.groups.get("acme")
        self.assertEqual(group.id, 10)
        with self.assertGitlabError(gitlab.GitlabGetError, 404, "404 Project Not Found"):
            gl.projects.get("acme/nothing")
