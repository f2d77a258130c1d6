"""Carry the run state (`latest.json`, `history.csv`) from one CI run to the next.

On a CI runner every job starts from a fresh checkout: without help, every night is a
first run (quarantine never sees a second failure, `--fail-on new` means "everything", the
diff is empty). `linkwarden state pull` puts the previous run's files into the report
folder before `check`; `linkwarden state push` stores the new ones after it. Three modes:

- ``cache``: a plain directory standing in for a CI cache. The action restores it with
  `actions/cache/restore` (newest entry by prefix) before `pull`, and saves it under a new
  key after `push`; here it is only a copy between that directory and the report folder.
- ``branch``: the files live on a dedicated branch of a git remote (default
  `linkwarden-state`), one commit per run. It is fetched into a private ref
  (`refs/linkwarden/<branch>`) and read with `git cat-file`; the new commit is built with
  plumbing (`hash-object`, a temporary index, `write-tree`, `commit-tree`) and pushed. The
  working tree, the index and the checked-out branch are never touched.
- ``none``: nothing is kept (every run is a first run).

Files missing on `pull` (a first run) are not an error: the run simply starts fresh.
"""

from __future__ import annotations

import enum
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import StateError
from .state.atomic import atomic_binary

STATE_FILES = ("latest.json", "history.csv")
BADGE = "badge.json"
REPORT_FILES = ("REPORT.md", "report.html", "report.sarif", "DIFF.md", "diff.json", BADGE)
DEFAULT_BRANCH = "linkwarden-state"
DEFAULT_REMOTE = "origin"
PUSH_ATTEMPTS = 3  # another run may push between our fetch and our push: fetch and retry
# Who the state commits are by: the bot identity GitHub shows for workflow commits.
COMMITTER = {
    "GIT_AUTHOR_NAME": "github-actions[bot]",
    "GIT_AUTHOR_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "github-actions[bot]",
    "GIT_COMMITTER_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
}
BRANCH_README = """\
# linkwarden state

This branch is written by `linkwarden state push` after each full link check: the snapshot
(`latest.json`) and `history.csv` that the next run compares against. It shares no history
with the other branches; do not merge it. Deleting it only makes the next run a first run.
"""


class Mode(str, enum.Enum):
    CACHE = "cache"
    BRANCH = "branch"
    NONE = "none"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class SyncResult:
    """What a pull or push did, for one line of output."""

    mode: Mode
    action: str  # restored | fresh | saved | unchanged | skipped
    files: tuple[str, ...] = ()
    where: str = ""

    def describe(self) -> str:
        names = ", ".join(self.files) or "nothing"
        words = {
            "restored": f"restored {names} from {self.where}",
            "fresh": f"no previous state in {self.where}: this run starts fresh",
            "saved": f"saved {names} to {self.where}",
            "unchanged": f"state in {self.where} is already up to date",
            "skipped": "state mode none: nothing kept between runs",
        }
        return f"state ({self.mode}): {words[self.action]}"


def files_to_keep(with_reports: bool, with_badge: bool = False) -> tuple[str, ...]:
    """The state files, plus the reports (which include badge.json) or only the badge."""
    if with_reports:
        return STATE_FILES + REPORT_FILES
    return STATE_FILES + ((BADGE,) if with_badge else ())


def _present(folder: Path, names: Sequence[str]) -> list[str]:
    return [n for n in names if (folder / n).is_file()]


def _to_keep(out_dir: Path, names: Sequence[str]) -> list[str]:
    """The files of this run to store; a run that wrote no snapshot has nothing to keep."""
    found = _present(out_dir, names)
    if "latest.json" not in found:
        raise StateError("no latest.json to keep: did `linkwarden check` run?", path=str(out_dir))
    return found


def _copy(source: Path, target: Path) -> None:
    with source.open("rb") as reading, atomic_binary(target) as writing:
        shutil.copyfileobj(reading, writing)


# ------------------------------------------------------------------------------- cache


def pull_cache(cache_dir: Path, out_dir: Path, names: Sequence[str]) -> SyncResult:
    """Copy the kept files from the restored cache directory into the report folder."""
    found = _present(cache_dir, names)
    if "latest.json" not in found:
        return SyncResult(Mode.CACHE, "fresh", where=str(cache_dir))
    for name in found:
        _copy(cache_dir / name, out_dir / name)
    return SyncResult(Mode.CACHE, "restored", tuple(found), str(cache_dir))


def push_cache(out_dir: Path, cache_dir: Path, names: Sequence[str]) -> SyncResult:
    """Copy this run's files into the directory the CI cache will save."""
    found = _to_keep(out_dir, names)
    for name in found:
        _copy(out_dir / name, cache_dir / name)
    return SyncResult(Mode.CACHE, "saved", tuple(found), str(cache_dir))


# ------------------------------------------------------------------------------ branch


