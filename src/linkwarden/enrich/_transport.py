"""The requests side of the network layer, for PyGithub: the checker's mapping, guard and trust.

PyGithub talks through requests. Its sockets must go where the checker's would: the same
`--resolve`/`--connect-to` mapping, the same private-address guard and the same trust
store, decided by the same code (`linkwarden.check.NetworkOptions`). `RoutedAdapter` is a
requests `HTTPAdapter` that, through requests' subclassing hook
(`get_connection_with_tls_context`), asks `NetworkOptions.connect_addresses` where to
connect, opens the urllib3 pool on that address, and keeps the URL's own host for TLS
(SNI and the certificate check) and for the Host header, as curl does.

PyGithub builds its requests session inside its connection classes and offers no way to
hand it one per client; its one public hook is `Requester.injectConnectionClasses`, which
is class-wide. `install_connection_classes` installs, once, PyGithub's own classes with a
`RoutedAdapter` mounted when (and only when) the calling thread is inside `routed(...)`:
a Github client built anywhere else in the process behaves exactly as PyGithub's own.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool

from ..check import NameNotResolved, NetworkOptions, TargetRefused, resolve_blocking

_DEFAULT_PORTS = {"http": 80, "https": 443}


class RoutedAdapter(HTTPAdapter):
    """Connects where `NetworkOptions` says, guarded, trusting what it trusts.

    `user_agent` (when given) replaces the client's own; `timeout` applies when the caller
    gives none.
    """

    def __init__(
        self, network: NetworkOptions, *, user_agent: str | None = None, timeout: float = 30.0
    ) -> None:
        self._network = network
        self._user_agent = user_agent
        self._timeout = timeout
        self._ssl_context = network.ssl_context()
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: bool | str | None,
        proxies: Mapping[str, str] | None = None,
        cert: Any = None,
    ) -> HTTPConnectionPool:
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(
            request, True if verify is None else verify, cert
        )
        scheme, host = host_params["scheme"], host_params["host"]
        port = host_params["port"] or _DEFAULT_PORTS.get(scheme, 443)
        proxy = self._network.proxy_for(scheme, host, port)
        kwargs: dict[str, Any] = dict(pool_kwargs)
        if scheme == "https":
            # Our trust store, and TLS for the URL's host whatever address we connect to.
            kwargs = {
                "ssl_context": self._ssl_context,
                "server_hostname": host,
                "assert_hostname": host,
                "cert_reqs": "CERT_REQUIRED",
            }
        try:
            if proxy is not None:  # the proxy connects for us: guard what we can see
                self._network.guard_proxied(host, _addresses_or_none(host, port), port=port)
                manager = self.proxy_manager_for(proxy)
                proxied: HTTPConnectionPool = manager.connection_from_host(
                    host, port, scheme=scheme, pool_kwargs=kwargs
                )
                return proxied
            addresses, to_port = self._network.connect_addresses(host, port)
        except (TargetRefused, NameNotResolved) as exc:
            raise requests.ConnectionError(str(exc), request=request) from exc
        pool: HTTPConnectionPool = self.poolmanager.connection_from_host(
            addresses[0], to_port, scheme=scheme, pool_kwargs=kwargs
        )
        return pool

    def close(self) -> None:
        """Kept open: PyGithub closes its session after every request when connection
        classes are injected; our pools outlive those sessions (see `routed`)."""

    def release(self) -> None:
        """Close the connections for real (the end of `routed`)."""
        super().close()

    def add_headers(self, request: requests.PreparedRequest, **kwargs: Any) -> None:
        # The pool is opened on an address: the Host header names the URL's host.
        request.headers["Host"] = urlsplit(request.url or "").netloc
        if self._user_agent:
            request.headers["User-Agent"] = self._user_agent

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        # Proxies come from our settings (cli.py read the environment), not requests'.
        parts = urlsplit(request.url or "")
        scheme = parts.scheme.lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme, 443)
        proxy = self._network.proxy_for(scheme, parts.hostname or "", port)
        return super().send(
            request,
            stream=stream,
            timeout=timeout if timeout is not None else self._timeout,
            verify=verify,
            cert=cert,
            proxies={scheme: proxy} if proxy else {},
        )


def _addresses_or_none(host: str, port: int) -> tuple[str, ...]:
    try:
        return resolve_blocking(host, port)
    except NameNotResolved:
        return ()  # the proxy resolves it


def mount(s: requests.Session, adapter: RoutedAdapter) -> requests.Session:
    """`s` with `adapter` for both schemes and nothing taken from the environment (cli.py
    reads the environment and hands us what it found)."""
    s.trust_env = False
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


_routing = threading.local()  # .adapter: the RoutedAdapter of this thread's conversation


@contextlib.contextmanager
def routed(adapter: RoutedAdapter) -> Iterator[None]:
    """PyGithub clients built and used in this block (this thread) go through `adapter`."""
    install_connection_classes()
    previous = getattr(_routing, "adapter", None)
    _routing.adapter = adapter
    try:
        yield
    finally:
        _routing.adapter = previous
        adapter.release()


def _mount_routed(s: requests.Session) -> None:
    adapter = getattr(_routing, "adapter", None)
    if adapter is not None:
        mount(s, adapter)


_installed = threading.Lock()
_done: list[bool] = []


def install_connection_classes() -> None:
    """Install (once) PyGithub connection classes that honour `routed`."""
    with _installed:
        if _done:
            return
        from github.Requester import (
            HTTPRequestsConnectionClass,
            HTTPSRequestsConnectionClass,
            Requester,
        )

        class RoutedHTTP(HTTPRequestsConnectionClass):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                _mount_routed(self.session)

        class RoutedHTTPS(HTTPSRequestsConnectionClass):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                _mount_routed(self.session)

        Requester.injectConnectionClasses(RoutedHTTP, RoutedHTTPS)
        _done.append(True)
