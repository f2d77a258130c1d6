"""`check` does not make HTTP checks wait for API answers they do not need.

The real CLI against the simulated web with the fake GitHub API behind a latency: without
a token the anonymous REST requests go one at a time, and the repositories past the quota
(decided from `/rate_limit` before the first repository request) and the files inside
repositories are fetched from github.com meanwhile, not after the last REST answer. Only
the order of the logged requests is asserted, never durations.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from pathlib import Path

from enrich_helpers import TOKEN, mount_fakes
from linkwarden.cli import main
from simweb import Page, SimWeb
from simweb.fake_github import Repo

OWNERS = [f"team{i:02d}/model{i:02d}" for i in range(10)]
FILE = "https://github.com/team00/model00/blob/main/train.py"
CONFIG = "arxiv:\n  interval: 0.05\ngithub:\n  reserve: 5\n"


def _run_check(sim: SimWeb, tmp_path: Path, *token: str) -> int:
    lines = ["# Papers", ""]
    for i, repo in enumerate(OWNERS):
        lines.append(f"- Talking head model number {i} [code](https://github.com/{repo})")
    lines.append(f"- The training script [code]({FILE})")
    listing = tmp_path / "list.md"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "linkwarden.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    argv = ["check", str(listing), "--quiet", "--fail-on", "none"]
    argv += ["--out", str(tmp_path / "out"), "--config", str(config), *token, *sim.cli_args()]
    with contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def _world(sim: SimWeb) -> None:
    for repo in OWNERS:
        sim.set_url(f"https://github.com/{repo}", Page(title=f"GitHub - {repo}"))
    sim.set_url(FILE, Page(title="train.py"))
    sim.set_latency("api.github.com", 0.05)


def test_without_a_token_github_pages_are_checked_while_rest_requests_run(
    simweb: SimWeb, tmp_path: Path
) -> None:
    _, github = mount_fakes(simweb)
    for number, repo in enumerate(OWNERS, start=900_000):
        github.add(Repo(full_name=repo, id=number))
    # 4 requests of quota beyond the reserve (and the one a rename may need): 4 planned.
    github.used["anonymous"] = github.anonymous_limit - (5 + 1) - 4
    _world(simweb)

    assert _run_check(simweb, tmp_path) == 0
    simweb.wait_idle()

    rest = [r for r in simweb.requests("api.github.com") if r.path.startswith("/repos/")]
    pages = simweb.requests("github.com")
    assert len(rest) == 4  # the plan: the quota minus the reserve minus one, never more
    asked = {r.path.removeprefix("/repos/").lower() for r in rest}
    fetched = {r.path.strip("/").lower() for r in pages}
    # Each repository is verified once: through REST or over HTTP, never both.
    assert asked.isdisjoint(fetched)
    assert asked | fetched == {*OWNERS, "team00/model00/blob/main/train.py"}
    # REST requests are serial: each starts after the previous one has finished.
    for before, after in itertools.pairwise(rest):
        assert before.finished is not None and before.finished <= after.started
    # The HTTP checks of github.com did not wait for the REST requests to finish: the first
    # page request started before the last REST request did.
    assert min(p.started for p in pages) < rest[-1].started


def test_with_a_token_files_in_repositories_do_not_wait_for_the_api(
    simweb: SimWeb, tmp_path: Path
) -> None:
    _, github = mount_fakes(simweb)
    for number, repo in enumerate(OWNERS, start=900_000):
        github.add(Repo(full_name=repo, id=number))
    _world(simweb)
    simweb.set_latency("api.github.com", 0.3)  # the GraphQL answer takes a while

    assert _run_check(simweb, tmp_path, "--github-token", TOKEN) == 0
    simweb.wait_idle()

    graphql = [r for r in simweb.requests("api.github.com") if r.path.endswith("graphql")]
    pages = simweb.requests("github.com")
    assert len(graphql) == 1
    # Only the file is fetched (the API answers the repositories), and before the answer.
    assert [p.path for p in pages] == ["/team00/model00/blob/main/train.py"]
    assert graphql[0].finished is not None and pages[0].started < graphql[0].finished
