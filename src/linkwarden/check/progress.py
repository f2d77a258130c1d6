"""Progress sinks for a check run. cli.py picks one: a rich bar on a terminal, plain periodic
lines when not (CI logs), none with `--quiet`. Each writes only to the stream it is given."""

from __future__ import annotations

import time
from collections import Counter
from typing import TextIO

from ..model import LinkResult, Status


class RichProgress:
    """A live progress bar with the running count of failures."""

    def __init__(self, stream: TextIO) -> None:
        # rich is imported here, not at the top: a run in CI or with --quiet never needs it.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failing"),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,
        )
        self._task = self._progress.add_task("check", total=0, failed=0)
        self._failed = 0
        self._total = 0

    def start(self, total: int) -> None:
        """Add a pass's URLs to the total (the bar starts with the first)."""
        self._total += total
        self._progress.update(self._task, total=self._total)
        self._progress.start()

    def advance(self, result: LinkResult) -> None:
        if result.status.is_failure:
            self._failed += 1
        self._progress.update(self._task, advance=1, failed=self._failed)

    def finish(self, *, completed: bool = True) -> None:
        self._progress.stop()


class PlainProgress:
    """One line every `every` seconds (and at the end): counts so far, by status."""

    def __init__(self, stream: TextIO, every: float = 10.0) -> None:
        self._stream = stream
        self._every = every
        self._total = 0
        self._done = 0
        self._counts: Counter[Status] = Counter()
        self._started = time.monotonic()
        self._last = self._started

    def _line(self) -> str:
        counts = ", ".join(f"{n} {s.value}" for s, n in sorted(self._counts.items()))
        elapsed = time.monotonic() - self._started
        return f"linkwarden check: {self._done}/{self._total} checked in {elapsed:.0f}s ({counts})"

    def start(self, total: int) -> None:
        """Add a pass's URLs to the total; the first pass starts the clock."""
        if self._total == 0 and self._done == 0:
            self._started = self._last = time.monotonic()
        self._total += total
        print(f"linkwarden check: {total} URL(s) to check", file=self._stream, flush=True)

    def advance(self, result: LinkResult) -> None:
        self._done += 1
        self._counts[result.status] += 1
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            print(self._line(), file=self._stream, flush=True)

    def finish(self, *, completed: bool = True) -> None:
        if completed:  # a stopped run (network down) has no tally worth printing
            print(self._line(), file=self._stream, flush=True)
