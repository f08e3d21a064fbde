"""Every credential the signed-in user manages, listed the way a plain python-gitlab script
lists them today: one list after another, each read to its last page at 100 rows a page.

    python bench/python_gitlab_scan.py URL [TOKEN]

bench/inventory.mjs runs this against gitlab-sim and compares it with the page's own scan; it
works against any GitLab. Prints what it found per kind, then one machine-readable line:

    python-gitlab-scan: wall_ms=<n> requests=<n> tokens=<n>

`requests` counts every HTTP answer the session received (a requests response hook), pages
included.
"""

import argparse
import sys
import time
from collections import Counter

import gitlab
import requests

# The owner of an instance made by `gitlab-sim --generate`.
GENERATED_OWNER = "glpat-generated-owner-001"
PER_PAGE = 100
MAINTAINER = 40
OWNER = 50


def scan(gl):
    """Counts of what each list returned, by kind."""
    found = Counter()

    def count(kind, manager):
        found[kind] += len(manager.list(get_all=True, per_page=PER_PAGE))

    for project in gl.projects.list(min_access_level=MAINTAINER, iterator=True, per_page=PER_PAGE):
        count("project access tokens", project.access_tokens)
        count("project deploy tokens", project.deploytokens)
        count("deploy keys", project.keys)
        count("pipeline triggers", project.triggers)
    # A Maintainer may read a group's deploy tokens; only its Owner its access tokens.
    for group in gl.groups.list(min_access_level=MAINTAINER, iterator=True, per_page=PER_PAGE):
        count("group deploy tokens", group.deploytokens)
    for group in gl.groups.list(min_access_level=OWNER, iterator=True, per_page=PER_PAGE):
        count("group access tokens", group.access_tokens)
    count("personal access tokens", gl.personal_access_tokens)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the GitLab address, e.g. http://127.0.0.1:3000")
    parser.add_argument(
        "token", nargs="?", default=GENERATED_OWNER, help="a personal access token (read_api)"
    )
    args = parser.parse_args()

    answers = Counter()
    session = requests.Session()
    session.hooks["response"].append(lambda r, *_, **__: answers.update([r.request.method]))
    gl = gitlab.Gitlab(args.url, private_token=args.token, session=session)

    start = time.perf_counter()
    found = scan(gl)
    wall_ms = (time.perf_counter() - start) * 1000

    width = max(map(len, found))
    for kind, n in sorted(found.items()):
        print(f"  {kind:<{width}}  {n:>6}")
    print(f"  {'in all':<{width}}  {sum(found.values()):>6}")
    versions = f"python-gitlab {gitlab.__version__}, requests {requests.__version__}"
    print(f"{versions}; HTTP answers by method: {dict(answers)}")
    print(
        f"python-gitlab-scan: wall_ms={wall_ms:.0f} requests={sum(answers.values())}"
        f" tokens={sum(found.values())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
