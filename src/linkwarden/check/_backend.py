"""The checker's sockets: an httpcore network backend that maps, resolves and guards.

It sits *under* httpx (see `_transport.py`), so everything above it (TLS SNI, certificate
checks, the Host header, connection pooling) still uses the URL's own host, while the
socket goes wherever `NetworkOptions` says. DNS is coalesced per name, bounded, and run
in daemon threads that a stopped run abandons; connection set-ups take turns (ConnectGate).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import anyio.from_thread
import anyio.lowlevel
import httpcore

from ._netopts import (
    NameNotResolved,
    NetworkOptions,
    addresses_of,
    is_ip,
    lookup_failure,
)

_QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux only


def _nothing() -> None:
    return None


class ConnectGate:
    """At most `limit` connections being set up (TCP and TLS) at once, first come first served.

    A run starts with a burst: every host's first connections at once, a hundred TLS
    handshakes or more. Interleaved fairly, each of them completes only when the whole burst
    does, the busiest host's included, and the busiest host is the run's critical path (it
    is started first, see `CheckRun.run`). Admitted in order, the first hosts' connections
    are ready at once and the rest follow. A set-up that hangs (a host that never answers
    the SYN) holds its turn for a while only: whoever waited `max_wait` goes ahead anyway.
    """

    def __init__(self, limit: int, max_wait: float) -> None:
        self._semaphore = anyio.Semaphore(max(1, limit))
        self._max_wait = max_wait

    async def enter(self) -> Callable[[], None]:
        """Wait for a turn (at most `max_wait`); return the function that ends it."""
        with anyio.move_on_after(self._max_wait):
            await self._semaphore.acquire()
            done = False

            def release() -> None:
                nonlocal done
                if not done:
                    done = True
                    self._semaphore.release()

            return release
        return _nothing


class _QuickAckStream(httpcore.AsyncNetworkStream):
    """Acknowledge every segment at once (Linux TCP_QUICKACK, re-armed after each read).

    A server that writes response headers and body separately without TCP_NODELAY holds
    the body back until the headers are acknowledged (Nagle), and a client that delays its
    ACK (the Linux default, up to 40 ms) stalls every small HTTP/1.1 response that long.
    """

    def __init__(
        self, inner: httpcore.AsyncNetworkStream, ready: Callable[[], None] = _nothing
    ) -> None:
        self._inner = inner
        self._ready = ready  # ends the connection's turn at the ConnectGate
        self._arm()

    def _arm(self) -> None:
        sock = self._inner.get_extra_info("socket")
        if sock is not None and _QUICKACK is not None:
            with contextlib.suppress(OSError):  # not a TCP socket after all: nothing to do
                sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self._inner.read(max_bytes, timeout)
        self._arm()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._ready()  # plain HTTP: set-up is over once the request goes out
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        self._ready()
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        finally:
            self._ready()
        return _QuickAckStream(tls)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


DNS_LOOKUPS_AT_ONCE = 16
# How long the guard waits for our own DNS about a target a proxy will reach (behind a
# proxy, local DNS may not know outside names at all).
PROXIED_LOOKUP_TIMEOUT = 2.0


async def _getaddrinfo_in_daemon_thread(host: bytes, port: int) -> list[tuple[Any, ...]]:
    """`socket.getaddrinfo` in a daemon thread of its own, abandoned if we are cancelled.

    A resolver that sits on a query (5 s and more when it drops one) must never hold up
    the end of a run: not the loop's default executor (which the end of `anyio.run`
    waits for), nor a worker thread (which the interpreter waits for at exit).
    """
    done = anyio.Event()
    token = anyio.lowlevel.current_token()
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:  # handed to the waiting task, which raises it
            outcome.append(exc)
        with contextlib.suppress(Exception):  # the run is over: nobody waits any more
            anyio.from_thread.run_sync(done.set, token=token)

    threading.Thread(target=work, name="linkwarden-dns", daemon=True).start()
    await done.wait()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    infos: list[tuple[Any, ...]] = result
    return infos


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that maps hosts, resolves names and guards private addresses."""

    def __init__(
        self,
        options: NetworkOptions,
        inner: httpcore.AsyncNetworkBackend | None = None,
        *,
        gate: ConnectGate | None = None,
    ):
        self._options = options
        self._inner = inner or httpcore.AnyIOBackend()
        self._gate = gate
        self._dns: dict[tuple[str, int], tuple[str, ...]] = {}
        self._dns_failures: dict[tuple[str, int], NameNotResolved] = {}
        self._pending_dns: dict[tuple[str, int], anyio.Event] = {}
        # A burst of a hundred lookups at once makes stub resolvers drop some (each then
        # waits out the resolver's 5 s timeout): a few at a time is as fast and never stalls.
        self._dns_limiter = anyio.CapacityLimiter(DNS_LOOKUPS_AT_ONCE)

    async def _lookup(self, host: str, port: int, timeout: float | None) -> tuple[str, ...]:
        if is_ip(host):
            return (host,)
        key = (host, port)
        cached = self._dns.get(key)
        if cached is not None:
            return cached
        # One lookup per name at a time: the other connections to the host wait for it.
        # After a temporary failure every waiter may try again, but still one at a time:
        # whoever finds no lookup under way starts one; the rest wait for that one.
        while (pending := self._pending_dns.get(key)) is not None:
            await pending.wait()
            cached = self._dns.get(key)
            if cached is not None:
                return cached
            failure = self._dns_failures.get(key)
            if failure is not None:
                raise failure
        event = self._pending_dns[key] = anyio.Event()
        try:
            addresses = await self._resolve(host, port, timeout)
        except NameNotResolved as exc:
            if exc.permanent:
                self._dns_failures[key] = exc  # no such name: it will not appear this run
            raise
        finally:
            if self._pending_dns.get(key) is event:
                del self._pending_dns[key]
            event.set()
        self._dns[key] = addresses
        return addresses

    async def _resolve(self, host: str, port: int, timeout: float | None) -> tuple[str, ...]:
        try:
            encoded = host.encode("idna")
        except UnicodeError as exc:
            raise NameNotResolved(host, str(exc), permanent=True) from None
        try:
            with anyio.fail_after(timeout):
                async with self._dns_limiter:
                    infos = await _getaddrinfo_in_daemon_thread(encoded, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"DNS lookup of {host} timed out") from None
        except (UnicodeError, OSError) as exc:
            raise lookup_failure(host, exc) from None
        return addresses_of(infos)

    async def guard_proxied(self, host: str, port: int) -> None:
        """The guard for a target the proxy will connect to: refuse what our own DNS shows
        to be private; a name our DNS cannot resolve (soon) is the proxy's to resolve."""
        addresses: tuple[str, ...] = ()
        if not is_ip(host):
            with anyio.move_on_after(PROXIED_LOOKUP_TIMEOUT):
                try:
                    addresses = await self._lookup(host, port, PROXIED_LOOKUP_TIMEOUT)
                except (NameNotResolved, httpcore.ConnectTimeout):
                    addresses = ()
        self._options.guard_proxied(host, addresses)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        target, target_port, pinned, mapped = self._options.route(host, port)
        addresses = (
            pinned if pinned is not None else await self._lookup(target, target_port, timeout)
        )
        addresses = self._options.allowed(host, addresses, mapped=mapped, port=port)
        ready = await self._gate.enter() if self._gate is not None else _nothing
        last: Exception | None = None
        try:
            for address in addresses:
                try:
                    stream = await self._inner.connect_tcp(
                        address, target_port, timeout, local_address, socket_options
                    )
                    return _QuickAckStream(stream, ready)
                except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                    last = exc
        except BaseException:
            ready()
            raise
        ready()
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - never used: we only speak TCP
        raise httpcore.ConnectError("unix sockets are not supported")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
