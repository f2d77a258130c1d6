"""The requests-side plumbing the API clients share: User-Agent, timeout, host mapping.

The arxiv package and PyGithub both talk through requests. The checker honours curl-style
`--connect-to`/`--resolve` mappings and `--cacert` (for mirrors, proxies and the simulated
web in tests); the API clients must reach the same places, so a requests adapter here
connects the socket where `NetworkOptions.route` says while TLS, certificate checks and the
Host header keep the URL's own host name, as curl does.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

Route = Callable[[str, int], tuple[str, int]]  # (host, port) as in the URL -> where to connect


def route_from(network: Any) -> Route | None:
    """A Route from the checker's NetworkOptions (None when nothing is mapped)."""
    if network is None or not callable(getattr(network, "route", None)):
        return None
    if not (getattr(network, "connect_to", ()) or getattr(network, "resolve", ())):
        return None

    def route(host: str, port: int) -> tuple[str, int]:
        to_host, to_port, addresses, _mapped = network.route(host, port)
        return (addresses[0] if addresses else to_host), to_port

    return route


def verify_from(network: Any) -> bool | str:
    """The CA bundle the checker was told to trust (`--cacert`), for requests too."""
    cacert = getattr(network, "cacert", None) if network is not None else None
    return str(cacert) if cacert else True


def _routed_connect(conn: HTTPConnection, route: Route) -> socket.socket:
    host, port = route(conn._dns_host, conn.port or 0)
    try:
        return urllib3_connection.create_connection(
            (host, port),
            conn.timeout,
            source_address=conn.source_address,
            socket_options=conn.socket_options,
        )
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out") from exc
    except OSError as exc:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc


def _pool_classes(route: Route) -> dict[str, type[HTTPConnectionPool]]:
    class RoutedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _routed_connect(self, route)

    class RoutedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _routed_connect(self, route)

    class RoutedHTTPPool(HTTPConnectionPool):
        ConnectionCls = RoutedHTTPConnection

    class RoutedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = RoutedHTTPSConnection

    return {"http": RoutedHTTPPool, "https": RoutedHTTPSPool}


class ApiAdapter(HTTPAdapter):
    """Our User-Agent (when given), a default timeout, and the host mapping (when given).

    The arxiv package sets its own user-agent per request; `add_headers` runs after that,
    so ours wins without patching the package. An explicit CA bundle (`verify` as a path)
    wins over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE, which requests would otherwise prefer to
    the session's own setting.
    """

    def __init__(
        self,
        *,
        user_agent: str | None,
        timeout: float,
        route: Route | None,
        verify: bool | str | None = None,
    ) -> None:
        self._user_agent = user_agent
        self._verify = verify
        self._timeout = timeout
        self._route = route
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        if self._route is not None:
            self.poolmanager.pool_classes_by_scheme = _pool_classes(self._route)

    def add_headers(self, request: requests.PreparedRequest, **kwargs: Any) -> None:
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
        return super().send(
            request,
            stream=stream,
            timeout=timeout if timeout is not None else self._timeout,
            verify=self._verify if isinstance(self._verify, str) else verify,
            cert=cert,
            proxies=proxies,
        )


def session(
    *, user_agent: str | None, timeout: float, route: Route | None, verify: bool | str
) -> requests.Session:
    """A requests session for an API client."""
    s = requests.Session()
    s.verify = verify
    adapter = ApiAdapter(user_agent=user_agent, timeout=timeout, route=route, verify=verify)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s
