"""Where a connection goes and whether it may: host mapping and the private-address guard.

One implementation for every HTTP client of the process. The checker's httpx transport
(`_backend.GuardedBackend`, async) and the API clients' requests adapter
(`enrich/_transport.py`, blocking) both ask `NetworkOptions` where to connect and pass the
addresses through `NetworkOptions.allowed`, so `--resolve`/`--connect-to` and the guard
mean the same thing for a link, the arXiv API and the GitHub API.

Mappings work like curl's options of the same names: the socket goes wherever the mapping
says, while TLS SNI, the certificate check and the Host header keep the URL's own host.
The guard looks at the address we are about to connect to, after DNS and after mapping, so
a public name that resolves to 127.0.0.1 or 169.254.169.254 is refused just like a literal
one. An explicit mapping of a host counts as permission for that host.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError
from ._proxies import Proxies
from ._trust import trust_context

SOCKET_ERRORS_PERMANENT = {
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


def _existing(value: str | Path | None, what: str, *, directory: bool = False) -> Path | None:
    if not value:
        return None
    path = Path(value)
    if not (path.is_dir() if directory else path.is_file()):
        raise InputError(f"{what} not found", path=str(path))
    return path


@dataclass(frozen=True)
class NetworkOptions:
    """How to reach hosts: curl-style mappings, trust, proxies, and the private-address guard.

    `cacert` is `--cacert`; `ca_file`/`ca_dir` are SSL_CERT_FILE/SSL_CERT_DIR; all add to
    the system store (`_trust.py`). `proxies` come from the environment (`_proxies.py`).
    `endpoints` are (host, port) pairs the operator named as a service to talk to (see
    `trusting`): the guard lets us connect there, as it does to a configured proxy.
    """

    resolve: tuple[ResolveRule, ...] = ()
    connect_to: tuple[ConnectRule, ...] = ()
    cacert: Path | None = None
    allow_private: bool = False
    ca_file: Path | None = None
    ca_dir: Path | None = None
    proxies: Proxies = field(default_factory=Proxies)
    endpoints: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def from_flags(
        cls,
        *,
        resolve: Sequence[str] = (),
        connect_to: Sequence[str] = (),
        cacert: str | Path | None = None,
        allow_private: bool = False,
        env: Mapping[str, str] | None = None,
    ) -> NetworkOptions:
        """Parse command-line values and the environment cli.py read (`env`: SSL_CERT_FILE,
        SSL_CERT_DIR, the proxy variables); a malformed value is an InputError (exit 2)."""
        env = env or {}
        return cls(
            resolve=tuple(parse_resolve(s) for s in resolve),
            connect_to=tuple(parse_connect_to(s) for s in connect_to),
            cacert=_existing(cacert, "CA bundle"),
            allow_private=allow_private,
            ca_file=_existing(env.get("SSL_CERT_FILE"), "SSL_CERT_FILE"),
            ca_dir=_existing(env.get("SSL_CERT_DIR"), "SSL_CERT_DIR", directory=True),
            proxies=Proxies.from_env(env),
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

    def trusting(self, url: str) -> NetworkOptions:
        """These options, with the guard letting us connect to `url`'s host and port.

        For a service the operator named on the command line or in the environment (the
        GitHub API of `gh-issue` and of the PR comment: `--api-url`, GITHUB_API_URL), never
        for a URL from a list or from a checked-out tree's config: a GitHub Enterprise API
        on a private address is legitimate, and the guard is about what the lists link.
        Only that host and port: a redirect elsewhere is guarded as usual.
        """
        parts = urlsplit(url)
        default = 443 if parts.scheme.lower() == "https" else 80
        endpoint = (_endpoint_host(parts.hostname or ""), parts.port or default)
        return replace(self, endpoints=self.endpoints | {endpoint})

    def allowed(
        self, host: str, addresses: Sequence[str], *, mapped: bool, port: int | None = None
    ) -> tuple[str, ...]:
        """The addresses the guard lets us connect to for `host`; TargetRefused when none.

        `mapped`: the host was named by --resolve/--connect-to, which counts as permission;
        so does being a configured proxy or a trusted endpoint (`host`:`port`).
        """
        named = (_endpoint_host(host), port)
        trusted = named in self.proxies.endpoints or named in self.endpoints
        if self.allow_private or mapped or trusted:
            return tuple(addresses)
        reasons = {a: forbidden_reason(a) for a in addresses}
        allowed = tuple(a for a in addresses if reasons[a] is None)
        if not allowed:
            why = next((r for r in reasons.values() if r), f"no address for {host}")
            raise TargetRefused(
                f"refused to connect to {host}: {why} (use --allow-private or --resolve)"
            )
        return allowed

    def connect_addresses(self, host: str, port: int) -> tuple[tuple[str, ...], int]:
        """Blocking: the addresses and port to connect to for host:port (mapped, resolved,
        guarded). For the synchronous API clients; the checker's async backend does the
        same with a lookup of its own (coalesced, bounded, abandonable)."""
        target, target_port, pinned, mapped = self.route(host, port)
        if pinned is not None:
            addresses: tuple[str, ...] = pinned
        elif is_ip(target):
            addresses = (target,)
        else:
            addresses = resolve_blocking(target, target_port)
        return self.allowed(host, addresses, mapped=mapped, port=port), target_port

    def proxy_for(self, scheme: str, host: str, port: int) -> str | None:
        """The proxy a request goes through, or None. A host mapped by --resolve or
        --connect-to goes where the mapping says, never through a proxy."""
        if self.route(host, port)[3]:
            return None
        return self.proxies.for_url(scheme, host, port)

    def guard_proxied(
        self, host: str, addresses: Sequence[str], *, port: int | None = None
    ) -> None:
        """The guard for a target reached through a proxy: `addresses` are what our own
        DNS says (empty when it cannot tell: the proxy resolves the name, and the guard
        can only refuse what it can see). A trusted endpoint (`trusting`) at `port` passes."""
        if port is not None and (_endpoint_host(host), port) in self.endpoints:
            return
        if is_ip(host.strip("[]")):
            addresses = (host.strip("[]"),)
        if addresses:
            self.allowed(host, addresses, mapped=False)

    def ssl_context(self) -> ssl.SSLContext:
        """Certificates are checked against the URL's host, trusting the system store plus
        SSL_CERT_FILE, SSL_CERT_DIR and `--cacert` (`_trust.py`)."""
        try:
            return trust_context(self.cacert, self.ca_file, self.ca_dir)
        except (OSError, ssl.SSLError) as exc:
            where = self.cacert or self.ca_file or self.ca_dir
            raise InputError(f"cannot use CA bundle: {exc}", path=str(where)) from None


def _endpoint_host(host: str) -> str:
    """A host as endpoints are compared: lower case, no IPv6 brackets, no trailing dot."""
    return host.lower().strip("[]").rstrip(".")


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


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def resolve_blocking(host: str, port: int) -> tuple[str, ...]:
    """`socket.getaddrinfo` for host:port: its addresses, or NameNotResolved."""
    try:
        infos = socket.getaddrinfo(host.encode("idna"), port, type=socket.SOCK_STREAM)
    except (UnicodeError, OSError) as exc:
        raise lookup_failure(host, exc) from None
    return addresses_of(infos)


def lookup_failure(host: str, exc: UnicodeError | OSError) -> NameNotResolved:
    """What a failed getaddrinfo means: NXDOMAIN (permanent) or a temporary failure."""
    if isinstance(exc, socket.gaierror):
        permanent = exc.errno in SOCKET_ERRORS_PERMANENT
        return NameNotResolved(host, str(exc.strerror or exc), permanent=permanent)
    return NameNotResolved(host, str(exc), permanent=True)


def addresses_of(infos: Sequence[tuple[object, ...]]) -> tuple[str, ...]:
    """The distinct IP addresses of getaddrinfo's answer, in its order."""
    found: list[str] = []
    for info in infos:
        sockaddr = info[4]
        if isinstance(sockaddr, tuple) and sockaddr and isinstance(sockaddr[0], str):
            found.append(sockaddr[0])
    return tuple(dict.fromkeys(found))
