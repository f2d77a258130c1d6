"""Politeness: one slot per host (concurrency, spacing, adaptive backoff) and in-run dedupe.

Every request, redirects and retries included, goes through the slot of the host it is sent
to, so a host never sees more than its concurrency in flight, whichever list URL led there.
A 429 or 503 pauses the whole host (honouring Retry-After, capped) and widens the spacing
between its requests; successes narrow it again, like lychee's adaptive rate limiter.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Generic, TypeVar

import anyio

from ..clock import utc_now
from ..config import CheckSettings, HostSettings
from ..urls import host_matches

T = TypeVar("T")

_MAX_ADAPTIVE_INTERVAL = 10.0  # seconds: the widest spacing backoff grows to
# A host that has answered nothing yet and has had a request waiting this long (a quarter of
# the timeout, at least 2 s) is taken for hung: see `HostSlot.hung`.
HANG_FRACTION = 0.25
HANG_MIN = 2.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or utc_now())).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def host_settings_for(host: str, settings: CheckSettings) -> HostSettings | None:
    """The `check.hosts` entry for a host: an exact name first, then a parent domain."""
    exact = settings.hosts.get(host)
    if exact is not None:
        return exact
    for name, value in settings.hosts.items():
        if host_matches(host, (name,)):
            return value
    return None


class HostSlot:
    """One host's share of the run: at most `concurrency` in flight, starts spaced apart.

    A host that never answers would hold its slots a whole timeout per request, and its
    URLs would go out `concurrency` at a time, one timeout after another: the run's tail.
    So a host that has answered nothing this run is `hung` once one of its requests has
    waited `hang_after` seconds (or timed out): from then on its requests skip the slot
    and go out at once (the global limit still applies) and `on_hung` is told (the run
    gives the host's queue more workers). Once two of its requests have timed out it is
    `hopeless`: its timeouts are not retried. Any answer from the host ends all that.
    """

    def __init__(
        self,
        host: str,
        concurrency: int,
        interval: float,
        *,
        hang_after: float = math.inf,
        on_hung: Callable[[str], None] | None = None,
    ) -> None:
        self.host = host
        self.concurrency = max(1, concurrency)
        self.base_interval = interval
        self.interval = interval  # current spacing; grows on 429/503, decays on success
        self._semaphore = anyio.Semaphore(self.concurrency)
        self._next_start = 0.0
        self._paused_until = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests = 0
        self.answered = False  # the host gave an HTTP answer this run
        self.hung = False
        self.timeouts = 0
        self._hang_after = hang_after
        self._on_hung = on_hung
        self._waiting_since: dict[object, float] = {}  # in-flight request -> its start

    def note_answer(self) -> None:
        self.answered = True
        self.hung = False

    def note_timeout(self) -> None:
        """A request to the host timed out: hung, if the host never answered anything."""
        self.timeouts += 1
        if not self.answered:
            self._mark_hung()

    @property
    def hopeless(self) -> bool:
        """Never answered, and more than one request timed out: retrying is waiting."""
        return not self.answered and self.timeouts >= 2

    def _mark_hung(self) -> None:
        if not self.hung and not self.answered:
            self.hung = True
            if self._on_hung is not None:
                self._on_hung(self.host)

    def _until_suspect(self) -> float:
        """Seconds until the oldest request in flight has waited `hang_after`."""
        if self.answered or not self._waiting_since:
            return math.inf
        oldest = min(self._waiting_since.values())
        return max(0.0, oldest + self._hang_after - anyio.current_time())

    async def _acquire(self) -> bool:
        """Wait for a slot (True), or skip it once the host turns out hung (False)."""
        while not self.hung:
            wait = self._until_suspect()
            if wait <= 0:
                self._mark_hung()
                break
            with anyio.move_on_after(wait):
                await self._semaphore.acquire()
                return True
        return False

    async def _wait_turn(self) -> None:
        while True:
            now = anyio.current_time()
            start = max(now, self._next_start, self._paused_until)
            if start <= now:
                self._next_start = now + self.interval
                return
            # Reserve nothing while sleeping: a backoff may arrive meanwhile, so look again.
            await anyio.sleep(start - now)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[bool]:
        """Hold one of the host's request slots for one request; yields False when the
        host is hung and the request goes without one."""
        holds = await self._acquire()
        token = object()
        try:
            await self._wait_turn()
            self.in_flight += 1
            self.requests += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._waiting_since[token] = anyio.current_time()
            try:
                yield holds
            finally:
                self.in_flight -= 1
                del self._waiting_since[token]
        finally:
            if holds:
                self._semaphore.release()

    def back_off(self, retry_after: float | None, fallback: float | None) -> None:
        """The host said slow down: pause it (Retry-After, else `fallback`) and widen spacing.

        `fallback` None: widen the spacing only (a 503 without Retry-After is as often a
        hiccup of one page as an overloaded host).
        """
        pause = retry_after if retry_after is not None else fallback
        if pause is not None:
            self._paused_until = max(self._paused_until, anyio.current_time() + pause)
        widened = max(self.interval * 2, self.base_interval, 0.05)
        self.interval = min(widened, _MAX_ADAPTIVE_INTERVAL)

    def relax(self) -> None:
        """A success: let the spacing decay back towards the configured interval."""
        if self.interval > self.base_interval:
            self.interval = max(self.base_interval, self.interval * 0.75)
            if self.interval < 0.01:
                self.interval = self.base_interval


class HostPool:
    """The slots of every host seen in a run, plus the global in-flight limit."""

    def __init__(
        self, settings: CheckSettings, *, on_hung: Callable[[str], None] | None = None
    ) -> None:
        self._settings = settings
        self.on_hung = on_hung  # told when a host turns out hung (HostSlot)
        self._slots: dict[str, HostSlot] = {}
        self.global_limit = anyio.CapacityLimiter(max(1, settings.concurrency))

    def slot(self, host: str) -> HostSlot:
        slot = self._slots.get(host)
        if slot is None:
            override = host_settings_for(host, self._settings)
            concurrency = self._settings.per_host
            interval = self._settings.interval
            if override is not None:
                concurrency = (
                    override.concurrency if override.concurrency is not None else concurrency
                )
                interval = override.interval if override.interval is not None else interval
            timeout = self._settings.timeout
            if override is not None and override.timeout is not None:
                timeout = override.timeout
            slot = HostSlot(
                host,
                concurrency,
                interval,
                hang_after=max(HANG_MIN, HANG_FRACTION * timeout),
                on_hung=self._tell_hung,
            )
            self._slots[host] = slot
        return slot

    def _tell_hung(self, host: str) -> None:
        if self.on_hung is not None:
            self.on_hung(host)

    @asynccontextmanager
    async def request(self, host: str) -> AsyncIterator[HostSlot]:
        """The host's slot first, then the global limit: nobody waits holding another host.

        A hung host's requests take neither (`HostSlot.hung`): they only wait, and would
        otherwise hold the global limit for a whole timeout while live hosts queue behind.
        """
        slot = self.slot(host)
        async with slot.turn() as holds:
            if not holds:
                yield slot
                return
            async with self.global_limit:
                yield slot

    def stats(self) -> dict[str, tuple[int, int]]:
        """host -> (requests sent, most in flight at once)."""
        return {h: (s.requests, s.max_in_flight) for h, s in self._slots.items()}


class Once(Generic[T]):
    """In-run dedupe: concurrent and later callers with the same key share one result."""

    def __init__(self) -> None:
        self._done: dict[str, T] = {}
        self._pending: dict[str, anyio.Event] = {}

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        while True:
            if key in self._done:
                return self._done[key]
            event = self._pending.get(key)
            if event is None:
                break
            await event.wait()
        event = anyio.Event()
        self._pending[key] = event
        try:
            value = await work()
            self._done[key] = value
            return value
        finally:
            del self._pending[key]
            event.set()
