"""`**` globs over the lists: symlink loops cannot make a run walk forever."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from linkwarden.sources import resolve_paths


def _tree(root: Path) -> None:
    (root / "lists/a/b").mkdir(parents=True)
    (root / "lists/a/b/deep.md").write_text("# Deep\n", encoding="utf-8")
    (root / "lists/top.md").write_text("# Top\n", encoding="utf-8")
    (root / "lists/.hidden").mkdir()
    (root / "lists/.hidden/secret.md").write_text("# Hidden\n", encoding="utf-8")
    # Two links back up the tree: glob.glob(recursive=True) followed them without end.
    (root / "lists/a/b/loop").symlink_to("..")
    (root / "lists/a/b/loop2").symlink_to("../..")


def test_a_symlink_loop_under_double_star_ends_and_finds_each_list_once(tmp_path: Path) -> None:
    _tree(tmp_path)
    # In a child process with a deadline: the old code never returned.
    code = (
        "import sys; from linkwarden.sources import resolve_paths;"
        "print('\\n'.join(sorted(s.display_path or str(s.path) for s in "
        "resolve_paths([sys.argv[1]]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "lists/**/*.md")],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    found = done.stdout.split()
    assert [Path(p).name for p in found] == ["deep.md", "top.md"]  # hidden folder skipped


def test_relative_and_hidden_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)

    def names(pattern: str) -> list[str]:
        return sorted(s.path.name for s in resolve_paths([pattern]))

    assert names("lists/*.md") == ["top.md"]
    assert names("**/*.md") == ["deep.md", "top.md"]
    assert names("lists/.hidden/*.md") == ["secret.md"]  # a hidden folder asked for by name
