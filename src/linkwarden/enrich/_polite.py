"""Polite JSON requests for the registry clients (Crossref, doi.org, OpenReview, Wayback, HF).

The clients take an `httpx.AsyncClient` from their caller (the caller decides the transport:
host mapping, CA bundle, the private-address guard; tests pass an `httpx.MockTransport`) and
send every request through `Polite.get`, which

* waits for the host's slot in a `HostPool` (the checker's politeness: per-host
  concurrency, spacing, a pause on 429/503 honouring Retry-After up to a cap),
* retries a 429/5xx or a dropped connection a couple of times,
* and never raises for the network: what it got is an `Answer`, what it did not is an
  `Answer` with a `problem`. A host that could not be reached after the retries is marked
  down, and later asks to it return at once without a request, so a registry that is down
  costs a run a handful of requests, not one per link.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

from ..check._hosts import HostPool, parse_retry_after
from ..check._retry import classify
from ..config import CheckSettings, HostSettings
from ..urls import host_of

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 1.0  # seconds before a retry when the server named no Retry-After
DOWN_AFTER = 3  # failed attempts in a row (any ask) after which a host counts as down
# Failures that retrying will not mend within a run (the checker's classification): the
# name does not resolve, the host refuses connections, the guard forbids the address.
HOPELESS = frozenset({"dns", "refused", "guard"})


@dataclass(frozen=True)
class Answer:
    """What one ask got: an HTTP status and JSON, or why there is nothing."""

    status: int | None  # None: no HTTP answer (connection failed, host marked down)
    data: Any = None  # the JSON body when the answer was JSON
    final_url: str = ""
    problem: str = ""  # "" when the server answered; otherwise why it did not usefully

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def unreachable(self) -> bool:
        """No verdict from the server: no answer, or only 429/5xx after the retries."""
        return self.status is None or self.status in RETRY_STATUSES


def registry_pool(check: CheckSettings, defaults: Mapping[str, HostSettings]) -> HostPool:
    """A HostPool for the API hosts: the user's `check.hosts` entries win over `defaults`."""
    hosts = {**defaults, **check.hosts}
    return HostPool(dataclasses.replace(check, hosts=hosts))


def api_host(url: str, concurrency: int, interval: float) -> tuple[str, HostSettings]:
    """(host, HostSettings) for one API base URL, for `registry_pool`'s defaults."""
    return host_of(url), HostSettings(concurrency=concurrency, interval=interval)


class Polite:
    """GET through the host slots of a `HostPool`, with retries; failures are data."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        hosts: HostPool,
        *,
        user_agent: str,
        max_retry_after: float = 60.0,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
    ) -> None:
        self._client = client
        self._hosts = hosts
        self._user_agent = user_agent
        self._max_retry_after = max_retry_after
        self._retries = retries
        self._backoff = backoff
        self.requests: Counter[str] = Counter()  # requests sent, per host
        self.sent: Counter[str] = Counter()  # requests sent, per source (the `source` tag)
        self.down: dict[str, str] = {}  # host -> why it is considered unreachable
        self._failures: Counter[str] = Counter()  # failed attempts in a row, per host
        self._waiting: dict[str, set[anyio.CancelScope]] = {}  # asks waiting for a slot

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
        follow_redirects: bool = False,
        source: str = "",
    ) -> Answer:
        """One ask, counted under `source` (e.g. "crossref") and the URL's host."""
        host = host_of(url)
        send_headers = {"User-Agent": self._user_agent, "Accept": "application/json"}
        send_headers.update(headers or {})

        async def send() -> httpx.Response:
            return await self._client.request(
                method, url, params=params, headers=send_headers,
                follow_redirects=follow_redirects,
            )  # fmt: skip

        answer = Answer(None, problem="not asked")
        for attempt in range(self._retries + 1):
            if host in self.down:
                return Answer(None, problem=self.down[host])
            answer, wait = await self._attempt(host, source, send, attempt)
            if wait is None:
                return answer
            if attempt < self._retries:
                await anyio.sleep(wait)
        return answer

    async def _attempt(
        self, host: str, source: str, send: Callable[[], Awaitable[httpx.Response]], attempt: int
    ) -> tuple[Answer, float | None]:
        """One request in the host's slot: (answer, seconds to wait before a retry or None).

        Waiting for the slot is abandoned as soon as the host is marked down: asks queued
        behind a dead registry return at once instead of each waiting its turn.
        """
        waiting = anyio.CancelScope()
        self._waiting.setdefault(host, set()).add(waiting)
        answer = Answer(None, problem="not asked")
        wait: float | None = None
        with waiting:
            async with self._hosts.request(host) as slot:
                self._waiting[host].discard(waiting)
                if host in self.down:  # decided while this ask waited for the slot
                    return Answer(None, problem=self.down[host]), None
                self.requests[host] += 1
                self.sent[source] += 1
                try:
                    response = await send()
                except Exception as exc:  # classify re-raises what is not a network failure
                    failure = classify(exc)
                    answer = Answer(None, problem=f"{failure.kind}: {failure.message}")
                    wait = self._backoff * (attempt + 1)
                    if failure.kind in HOPELESS:
                        self._mark_down(host, answer.problem)
                        return answer, None
                else:
                    answer = _answer(response)
                    if response.status_code not in RETRY_STATUSES:
                        slot.relax()
                        self._failures[host] = 0
                        return answer, None
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                    slot.back_off(retry_after, self._backoff)
                    too_long = retry_after is not None and retry_after > self._max_retry_after
                    # Too long: the server asks for more patience than we have.
                    wait = None if too_long else (retry_after or self._backoff)
                self._failures[host] += 1
                if self._failures[host] >= DOWN_AFTER:
                    self._mark_down(host, answer.problem or f"HTTP {answer.status}")
        self._waiting[host].discard(waiting)
        if waiting.cancelled_caught:
            return Answer(None, problem=self.down.get(host, "not asked")), None
        return answer, wait

    def _mark_down(self, host: str, problem: str) -> None:
        self.down[host] = problem
        for scope in self._waiting.get(host, ()):
            scope.cancel()


def _answer(response: httpx.Response) -> Answer:
    data: Any = None
    ctype = response.headers.get("content-type", "")
    if "json" in ctype or response.content[:1] in (b"{", b"["):
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
    problem = "" if response.status_code < 500 else f"HTTP {response.status_code}"
    if response.status_code == 429:
        problem = "HTTP 429 (rate limited)"
    return Answer(response.status_code, data, str(response.url), problem)
