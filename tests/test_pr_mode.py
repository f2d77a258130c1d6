"""PR mode end to end: a real git repository, the real CLI, the simulated web.

Each test builds a repository the way a list maintainer has one: a list and a config are
committed, the nightly `linkwarden check` writes `reports/latest.json`, that snapshot is
committed too. Then a "pull request" edits the list, and `check --changed-since HEAD` runs.
The simulated web's request log shows which URLs PR mode really fetched.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from linkwarden.cli import main
from simweb import NotFound, Page, SimWeb, Status

pytestmark = pytest.mark.e2e

OK_HOST = "papers.sim.test"
OLD_DEAD_HOST = "old.sim.test"
NEW_HOST = "fresh.sim.test"
CANARY = "canary.sim.test"

LIST = """\
# Awesome demo

## Papers

- [Alpha](https://papers.sim.test/alpha) - a healthy paper.
- [Beta](https://papers.sim.test/beta) - another one.
- [Gamma](https://old.sim.test/gamma) - dead for months: an old problem.
- [Delta](https://papers.sim.test/delta) - fine.
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
         *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture
def web(simweb: SimWeb) -> SimWeb:
    for name in ("alpha", "beta", "delta", "epsilon"):
        simweb.set(OK_HOST, f"/{name}", Page(title=name.title()))
    simweb.set(OLD_DEAD_HOST, "/gamma", NotFound())
    simweb.set(NEW_HOST, "/missing", NotFound())
    simweb.set(NEW_HOST, "/fine", Page(title="Fine"))
    simweb.set(CANARY, "/", Page(title="canary"))
    return simweb


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, web: SimWeb) -> Path:
    """A repository with the list, a config and the committed nightly snapshot."""
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_TOKEN", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    git(tmp_path, "init", "-q", "-b", "main")
    config = {
        "check": {
            "timeout": 1.0,
            "retries": 0,
            "deadline": 10.0,
            "canaries": [f"https://{CANARY}/"],
        }
    }
    (tmp_path / "linkwarden.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / "awesome.md").write_text(LIST, encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "the list")
    nightly = main(["check", "awesome.md", "--quiet", *web.cli_args()])
    assert nightly == 1  # the old dead link fails the full run
    assert (tmp_path / "reports" / "latest.json").is_file()
    git(tmp_path, "add", "reports")
    git(tmp_path, "commit", "-q", "-m", "reports: nightly")
    web.clear_log()
    return tmp_path


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / "awesome.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(repo: Path, needle: str) -> int:
    lines = (repo / "awesome.md").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def pr_check(web: SimWeb, *extra: str) -> int:
    return main(
        ["check", "awesome.md", "--quiet", "--changed-since", "HEAD", *extra, *web.cli_args()]
    )


def fetched(web: SimWeb) -> set[str]:
    return {f"{r.host}{r.path}" for r in web.requests() if r.host != CANARY}


def test_adding_a_dead_link_fails_with_an_annotation_on_its_line(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot_before = (repo / "reports" / "latest.json").read_bytes()
    edit(
        repo,
        "- [Delta]",
        "- [Epsilon](https://fresh.sim.test/missing) - added by the PR.\n- [Delta]",
    )
    added = line_of(repo, "fresh.sim.test/missing")
    summary = repo / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code = pr_check(web, "--annotations")
    out, err = capsys.readouterr()
    assert code == 1, err
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1, out
    assert errors[0].startswith(f"::error file=awesome.md,line={added},")
    assert "fresh.sim.test/missing" in errors[0]
    # Only the new link was fetched: the old dead one and the healthy ones were not.
    assert fetched(web) <= {f"{NEW_HOST}/missing"}
    assert f"{NEW_HOST}/missing" in fetched(web)
    assert not web.requests(OLD_DEAD_HOST)
    # The committed snapshot is the nightly's record: PR mode never rewrites it.
    assert (repo / "reports" / "latest.json").read_bytes() == snapshot_before
    text = summary.read_text(encoding="utf-8")
    assert "links changed since `HEAD`" in text
    assert "1 problem(s) introduced" in text and f"awesome.md:{added}" in text


def test_a_change_elsewhere_neither_rechecks_nor_fails_on_old_problems(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(repo, "/delta) - fine.", "/delta) - fine, and a better description.")
    edit(repo, "# Awesome demo", "# Awesome demo (curated)")
    code = pr_check(web, "--annotations")
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "::error" not in out  # the old dead link on an untouched line is not reported
    # Only the link on the edited line was fetched; untouched lines were not re-checked.
    assert fetched(web) == {f"{OK_HOST}/delta"}
    assert not web.requests(OLD_DEAD_HOST)


def test_editing_the_line_of_a_known_dead_link_reports_it_without_failing(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(repo, "dead for months: an old problem.", "dead for months (typo fixed).")
    code = pr_check(web, "--annotations")
    out, err = capsys.readouterr()
    assert code == 0, err  # --fail-on new: the committed snapshot already had it
    line = line_of(repo, "old.sim.test/gamma")
    assert f"::error file=awesome.md,line={line}," in out
    assert "(known)" in err
    assert pr_check(web, "--fail-on", "any") == 1  # stricter policy: any error on the lines


def test_a_new_healthy_link_passes_and_without_a_snapshot_everything_is_new(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(repo, "- [Delta]", "- [Fine](https://fresh.sim.test/fine) - new and healthy.\n- [Delta]")
    assert pr_check(web) == 0
    (repo / "reports" / "latest.json").unlink()
    edit(repo, "dead for months: an old problem.", "dead for months (edited).")
    assert pr_check(web) == 1  # nothing to compare with: the dead link counts as new
    assert "no committed snapshot" in capsys.readouterr().err


def test_a_first_transient_failure_on_a_changed_line_is_suspect_not_failing(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    # A refused connection is transient but an error-severity cause (LW201): the full run
    # would quarantine it (quarantine_runs: 2, the default), so PR mode must not call it
    # dead, and fail the contributor, the first time either.
    web.refuse("flaky.sim.test")
    edit(repo, "- [Delta]", "- [Flaky](https://flaky.sim.test/paper) - added.\n- [Delta]")
    code = pr_check(web, "--annotations")
    out, err = capsys.readouterr()
    assert code == 0, err
    line = line_of(repo, "flaky.sim.test/paper")
    assert f"::warning file=awesome.md,line={line},title=LW201" in out
    assert "in quarantine: failed 1 of 2 consecutive runs" in out
    assert "::error" not in out
    assert "in quarantine: failed 1 of 2 consecutive runs" in err and "(new)" in err
    assert pr_check(web, "--fail-on", "any") == 0  # a warning fails no policy


def test_a_transient_failure_the_snapshot_already_saw_is_dead_and_fails(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    # The nightly run sees the 503 once (LW203, a warning): in quarantine, committed.
    web.set(OK_HOST, "/beta", Status(503))
    assert main(["check", "awesome.md", "--quiet", *web.cli_args()]) == 1  # gamma (404)
    snapshot = json.loads((repo / "reports" / "latest.json").read_text(encoding="utf-8"))
    beta = next(r for r in snapshot["links"] if r["url"].endswith("/beta"))
    assert (beta["effective"], beta["consecutive_failures"]) == ("suspect", 1)
    git(repo, "add", "reports")
    git(repo, "commit", "-q", "-m", "reports: nightly, beta in quarantine")
    committed = (repo / "reports" / "latest.json").read_bytes()
    capsys.readouterr()
    # The PR touches its line and the re-check fails again: the second run in a row, so
    # the warning becomes an error the snapshot did not have, as in the next nightly.
    edit(repo, "- another one.", "- another one, reworded.")
    code = pr_check(web, "--annotations")
    out, err = capsys.readouterr()
    assert code == 1, err
    line = line_of(repo, "papers.sim.test/beta")
    assert f"::error file=awesome.md,line={line}," in out
    assert "confirmed dead: failed 2 consecutive runs" in out
    assert "(FAIL)" in err
    # Read, never advanced: the committed streak is unchanged.
    assert (repo / "reports" / "latest.json").read_bytes() == committed


def test_findings_on_stderr_show_control_characters_as_escapes(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    # Link text is the contributor's: an escape sequence in it must not reach the terminal
    # or the CI log raw (terminal.printable), on the finding's line of stderr.
    edit(repo, "- [Delta]", "- [Evil \x1bc title \u202e\x07]() - no URL.\n- [Delta]")
    code = pr_check(web)
    err = capsys.readouterr().err
    assert code == 1, err  # LW101, an error this change introduced
    for raw in ("\x1b", "\u202e", "\x07"):
        assert raw not in err
    line = line_of(repo, "Evil")
    assert f'awesome.md:{line}: LW101 [error] link "Evil \\x1bc title \\u202e\\x07"' in err


def test_not_a_repository_or_an_unknown_ref_is_exit_2(
    repo: Path,
    web: SimWeb,
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    assert pr_check(web, "--changed-since", "no-such-ref") == 2
    assert "unknown git ref 'no-such-ref'" in capsys.readouterr().err
    plain = tmp_path_factory.mktemp("plain")
    (plain / "awesome.md").write_text(LIST, encoding="utf-8")
    code = main(["check", str(plain / "awesome.md"), "--quiet", "--changed-since", "HEAD"])
    assert code == 2
    err = capsys.readouterr().err
    assert "not inside a git repository" in err and "Traceback" not in err
    assert not web.requests()


def test_the_note_about_a_token_for_new_repositories(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    web.set("github.com", "/octo/new-tool", Page(title="octo/new-tool"))
    edit(repo, "- [Delta]", "- [Tool](https://github.com/octo/new-tool) - code.\n- [Delta]")
    pr_check(web)
    err = capsys.readouterr().err
    assert "1 GitHub repository on changed lines not in the snapshot" in err
    assert "GITHUB_TOKEN" in err
    report = json.loads((repo / "reports" / "latest.json").read_text(encoding="utf-8"))
    assert "github.com/octo/new-tool" not in json.dumps(report)  # snapshot untouched


def test_a_full_run_with_annotations_prints_every_finding(
    repo: Path, web: SimWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "awesome.md", "--quiet", "--annotations", *web.cli_args()])
    out = capsys.readouterr().out
    assert code == 1
    line = line_of(repo, "old.sim.test/gamma")
    assert f"::error file=awesome.md,line={line}," in out


def test_metadata_for_unchanged_links_comes_from_the_snapshot(tmp_path: Path) -> None:
    from linkwarden.gitdiff import ChangedLines
    from linkwarden.model import (
        Effective,
        Enrichment,
        LinkEnrichment,
        LinkResult,
        RepoRecord,
        Status,
    )
    from linkwarden.prmode import PrScope
    from linkwarden.state.snapshot import LinkRecord, RunInfo, Snapshot

    known = RepoRecord("octo/old", "octo/old", "https://github.com/octo/old", archived=True)
    record = LinkRecord(
        LinkResult("https://github.com/octo/old", Status.OK, "https://github.com/octo/old"),
        effective=Effective.OK,
        enrichment=LinkEnrichment(repo="octo/old", repository=known),
    )
    gone = LinkRecord(
        LinkResult("https://github.com/octo/gone", Status.DEAD, "https://github.com/octo/gone"),
        effective=Effective.DEAD,
        enrichment=LinkEnrichment(repo="octo/gone", repository=None),
    )
    snapshot = Snapshot(run=RunInfo(1, "0", "2026-01-01T00:00:00Z"), links=(record, gone))
    scope = PrScope(ChangedLines("HEAD", "0" * 40, {}), snapshot, tmp_path / "latest.json")
    fresh = RepoRecord("octo/new", "octo/new", "https://github.com/octo/new")
    merged = scope.with_snapshot_metadata(Enrichment(repos={"octo/new": fresh}))
    assert merged.repos == {"octo/old": known, "octo/gone": None, "octo/new": fresh}
    assert scope.reused_results()["https://github.com/octo/old"].via == "snapshot"
