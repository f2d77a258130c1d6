"""The connection layer: host mapping (`--resolve`, `--connect-to`), DNS, and the safety guard.

It sits *under* httpx as an httpcore network backend, so everything above it (TLS SNI,
certificate checks, the Host header, connection pooling) still uses the URL's own host, while
the socket goes wherever the mapping says, exactly like curl's options of the same names.

The guard looks at the address we are about to connect to, after DNS and after mapping, so a
public name that resolves to 127.0.0.1 or 169.254.169.254 is refused just like a literal one.
An explicit mapping of a host counts as permission for that host.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import anyio.lowlevel
import certifi
import httpcore
import httpx

from ..errors import InputError

_SOCKET_ERRORS_PERMANENT = {
    getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, n)
}

# Addresses of cloud metadata services; most are link-local already, some are not.
METADATA_ADDRESSES: frozenset[str] = frozenset(
    {"169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16", "fd00:ec2::254"}
)


class TargetRefused(Exception):
    """The safety guard refused to connect to an address (not an error: a `skipped` result)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NameNotResolved(Exception):
    """DNS gave no address. `permanent` is NXDOMAIN (no such name), else a temporary failure."""

    def __init__(self, host: str, detail: str, *, permanent: bool) -> None:
        self.host = host
        self.permanent = permanent
        super().__init__(f"cannot resolve {host}: {detail}")


@dataclass(frozen=True)
class ResolveRule:
    """`--resolve HOST:PORT:ADDRESS[,ADDRESS...]`: HOST `*` matches every host."""

    host: str
    port: int
    addresses: tuple[str, ...]

    def matches(self, host: str, port: int) -> bool:
        return self.port == port and self.host in ("*", host)


@dataclass(frozen=True)
class ConnectRule:
    """`--connect-to HOST1:PORT1:HOST2:PORT2` (curl).

    An empty HOST1 or PORT1 matches any; an empty HOST2 or PORT2 keeps the original.
    """

    host: str  # '' = any host
    port: int | None  # None = any port
    to_host: str  # '' = keep the host
    to_port: int | None  # None = keep the port

    def matches(self, host: str, port: int) -> bool:
        return self.host in ("", host) and self.port in (None, port)


def _split_colons(spec: str) -> list[str]:
    """Split on ':' outside square brackets (IPv6 literals are written [::1])."""
    parts: list[str] = []
    current = ""
    depth = 0
    for ch in spec:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == ":" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _unbracket(host: str) -> str:
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _port(text: str, flag: str, spec: str, *, optional: bool) -> int | None:
    if text == "" and optional:
        return None
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise InputError(f"{flag} {spec!r}: {text!r} is not a port number")
    return int(text)


def parse_resolve(spec: str) -> ResolveRule:
    parts = _split_colons(spec)
    if len(parts) != 3 or not parts[0] or not parts[2]:
        raise InputError(f"--resolve {spec!r}: expected HOST:PORT:ADDRESS (like curl)")
    port = _port(parts[1], "--resolve", spec, optional=False)
    addresses = tuple(_unbracket(a.strip()) for a in parts[2].split(",") if a.strip())
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise InputError(f"--resolve {spec!r}: {address!r} is not an IP address") from None
    assert port is not None
    return ResolveRule(parts[0].lower().rstrip("."), port, addresses)


def parse_connect_to(spec: str) -> ConnectRule:
    parts = _split_colons(spec)
    if len(parts) != 4:
        raise InputError(f"--connect-to {spec!r}: expected HOST1:PORT1:HOST2:PORT2 (like curl)")
    return ConnectRule(
        host=_unbracket(parts[0]).lower().rstrip("."),
        port=_port(parts[1], "--connect-to", spec, optional=True),
        to_host=_unbracket(parts[2]).lower(),
        to_port=_port(parts[3], "--connect-to", spec, optional=True),
    )


@dataclass(frozen=True)
class NetworkOptions:
    """How to reach hosts: curl-style mappings, the CA bundle, and the private-address guard."""

    resolve: tuple[ResolveRule, ...] = ()
    connect_to: tuple[ConnectRule, ...] = ()
    cacert: Path | None = None
    allow_private: bool = False

    @classmethod
    def from_flags(
        cls,
        *,
        resolve: Sequence[str] = (),
        connect_to: Sequence[str] = (),
        cacert: str | Path | None = None,
        allow_private: bool = False,
    ) -> NetworkOptions:
        """Parse command-line values; a malformed one is an InputError (exit 2)."""
        path = Path(cacert) if cacert else None
        if path is not None and not path.is_file():
            raise InputError("CA bundle not found", path=str(path))
        return cls(
            resolve=tuple(parse_resolve(s) for s in resolve),
            connect_to=tuple(parse_connect_to(s) for s in connect_to),
            cacert=path,
            allow_private=allow_private,
        )

    @property
    def resolve_map(self) -> dict[tuple[str, int], tuple[str, ...]]:
        return {(r.host, r.port): r.addresses for r in self.resolve}

    @property
    def connect_to_map(self) -> dict[tuple[str, int | None], tuple[str, int | None]]:
        return {(r.host, r.port): (r.to_host, r.to_port) for r in self.connect_to}

    def route(self, host: str, port: int) -> tuple[str, int, tuple[str, ...] | None, bool]:
        """Where to connect for host:port: (host, port, pinned addresses, explicitly mapped)."""
        host = host.lower().rstrip(".")
        mapped = False
        for rule in self.connect_to:
            if rule.matches(host, port):
                host = rule.to_host or host
                port = rule.to_port or port
                mapped = True
                break
        for rrule in self.resolve:
            if rrule.matches(host, port):
                return host, port, rrule.addresses, True
        return host, port, None, mapped

    def ssl_context(self) -> ssl.SSLContext:
        """Certificates are checked against the URL's host; `--cacert` replaces the trust store."""
        try:
            return ssl.create_default_context(cafile=str(self.cacert or certifi.where()))
        except (OSError, ssl.SSLError) as exc:
            raise InputError(f"cannot use CA bundle: {exc}", path=str(self.cacert)) from None


