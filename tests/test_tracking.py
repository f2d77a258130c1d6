"""The one tracking issue, through the real CLI against a fake GitHub issues API.

The fake (`simweb/fake_github_issues.py`) is mounted on the simulated web at 127.0.0.1 and
reached over real HTTPS by PyGithub, exactly as `linkwarden gh-issue --api-url` would reach
a GitHub Enterprise server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwarden.cli import main
from linkwarden.model import Finding, Severity, Upstream
from linkwarden.state.codec import write_snapshot
from linkwarden.state.snapshot import RunInfo, Snapshot, SourceInfo
from linkwarden.tracking import build_summary, keys_in, marker, with_marker
from simweb import SimWeb
from simweb.fake_github_issues import FakeGitHubIssues

REPO = "octo/lists"
TOKEN = "test-token"


def finding(
    line: int, url: str, *, code: str = "LW201", severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(
        code=code,
        rule="dead-link",
        severity=severity,
        message="HTTP 404 Not Found",
        list_name="awesome-demo",
        path="sources/awesome-demo.md",
        line=line,
        url=url,
    )


def write_night(report_dir: Path, night: int, findings: list[Finding]) -> None:
    snapshot = Snapshot(
        run=RunInfo(
            schema_version=1, tool_version="0.1.0", generated_at=f"2026-01-0{night}T03:00:00Z"
        ),
        sources=(
            SourceInfo(
                name="awesome-demo",
                path="sources/awesome-demo.md",
                content_hash="0" * 64,
                upstream=Upstream("octo/awesome-demo", "main", "README.md"),
            ),
        ),
        findings=tuple(findings),
    )
    write_snapshot(report_dir / "latest.json", snapshot)


@pytest.fixture
def github(simweb: SimWeb, monkeypatch: pytest.MonkeyPatch) -> FakeGitHubIssues:
    for name in (
        "GITHUB_TOKEN",
        "GITHUB_SHA",
        "GITHUB_REPOSITORY",
        "GITHUB_RUN_ID",
        "GITHUB_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    fake = FakeGitHubIssues(base=f"https://127.0.0.1:{simweb.tls_port}", repos=(REPO,), token=TOKEN)
    simweb.mount("127.0.0.1", fake)
    return fake


def gh_issue(sim: SimWeb, report_dir: Path, *extra: str, token: str = TOKEN) -> int:
    return main(
        [
            "gh-issue",
            "--report", str(report_dir),
            "--api-url", f"https://127.0.0.1:{sim.tls_port}",
            "--cacert", sim.ca_pem_path,
            "--github-token", token,
            "--write-interval", "0",
            *extra,
        ]
    )  # fmt: skip


def test_three_nights_keep_exactly_one_issue(
    simweb: SimWeb, github: FakeGitHubIssues, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = "https://example.org/gone"
    moved = "https://example.org/moved-away"
    # Night 1: one dead link → the issue is created, labelled.
    write_night(tmp_path, 1, [finding(12, gone)])
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    assert "created tracking issue #1" in capsys.readouterr().out
    [issue] = github.all_issues()
    assert issue["state"] == "open"
    assert [label["name"] for label in issue["labels"]] == ["linkwarden"]
    assert issue["title"] == "Link check: 1 problem in the lists"
    assert "https://github.com/octo/awesome-demo/blob/main/README.md#L12" in issue["body"]

    # Night 2: one more → the same issue, edited in place, one comment naming the new one.
    write_night(tmp_path, 2, [finding(12, gone), finding(30, moved)])
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    assert "updated tracking issue #1 in place; 1 new problem(s)" in capsys.readouterr().out
    [issue] = github.all_issues()
    assert issue["title"] == "Link check: 2 problems in the lists"
    assert moved in issue["body"] and gone in issue["body"]
    [comment] = github.comments_of(1)
    assert moved in comment and gone not in comment

    # Night 3: all clear → closed with a comment, still exactly one issue.
    write_night(tmp_path, 3, [])
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    assert "closed tracking issue #1: all clear" in capsys.readouterr().out
    [issue] = github.all_issues()
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    assert "All clear" in github.comments_of(1)[-1]
    creates = [r for r in github.writes() if r.method == "POST" and r.path.endswith("/issues")]
    assert len(creates) == 1


def test_problems_coming_back_reopen_the_same_issue(
    simweb: SimWeb, github: FakeGitHubIssues, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_night(tmp_path, 1, [finding(5, "https://example.org/a")])
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    write_night(tmp_path, 2, [])
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    write_night(tmp_path, 3, [finding(7, "https://example.org/b")])
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    assert "reopened tracking issue #1" in capsys.readouterr().out
    [issue] = github.all_issues()
    assert issue["state"] == "open"
    assert "https://example.org/b" in issue["body"]
    assert "Problems are back" in github.comments_of(1)[-1]


def test_an_unchanged_night_writes_nothing(
    simweb: SimWeb, github: FakeGitHubIssues, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_night(tmp_path, 1, [finding(5, "https://example.org/a")])
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    writes = len(github.writes())
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    assert "is up to date" in capsys.readouterr().out
    assert len(github.writes()) == writes


def test_clean_first_night_creates_nothing_and_warnings_do_not_count(
    simweb: SimWeb, github: FakeGitHubIssues, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_night(tmp_path, 1, [finding(5, "https://example.org/slow", severity=Severity.WARNING)])
    assert gh_issue(simweb, tmp_path, "--repo", REPO) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert github.all_issues() == []
    # With --min-severity warning, the same snapshot is a problem.
    assert gh_issue(simweb, tmp_path, "--repo", REPO, "--min-severity", "warning") == 0
    assert len(github.all_issues()) == 1


def test_an_issue_without_the_label_is_never_touched(
    simweb: SimWeb, github: FakeGitHubIssues, tmp_path: Path
) -> None:
    by_hand = {"title": "Unrelated bug", "labels": ["bug"]}
    auth = {b"authorization": f"token {TOKEN}".encode()}
    assert github.handle("POST", f"/repos/{REPO}/issues", "", by_hand, auth)[0] == 201
    write_night(tmp_path, 1, [finding(5, "https://example.org/a")])
    assert gh_issue(simweb, tmp_path, "--repo", REPO, "--label", "link-health") == 0
    unrelated, ours = github.all_issues()
    assert unrelated["title"] == "Unrelated bug" and unrelated["body"] is None
    assert [label["name"] for label in ours["labels"]] == ["link-health"]


def test_bad_token_is_a_clear_error(
    simweb: SimWeb, github: FakeGitHubIssues, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_night(tmp_path, 1, [finding(5, "https://example.org/a")])
    assert gh_issue(simweb, tmp_path, "--repo", REPO, token="wrong") == 2
    err = capsys.readouterr().err
    assert "GitHub rejected the token" in err and "Traceback" not in err


def test_unknown_repository_is_a_clear_error(
    simweb: SimWeb, github: FakeGitHubIssues, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_night(tmp_path, 1, [finding(5, "https://example.org/a")])
    assert gh_issue(simweb, tmp_path, "--repo", "octo/nope") == 2
    assert "not found" in capsys.readouterr().err


def test_unreachable_api_is_exit_3(
    simweb: SimWeb, github: FakeGitHubIssues, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_night(tmp_path, 1, [finding(5, "https://example.org/a")])
    code = main(
        ["gh-issue", "--report", str(tmp_path), "--repo", REPO, "--github-token", TOKEN,
         "--api-url", f"https://127.0.0.1:{simweb.closed_port}", "--write-interval", "0"]
    )  # fmt: skip
    assert code == 3
    assert "cannot reach the GitHub API" in capsys.readouterr().err


def test_missing_snapshot_and_missing_token(
    github: FakeGitHubIssues, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gh-issue", "--report", str(tmp_path), "--repo", REPO]) == 2
    assert "run `linkwarden check` first" in capsys.readouterr().err
    write_night(tmp_path, 1, [])
    assert main(["gh-issue", "--report", str(tmp_path), "--repo", REPO]) == 2
    assert "needs a token" in capsys.readouterr().err


def test_dry_run_prints_the_body_without_a_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    write_night(tmp_path, 1, [finding(5, "https://example.org/a")])
    assert main(["gh-issue", "--report", str(tmp_path), "--repo", REPO, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Link check: 1 problem in the lists")
    assert "linkwarden:tracking problems=" in out


def test_body_escapes_untrusted_text_and_marker_round_trips() -> None:
    hostile = Finding(
        code="LW201",
        rule="dead-link",
        severity=Severity.ERROR,
        message="ping @maintainer <img src=x onerror=alert(1)>",
        list_name="demo",
        path="demo.md",
        line=3,
        url="https://example.org/x",
    )
    summary = build_summary([hostile])
    assert "@maintainer" not in summary.body  # no mention that notifies anyone
    assert "<img" not in summary.body
    body = with_marker(summary.body, summary.keys)
    assert keys_in(body) == summary.keys and len(summary.keys) == 1
    assert keys_in("no marker here") == frozenset()
    assert marker(frozenset()) in with_marker("x", frozenset())


def test_huge_bodies_are_cut_to_fit_github() -> None:
    many = [finding(n, f"https://example.org/{n}/{'x' * 200}") for n in range(1, 800)]
    summary = build_summary(many)
    body = with_marker(summary.body, summary.keys)
    assert len(body) < 65_536
    assert keys_in(body) == summary.keys  # the marker survives the cut
