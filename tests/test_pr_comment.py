"""The one PR comment: `check --changed-since REF --comment` against the fake GitHub API.

The repository, list and nightly snapshot are test_pr_mode's (a real git repository, the
real CLI, the simulated web). The fake issues API (`simweb/fake_github_issues.py`) is
mounted on the simulated web and reached over HTTPS by PyGithub, the way the action reaches
api.github.com: `GITHUB_API_URL`, `GITHUB_REPOSITORY`, `GITHUB_TOKEN` and the event file
`GITHUB_EVENT_PATH` as a runner sets them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkwarden.cli import main
from linkwarden.report.pr_comment import MARKER, render_pr_comment
from simweb import NotFound, SimWeb
from simweb.fake_github_issues import FakeGitHubIssues
from test_pr_mode import edit, repo, web  # noqa: F401  (fixtures: the repository and web)

pytestmark = pytest.mark.e2e

OWNER_REPO = "octo/lists"
WRITE_TOKEN = "write-token"
FORK_TOKEN = "fork-read-only-token"
PR = 7


@pytest.fixture
def github(repo: Path, web: SimWeb, monkeypatch: pytest.MonkeyPatch) -> FakeGitHubIssues:  # noqa: F811
    fake = FakeGitHubIssues(
        base=f"https://127.0.0.1:{web.tls_port}", repos=(OWNER_REPO,), token=WRITE_TOKEN,
        read_only_tokens=(FORK_TOKEN,),
    )  # fmt: skip
    fake.add_pull_request(PR, "Add two papers")
    web.mount("127.0.0.1", fake)
    event = repo / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": PR}}))
    for name, value in {
        "GITHUB_API_URL": f"https://127.0.0.1:{web.tls_port}",
        "GITHUB_REPOSITORY": OWNER_REPO,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REF": f"refs/pull/{PR}/merge",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_STEP_SUMMARY": str(repo / "summary.md"),
        "GITHUB_OUTPUT": str(repo / "output.txt"),
        "GITHUB_TOKEN": WRITE_TOKEN,
    }.items():
        monkeypatch.setenv(name, value)
    return fake


def pr_run(sim: SimWeb) -> int:
    return main(
        ["check", "awesome.md", "--quiet", "--changed-since", "HEAD", "--comment",
         "--annotations", *sim.cli_args()]
    )  # fmt: skip


def outputs(folder: Path) -> dict[str, str]:
    lines = (folder / "output.txt").read_text(encoding="utf-8").splitlines()
    found = dict(line.split("=", 1) for line in lines)
    (folder / "output.txt").unlink()
    return found


def test_one_comment_created_then_updated_then_resolved(
    repo: Path,  # noqa: F811
    web: SimWeb,  # noqa: F811
    github: FakeGitHubIssues,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Push 1: a dead link on a new line → exit 1, one comment naming it as new.
    edit(repo, "- [Delta]", "- [Eps](https://fresh.sim.test/missing) - new.\n- [Delta]")
    assert pr_run(web) == 1
    assert f"commented on pull request #{PR}" in capsys.readouterr().err
    [body] = github.comments_of(PR)
    assert body.startswith(MARKER)
    assert "fresh.sim.test/missing" in body and "**new**" in body
    assert "https://github.com/octo/lists/actions/runs/4242" in body
    assert outputs(repo) == {
        "dead": "1", "new": "1", "findings-error": "1", "findings-warning": "0",
        "findings-info": "0",
    }  # fmt: skip

    # Push 2: that link fixed, another broken → the same comment, edited in place.
    edit(repo, "https://fresh.sim.test/missing", "https://fresh.sim.test/fine")
    edit(repo, "- [Beta](https://papers.sim.test/beta)", "- [Beta](https://fresh.sim.test/gone)")
    web.set("fresh.sim.test", "/gone", NotFound())
    assert pr_run(web) == 1
    assert f"updated the comment on pull request #{PR} in place" in capsys.readouterr().err
    [body] = github.comments_of(PR)
    assert "fresh.sim.test/gone" in body and "fresh.sim.test/missing" not in body

    # Push 3: everything fixed → the comment says so; still one comment, one create call.
    edit(repo, "https://fresh.sim.test/gone", "https://papers.sim.test/beta")
    assert pr_run(web) == 0
    assert "marked the comment on pull request #7 resolved" in capsys.readouterr().err
    [body] = github.comments_of(PR)
    assert "no link problems on the changed lines" in body
    creates = [r for r in github.writes() if r.method == "POST"]
    assert len(creates) == 1
    # Push 4: nothing changed since → no write at all.
    writes = len(github.writes())
    assert pr_run(web) == 0
    assert len(github.writes()) == writes


def test_a_clean_pull_request_gets_no_comment(
    repo: Path,  # noqa: F811
    web: SimWeb,  # noqa: F811
    github: FakeGitHubIssues,
    capsys: pytest.CaptureFixture[str],
) -> None:
    edit(repo, "- [Delta]", "- [Eps](https://fresh.sim.test/fine) - new.\n- [Delta]")
    assert pr_run(web) == 0
    assert "nothing to do" in capsys.readouterr().err
    assert github.comments_of(PR) == [] and github.writes() == []


def test_a_fork_token_falls_back_to_summary_and_annotations_without_failing(
    repo: Path,  # noqa: F811
    web: SimWeb,  # noqa: F811
    github: FakeGitHubIssues,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", FORK_TOKEN)
    edit(repo, "- [Delta]", "- [Eps](https://fresh.sim.test/missing) - new.\n- [Delta]")
    assert pr_run(web) == 1  # the check's own verdict (a new dead link), not an API error
    captured = capsys.readouterr()
    assert "could not comment on pull request #7" in captured.err
    assert "read-only token" in captured.err and "Traceback" not in captured.err
    assert "::error file=awesome.md" in captured.out  # the annotations are still there
    summary = (repo / "summary.md").read_text(encoding="utf-8")
    assert "fresh.sim.test/missing" in summary and "read-only token" in summary
    assert github.comments_of(PR) == []
    assert [r.method for r in github.requests if r.method != "GET"] == ["POST"]  # refused

    # Clean fork PR: exit 0, nothing written, no complaint about comments (none needed).
    edit(repo, "https://fresh.sim.test/missing", "https://fresh.sim.test/fine")
    assert pr_run(web) == 0


def test_comment_body_escapes_list_text() -> None:
    from linkwarden.model import Finding, Severity

    evil = Finding(
        code="LW201", rule="dead-link", severity=Severity.ERROR,
        message="gone @octocat #123 | <b>x</b>", list_name="l", path="l.md", line=3,
        url="https://example.org/a|b",
    )  # fmt: skip
    body = render_pr_comment(ref="main", commit="abc", checked=1, rows=[(evil, True)])
    assert "@octocat" not in body and "<b>" not in body and "#123" not in body
    assert "\\|" in body  # the pipe cannot split the table cell
