"""gitdiff: which lines of the list files changed since a ref, from a real git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from linkwarden.errors import InputError
from linkwarden.gitdiff import changed_lines, parse_unified_zero


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
         *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "list.md").write_text("".join(f"line {n}\n" for n in range(1, 11)))
    (tmp_path / "other.md").write_text("a\nb\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_added_and_changed_lines_are_found_deleted_ones_are_not(repo: Path) -> None:
    lines = (repo / "list.md").read_text().splitlines()
    lines[2] = "line 3 changed"  # line 3
    del lines[6]  # old line 7 removed: nothing on the new side
    lines.insert(8, "a new line")  # becomes new line 9
    lines.append("appended")  # new last line (11)
    (repo / "list.md").write_text("\n".join(lines) + "\n")
    changed = changed_lines("HEAD", [repo / "list.md", repo / "other.md"], cwd=repo)
    assert changed.of(repo / "list.md") == {3, 9, 11}
    assert changed.of(repo / "other.md") == frozenset()  # unchanged file: absent
    assert changed.total == 3
    assert len(changed.commit) == 40


def test_committed_changes_since_an_older_ref(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD")
    (repo / "other.md").write_text("a\nb\nc\n")
    git(repo, "commit", "-qam", "more")
    changed = changed_lines(base, [repo / "other.md"], cwd=repo)
    assert changed.of(repo / "other.md") == {3}
    assert changed_lines("HEAD", [repo / "other.md"], cwd=repo).total == 0


def test_an_untracked_list_counts_as_changed_entirely(repo: Path) -> None:
    (repo / "new.md").write_text("x\ny\n")
    assert changed_lines("HEAD", [repo / "new.md"], cwd=repo).of(repo / "new.md") == {1, 2}


def test_not_a_repository_and_unknown_ref_are_input_errors(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("plain")
    (elsewhere / "list.md").write_text("x\n")
    with pytest.raises(InputError, match="not inside a git repository"):
        changed_lines("HEAD", [elsewhere / "list.md"], cwd=elsewhere)
    with pytest.raises(InputError, match="unknown git ref 'no-such-branch'"):
        changed_lines("no-such-branch", [repo / "list.md"], cwd=repo)
    with pytest.raises(InputError, match="unknown git ref"):
        changed_lines("--output=/tmp/x", [repo / "list.md"], cwd=repo)
    with pytest.raises(InputError, match="outside the git repository"):
        changed_lines("HEAD", [elsewhere / "list.md"], cwd=repo)


def test_parse_handles_quoted_names_deletions_and_bare_counts(tmp_path: Path) -> None:
    diff = "\n".join(
        [
            "diff --git a/x.md b/x.md",
            "--- a/x.md",
            "+++ b/x.md",
            "@@ -4 +4 @@ heading",
            "@@ -10,2 +10,0 @@",
            "@@ -20,0 +19,3 @@",
            'diff --git "a/we\\tird.md" "b/we\\tird.md"',
            '+++ "b/we\\tird.md"',
            "@@ -1 +1,2 @@",
            "+++ /dev/null",
            "@@ -1,5 +0,0 @@",
        ]
    )
    found = parse_unified_zero(diff, tmp_path)
    assert found[(tmp_path / "x.md").resolve()] == {4, 19, 20, 21}
    assert found[(tmp_path / "we\tird.md").resolve()] == {1, 2}
    assert len(found) == 2
