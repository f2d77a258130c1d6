"""One writer per report folder: a run holds an exclusive lock on `--out` while it works.

Two runs writing into one folder would leave a mixed set (one run's snapshot beside the
other's reports). The lock is `flock` on the folder itself, so no lock file is left to be
committed, and the kernel drops it when the process ends however it ends (a killed run
never leaves a stale lock). The second run stops at once with `OutputBusy` (exit 4) and
writes nothing. Where `fcntl` does not exist (Windows) there is no lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputBusy
from .atomic import sweep_temporaries

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def exclusive(directory: Path) -> Iterator[None]:
    """Hold the folder's lock for the block (the folder is created when missing, and
    removed again when the block leaves it empty: a run that writes nothing leaves nothing).
    OutputBusy when another process holds it."""
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory, os.O_RDONLY)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputBusy(
                    "another linkwarden run is writing to this folder; nothing was written "
                    "(wait for it to finish, or give this run another --out)",
                    path=str(directory),
                ) from None
        yield
    finally:
        os.close(fd)
        if created:
            with contextlib.suppress(OSError):
                directory.rmdir()  # only succeeds when the run wrote nothing


@contextlib.contextmanager
def exclusive_out(out_dir: Path) -> Iterator[list[Path]]:
    """A run's hold on its report folder: the lock (OutputBusy, exit 4, when another run
    has it), then the temporary files a killed run left there swept; yields those."""
    with exclusive(Path(out_dir)):
        yield sweep_temporaries(Path(out_dir))
