"""Which lines of the list files changed since a git ref: the input of PR mode.

PR mode (`linkwarden check --changed-since REF`) checks only the links that stand on lines
added or changed since REF. This module asks git (through a subprocess, no library) for
`git diff --unified=0 REF -- FILES` against the working tree and turns the hunk headers into
line numbers of the new text. Deleted lines have no new line number and are ignored: a
removed link cannot introduce a problem.

A list file that git does not track yet (new, not committed) counts as changed entirely.
Every git failure is an InputError (exit 2) with git's own words, never a traceback.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

# "@@ -12,3 +14,5 @@ heading": the new side starts at 14 and spans 5 lines (1 if omitted).
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_GIT_TIMEOUT = 60.0  # seconds; a diff of a few Markdown files takes milliseconds


class GitError(InputError):
    """git is missing, the folder is not a repository, or the ref is unknown."""


@dataclass(frozen=True)
class ChangedLines:
    """Lines added or changed since `ref`, by resolved file path."""

    ref: str
    commit: str  # the ref resolved to a full commit id
    lines: dict[Path, frozenset[int]]
    root: Path = Path(".")  # the work tree's top folder (annotations are relative to it)

    def of(self, path: Path) -> frozenset[int]:
        return self.lines.get(path.resolve(), frozenset())

    def touches(self, path: Path, line: int) -> bool:
        return line in self.of(path)

    @property
    def total(self) -> int:
        return sum(len(lines) for lines in self.lines.values())


def _git(args: Sequence[str], cwd: Path) -> str:
    """Run git and return stdout; any failure becomes a GitError with git's message."""
    command = ["git", "-c", "core.quotePath=false", *args]
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (PR mode needs it on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"`git {' '.join(args)}` took longer than {_GIT_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise GitError(f"`git {args[0]}` failed: {message[-1] if message else 'no message'}")
    return done.stdout


def repository_root(cwd: Path) -> Path:
    """The top folder of the work tree containing `cwd`."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except GitError:
        raise GitError(
            "not inside a git repository: --changed-since compares with a git ref",
            path=str(cwd),
        ) from None
    return Path(out.strip()).resolve()


def resolve_ref(ref: str, cwd: Path) -> str:
    """The full commit id of `ref`, or a GitError that names the ref."""
    if ref.startswith("-"):
        raise GitError(f"unknown git ref {ref!r}")  # never let a ref pass as an option
    try:
        out = _git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], cwd
        )
    except GitError:
        raise GitError(
            f"unknown git ref {ref!r} (in CI, fetch enough history: actions/checkout "
            "with fetch-depth: 0)"
        ) from None
    return out.strip()


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of unusual file names ("a\\tb.md", octal UTF-8 bytes)."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    out = bytearray()
    body, i = name[1:-1], 0
    simple = {"t": 9, "n": 10, "r": 13, '"': 34, "\\": 92, "a": 7, "b": 8, "f": 12, "v": 11}
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
                continue
            if body[i + 1 : i + 4].isdigit():
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
        out.extend(char.encode("utf-8"))
        i += 1
    return out.decode("utf-8", "replace")


def parse_unified_zero(diff: str, root: Path) -> dict[Path, frozenset[int]]:
    """New-side line numbers of every hunk in a `git diff --unified=0` text."""
    lines: dict[Path, set[int]] = {}
    current: set[int] | None = None
    for row in diff.splitlines():
        if row.startswith("+++ "):
            target = _unquote(row[4:].rstrip("\t"))
            if target == "/dev/null":  # the file was deleted: no new lines
                current = None
                continue
            relative = target[2:] if target.startswith("b/") else target
            current = lines.setdefault((root / relative).resolve(), set())
        elif row.startswith("@@") and current is not None:
            match = _HUNK.match(row)
            if match is None:
                continue
            start = int(match.group(1))
            count = int(match.group(2)) if match.group(2) is not None else 1
            current.update(range(start, start + count))  # count 0: a pure deletion
    return {path: frozenset(numbers) for path, numbers in lines.items()}


def _untracked(paths: Sequence[Path], root: Path) -> list[Path]:
    out = _git(["ls-files", "--others", "--exclude-standard", "-z", "--", *map(str, paths)], root)
    return [(root / name).resolve() for name in out.split("\0") if name]


def changed_lines(ref: str, paths: Sequence[Path], *, cwd: Path) -> ChangedLines:
    """Lines of `paths` (list files) added or changed between `ref` and the working tree."""
    root = repository_root(cwd)
    commit = resolve_ref(ref, root)
    files = [p.resolve() for p in paths]
    outside = [p for p in files if not p.is_relative_to(root)]
    if outside:
        raise GitError(f"list file is outside the git repository {root}", path=str(outside[0]))
    if not files:
        return ChangedLines(ref, commit, {}, root)
    diff = _git(
        [
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            commit,
            "--",
            *map(str, files),
        ],
        root,
    )
    found = dict(parse_unified_zero(diff, root))
    for path in _untracked(files, root):
        with path.open("rb") as handle:
            count = sum(1 for _ in handle)
        found[path] = frozenset(range(1, count + 1))
    return ChangedLines(ref, commit, {p: found[p] for p in files if found.get(p)}, root)
