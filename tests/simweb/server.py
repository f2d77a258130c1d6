"""SimWeb: many simulated hosts behind one real HTTPS port and one HTTP port on 127.0.0.1.

Hypercorn serves a single ASGI app in a background thread with its own event loop. The app
picks the host from the Host header (`:authority` on HTTP/2), applies the host's latency,
logs the request, and answers with the scripted behaviour or a mounted ASGI app. TLS uses a
trustme CA; the server certificate names every host known at start plus common wildcards,
and an SNI callback issues a certificate on the fly for a host added later.

A client reaches a host by connecting to 127.0.0.1 and keeping the host name for SNI, Host
and certificate checks: the checker does this with `--connect-to` (see `cli_args`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
import shutil
import socket
import ssl
import tempfile
import threading
import time
import traceback
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import httpx
import trustme
from hypercorn.asyncio.tcp_server import TCPServer
from hypercorn.asyncio.worker_context import WorkerContext
from hypercorn.config import Config
from hypercorn.utils import wrap_app

from .behaviours import (
    HTML,
    Behaviour,
    Message,
    Page,
    Receive,
    Responder,
    Send,
    SimRequest,
    html_page,
)
from .proxy import handle_proxy_client
from .world import HostSpec, Latency, World, route_key, split_target

ASGIApp = Any  # an ASGI 3 callable: (scope, receive, send) -> awaitable

LOOPBACK = "127.0.0.1"

# Names every server certificate covers, so hosts added after start on these suffixes need
# no certificate of their own.
WILDCARDS: tuple[str, ...] = (
    "*.github.io",
    "*.github.com",
    "*.githubusercontent.com",
    "*.google.com",
    "*.youtube.com",
    "*.hf.space",
    "*.huggingface.co",
    "*.arxiv.org",
    "*.sim.test",
)

# Hosts every world has: where login redirects land.
SIGN_IN_HOST = "accounts.google.com"

log = logging.getLogger("simweb")


@dataclass(slots=True)
class LoggedRequest:
    """One request the simulated web received (times from `time.monotonic()`)."""

    started: float
    host: str
    method: str
    scheme: str
    path: str
    query: str
    headers: dict[str, str]
    http_version: str
    in_flight: int  # requests to this host in flight once this one arrived (itself included)
    status: int | None = None
    finished: float | None = None
    bytes_sent: int = 0  # body bytes handed to the server (an upper bound on what was read)
    disconnected: bool = False  # the client hung up before the response was complete
    error: str | None = None  # a traceback when a behaviour or mounted app failed

    @property
    def user_agent(self) -> str | None:
        return self.headers.get("user-agent")

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


@dataclass
class _Counters:
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    hits: dict[tuple[str, str], int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)


class SimWeb:
    """The simulated web. Start it, script hosts, point the checker at it with `cli_args()`.

    Thread-safe: tests mutate the world and read the log from their own thread while the
    server runs in its thread.
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        cert_hosts: Iterable[str] = (),
        sources_dir: Path | None = None,
        graceful_timeout: float = 0.5,
        keep_log: bool = True,
    ) -> None:
        """`keep_log=False` keeps only counters (for 100,000-request benchmarks)."""
        self._lock = threading.RLock()
        self.world = world if world is not None else World()
        self.world.host(SIGN_IN_HOST).routes.setdefault(
            "/ServiceLogin", Page(title="Sign in - Google Accounts")
        )
        self._mounts: dict[str, ASGIApp] = {}
        self._mount_prefixes: dict[str, str] = {}  # host -> the paths its app serves
        self._baseline = (self.world.copy(), dict(self._mounts))
        self._log: list[LoggedRequest] = []
        self._counters = _Counters()
        self._graceful_timeout = graceful_timeout
        self._keep_log = keep_log

        self._dir = Path(tempfile.mkdtemp(prefix="simweb-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._dir, True)
        self.ca = trustme.CA(organization_name="linkwarden simweb")
        self.ca_pem_path = str(self._dir / "simweb-ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_pem_path)
        self._extra_cert_hosts = {h.lower() for h in cert_hosts}
        self._sources_dir = sources_dir
        self._cert_names: frozenset[str] = frozenset()
        self._sni_contexts: dict[str, ssl.SSLContext] = {}

        self.tls_port = 0
        self.http_port = 0
        self.proxy_port = 0
        # What the proxy was asked, oldest first: (method, target), e.g. ("CONNECT", "h:443").
        self.proxy_log: list[tuple[str, str]] = []
        self._by_peer: dict[tuple[str, int], asyncio.StreamWriter] = {}
        self._closed_socket = _bound_unlistened_socket()
        self.closed_port: int = self._closed_socket.getsockname()[1]

        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._shutdown: asyncio.Event | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> SimWeb:
        """Listen on the TLS and HTTP ports (the same ones again after a `stop()`)."""
        if self._thread is not None:
            return self
        socks = [_listening_socket(p) for p in (self.tls_port, self.http_port, self.proxy_port)]
        self.tls_port, self.http_port, self.proxy_port = (s.getsockname()[1] for s in socks)
        context = self._server_context()
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(context, *socks, ready), name="simweb", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout=10):
            raise RuntimeError("simweb: the server thread did not start")
        return self

    def stop(self) -> None:
        """Cut the network: close both ports and abort every request in flight.

        Connections to the ports are refused afterwards; `start()` serves again.
        """
        thread, loop, shutdown = self._thread, self._loop, self._shutdown
        if thread is None or loop is None or shutdown is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop may already be closed
            loop.call_soon_threadsafe(self._begin_shutdown, shutdown)
        thread.join(timeout=15)
        self._thread = None
        self._loop = None

    def close(self) -> None:
        """Stop, and release the closed port and the certificate files."""
        self.stop()
        self._closed_socket.close()
        self._finalizer()

    def __enter__(self) -> SimWeb:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _begin_shutdown(self, shutdown: asyncio.Event) -> None:
        shutdown.set()

    def _run(
        self,
        context: ssl.SSLContext,
        tls_sock: socket.socket,
        http_sock: socket.socket,
        proxy_sock: socket.socket,
        ready: threading.Event,
    ) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(context, tls_sock, http_sock, proxy_sock, ready))
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            for sock in (tls_sock, http_sock, proxy_sock):
                sock.close()

    async def _serve(
        self,
        context: ssl.SSLContext,
        tls_sock: socket.socket,
        http_sock: socket.socket,
        proxy_sock: socket.socket,
        ready: threading.Event,
    ) -> None:
        """Accept connections and hand each to hypercorn's protocol machinery.

        We run the accept loop ourselves rather than `hypercorn.asyncio.serve` so `stop()`
        can abort every open connection: a client sees the network drop, where a graceful
        shutdown would have answered requests in flight with a 500.
        """
        loop = asyncio.get_running_loop()
        shutdown = self._shutdown = asyncio.Event()
        config = Config()
        config.keep_alive_timeout = 30
        config.errorlog = log
        config.accesslog = None
        config.include_server_header = False  # behaviours send their own (cloudflare)
        app = wrap_app(cast(Any, self._app), config.wsgi_max_body_size, "asgi")
        worker = WorkerContext(None)
        writers: set[asyncio.StreamWriter] = set()
        connections: set[asyncio.Task[Any]] = set()

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            peer = _peer(writer)
            writers.add(writer)
            connections.add(task)
            self._by_peer[peer] = writer
            try:
                await TCPServer(app, loop, config, worker, {}, reader, writer)
            except asyncio.CancelledError:
                pass  # cut at stop(); asyncio would log a cancelled connection as an error
            finally:
                writers.discard(writer)
                connections.discard(task)
                self._by_peer.pop(peer, None)

        async def on_proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            writers.add(writer)
            connections.add(task)
            try:
                await handle_proxy_client(
                    reader, writer, self._proxy_route, log=self.proxy_log.append
                )
            except asyncio.CancelledError:
                pass
            finally:
                writers.discard(writer)
                connections.discard(task)

        servers = [
            await asyncio.start_server(
                on_connect, sock=tls_sock, ssl=context, ssl_handshake_timeout=5, backlog=2048
            ),
            await asyncio.start_server(on_connect, sock=http_sock, backlog=2048),
            await asyncio.start_server(on_proxy, sock=proxy_sock, backlog=2048),
        ]
        ready.set()
        await shutdown.wait()
        for server in servers:
            server.close()
        for writer in list(writers):
            writer.transport.abort()
        await worker.terminated.set()
        if connections:
            _, pending = await asyncio.wait(set(connections), timeout=self._graceful_timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1)

    # ----------------------------------------------------------------- TLS

    def _cert_hosts(self) -> set[str]:
        from .sources import source_hosts  # late: sources imports this module's neighbours

        with self._lock:
            names = set(self.world.hosts) | set(self._mounts) | self.world.refused
        names |= self._extra_cert_hosts
        names |= source_hosts(self._sources_dir)
        return names

    def _server_context(self) -> ssl.SSLContext:
        names = sorted(self._cert_hosts()) + list(WILDCARDS) + ["localhost", LOOPBACK]
        self._cert_names = frozenset(names)
        context = self._new_context(names)
        context.sni_callback = self._sni_callback
        return context

    def _new_context(self, names: Sequence[str]) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_alpn_protocols(["h2", "http/1.1"])
        self.ca.issue_cert(*names).configure_cert(context)
        return context

    def _covered(self, name: str) -> bool:
        if name in self._cert_names:
            return True
        _, _, parent = name.partition(".")
        return f"*.{parent}" in self._cert_names

    def _sni_callback(
        self, sock: ssl.SSLObject | ssl.SSLSocket, server_name: str | None, _: ssl.SSLContext
    ) -> None:
        if not server_name:
            return
        name = server_name.lower()
        if self._covered(name):
            return
        context = self._sni_contexts.get(name)
        if context is None:
            context = self._sni_contexts[name] = self._new_context([name])
        sock.context = context

    # ----------------------------------------------------------------- the world

    def set(self, host: str, target: str, behaviour: Behaviour) -> None:
        """Script `behaviour` at `target` ('/path' or '/path?query') of `host`."""
        path, query = split_target(target)
        with self._lock:
            self.world.set(host, target, behaviour)
            self._forget_hits(host.lower(), route_key(path, query))

    def set_url(self, url: str, behaviour: Behaviour) -> None:
        """Script `behaviour` at an absolute URL."""
        with self._lock:
            self.world.set_url(url, behaviour)
            self._counters.hits.clear()

    def host(self, name: str, *, latency: Latency | None = None) -> HostSpec:
        """The spec of host `name` (created when missing); mutate it under `with sim.lock`."""
        with self._lock:
            return self.world.host(name, latency=latency)

    def set_latency(self, host: str, latency: Latency) -> None:
        with self._lock:
            self.world.host(host, latency=latency)

    def refuse(self, host: str) -> None:
        """Connections to `host` are refused (it maps to a closed port)."""
        with self._lock:
            self.world.refused.add(host.lower())

    def mount(self, host: str, app: ASGIApp, *, prefix: str = "/") -> None:
        """Serve requests for `host` with an ASGI app (after latency, with logging).

        `prefix`: only paths under it go to the app (an API beside a site's pages, as
        `huggingface.co/api/` beside its Spaces); other paths answer the host's routes.
        """
        with self._lock:
            self._mounts[host.lower()] = app
            self._mount_prefixes[host.lower()] = prefix
            self.world.host(host)

    def unmount(self, host: str) -> None:
        with self._lock:
            self._mounts.pop(host.lower(), None)

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def save_baseline(self) -> None:
        """Make the current world and mounts what `reset()` goes back to."""
        with self._lock:
            self._baseline = (self.world.copy(), dict(self._mounts))

    def reset(self) -> None:
        """Back to the baseline world; forget the log, the counters and the hits."""
        with self._lock:
            world, mounts = self._baseline
            self.world.hosts = world.copy().hosts
            self.world.refused = set(world.refused)
            self._mounts = dict(mounts)
            self._log.clear()
            self.proxy_log.clear()
            self._counters = _Counters()

    def _forget_hits(self, host: str, key: str) -> None:
        self._counters.hits.pop((host, key), None)
        self._counters.hits.pop((host, "<fallback>"), None)

    # ----------------------------------------------------------------- for clients

    def hosts(self) -> list[str]:
        with self._lock:
            return sorted(set(self.world.hosts) | set(self._mounts))

    def cli_args(self, *, wildcard: bool = False) -> list[str]:
        """Flags that point the checker at this simulated web (curl's `--connect-to`).

        `--cacert CA` and, per host, `--connect-to HOST:443:127.0.0.1:TLS_PORT` and
        `HOST:80:127.0.0.1:HTTP_PORT`; refused hosts go to a closed port. Hosts not
        mapped are left to real DNS, which fails: an unknown host. With `wildcard`, the
        served hosts collapse into `:443:...` and `:80:...` (curl: an empty HOST1 matches
        any host) after the refused ones, for corpora with thousands of hosts.
        """
        with self._lock:
            refused = sorted(self.world.refused)
            served = [h for h in self.hosts() if h not in self.world.refused]
        args = ["--cacert", self.ca_pem_path]
        for host in refused:
            args += ["--connect-to", f"{host}:443:{LOOPBACK}:{self.closed_port}"]
            args += ["--connect-to", f"{host}:80:{LOOPBACK}:{self.closed_port}"]
        for host in [""] if wildcard else served:
            args += ["--connect-to", f"{host}:443:{LOOPBACK}:{self.tls_port}"]
            args += ["--connect-to", f"{host}:80:{LOOPBACK}:{self.http_port}"]
        return args

    def proxy_env(self) -> dict[str, str]:
        """Environment for clients that take a proxy instead of `--connect-to` (lychee).

        The CA goes in `SSL_CERT_FILE` for OpenSSL-based clients; rustls-based ones may
        need their own "insecure" switch.
        """
        proxy = f"http://{LOOPBACK}:{self.proxy_port}"
        return {
            "HTTPS_PROXY": proxy,
            "HTTP_PROXY": proxy,
            "https_proxy": proxy,
            "http_proxy": proxy,
            "NO_PROXY": "",
            "no_proxy": "",
            "SSL_CERT_FILE": self.ca_pem_path,
        }

    def _proxy_route(self, host: str, port: int) -> tuple[str, int] | None:
        with self._lock:
            if host in self.world.refused:
                return (LOOPBACK, self.closed_port)
            if host not in self.world.hosts and host not in self._mounts:
                return None
        ports = {443: self.tls_port, 80: self.http_port}
        return (LOOPBACK, ports[port]) if port in ports else None

    def url(self, host: str, target: str = "/", *, scheme: str = "https") -> str:
        return f"{scheme}://{host}{target}"

    def client_ssl_context(self) -> ssl.SSLContext:
        """An SSL context that trusts the simulated web's CA (for httpx's `verify=`)."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def fetch(
        self,
        host: str,
        target: str = "/",
        *,
        method: str = "GET",
        scheme: str = "https",
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
        http2: bool = False,
    ) -> httpx.Response:
        """One request to a simulated host, straight to the port (no name resolution)."""
        port = self.tls_port if scheme == "https" else self.http_port
        with httpx.Client(verify=self.client_ssl_context(), timeout=timeout, http2=http2) as client:
            return client.request(
                method,
                f"{scheme}://{LOOPBACK}:{port}{target}",
                headers={"host": host, **(headers or {})},
                extensions={"sni_hostname": host},
            )

    # ----------------------------------------------------------------- observations

    def requests(
        self, host: str | None = None, *, path: str | None = None, method: str | None = None
    ) -> list[LoggedRequest]:
        """Logged requests, oldest first, optionally only for one host / path / method."""
        with self._lock:
            entries = list(self._log)
        return [
            e
            for e in entries
            if (host is None or e.host == host.lower())
            and (path is None or e.path == path or e.target == path)
            and (method is None or e.method == method.upper())
        ]

    def max_in_flight(self, host: str) -> int:
        """The most requests to `host` ever in flight at once since the last reset."""
        with self._lock:
            return self._counters.max_in_flight.get(host.lower(), 0)

    def request_count(self, host: str | None = None) -> int:
        """Requests received since the last reset (counted even with `keep_log=False`)."""
        with self._lock:
            if host is None:
                return sum(self._counters.total.values())
            return self._counters.total.get(host.lower(), 0)

    def in_flight(self, host: str) -> int:
        with self._lock:
            return self._counters.in_flight.get(host.lower(), 0)

    def wait_idle(self, host: str | None = None, *, timeout: float = 10.0) -> None:
        """Wait until no request (to `host`, or at all) is being handled.

        A client can read the last byte of a response before the server thread has run
        the bookkeeping after it (`status`, `finished`, `bytes_sent` of the log entry).
        Call this after a client returns and before asserting on those fields; a request
        still being handled after `timeout` seconds raises TimeoutError.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                flights = self._counters.in_flight
                busy = flights.get(host.lower(), 0) if host else sum(flights.values())
            if busy == 0:
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(f"simweb: {busy} request(s) still in flight after {timeout} s")
            time.sleep(0.002)

    def gaps(self, host: str, *, path: str | None = None) -> list[float]:
        """Seconds between the starts of consecutive requests to `host` (or one path)."""
        starts = sorted(e.started for e in self.requests(host, path=path))
        return [b - a for a, b in itertools.pairwise(starts)]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._counters.max_in_flight.clear()
            self._counters.total.clear()

    # ----------------------------------------------------------------- the ASGI app

    async def _app(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        await self._handle(scope, receive, send)

    async def _handle(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        host = (headers.get("host") or headers.get(":authority") or "").lower()
        host = host.rsplit(":", 1)[0] if not host.startswith("[") else host
        host = host.rstrip(".")
        method = scope["method"].upper()
        query = scope.get("query_string", b"").decode("latin-1")
        with self._lock:
            spec = self.world.hosts.get(host)
            mount = self._mounts.get(host)
            if mount is not None and not scope["path"].startswith(
                self._mount_prefixes.get(host, "/")
            ):
                mount = None
            counters = self._counters
            in_flight = counters.in_flight.get(host, 0) + 1
            counters.in_flight[host] = in_flight
            counters.max_in_flight[host] = max(counters.max_in_flight.get(host, 0), in_flight)
            entry = LoggedRequest(
                started=time.monotonic(),
                host=host,
                method=method,
                scheme=scope.get("scheme", "http"),
                path=scope["path"],
                query=query,
                headers={k: v for k, v in headers.items() if not k.startswith(":")},
                http_version=scope.get("http_version", "1.1"),
                in_flight=in_flight,
            )
            counters.total[host] = counters.total.get(host, 0) + 1
            if self._keep_log:
                self._log.append(entry)
        client = scope.get("client")
        writer = self._by_peer.get((str(client[0]), int(client[1]))) if client else None
        out = Responder(method, send, receive, writer.transport.abort if writer else None)
        try:
            if spec is not None:
                await asyncio.sleep(_draw(spec.latency))
            if mount is not None:
                await mount(scope, receive, _recording_send(send, out))
            elif spec is None:
                await out.respond(
                    421, {"content-type": HTML}, html_page(f"simweb does not play {host}")
                )
            elif entry.scheme == "http" and spec.upgrade_http:
                location = f"https://{host}{entry.target}"
                await out.respond(301, {"location": location, "content-type": HTML})
            else:
                await self._serve_behaviour(spec, host, entry, out)
        except asyncio.CancelledError:
            entry.disconnected = True
            raise
        except Exception:
            entry.error = traceback.format_exc()
            log.error("simweb: %s %s%s failed:\n%s", method, host, entry.target, entry.error)
            if out.status is None:
                await out.respond(500, {"content-type": "text/plain"}, b"simweb behaviour failed")
        finally:
            out.close()
            with self._lock:
                counters.in_flight[host] = counters.in_flight.get(host, 1) - 1
                entry.status = out.status
                entry.bytes_sent = out.bytes_sent
                entry.disconnected = entry.disconnected or out.disconnected.is_set()
                entry.finished = time.monotonic()

    async def _serve_behaviour(
        self, spec: HostSpec, host: str, entry: LoggedRequest, out: Responder
    ) -> None:
        with self._lock:
            key, behaviour = spec.resolve(entry.path, entry.query)
            hit = self._counters.hits.get((host, key), 0) + 1
            self._counters.hits[(host, key)] = hit
        request = SimRequest(
            method=entry.method,
            scheme=entry.scheme,
            host=host,
            path=entry.path,
            query=entry.query,
            headers=entry.headers,
            hit=hit,
        )
        await behaviour.serve(request, out)


def _peer(writer: asyncio.StreamWriter) -> tuple[str, int]:
    peer = writer.get_extra_info("peername")
    return (str(peer[0]), int(peer[1])) if peer else ("", 0)


def _recording_send(send: Send, out: Responder) -> Send:
    """Wrap a mounted app's `send` so its status and body size reach the log."""

    async def recording(message: Message) -> None:
        if message["type"] == "http.response.start":
            out.status = int(message["status"])
        elif message["type"] == "http.response.body":
            out.bytes_sent += len(message.get("body", b""))
        await send(message)

    return recording


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _draw(latency: Latency) -> float:
    if isinstance(latency, tuple):
        return random.uniform(*latency)
    return latency


def _listening_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _bound_unlistened_socket() -> socket.socket:
    """A port nobody listens on, held so no one else can take it: connects are refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((LOOPBACK, 0))
    return sock
