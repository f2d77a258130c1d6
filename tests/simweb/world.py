"""The simulated world: which hosts exist, how slow they are, what each path answers."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .behaviours import Behaviour, HomePage, NotFound, Page

Latency = float | tuple[float, float]  # seconds, or a (low, high) range drawn per request


def route_key(path: str, query: str = "") -> str:
    """The key a route is stored under: the percent-decoded path, plus `?query` if given."""
    path = unquote(path) or "/"
    return f"{path}?{unquote(query)}" if query else path


def split_target(target: str) -> tuple[str, str]:
    """('/path', 'query') from '/path?query' (the query may be empty)."""
    path, _, query = target.partition("?")
    return path or "/", query


@dataclass
class HostSpec:
    """One simulated host.

    `routes` maps a path (or 'path?query' for an exact query match, tried first) to a
    behaviour. A path without a route answers `home` when it is '/', else `fallback`
    (404 by default). On plain HTTP a host with `upgrade_http` answers 301 to https://,
    as most real sites do.
    """

    routes: dict[str, Behaviour] = field(default_factory=dict)
    latency: Latency = 0.0
    fallback: Behaviour = field(default_factory=NotFound)
    home: Behaviour | None = field(default_factory=HomePage)
    upgrade_http: bool = True

    def resolve(self, path: str, query: str) -> tuple[str, Behaviour]:
        """(route key, behaviour) for a request; the key counts hits per route."""
        if query:
            exact = route_key(path, query)
            if exact in self.routes:
                return exact, self.routes[exact]
        key = route_key(path)
        if key in self.routes:
            return key, self.routes[key]
        if key == "/" and self.home is not None:
            return key, self.home
        return "<fallback>", self.fallback


@dataclass
class World:
    """Every simulated host, plus hosts whose connections are refused."""

    hosts: dict[str, HostSpec] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)
    # What a correct checker concludes per normalised URL, where a builder knows it.
    expected: dict[str, str] = field(default_factory=dict)

    def host(self, name: str, *, latency: Latency | None = None) -> HostSpec:
        """The spec of host `name`, created (with no routes) when missing."""
        name = name.lower().rstrip(".")
        spec = self.hosts.get(name)
        if spec is None:
            spec = self.hosts[name] = HostSpec()
        if latency is not None:
            spec.latency = latency
        return spec

    def set(self, host: str, target: str, behaviour: Behaviour) -> None:
        """Script `behaviour` for `target` ('/path' or '/path?query') on `host`."""
        path, query = split_target(target)
        self.host(host).routes[route_key(path, query)] = behaviour

    def set_url(self, url: str, behaviour: Behaviour) -> None:
        """Script `behaviour` for an absolute URL."""
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path or "/"
        if parts.query:
            # The exact query wins; the bare path answers the same unless already scripted.
            self.set(host, f"{path}?{parts.query}", behaviour)
            self.host(host).routes.setdefault(route_key(path), behaviour)
        else:
            self.set(host, path, behaviour)

    def page(self, url: str, title: str) -> None:
        """Serve a 200 page titled `title` at `url`."""
        self.set_url(url, Page(title=title))

    def copy(self) -> World:
        # Behaviours are frozen, so copying the containers is enough.
        return World(
            hosts={name: _copy_spec(spec) for name, spec in self.hosts.items()},
            refused=set(self.refused),
            expected=dict(self.expected),
        )


def _copy_spec(spec: HostSpec) -> HostSpec:
    clone = copy.copy(spec)
    clone.routes = dict(spec.routes)
    return clone
