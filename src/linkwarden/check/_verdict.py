"""What an HTTP answer means: the answer and walk types, and the verdict that reads them.

Pure functions over `Fetched` (one answer) and `Walk` (a redirect chain and how it ended):
soft 404s, bot walls, login walls, parking pages and permanent redirects, all read from the
tables in `_walls.py`. `_http.py` produces the walks; nothing here does I/O.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

import httpx

from ..model import ErrorKind, Hop, LinkResult, Status
from ..urls import host_matches, host_of, is_pdf, normalize
from . import _walls as walls
from ._hosts import parse_retry_after
from ._retry import Failure

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer, with as much of its body as we chose to read."""

    url: str
    method: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    undecodable: str | None = None  # why the body could not be decoded (`_body.py`)

    @property
    def content_type(self) -> str | None:
        value = self.headers.get("content-type")
        return value.split(";")[0].strip().lower() if value else None

    @property
    def retry_after(self) -> float | None:
        if self.status not in (429, 503):
            return None
        return parse_retry_after(self.headers.get("retry-after"))

    @property
    def location(self) -> str | None:
        value: str | None = self.headers.get("location")
        return value

    def text(self) -> str:
        charset = None
        ctype = self.headers.get("content-type", "")
        m = re.search(r"charset=([\w-]+)", ctype, re.IGNORECASE)
        if m:
            charset = m.group(1)
        else:
            meta = _META_CHARSET.search(self.body[:4096])
            charset = meta.group(1).decode("ascii", "replace") if meta else None
        try:
            return self.body.decode(charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def title(self) -> str | None:
        m = _TITLE.search(self.body)
        if not m:
            return None
        raw = Fetched(self.url, self.method, self.status, self.headers, m.group(1)).text()
        title = " ".join(html.unescape(raw).split())
        return title[:300] or None


@dataclass(frozen=True)
class Walk:
    """A redirect chain and how it ended: an answer, or a failure."""

    chain: tuple[Hop, ...]
    final_url: str
    answer: Fetched | None = None
    failure: Failure | None = None


def is_binary(content_type: str | None) -> bool:
    if not content_type:
        return False
    return any(content_type.startswith(t) for t in walls.BINARY_TYPES)


def is_html(content_type: str | None) -> bool:
    return content_type is None or content_type in ("text/html", "application/xhtml+xml")


def names_a_file(url: str) -> bool:
    """A URL whose path ends like a file: HEAD is enough to check it."""
    parts = urlsplit(url)
    path = parts.path.lower()
    host = (parts.hostname or "").lower()
    if any(host == h and segment in path for h, segment in walls.FILE_VIEWERS):
        return False  # a code host's page about the file, not the file itself
    return is_pdf(url) or path.endswith(walls.FILE_SUFFIXES)


def youtube_video_id(url: str) -> str | None:
    """The video ID of a YouTube watch, shorts or youtu.be link, else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in walls.YOUTUBE_HOSTS:
        return None
    if host == "youtu.be":
        return parts.path.strip("/").split("/")[0] or None
    if parts.path == "/watch":
        ids = parse_qs(parts.query).get("v")
        return ids[0] if ids else None
    if parts.path.startswith("/shorts/"):
        return parts.path.split("/")[2] or None
    return None


def _same_site(a: str, b: str) -> bool:
    ha, hb = (h[4:] if h.startswith("www.") else h for h in (host_of(a), host_of(b)))
    return ha == hb or host_matches(ha, (hb,)) or host_matches(hb, (ha,))


def _is_deep(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path not in walls.HOME_PATHS or bool(parts.query)


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in walls.HOME_PATHS and not parts.query


def _scheme_upgrade(hop: Hop) -> bool:
    """`http://X` redirected to `https://X`: the same URL, only secure."""
    if not hop.location or not hop.url.lower().startswith("http://"):
        return False
    return normalize("https://" + hop.url[7:]) == normalize(hop.location)


def _login_page(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    return any(host == h and path.startswith(p) for h, p in walls.LOGIN_PAGES)


def oembed_title(body: bytes) -> str | None:
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return None
    title = data.get("title") if isinstance(data, dict) else None
    return str(title) if title else None


def _failure_result(url: str, walk: Walk, failure: Failure) -> LinkResult:
    status_by_kind = {
        "guard": Status.SKIPPED,
        "dns": Status.DEAD,
        "refused": Status.DEAD,
        "timeout": Status.TIMEOUT,
        "connect_timeout": Status.TIMEOUT,
        "unsupported": Status.SKIPPED,
    }
    return LinkResult(
        url,
        status_by_kind.get(failure.kind, Status.ERROR),
        walk.final_url,
        chain=walk.chain,
        reason=failure.message,
        error_kind=ErrorKind(failure.kind),
    )


def _wall_reason(answer: Fetched, title: str | None) -> str | None:
    """Why this answer is a bot wall rather than the page, or None."""
    for header, value in walls.CHALLENGE_HEADERS:
        got = answer.headers.get(header)
        if got is not None and value.lower() in got.lower():
            return f"bot challenge ({header}: {got})"
    if answer.status in walls.WALL_STATUSES:
        return f"status {answer.status}: the site refuses automated clients"
    if title and any(p.search(title) for p in walls.CHALLENGE_TITLES):
        return f"bot challenge page ({title!r})"
    if answer.status >= 400 and answer.body:
        lowered = answer.body[:65536].lower()
        for marker in walls.CHALLENGE_BODY_MARKERS:
            if marker.encode() in lowered:
                return f"bot challenge page (marker {marker!r}, status {answer.status})"
    host = host_of(answer.url)
    for walled, statuses in walls.WALLED_HOSTS.items():
        if host_matches(host, (walled,)) and answer.status in statuses:
            return f"status {answer.status} from {walled}, a site known to wall off link checkers"
    return None


def _parking_reason(answer: Fetched) -> str | None:
    host = host_of(answer.url)
    if host_matches(host, walls.PARKING_HOSTS):
        return f"domain parked: redirected to {host}"
    lowered = answer.body[:65536].lower()
    for marker in walls.PARKING_MARKERS:
        if marker.encode() in lowered:
            return f"domain parked or for sale (page says {marker!r})"
    return None


def verdict(url: str, walk: Walk) -> LinkResult:
    """Turn a finished redirect walk into a LinkResult, reading the `_walls` tables."""
    if walk.failure is not None:
        return _failure_result(url, walk, walk.failure)
    answer = walk.answer
    assert answer is not None
    title = answer.title() if answer.body else None
    result = LinkResult(
        url,
        Status.OK,
        walk.final_url,
        http_status=answer.status,
        chain=walk.chain,
        content_type=answer.content_type,
        title=title,
    )
    status = answer.status
    if answer.undecodable is not None and 200 <= status < 300:
        return replace(
            result,
            status=Status.ERROR,
            reason=f"HTTP {status} with a body that cannot be decoded: {answer.undecodable}",
            error_kind=ErrorKind.DECODING,
        )
    wall = _wall_reason(answer, title)
    if wall is not None:
        return replace(result, status=Status.BLOCKED, reason=wall, error_kind=ErrorKind.BOT_WALL)
    if _login_page(walk.final_url) or (status == 401):
        where = host_of(walk.final_url)
        why = (
            f"login wall: redirected to a sign-in page ({where})"
            if status != 401
            else "login required (401)"
        )
        return replace(result, status=Status.RESTRICTED, reason=why, error_kind=ErrorKind.LOGIN)
    if status in (404, 410):
        return replace(
            result, status=Status.DEAD, reason=f"HTTP {status}", error_kind=ErrorKind.HTTP
        )
    if status == 403:
        return replace(
            result,
            status=Status.BLOCKED,
            reason="HTTP 403: the server refused the checker",
            error_kind=ErrorKind.FORBIDDEN,
        )
    if status == 429:
        return replace(
            result,
            status=Status.BLOCKED,
            reason="HTTP 429: rate limited after retries",
            error_kind=ErrorKind.RATE_LIMITED,
        )
    if status == 451:
        return replace(
            result,
            status=Status.RESTRICTED,
            reason="HTTP 451: unavailable for legal reasons",
            error_kind=ErrorKind.HTTP,
        )
    if status >= 500:
        return replace(
            result,
            status=Status.ERROR,
            reason=f"HTTP {status} after retries",
            error_kind=ErrorKind.HTTP_5XX,
        )
    if status >= 400:
        return replace(
            result, status=Status.ERROR, reason=f"HTTP {status}", error_kind=ErrorKind.HTTP_4XX
        )
    if status in REDIRECT_STATUSES:
        return replace(
            result,
            status=Status.ERROR,
            reason=f"HTTP {status} without a usable Location",
            error_kind=ErrorKind.PROTOCOL,
        )
    if not 200 <= status < 300:
        return replace(
            result,
            status=Status.ERROR,
            reason=f"unexpected HTTP {status}",
            error_kind=ErrorKind.PROTOCOL,
        )
    parked = _parking_reason(answer)
    if parked is not None:
        return replace(result, status=Status.DEAD, reason=parked, error_kind=ErrorKind.PARKED)
    if title and any(p.search(title) for p in walls.SOFT_404_TITLES):
        return replace(
            result,
            status=Status.DEAD,
            reason=f"soft 404: the page title says {title!r}",
            error_kind=ErrorKind.SOFT_404,
        )
    if (
        walk.chain
        and _is_deep(url)
        and _is_home(walk.final_url)
        and _same_site(url, walk.final_url)
    ):
        return replace(
            result,
            status=Status.DEAD,
            reason=f"soft 404: deep link redirected to the site's home page {walk.final_url}",
            error_kind=ErrorKind.SOFT_404,
        )
    return _redirect_verdict(result, walk)


def _redirect_verdict(result: LinkResult, walk: Walk) -> LinkResult:
    """A healthy answer: `redirected` when leading hops are permanent, else `ok`."""
    if not walk.chain:
        return result
    first = walk.chain[0]
    if _scheme_upgrade(first):
        # An http:// link upgraded to https://: suggest the secure form of the same URL,
        # or the end of the permanent part of the chain when more permanent hops follow.
        suggestion = first.location
        for hop in walk.chain[1:]:
            if hop.status not in PERMANENT_REDIRECTS:
                break
            suggestion = hop.location
        return replace(
            result,
            status=Status.REDIRECTED,
            suggestion=suggestion,
            reason=f"http:// upgrades to https:// ({first.status})",
        )
    suggestion = None
    for hop in walk.chain:
        if hop.status not in PERMANENT_REDIRECTS:
            break
        suggestion = hop.location
    if suggestion is None:
        codes = " → ".join(str(h.status) for h in walk.chain)
        return replace(result, reason=f"temporary redirect ({codes}) to {walk.final_url}")
    codes = " → ".join(str(h.status) for h in walk.chain)
    return replace(
        result,
        status=Status.REDIRECTED,
        suggestion=suggestion,
        reason=f"moved permanently ({codes}) to {suggestion}",
    )
