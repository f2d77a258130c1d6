"""The checker's httpx transport: one small httpcore pool per origin over `GuardedBackend`.

httpx has no public option for an httpcore network backend, so this is our own transport
(`httpx.AsyncBaseTransport`, httpx's public extension point) over httpcore's public pool
API: it turns an httpx request into an httpcore one and back, exactly as httpx's own
transport does, and names httpcore's exceptions the way httpx does so that the retry
policy (`_retry.py`) sees the same failures either way.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

from ._backend import ConnectGate, GuardedBackend
from ._netopts import NetworkOptions

# httpcore's exceptions as httpx names them (most specific first).
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for source, target in _EXCEPTIONS:
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise


class _Body(httpx.AsyncByteStream):
    """An httpcore response body as an httpx stream, its errors named as httpx's."""

    def __init__(self, stream: httpcore.Response) -> None:
        self._response = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for chunk in self._response.aiter_stream():
                yield chunk

    async def aclose(self) -> None:
        await self._response.aclose()


class OriginPool(httpx.AsyncBaseTransport):
    """One origin's connections: an httpcore pool whose sockets come from our backend
    (direct, or tunnelled through a proxy: `proxied`)."""

    def __init__(
        self, pool: httpcore.AsyncConnectionPool | httpcore.AsyncHTTPProxy, *, proxied: bool = False
    ) -> None:
        self._pool = pool
        self.proxied = proxied

    def idle(self) -> bool:
        return all(c.is_idle() or c.is_closed() for c in self._pool.connections)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = await self._pool.handle_async_request(core)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


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
        self._options = options
        self._context = options.ssl_context()
        self._http2 = http2
        # One backend for the run: one DNS cache, one gate for connection set-ups.
        self._backend = GuardedBackend(options, gate=connect_gate)
        self._max_origins = max_origins
        self._keepalive = keepalive_per_origin
        self._expiry = keepalive_expiry
        self._pools: OrderedDict[tuple[str, str, int | None], OriginPool] = OrderedDict()

    def _new_pool(self, scheme: str, host: str, port: int) -> OriginPool:
        common: dict[str, Any] = {
            "ssl_context": self._context,
            "max_connections": None,  # the host slots bound what is in flight
            "max_keepalive_connections": self._keepalive,
            "keepalive_expiry": self._expiry,
            "http1": True,
            "http2": self._http2,
            "network_backend": self._backend,
        }
        proxy = self._options.proxy_for(scheme, host, port)
        if proxy is None:
            return OriginPool(httpcore.AsyncConnectionPool(**common))
        parts = urlsplit(proxy)
        auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
        bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        tls_to_proxy = self._context if parts.scheme == "https" else None
        pool = httpcore.AsyncHTTPProxy(
            proxy_url=bare, proxy_auth=auth, proxy_ssl_context=tls_to_proxy, **common
        )
        return OriginPool(pool, proxied=True)

    async def _evict(self) -> None:
        if len(self._pools) <= self._max_origins:
            return
        for key in list(self._pools):
            if len(self._pools) <= self._max_origins:
                break
            transport = self._pools[key]
            if transport.idle():
                del self._pools[key]
                await transport.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        # The host as it goes on the wire (an A-label stays one: `url.host` would decode
        # it and refuse names outside IDNA 2008, such as emoji domains, that DNS serves).
        host = url.raw_host.decode("ascii").strip("[]")
        key = (url.scheme, host, url.port)
        transport = self._pools.get(key)
        if transport is None:
            port = url.port or (443 if url.scheme == "https" else 80)
            transport = self._pools[key] = self._new_pool(url.scheme, host, port)
            await self._evict()
        else:
            self._pools.move_to_end(key)
        if transport.proxied:  # the proxy connects for us: guard the target here
            await self._backend.guard_proxied(host, url.port or 443)
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