@dataclass(frozen=True)
class GitBranchStore:
    """The state files on `branch` of `remote`, seen from the git repository at `repo_dir`.

    `env` is the environment git runs in (the one cli.py read: PATH, HOME, and in Actions
    the checkout's credentials configuration)."""

    repo_dir: Path
    env: Mapping[str, str]
    branch: str = DEFAULT_BRANCH
    remote: str = DEFAULT_REMOTE

    @property
    def local_ref(self) -> str:
        """Where the fetched branch is kept: outside refs/heads, so no branch appears."""
        return f"refs/linkwarden/{self.branch}"

    @property
    def where(self) -> str:
        return f"branch {self.branch} of {self.remote}"

    def _environ(self, extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(self.env)
        env.update(extra_env or {})
        env["GIT_TERMINAL_PROMPT"] = "0"  # a missing credential fails instead of waiting
        return env

    def _git(
        self, *args: str, extra_env: Mapping[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(
                ["git", *args], cwd=self.repo_dir, env=self._environ(extra_env),
                capture_output=True, text=True, check=False, timeout=300,
            )  # fmt: skip
        except FileNotFoundError:
            raise StateError("state mode branch needs git on PATH") from None
        except subprocess.TimeoutExpired:
            raise StateError(f"git {args[0]} took more than 5 minutes") from None
        if check and done.returncode != 0:
            raise StateError(f"git {args[0]} failed: {_last_line(done.stderr)}")
        return done

    def fetch(self) -> str | None:
        """Fetch the state branch into `local_ref`; its commit, or None when it does not exist."""
        self._check_branch_name()
        listed = self._git(
            "ls-remote", "--exit-code", "--heads", self.remote, f"refs/heads/{self.branch}",
            check=False,
        )  # fmt: skip
        if listed.returncode == 2:  # the remote answered: no such branch (a first run)
            return None
        if listed.returncode != 0:
            raise StateError(f"cannot read {self.where}: {_last_line(listed.stderr)}")
        self._git(
            "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--depth=1", self.remote,
            f"+refs/heads/{self.branch}:{self.local_ref}",
        )  # fmt: skip
        return self._git("rev-parse", "--verify", f"{self.local_ref}^{{commit}}").stdout.strip()

    def pull(self, out_dir: Path, names: Sequence[str]) -> SyncResult:
        """Write the kept files of the branch's newest commit into `out_dir`."""
        commit = self.fetch()
        if commit is None:
            return SyncResult(Mode.BRANCH, "fresh", where=self.where)
        listed = self._git("ls-tree", "--name-only", commit).stdout.split("\n")
        found = [n for n in names if n in listed]
        if "latest.json" not in found:
            return SyncResult(Mode.BRANCH, "fresh", where=self.where)
        for name in found:
            with atomic_binary(out_dir / name) as handle:
                # Streamed byte for byte: the files come back exactly as they were stored.
                blob = subprocess.run(
                    ["git", "cat-file", "blob", f"{commit}:{name}"], cwd=self.repo_dir,
                    env=self._environ(), stdout=handle, stderr=subprocess.PIPE, check=False,
                    timeout=300,
                )  # fmt: skip
                if blob.returncode != 0:
                    raise StateError(f"cannot read {name} from {self.where}")
        return SyncResult(Mode.BRANCH, "restored", tuple(found), self.where)

    def push(self, out_dir: Path, names: Sequence[str], message: str) -> SyncResult:
        """Commit the kept files of `out_dir` on top of the branch and push it."""
        found = _to_keep(out_dir, names)
        tree = self._tree(out_dir, found)
        for _ in range(PUSH_ATTEMPTS):
            parent = self.fetch()
            if parent is not None and self._tree_of(parent) == tree:
                return SyncResult(Mode.BRANCH, "unchanged", tuple(found), self.where)
            commit = self._commit(tree, parent, message)
            pushed = self._git(
                "push", "--quiet", "--no-verify", self.remote,
                f"{commit}:refs/heads/{self.branch}", check=False,
            )  # fmt: skip
            if pushed.returncode == 0:
                self._git("update-ref", self.local_ref, commit)
                return SyncResult(Mode.BRANCH, "saved", tuple(found), self.where)
            if not _rejected_as_stale(pushed.stderr):
                raise StateError(f"cannot push {self.where}: {_last_line(pushed.stderr)}")
        raise StateError(f"{self.where} kept moving: gave up after {PUSH_ATTEMPTS} attempts")

    # ---------------------------------------------------------------------- plumbing

    def _check_branch_name(self) -> None:
        ok = self._git("check-ref-format", f"refs/heads/{self.branch}", check=False)
        if ok.returncode != 0 or self.branch.startswith("-"):
            raise StateError(f"not a valid branch name: {self.branch!r}")

    def _tree(self, out_dir: Path, names: Sequence[str]) -> str:
        """A tree object holding `names` (and the branch's README), via a private index."""
        with tempfile.TemporaryDirectory(prefix="linkwarden-index-") as scratch:
            index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            readme = Path(scratch) / "README.md"
            readme.write_text(BRANCH_README, encoding="utf-8")
            entries = [("README.md", readme)] + [(n, out_dir / n) for n in names]
            for name, path in entries:
                blob = self._git("hash-object", "-w", "--no-filters", "--", str(path.resolve()))
                self._git(
                    "update-index", "--add", "--cacheinfo",
                    f"100644,{blob.stdout.strip()},{name}", extra_env=index,
                )  # fmt: skip
            return self._git("write-tree", extra_env=index).stdout.strip()

    def _tree_of(self, commit: str) -> str:
        return self._git("rev-parse", f"{commit}^{{tree}}").stdout.strip()

    def _commit(self, tree: str, parent: str | None, message: str) -> str:
        args = ["commit-tree", tree, "-m", message]
        if parent is not None:
            args[2:2] = ["-p", parent]
        return self._git(*args, extra_env=COMMITTER).stdout.strip()


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _rejected_as_stale(stderr: str) -> bool:
    """The push lost a race (someone pushed first), as opposed to failing for good."""
    text = stderr.lower()
    return any(s in text for s in ("non-fast-forward", "fetch first", "stale info"))
