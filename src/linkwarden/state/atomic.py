"""Files written so that readers see the old version or the new one, never half of one.

A temporary file in the same directory (os.replace is atomic only within one file system),
fsynced, renamed over the target, then the directory fsynced so the rename itself survives
a crash. Generic: any text file (the snapshot, the reports, history.csv).
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import StateError

STALE_TEMPORARY = 3600.0  # seconds after which a leftover temporary file is a dead writer's


def _sweep_stale_temporaries(target: Path) -> None:
    """Remove temporary files a killed writer left beside `target` (older than an hour, so
    a writer still at work is never disturbed): they must not pile up or be committed."""
    cutoff = time.time() - STALE_TEMPORARY
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _mode_for(target: Path) -> int:
    """The replaced file's mode, or what a plain new file gets (mkstemp creates 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write `text` (UTF-8, '\\n' newlines) to `path` so readers see old or new, never half.

    The temporary file lives in the same directory (os.replace is atomic only within one
    file system), is fsynced before the rename, and the directory is fsynced after it so the
    rename itself survives a crash.
    """
    atomic_write_chunks(path, (text,))


WRITE_BUFFER = 1 << 20  # bytes buffered between writes of a streamed file


def atomic_write_chunks(path: Path | str, chunks: Iterable[str]) -> None:
    """`atomic_write_text` for text produced piece by piece: each chunk goes to the
    temporary file as it comes, so a large file (a 100,000-link snapshot or report) is never
    held whole in memory. Same guarantees: old file or new one, never half; an exception
    from `chunks` leaves the old file untouched."""
    commit(stage_chunks(path, chunks), path)


def stage_chunks(path: Path | str, chunks: Iterable[str]) -> Path:
    """Write `chunks` to a new temporary file beside `path` (fsynced, with the mode `path`
    has or would get) and return it, leaving `path` untouched until `commit`. A file can so
    be written early and put in place later (history.csv after the snapshot)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise StateError(f"cannot write: {exc.strerror}", path=str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER) as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _mode_for(target))
    except OSError as exc:
        discard(Path(tmp_name))
        raise StateError(f"cannot write: {exc.strerror}", path=str(target)) from None
    except BaseException:
        discard(Path(tmp_name))
        raise
    return Path(tmp_name)


@contextlib.contextmanager
def atomic_binary(path: Path | str) -> Iterator[BinaryIO]:
    """An open binary file that replaces `path` when the block ends without an exception
    (fsynced, with the mode `path` has or would get); on an exception `path` is untouched.
    For bytes that must come back exactly as stored (files restored from a cache or a git
    blob)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise StateError(f"cannot write: {exc.strerror}", path=str(target)) from None
    staged = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(staged, _mode_for(target))
    except OSError as exc:
        discard(staged)
        raise StateError(f"cannot write: {exc.strerror}", path=str(target)) from None
    except BaseException:
        discard(staged)
        raise
    commit(staged, target)


def commit(staged: Path, path: Path | str) -> None:
    """Put a file from `stage_chunks` in place of `path` (atomically), and make the rename
    itself durable."""
    target = Path(path)
    try:
        os.replace(staged, target)
    except OSError as exc:
        discard(staged)
        raise StateError(f"cannot write: {exc.strerror}", path=str(target)) from None
    _sweep_stale_temporaries(target)
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def discard(staged: Path) -> None:
    """Remove a staged file that will not be committed (missing already is fine)."""
    with contextlib.suppress(OSError):
        os.unlink(staged)


def sweep_temporaries(directory: Path) -> list[Path]:
    """Remove every temporary file these writers leave (`.NAME.XXXX.tmp`) in `directory`,
    whatever its age; return them. Only for a directory nobody else writes to now (the run
    holds its lock, `state.lock`): what is there is a killed writer's."""
    swept = []
    for leftover in sorted(Path(directory).glob(".*.tmp")):
        with contextlib.suppress(OSError):
            if leftover.is_file() and not leftover.is_symlink():
                leftover.unlink()
                swept.append(leftover)
    return swept
