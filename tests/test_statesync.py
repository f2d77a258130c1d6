"""`linkwarden state pull|push`: the run state carried between CI runs.

Branch mode runs the real `git` against a local bare repository standing in for the remote:
a "runner" clones it, pulls the state, writes new files, pushes; the next runner is a fresh
clone. Cache mode copies between a directory (standing in for the CI cache) and the report
folder.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gitkit import git
from linkwarden.cli import main
from linkwarden.errors import StateError
from linkwarden.statesync import GitBranchStore, files_to_keep, pull_cache, push_cache

BRANCH = "linkwarden-state"
ENV = dict(os.environ)  # what cli.py would hand over


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare 'GitHub' repository whose default branch holds a list."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(bare), str(seed))
    (seed / "README.md").write_text("# My list\n\n- [A](https://a.example/)\n", encoding="utf-8")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "the list")
    git(seed, "push", "-q", "origin", "HEAD:main")
    return bare


def runner_checkout(remote: Path, where: Path) -> Path:
    """What actions/checkout leaves: a fresh clone of the default branch."""
    git(where.parent, "clone", "-q", str(remote), str(where))
    return where


def write_run(out: Path, night: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(f'{{"night": {night}}}\n', encoding="utf-8")
    (out / "history.csv").write_text("time,links\n" + "".join(
        f"2026-01-0{n}T03:00:00Z,10\n" for n in range(1, night + 1)
    ), encoding="utf-8")  # fmt: skip
    (out / "report.html").write_text(f"<p>night {night}</p>\n", encoding="utf-8")


def test_branch_round_trip_across_fresh_clones_never_touches_the_checkout(
    remote: Path, tmp_path: Path
) -> None:
    first = runner_checkout(remote, tmp_path / "run1")
    head_before = git(first, "rev-parse", "HEAD")
    store = GitBranchStore(first, ENV, BRANCH)
    out1 = first / "reports"
    assert store.pull(out1, files_to_keep(False)).action == "fresh"  # first run ever
    write_run(out1, 1)
    saved = store.push(out1, files_to_keep(False), "state after night 1")
    assert saved.action == "saved" and saved.files == ("latest.json", "history.csv")
    # The checkout is as it was: same branch, same HEAD, no new branch, reports untracked.
    assert git(first, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(first, "rev-parse", "HEAD") == head_before
    assert git(first, "branch", "--list").split() == ["*", "main"]
    assert git(first, "status", "--porcelain").strip() == "?? reports/"
    # The remote: main untouched; the state branch is an orphan holding the kept files only.
    assert git(remote, "rev-parse", "main") == head_before
    assert git(remote, "ls-tree", "--name-only", BRANCH).split() == [
        "README.md", "history.csv", "latest.json",
    ]  # fmt: skip
    assert git(remote, "rev-list", "--count", BRANCH).strip() == "1"
    assert git(remote, "log", "-1", "--format=%an %s", BRANCH).startswith(
        "github-actions[bot] state"
    )

    second = runner_checkout(remote, tmp_path / "run2")  # the next night: a fresh runner
    out2 = second / "reports"
    pulled = GitBranchStore(second, ENV, BRANCH).pull(out2, files_to_keep(False))
    assert pulled.action == "restored" and pulled.files == ("latest.json", "history.csv")
    assert (out2 / "latest.json").read_bytes() == (out1 / "latest.json").read_bytes()
    assert not (out2 / "report.html").exists()  # reports were not asked for
    write_run(out2, 2)
    pushed = GitBranchStore(second, ENV, BRANCH).push(out2, files_to_keep(False), "night 2")
    assert pushed.action == "saved"
    assert git(remote, "rev-list", "--count", BRANCH).strip() == "2"  # one commit per run
    assert git(remote, "show", f"{BRANCH}:latest.json") == '{"night": 2}\n'
    assert git(second, "branch", "--list").split() == ["*", "main"]


def test_state_branch_shares_no_history_with_main(remote: Path, tmp_path: Path) -> None:
    work = runner_checkout(remote, tmp_path / "run")
    write_run(work / "reports", 1)
    GitBranchStore(work, ENV, BRANCH).push(work / "reports", files_to_keep(False), "night 1")
    done = subprocess.run(
        ["git", "merge-base", "main", BRANCH], cwd=remote, capture_output=True, check=False
    )
    assert done.returncode == 1  # no common ancestor: an orphan branch


def test_reports_are_kept_when_asked_and_an_unchanged_push_writes_nothing(
    remote: Path, tmp_path: Path
) -> None:
    work = runner_checkout(remote, tmp_path / "run")
    out = work / "reports"
    write_run(out, 1)
    names = files_to_keep(True)
    assert GitBranchStore(work, ENV, BRANCH).push(out, names, "night 1").files == (
        "latest.json", "history.csv", "report.html",
    )  # fmt: skip
    assert GitBranchStore(work, ENV, BRANCH).push(out, names, "again").action == "unchanged"
    assert git(remote, "rev-list", "--count", BRANCH).strip() == "1"


def test_a_push_that_loses_a_race_fetches_and_retries(remote: Path, tmp_path: Path) -> None:
    one = runner_checkout(remote, tmp_path / "one")
    two = runner_checkout(remote, tmp_path / "two")
    write_run(one / "reports", 1)
    write_run(two / "reports", 2)
    store_two = GitBranchStore(two, ENV, BRANCH)
    store_two.fetch()  # two looked before one pushed: its view is stale
    GitBranchStore(one, ENV, BRANCH).push(one / "reports", files_to_keep(False), "from one")
    assert store_two.push(two / "reports", files_to_keep(False), "from two").action == "saved"
    assert git(remote, "log", "--format=%s", BRANCH).split("\n")[:2] == ["from two", "from one"]


def test_unreachable_remote_and_bad_branch_are_clear_errors(remote: Path, tmp_path: Path) -> None:
    work = runner_checkout(remote, tmp_path / "run")
    git(work, "remote", "set-url", "origin", str(tmp_path / "nowhere.git"))
    with pytest.raises(StateError, match="cannot read branch linkwarden-state of origin"):
        GitBranchStore(work, ENV, BRANCH).pull(work / "reports", files_to_keep(False))
    with pytest.raises(StateError, match="not a valid branch name"):
        GitBranchStore(work, ENV, "bad..name").pull(work / "reports", files_to_keep(False))
    with pytest.raises(StateError, match=r"no latest\.json to keep"):
        GitBranchStore(work, ENV, BRANCH).push(work / "empty", files_to_keep(False), "x")


def test_cache_mode_copies_both_ways(tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "reports"
    assert pull_cache(cache, out, files_to_keep(False)).action == "fresh"
    write_run(out, 1)
    assert push_cache(out, cache, files_to_keep(False)).files == ("latest.json", "history.csv")
    fresh_out = tmp_path / "next" / "reports"
    restored = pull_cache(cache, fresh_out, files_to_keep(False))
    assert restored.action == "restored"
    assert (fresh_out / "history.csv").read_text() == (out / "history.csv").read_text()
    assert sorted(p.name for p in fresh_out.iterdir()) == ["history.csv", "latest.json"]


def test_the_cli(remote: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = runner_checkout(remote, tmp_path / "run")
    out = work / "reports"
    branch = ["--mode", "branch", "--repo-dir", str(work), "--out", str(out)]
    assert main(["state", "pull", *branch]) == 0
    assert "no previous state in branch linkwarden-state of origin" in capsys.readouterr().err
    write_run(out, 1)
    assert main(["state", "push", *branch, "--with-reports"]) == 0
    assert "saved latest.json, history.csv, report.html" in capsys.readouterr().err
    assert main(["state", "pull", "--mode", "none", "--out", str(out)]) == 0
    assert "nothing kept" in capsys.readouterr().err
    assert main(["state", "pull", "--mode", "cache", "--out", str(out)]) == 2
    assert "needs --cache-dir" in capsys.readouterr().err
    cache = ["--mode", "cache", "--cache-dir", str(tmp_path / "c"), "--out", str(out)]
    assert main(["state", "push", *cache]) == 0
    assert (tmp_path / "c" / "latest.json").is_file()


def test_state_commands_take_the_report_folders_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from linkwarden.state.lock import exclusive

    out = tmp_path / "reports"
    cache = ["--mode", "cache", "--cache-dir", str(tmp_path / "c"), "--out", str(out)]
    with exclusive(out):  # a check is writing there
        assert main(["state", "pull", *cache]) == 4
    assert "another linkwarden run is writing to this folder" in capsys.readouterr().err
    assert main(["state", "pull", *cache]) == 0
    assert not out.exists()  # a first run that restored nothing leaves no empty folder
