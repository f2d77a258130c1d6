"""Retry policy, in one place: what is worth another attempt, how long to wait, when to stop.

Retried: timeouts, connection resets and protocol hiccups, 5xx and 429 answers. Not retried:
NXDOMAIN, refused connections, TLS failures, the safety guard: trying again changes nothing.
Waits grow exponentially with jitter; a server's Retry-After wins when it gives one (capped by
`max_retry_after`; a longer one ends the retries rather than stall the run). Attempts are
bounded by `retries` and by the URL's deadline.
"""

from __future__ import annotations

import errno
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import anyio
import httpcore
import httpx
import tenacity

from ._netopts import NameNotResolved, TargetRefused

RETRY_KINDS = frozenset({"timeout", "reset", "protocol", "connect"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 598, 599})
# Failures that say "we could not reach the host at all": the network sentinel counts these.
CONNECTION_KINDS = frozenset({"dns", "dns_temporary", "refused", "connect", "connect_timeout"})


class Answer(Protocol):
    """What the retry policy needs to know about an HTTP answer."""

    @property
    def status(self) -> int: ...

    @property
    def retry_after(self) -> float | None: ...


A = TypeVar("A", bound=Answer)


@dataclass(frozen=True)
class Failure:
    """A request that got no HTTP answer, classified."""

    kind: str  # dns, dns_temporary, refused, connect, connect_timeout, timeout, reset, tls, ...
    message: str


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify(exc: BaseException) -> Failure:
    """Name what went wrong with a request that raised."""
    if isinstance(exc, NameNotResolved):
        return Failure("dns" if exc.permanent else "dns_temporary", str(exc))
    if isinstance(exc, TargetRefused):
        return Failure("guard", exc.reason)
    text = str(exc) or type(exc).__name__
    chain = _chain(exc)
    if isinstance(exc, httpx.ConnectTimeout | httpcore.ConnectTimeout):
        return Failure("connect_timeout", "timed out connecting")
    if isinstance(exc, httpx.TimeoutException | httpcore.TimeoutException | TimeoutError):
        return Failure("timeout", "timed out waiting for the server")
    if any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain) or "[SSL" in text:
        return Failure("tls", f"TLS error: {text}")
    refused = any(
        isinstance(e, ConnectionRefusedError)
        or (isinstance(e, OSError) and e.errno == errno.ECONNREFUSED)
        for e in chain
    )
    # Only a real refusal (RST to our SYN) is `refused` (dead, not retried). asyncio words
    # every failed connect "Connect call failed", whatever the errno (no route, address
    # in use, reset under load): those are `connect`, retried, never a verdict of death.
    if refused or "connection refused" in text.lower():
        return Failure("refused", "connection refused")
    if isinstance(exc, httpx.ConnectError | httpcore.ConnectError):
        return Failure("connect", f"cannot connect: {text}")
    if isinstance(exc, httpx.RemoteProtocolError | httpcore.RemoteProtocolError):
        return Failure("protocol", f"protocol error: {text}")
    if isinstance(
        exc, httpx.ReadError | httpx.WriteError | httpcore.ReadError | httpcore.WriteError
    ):
        return Failure("reset", f"connection reset: {text}")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return Failure("unsupported", text)
    if isinstance(exc, httpx.HTTPError | httpcore.NetworkError | OSError):
        return Failure("network", text)
    if isinstance(exc, httpx.InvalidURL | UnicodeError | ValueError):
        # A URL httpx cannot request (bad port, bad IPv4, IDNA): the link's own fault.
        return Failure("invalid_url", f"invalid URL: {text}")
    raise exc  # a bug, not a network failure: let it surface


def _should_retry(state: tenacity.RetryCallState) -> bool:
    outcome = state.outcome
    if outcome is None:
        return False
    if outcome.failed:
        exc = outcome.exception()
        if exc is None or not isinstance(exc, Exception):
            return False
        try:
            return classify(exc).kind in RETRY_KINDS
        except Exception:
            return False
    answer = outcome.result()
    return getattr(answer, "status", 0) in RETRY_STATUSES


class _Wait:
    """Exponential backoff with jitter, unless the server said how long (Retry-After)."""

    def __init__(self, base: float, cap: float) -> None:
        self._jitter = tenacity.wait_random_exponential(multiplier=base, max=max(base, cap))

    def __call__(self, state: tenacity.RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            retry_after = getattr(outcome.result(), "retry_after", None)
            if retry_after is not None:
                return float(retry_after)
        return float(self._jitter(state))


class _RetryAfterTooLong(tenacity.stop.stop_base):
    """Stop when the server asks us to wait longer than we are willing to."""

    def __init__(self, cap: float) -> None:
        self._cap = cap

    def __call__(self, state: tenacity.RetryCallState) -> bool:
        outcome = state.outcome
        if outcome is None or outcome.failed:
            return False
        retry_after = getattr(outcome.result(), "retry_after", None)
        return retry_after is not None and retry_after > self._cap


class _GiveUp(tenacity.stop.stop_base):
    """Stop when the caller says a failure is not worth another attempt."""

    def __init__(self, give_up: Callable[[BaseException], bool]) -> None:
        self._give_up = give_up

    def __call__(self, state: tenacity.RetryCallState) -> bool:
        outcome = state.outcome
        if outcome is None or not outcome.failed:
            return False
        exc = outcome.exception()
        return exc is not None and self._give_up(exc)


def _last_outcome(state: tenacity.RetryCallState) -> object:
    assert state.outcome is not None
    return state.outcome.result()  # re-raises the last exception, or returns the last answer


async def with_retries(
    attempt: Callable[[], Awaitable[A]],
    *,
    retries: int,
    base_wait: float,
    max_retry_after: float,
    time_left: Callable[[], float],
    give_up: Callable[[BaseException], bool] | None = None,
) -> A:
    """Run `attempt` under the policy; return its last answer or raise its last exception.

    `give_up(exc)`: True ends the retries after that failure (the caller knows more).
    """
    retrying = tenacity.AsyncRetrying(
        retry=_should_retry,
        wait=_Wait(base_wait, max(base_wait * 8, 1.0)),
        stop=(
            tenacity.stop_after_attempt(retries + 1)
            | _RetryAfterTooLong(max_retry_after)
            | tenacity.stop_before_delay(max(0.0, time_left()))
            | _GiveUp(give_up or (lambda exc: False))
        ),
        sleep=anyio.sleep,
        retry_error_callback=_last_outcome,
        reraise=True,
    )

    async def call() -> A:  # tenacity awaits only what it sees is a coroutine function
        return await attempt()

    result: A = await retrying(call)
    return result