def forbidden_reason(address: str) -> str | None:
    """Why the guard refuses to connect to `address`, or None when it is a public address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if str(ip) in METADATA_ADDRESSES:
        return f"{address} is a cloud metadata address"
    kinds = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("unique-local" if ip.version == 6 else "private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    for kind, hit in kinds:
        if hit:
            return f"{address} is a {kind} address"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


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
        if _is_ip(host):
            return (host,)
        key = (host, port)
        cached = self._dns.get(key)
        if cached is not None:
            return cached
        # One lookup per name at a time: the other connections to the host wait for it.
        pending = self._pending_dns.get(key)
        if pending is not None:
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
        except socket.gaierror as exc:
            raise NameNotResolved(
                host, str(exc.strerror or exc), permanent=exc.errno in _SOCKET_ERRORS_PERMANENT
            ) from None
        except (UnicodeError, OSError) as exc:
            raise NameNotResolved(host, str(exc), permanent=True) from None
        return tuple(dict.fromkeys(str(i[4][0]) for i in infos if not isinstance(i[4][0], int)))

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
        if not self._options.allow_private and not mapped:
            reasons = {a: forbidden_reason(a) for a in addresses}
            allowed = tuple(a for a in addresses if reasons[a] is None)
            if not allowed:
                why = next(r for r in reasons.values() if r)
                raise TargetRefused(
                    f"refused to connect to {host}: {why} (use --allow-private or --resolve)"
                )
            addresses = allowed
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


class PerOriginTransport(httpx.AsyncBaseTransport):
    """One small connection pool per origin (scheme, host, port), least recently used first out.

    One big httpcore pool scans every connection for every request, and once it is full it
    closes idle connections of busy hosts to open others: a run over hundreds of hosts then
    spends its time in TLS handshakes. Small pools keep each host's connections warm; at
    most `max_origins` pools stay open, and only pools with nothing in flight are closed.
    """

    def __init__(
        self,
        options: NetworkOptions,
        *,
        max_origins: int = 256,
        keepalive_per_origin: int = 8,
        keepalive_expiry: float = 5.0,
        http2: bool = False,
        connect_gate: ConnectGate | None = None,
    ) -> None:
        self._context = options.ssl_context()
        self._http2 = http2
        # One backend for the run: one DNS cache, one gate for connection set-ups.
        self._backend = GuardedBackend(options, gate=connect_gate)
        self._max_origins = max_origins
        self._keepalive = keepalive_per_origin
        self._expiry = keepalive_expiry
        self._pools: OrderedDict[tuple[str, str, int | None], httpx.AsyncHTTPTransport] = (
            OrderedDict()
        )

    def _new_pool(self) -> httpx.AsyncHTTPTransport:
        transport = httpx.AsyncHTTPTransport(verify=self._context)
        # httpx has no public hook for the network backend: its pool is replaced by an
        # identical httpcore pool (httpcore's public API) built with our backend.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=self._context,
            max_connections=None,  # the host slots bound what is in flight
            max_keepalive_connections=self._keepalive,
            keepalive_expiry=self._expiry,
            http1=True,
            http2=self._http2,
            network_backend=self._backend,
        )
        return transport

    @staticmethod
    def _idle(transport: httpx.AsyncHTTPTransport) -> bool:
        return all(c.is_idle() or c.is_closed() for c in transport._pool.connections)

    async def _evict(self) -> None:
        if len(self._pools) <= self._max_origins:
            return
        for key in list(self._pools):
            if len(self._pools) <= self._max_origins:
                break
            transport = self._pools[key]
            if self._idle(transport):
                del self._pools[key]
                await transport.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.scheme, request.url.host, request.url.port)
        transport = self._pools.get(key)
        if transport is None:
            transport = self._pools[key] = self._new_pool()
            await self._evict()
        else:
            self._pools.move_to_end(key)
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for transport in pools:
            await transport.aclose()


# Connections set up at once, and how long a waiter defers to set-ups that hang (ConnectGate).
CONNECT_GATE_LIMIT = 8
CONNECT_GATE_MAX_WAIT = 0.5


def build_transport(
    options: NetworkOptions, *, max_origins: int = 64, keepalive_per_origin: int = 4
) -> httpx.AsyncBaseTransport:
    """The transport of a run: per-origin pools whose sockets go through `GuardedBackend`."""
    return PerOriginTransport(
        options,
        max_origins=max_origins,
        keepalive_per_origin=keepalive_per_origin,
        connect_gate=ConnectGate(CONNECT_GATE_LIMIT, CONNECT_GATE_MAX_WAIT),
    )
