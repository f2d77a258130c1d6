"""Proxies from the environment: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY.

cli.py reads the environment; `Proxies.from_env` turns what it read into the proxy each URL
goes through, the same way for every HTTP client of the run. Upper- and lower-case names
are both honoured (lower case wins, as curl does). NO_PROXY is a comma-separated list of
host names (a name matches itself and its subdomains; a leading dot is allowed), IP
addresses, CIDR blocks, optional `:port` suffixes, or `*` for everything.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import InputError

PROXY_SCHEMES = ("http", "https")


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name.lower()) or env.get(name.upper())
    return value.strip() if value and value.strip() else None


def _checked(url: str | None, name: str) -> str | None:
    if url is None:
        return None
    if "://" not in url:
        url = f"http://{url}"
    parts = urlsplit(url)
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
        raise InputError(
            f"{name}={url!r}: only http:// and https:// proxies are supported"
            " (unset it, or add the hosts to NO_PROXY)"
        )
    return url


@dataclass(frozen=True)
class Proxies:
    """The proxy for http:// and for https:// URLs, and the hosts that go direct."""

    http: str | None = None
    https: str | None = None
    no_proxy: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Proxies:
        every = _env(env, "ALL_PROXY")
        no_proxy = _env(env, "NO_PROXY") or ""
        return cls(
            http=_checked(_env(env, "HTTP_PROXY") or every, "HTTP_PROXY"),
            https=_checked(_env(env, "HTTPS_PROXY") or every, "HTTPS_PROXY"),
            no_proxy=tuple(e.strip().lower() for e in no_proxy.split(",") if e.strip()),
        )

    @property
    def endpoints(self) -> frozenset[tuple[str, int]]:
        """The proxies' own (host, port): the guard lets us connect to them (and only
        there: a link to the same host on another port is still a target)."""
        found: set[tuple[str, int]] = set()
        for proxy in (self.http, self.https):
            if proxy:
                parts = urlsplit(proxy)
                default = 443 if parts.scheme == "https" else 80
                found.add(((parts.hostname or "").lower(), parts.port or default))
        return frozenset(found)

    def for_url(self, scheme: str, host: str, port: int) -> str | None:
        """The proxy URL for a request, or None to go direct."""
        proxy = self.https if scheme == "https" else self.http if scheme == "http" else None
        if proxy is None or self.bypass(host, port):
            return None
        return proxy

    def bypass(self, host: str, port: int) -> bool:
        host = host.lower().strip("[]").rstrip(".")
        for entry in self.no_proxy:
            if entry == "*":
                return True
            name, want_port = entry, None
            if entry.count(":") == 1:  # host:port (an IPv6 entry has more colons)
                name, _, port_text = entry.partition(":")
                want_port = int(port_text) if port_text.isdigit() else None
            if want_port is not None and want_port != port:
                continue
            name = name.strip("[]").lstrip(".").rstrip(".")
            if host == name or host.endswith("." + name):
                return True
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(name, strict=False):
                    return True
            except ValueError:
                pass
        return False
