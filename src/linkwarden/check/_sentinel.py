"""The network sentinel: tell "these links are dead" from "we are offline".

It watches every request *attempt*, not finished checks: a check that fails to connect may
still have retries and backoff ahead of it, and with no network at all waiting those out
for the first checks would take tens of seconds before anyone asked whether the network
is there. When connection-level failures pile up with no answer in between (the first
attempts of a run all failing, or a long streak later on), the sentinel pauses new attempts
and asks the canary URLs, all at once, one short request each. Any HTTP answer from any
canary means the network works and the failures are the links' own; no answer from any of
them means the network is down, and the run must stop before it writes a report full of
false deaths.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import anyio

from ..model import ErrorKind, LinkResult, Status
from ._retry import CONNECTION_KINDS

FIRST_ATTEMPTS = 10  # the first this-many attempts all failing to connect trigger a probe
STREAK = 20  # this many consecutive connection failures later in the run trigger a probe
# At the end of a pass: this many connection failures with no answer at all (and nothing
# else) ask the canaries. One: a PR that adds two links, offline, must not fail the PR.
END_OF_RUN_MIN = 1
CANARY_TIMEOUT = 3.0  # seconds for one canary probe, connection and answer included


def is_connection_failure(result: LinkResult) -> bool:
    return result.error_kind in CONNECTION_KINDS or (
        result.status is Status.TIMEOUT and result.error_kind == ErrorKind.CONNECT_TIMEOUT
    )


# Probe one canary: True when it answered over HTTP at all (one attempt, no retries).
Probe = Callable[[str], Awaitable[bool]]


class Sentinel:
    """Counts attempts; probes the canaries when failures pile up; `down` says the verdict."""

    def __init__(
        self,
        canaries: Sequence[str],
        probe: Probe,
        *,
        on_down: Callable[[], None] | None = None,
    ) -> None:
        self._canaries = tuple(canaries)
        self._probe = probe
        self._on_down = on_down  # stops the run (CheckRun cancels its task group)
        self._lock = anyio.Lock()
        self._clear: anyio.Event | None = None  # set while no probe is under way
        self.attempts = 0  # request attempts seen (connection failures and answers)
        self.answers = 0
        self.failures = 0
        self.streak = 0
        self.probes = 0
        self.down: str | None = None  # set when the network was found to be down

    def set_on_down(self, callback: Callable[[], None]) -> None:
        self._on_down = callback

    async def wait_clear(self) -> None:
        """Hold a new attempt while the canaries are being asked."""
        if self._clear is not None:
            await self._clear.wait()

    def _suspicious(self) -> bool:
        if self.answers == 0 and self.failures >= FIRST_ATTEMPTS:
            return True
        return self.streak >= STREAK

    async def attempt(self, *, connection_failed: bool, answered: bool) -> None:
        """Count one finished attempt; probe the canaries when it looks like an outage."""
        self.attempts += 1
        if answered:
            self.answers += 1
            self.streak = 0
        elif connection_failed:
            self.failures += 1
            self.streak += 1
            if self._suspicious():
                await self.verify(f"{self.streak} request attempts in a row could not connect")

    async def record(self, result: LinkResult) -> None:
        """Count a finished check as one attempt (for callers that see results only)."""
        await self.attempt(
            connection_failed=is_connection_failure(result),
            answered=result.http_status is not None,
        )

    async def finish(self) -> None:
        """At the end of a pass: if every attempt failed to connect or resolve (one or ten
        thousand), ask the canaries before believing the links are dead."""
        every_one_failed = self.failures == self.attempts
        if (
            self.down is None
            and self.answers == 0
            and self.failures >= END_OF_RUN_MIN
            and every_one_failed
        ):
            await self.verify(f"all {self.failures} request attempts could not connect", force=True)

    async def verify(self, why: str, *, force: bool = False) -> None:
        """Ask every canary at once (new attempts wait); set `down` when none answers."""
        async with self._lock:
            if self.down is not None or not self._canaries:
                return  # no canaries configured: the user opted out of the sentinel
            if not force and not self._suspicious():
                return  # an answer (or another probe) came while we waited for the lock
            self._clear = anyio.Event()
            try:
                answered = await self._ask_canaries()
            finally:
                clear, self._clear = self._clear, None
                clear.set()
            if answered:
                # The network works: these failures are the links' own. Count afresh, so
                # that only a new pile of failures asks again.
                self.streak = 0
                self.failures = 0
                self.answers += 1
                return
            shown = ", ".join(self._canaries)
            self.down = f"network unavailable: {why}, and no canary answered ({shown})"
        if self._on_down is not None:
            self._on_down()

    async def _ask_canaries(self) -> bool:
        self.probes += 1
        answered = False
        async with anyio.create_task_group() as group:

            async def ask(url: str) -> None:
                nonlocal answered
                with anyio.move_on_after(CANARY_TIMEOUT):
                    if await self._probe(url):
                        answered = True
                        group.cancel_scope.cancel()  # one answer is enough

            for url in self._canaries:
                group.start_soon(ask, url)
        return answered
