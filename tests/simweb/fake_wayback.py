"""A fake Wayback Machine: the availability API on archive.org and the snapshot pages on
web.archive.org. Mount one instance on both hosts.

`GET archive.org/wayback/available?url=U[&timestamp=T]`: `archived_snapshots.closest` for the
capture of U closest to T (the latest without T), `{}` when there is none. URLs match the
way the archive matches them: scheme, `www.` and a trailing slash do not matter.
`GET|HEAD web.archive.org/web/TIMESTAMP/U`: the archived page, or 404 for a capture the
index names but the archive no longer serves (`stale`: how the real index lies sometimes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import urlsplit

from .behaviours import html_page
from .fake_api import ApiRequest, JsonApi, Reply


def archive_key(url: str) -> str:
    """What the archive matches captures on: host without www., path without the slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    path = parts.path.rstrip("/") or ""
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


class FakeWayback(JsonApi):
    def __init__(self) -> None:
        super().__init__()
        self.captures: dict[str, list[tuple[str, str]]] = {}  # key -> [(timestamp, url)]
        self.stale: set[str] = set()  # keys whose captures the archive no longer serves

    def capture(self, url: str, *timestamps: str, stale: bool = False) -> None:
        key = archive_key(url)
        self.captures.setdefault(key, []).extend((t, url) for t in timestamps)
        self.captures[key].sort()
        if stale:
            self.stale.add(key)

    @classmethod
    def for_urls(
        cls, urls: Iterable[str], *, share: float = 0.7, stale: float = 0.05
    ) -> FakeWayback:
        """Captures for a deterministic `share` of `urls` (hash-drawn), `stale` of them lying."""
        fake = cls()
        for url in sorted(set(urls)):
            draw = int(hashlib.sha256(archive_key(url).encode()).hexdigest()[:8], 16) / 16**8
            if draw < share:
                fake.capture(url, "20190612083001", "20230115120000", stale=draw < stale)
        return fake

    def has_capture(self, url: str) -> bool:
        """A capture that loads (what a correct client may suggest)."""
        key = archive_key(url)
        return key in self.captures and key not in self.stale

    def urls_asked(self) -> list[str]:
        return [r.param("url") or "" for r in self.requests if r.path == "/wayback/available"]

    def answer(self, request: ApiRequest) -> Reply:
        if request.host == "web.archive.org":
            return self._snapshot(request)
        if request.path != "/wayback/available":
            return 404, b"Not Found", {}
        url = request.param("url") or ""
        captures = self.captures.get(archive_key(url), [])
        if not captures:
            return 200, {"url": url, "archived_snapshots": {}}, {}
        wanted = (request.param("timestamp") or "99999999999999").ljust(14, "0")
        stamp, original = min(captures, key=lambda c: abs(int(c[0]) - int(wanted[:14])))
        closest = {
            "status": "200",
            "available": True,
            "url": f"http://web.archive.org/web/{stamp}/{original}",
            "timestamp": stamp,
        }
        return 200, {"url": url, "archived_snapshots": {"closest": closest}}, {}

    def _snapshot(self, request: ApiRequest) -> Reply:
        _, _, rest = request.path.partition("/web/")
        stamp, _, original = rest.partition("/")
        query = "&".join(f"{k}={v}" for k, values in request.query.items() for v in values)
        key = archive_key(original + (f"?{query}" if query else ""))
        known = {t for t, _ in self.captures.get(key, [])}
        if stamp not in known or key in self.stale:
            return 404, html_page("Wayback Machine - Hrm."), {}
        return 200, html_page(f"Archived copy of {original}"), {}
