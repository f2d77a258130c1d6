"""The network sentinel: tell "these links are dead" from "we are offline".

When connection-level failures pile up with no success in between (the first checks of a run
all failing, or a long streak later on), the sentinel asks a few canary URLs. Any HTTP answer
from any canary means the network works and the failures are the links' own; no answer from
any of them means the network is down, and the run must stop before it writes a report full
of false deaths.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import anyio

from ..model import LinkResult, Status
from ._retry import CONNECTION_KINDS

FIRST_CHECKS = 10  # the first this-many completed checks all failing triggers a probe
STREAK = 20  # this many consecutive connection failures later in the run trigger a probe
END_OF_RUN_MIN = 3  # at the end: at least this many failures and not one success


def is_connection_failure(result: LinkResult) -> bool:
    return result.error_kind in CONNECTION_KINDS or (
        result.status is Status.TIMEOUT and result.error_kind == "connect_timeout"
    )


def is_success(result: LinkResult) -> bool:
    """Any HTTP answer proves the network works, whatever its status."""
    return result.http_status is not None


# Probe one canary: True when it answered over HTTP at all.
Probe = Callable[[str], Awaitable[bool]]


class Sentinel:
    """Counts outcomes; `record` probes the canaries when failures pile up."""

    def __init__(self, canaries: Sequence[str], probe: Probe) -> None:
        self._canaries = tuple(canaries)
        self._probe = probe
        self._lock = anyio.Lock()
        self.completed = 0
        self.successes = 0
        self.failures = 0
        self.streak = 0
        self.probes = 0
        self.down: str | None = None  # set when the network was found to be down

    def _suspicious(self) -> bool:
        if self.successes == 0 and self.completed == FIRST_CHECKS and self.failures == FIRST_CHECKS:
            return True
        return self.streak >= STREAK

    async def record(self, result: LinkResult) -> None:
        """Count one finished check; probe the canaries when the pattern looks like an outage."""
        self.completed += 1
        if is_connection_failure(result):
            self.failures += 1
            self.streak += 1
        elif is_success(result):
            self.successes += 1
            self.streak = 0
        if self._suspicious():
            await self.verify(f"{self.streak} checks in a row could not connect")

    async def finish(self) -> None:
        """At the end of a run: a handful of checks, all unable to connect, is suspicious too."""
        if self.down is None and self.successes == 0 and self.failures >= END_OF_RUN_MIN:
            await self.verify(f"all {self.failures} checks could not connect")

    async def verify(self, why: str) -> None:
        """Probe the canaries (one probe at a time); set `down` when none answers."""
        async with self._lock:
            if self.down is not None or not self._canaries:
                return  # no canaries configured: the user opted out of the sentinel
            if self.streak == 0 and self.successes:
                return  # a success arrived while we waited for the lock
            self.probes += 1
            answered = False
            for url in self._canaries:
                if await self._probe(url):
                    answered = True
                    break
            if answered:
                self.streak = 0
                return
            shown = ", ".join(self._canaries) or "(no canaries configured)"
            self.down = f"network unavailable: {why}, and no canary answered ({shown})"
