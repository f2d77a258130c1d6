"""The async link checker: every URL once, polite per host, with verdicts you can trust.

Public API::

    results = await check_urls(urls, settings.check, network=NetworkOptions.from_flags(...))
    results[urls.normalize(url)]  # -> LinkResult

Layout (each module has one job):

    _netopts.py   where a connection goes and whether it may: host mapping, the guard
                  (shared with the API clients, enrich/_transport.py)
    _backend.py   the checker's sockets: mapping, coalesced DNS, the guard, connect turns
    _transport.py the httpx transport: one small httpcore pool per origin
    _hosts.py     per-host slots: concurrency, spacing, backoff on 429/503; in-run dedupe
    _retry.py     what is retried, how long to wait, when to stop (tenacity)
    _http.py      UrlChecker: HEAD/GET, redirects, retries, YouTube oEmbed
    _verdict.py   what an answer means: soft 404, walls, login, parking, redirects
    _walls.py     site knowledge as data tables
    _sentinel.py  "the links are dead" or "we are offline"?
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Protocol

import anyio
import httpx

from ..config import CheckSettings
from ..errors import NetworkUnavailable
from ..model import LinkResult
from ..urls import host_of, normalize
from ._hosts import HostPool
from ._http import UrlChecker, make_client
from ._netopts import (
    ConnectRule,
    NameNotResolved,
    NetworkOptions,
    ResolveRule,
    TargetRefused,
    forbidden_reason,
    resolve_blocking,
)
from ._sentinel import CANARY_TIMEOUT, Sentinel
from ._transport import build_transport

__all__ = [
    "CheckRun",
    "ConnectRule",
    "NameNotResolved",
    "NetworkOptions",
    "ProgressSink",
    "ResolveRule",
    "TargetRefused",
    "build_transport",
    "check_urls",
    "forbidden_reason",
    "resolve_blocking",
]


# Workers per host beyond its concurrency (see `CheckRun.run`).
SPARE_WORKERS = 2
# Seconds between the starts of two hosts after the lead ones (see `CheckRun.run`).
HOST_RAMP = 0.01


class ProgressSink(Protocol):
    """Where a run reports its progress (cli.py: a rich bar, plain lines, or nothing).

    A command may check in several passes (the APIs' leftovers, PR mode): each pass adds
    its URLs with `start`, and the command, not the pass, calls `finish` once at the end;
    `completed=False` when the run stopped (the network is down): no final tally then.
    """

    def start(self, total: int) -> None: ...

    def advance(self, result: LinkResult) -> None: ...

    def finish(self, *, completed: bool = True) -> None: ...


class CheckRun:
    """One run of the checker; `check_urls` is the short way to use it.

    Kept as a class so that a caller (and the benchmark) can read the per-host statistics
    afterwards: how many requests each host got and the most it had in flight at once.
    """

    def __init__(
        self,
        settings: CheckSettings,
        *,
        network: NetworkOptions,
        progress: ProgressSink | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.network = network
        self.progress = progress
        self.hosts = HostPool(settings)
        self.sentinel: Sentinel | None = None  # the last run's, for its counts
        self._transport = transport

    async def run(self, urls: Iterable[str]) -> dict[str, LinkResult]:
        keys = list(dict.fromkeys(normalize(u) for u in urls if u and u.strip()))
        # One queue per host, drained by as many workers as the host may have in flight:
        # a slow host never holds back the others (no head-of-line blocking).
        queues: dict[str, deque[str]] = {}
        for key in keys:
            queues.setdefault(host_of(key), deque()).append(key)
        # Workers started at once: enough to keep the global limit busy, few enough that
        # the active hosts' connections stay warm (see _transport.PerOriginTransport).
        max_workers = max(self.settings.concurrency * 2, self.settings.per_host + SPARE_WORKERS)
        transport = self._transport or build_transport(
            self.network,
            max_origins=max(32, 2 * max_workers // max(1, self.settings.per_host)),
            keepalive_per_origin=max(1, self.settings.per_host),
        )
        results: dict[str, LinkResult] = {}
        if self.progress is not None:
            self.progress.start(len(keys))
        async with make_client(transport, self.settings) as client:
            checker = UrlChecker(
                client, transport, self.hosts, self.settings, base_wait=self.settings.retry_wait
            )
            timeout = min(self.settings.timeout, CANARY_TIMEOUT)

            async def probe(url: str) -> bool:
                return await checker.probe(url, timeout)

            sentinel = Sentinel(self.settings.canaries, probe)
            self.sentinel = sentinel
            checker.watch(sentinel)
            async with anyio.create_task_group() as group:
                # The network is down: stop every check at once, mid-retry or not.
                sentinel.set_on_down(group.cancel_scope.cancel)

                async def worker(queue: deque[str]) -> None:
                    while queue:
                        key = queue.popleft()
                        result = await checker.check(key)
                        results[key] = result
                        if self.progress is not None:
                            self.progress.advance(result)
                        if sentinel.down is not None:
                            return

                # Biggest hosts first: the busiest host is the run's critical path, so it
                # starts at once and never waits for a worker (longest queue first).
                budget = anyio.Semaphore(max_workers)

                async def bounded(queue: deque[str]) -> None:
                    try:
                        await worker(queue)
                    finally:
                        budget.release()

                def more_workers(host: str) -> None:
                    # A hung host's requests skip its slot (HostSlot.hung): give its queue
                    # a worker per waiting URL (up to the global limit) so they all go out
                    # now and time out together, not a few at a time, one timeout apart.
                    queue = queues.get(host)
                    if queue is None:  # a host only redirects lead to
                        return
                    for _ in range(min(len(queue), self.settings.concurrency)):
                        group.start_soon(worker, queue)

                self.hosts.on_hung = more_workers
                ordered = sorted(queues, key=lambda h: -len(queues[h]))
                # The lead hosts (at least half the work of the busiest) start at once;
                # the others follow one every HOST_RAMP seconds. Started all at once, a
                # hundred small hosts' connection set-ups would hold up the event loop,
                # and with it the busiest host, the run's critical path, for the better
                # part of a second; the small hosts have time to spare.
                lead = sum(1 for h in ordered if 2 * len(queues[h]) >= len(queues[ordered[0]]))
                for index, host in enumerate(ordered):
                    if index >= lead:
                        await anyio.sleep(HOST_RAMP)
                    queue = queues[host]
                    # A spare worker or two beyond the host's slots: while one sleeps in a
                    # retry backoff, follows a redirect to another host or turns an answer
                    # into a verdict, the next URL already waits at the host's slot and
                    # starts the moment one frees. The slot, not the worker count, bounds
                    # what is in flight.
                    wanted = self.hosts.slot(host).concurrency + SPARE_WORKERS
                    for _ in range(min(len(queue), wanted)):
                        await budget.acquire()
                        if not queue:
                            budget.release()
                            break
                        group.start_soon(bounded, queue)
            if sentinel.down is None:
                await sentinel.finish()
        if sentinel.down is not None:
            raise NetworkUnavailable(sentinel.down)
        return {key: results[key] for key in keys}


async def check_urls(
    urls: Iterable[str],
    settings: CheckSettings,
    *,
    network: NetworkOptions,
    progress: ProgressSink | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, LinkResult]:
    """Check every URL once; results keyed by `urls.normalize(url)`.

    Raises NetworkUnavailable when the sentinel finds the network itself down.
    `transport` replaces the network layer (tests); the guard and mappings then do not apply.
    """
    run = CheckRun(settings, network=network, progress=progress, transport=transport)
    return await run.run(urls)
