"""Checking one URL over HTTP: requests, redirects, and the verdict.

* Method: a URL that names a file (PDF, archive, image) is asked with HEAD: its body tells us
  nothing. A page is asked with a GET capped at `max_body` bytes, because its body is needed
  (title, soft 404, parking, challenge pages). A HEAD that is refused (any 4xx/5xx) or that
  turns out to be HTML is followed by a GET. A GET never downloads a binary body: the stream
  is closed as soon as the headers say PDF, archive or media.
* Redirects are followed here, not by httpx, so every hop is recorded, loops are caught and
  per-host headers (credentials) are never carried to another host.
* Each request goes through its host's slot (`_hosts.py`) and the retry policy (`_retry.py`).
* The verdict reads the tables in `_walls.py`.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass, replace
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import anyio
import httpx

from ..clock import now_stamp
from ..config import CheckSettings
from ..model import Hop, LinkResult, Status
from ..urls import host_matches, host_of, is_pdf, normalize
from . import _walls as walls
from ._hosts import HostPool, Once, host_settings_for, parse_retry_after
from ._retry import CONNECTION_KINDS, Failure, classify, with_retries
from ._sentinel import Sentinel

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
SUPPORTED_SCHEMES = ("http", "https")

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.IGNORECASE)


class _NoCookies(DefaultCookiePolicy):
    """The client-wide jar keeps nothing: cookies live per redirect chain (see `_walk`)."""

    def set_ok(self, cookie: object, request: object) -> bool:
        return False


def make_client(transport: httpx.AsyncBaseTransport, settings: CheckSettings) -> httpx.AsyncClient:
    """The one httpx client of a run: no redirects, no shared cookies, our User-Agent."""
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        cookies=httpx.Cookies(CookieJar(policy=_NoCookies())),
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en;q=1.0, *;q=0.5",
        },
        timeout=httpx.Timeout(settings.timeout, pool=None),
        trust_env=False,
    )


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer, with as much of its body as we chose to read."""

    url: str
    method: str
    status: int
    headers: httpx.Headers
    body: bytes = b""

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


def _is_binary(content_type: str | None) -> bool:
    if not content_type:
        return False
    return any(content_type.startswith(t) for t in walls.BINARY_TYPES)


def _is_html(content_type: str | None) -> bool:
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


class Checker:
    """Checks URLs one at a time (call `check` concurrently); shares hosts, client and dedupe."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        hosts: HostPool,
        settings: CheckSettings,
        *,
        base_wait: float = 0.5,
        sentinel: Sentinel | None = None,
    ) -> None:
        self._client = client
        self._hosts = hosts
        self._settings = settings
        self._base_wait = base_wait
        self._sentinel = sentinel  # sees every attempt (see _sentinel.py)
        self._oembed: Once[LinkResult] = Once()

    def watch(self, sentinel: Sentinel) -> None:
        """Report every request attempt to `sentinel` from now on."""
        self._sentinel = sentinel

    async def probe(self, url: str, timeout: float) -> bool:
        """One GET, no retries, no host slot: did the server answer over HTTP at all?"""
        try:
            request = self._client.build_request(
                "GET", url, timeout=httpx.Timeout(timeout, pool=None)
            )
            response = await self._client.send(request, stream=True)
        except Exception:  # any failure to get an answer is a "no" here, never an error
            return False
        await response.aclose()
        return True

    # --- one request ---------------------------------------------------------------------

    def _headers_for(self, host: str) -> dict[str, str]:
        # Per-host headers (credentials included) go to that exact host only, never to a
        # host a redirect leads to: headers are rebuilt for every hop from its own host.
        override = self._settings.hosts.get(host)
        return dict(override.headers) if override is not None else {}

    def _timeout_for(self, host: str) -> float:
        override = host_settings_for(host, self._settings)
        if override is not None and override.timeout is not None:
            return override.timeout
        return self._settings.timeout

    async def _send_once(
        self, method: str, url: str, cookies: httpx.Cookies, read_body: bool
    ) -> Fetched:
        host = host_of(url)
        timeout = self._timeout_for(host)
        request = self._client.build_request(
            method,
            url,
            headers=self._headers_for(host),
            timeout=httpx.Timeout(timeout, pool=None),
        )
        cookies.set_cookie_header(request)
        async with self._hosts.request(host) as slot:
            response = await self._client.send(request, stream=True)
            try:
                body = b""
                ctype = (
                    response.headers.get("content-type", "").split(";")[0].strip().lower() or None
                )
                if (
                    read_body
                    and method == "GET"
                    and response.status_code not in REDIRECT_STATUSES
                    and not _is_binary(ctype)
                ):
                    body = await self._read_capped(response)
                elif self._cheap_to_drain(method, response, ctype):
                    # Read the (empty or small) rest so the connection can be reused:
                    # closing a response mid-body closes its connection too.
                    await self._read_capped(response)
            finally:
                await response.aclose()
        cookies.extract_cookies(response)
        fetched = Fetched(url, method, response.status_code, response.headers, body)
        if fetched.status in (429, 503):
            fallback = self._base_wait if fetched.status == 429 else None
            slot.back_off(fetched.retry_after, fallback)
        elif fetched.status < 400:
            slot.relax()
        return fetched

    def _cheap_to_drain(self, method: str, response: httpx.Response, ctype: str | None) -> bool:
        if method == "HEAD":
            return True
        length = response.headers.get("content-length", "")
        if length.isdigit():
            return int(length) <= self._settings.max_body
        return not _is_binary(ctype)  # unknown length: read at most max_body, then give up

    async def _read_capped(self, response: httpx.Response) -> bytes:
        limit = self._settings.max_body
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break  # closing the stream now drops the rest unread
        return b"".join(chunks)[:limit]

    async def _attempt(
        self, method: str, url: str, cookies: httpx.Cookies, read_body: bool
    ) -> Fetched:
        """One attempt, reported to the sentinel as soon as it ends (before any retry)."""
        sentinel = self._sentinel
        if sentinel is None:
            return await self._send_once(method, url, cookies, read_body)
        await sentinel.wait_clear()
        try:
            fetched = await self._send_once(method, url, cookies, read_body)
        except Exception as exc:
            try:
                kind = classify(exc).kind
            except Exception:
                kind = "bug"
            await sentinel.attempt(connection_failed=kind in CONNECTION_KINDS, answered=False)
            raise
        await sentinel.attempt(connection_failed=False, answered=True)
        return fetched

    async def _send(
        self, method: str, url: str, cookies: httpx.Cookies, read_body: bool, deadline: float
    ) -> Fetched:
        return await with_retries(
            lambda: self._attempt(method, url, cookies, read_body),
            retries=self._settings.retries,
            base_wait=self._base_wait,
            max_retry_after=self._settings.max_retry_after,
            time_left=lambda: deadline - anyio.current_time(),
        )

    # --- the redirect chain --------------------------------------------------------------

    async def _walk(self, url: str, deadline: float) -> Walk:
        method = "HEAD" if names_a_file(url) else "GET"
        cookies = httpx.Cookies()
        chain: list[Hop] = []
        seen: set[tuple[str, int]] = set()
        current = url
        while True:
            key = (normalize(current), len(cookies.jar))
            if key in seen:
                return Walk(
                    tuple(chain),
                    current,
                    failure=Failure("redirect_loop", f"redirect loop back to {current}"),
                )
            seen.add(key)
            try:
                answer = await self._send(method, current, cookies, True, deadline)
            except Exception as exc:  # translated into a Failure value right here
                return Walk(tuple(chain), current, failure=classify(exc))
            if answer.status in REDIRECT_STATUSES and answer.location:
                target = urljoin(current, answer.location.strip())
                if urlsplit(target).scheme.lower() not in SUPPORTED_SCHEMES:
                    return Walk(tuple(chain), current, answer=answer)
                chain.append(Hop(current, answer.status, target))
                if len(chain) > self._settings.max_redirects:
                    return Walk(
                        tuple(chain),
                        target,
                        failure=Failure(
                            "too_many_redirects",
                            f"more than {self._settings.max_redirects} redirects",
                        ),
                    )
                if answer.status == 303 and method != "HEAD":
                    method = "GET"
                current = target
                continue
            needs_get = answer.status >= 400 or (
                200 <= answer.status < 300 and _is_html(answer.content_type)
            )
            if method == "HEAD" and needs_get:
                # HEAD refused, or the body is needed after all: ask again with GET.
                method = "GET"
                seen.discard(key)
                continue
            return Walk(tuple(chain), current, answer=answer)

    # --- one URL -------------------------------------------------------------------------

    async def check(self, url: str) -> LinkResult:
        """The verdict for one normalised URL. Never raises for a per-link failure."""
        started = time.perf_counter()
        checked_at = now_stamp()
        scheme = urlsplit(url).scheme.lower()
        if scheme not in SUPPORTED_SCHEMES:
            result = LinkResult(
                url, Status.SKIPPED, url, reason=f"unsupported scheme {scheme or '(none)'}:"
            )
        elif any(re.search(p, url) for p in self._settings.exclude):
            result = LinkResult(url, Status.SKIPPED, url, reason="excluded by check.exclude")
        else:
            result = await self._check_deadlined(url)
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        return replace(result, elapsed_ms=elapsed, checked_at=checked_at)

    async def _check_deadlined(self, url: str) -> LinkResult:
        deadline = anyio.current_time() + self._settings.deadline
        result: LinkResult | None = None
        with anyio.move_on_after(self._settings.deadline):
            if youtube_video_id(url) is not None:
                result = await self._check_youtube(url, deadline)
            else:
                result = verdict(url, await self._walk(url, deadline))
        if result is None:
            return LinkResult(
                url,
                Status.TIMEOUT,
                url,
                reason=f"no verdict within the {self._settings.deadline:g}s deadline",
                error_kind="deadline",
            )
        return result

    async def _check_youtube(self, url: str, deadline: float) -> LinkResult:
        oembed = f"{walls.YOUTUBE_OEMBED}?url={quote(url, safe='')}&format=json"

        async def work() -> LinkResult:
            return await self._oembed_verdict(url, oembed, deadline)

        shared = await self._oembed.run(youtube_video_id(url) or url, work)
        return replace(shared, url=url, final_url=url)

    async def _oembed_verdict(self, url: str, oembed: str, deadline: float) -> LinkResult:
        walk = await self._walk(oembed, deadline)
        answer = walk.answer
        base = LinkResult(url, Status.OK, url, via="youtube-oembed")
        if answer is None:
            inner = verdict(oembed, walk)
            return replace(inner, url=url, final_url=url, chain=(), via="youtube-oembed")
        status = answer.status
        if 200 <= status < 300:
            title = _oembed_title(answer.body)
            return replace(
                base,
                http_status=status,
                title=title,
                content_type="text/html",
                reason="YouTube oEmbed: video available",
            )
        if status in (401, 403):
            return replace(
                base, http_status=status, reason="YouTube oEmbed: video exists, embedding disabled"
            )
        if status in (400, 404):
            return replace(
                base,
                status=Status.DEAD,
                http_status=status,
                reason=f"YouTube oEmbed {status}: video removed, private or never existed",
            )
        inner = verdict(oembed, walk)
        return replace(inner, url=url, final_url=url, chain=(), via="youtube-oembed")


def _oembed_title(body: bytes) -> str | None:
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
        error_kind=failure.kind,
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
    wall = _wall_reason(answer, title)
    if wall is not None:
        return replace(result, status=Status.BLOCKED, reason=wall, error_kind="bot_wall")
    if _login_page(walk.final_url) or (status == 401):
        where = host_of(walk.final_url)
        why = (
            f"login wall: redirected to a sign-in page ({where})"
            if status != 401
            else "login required (401)"
        )
        return replace(result, status=Status.RESTRICTED, reason=why, error_kind="login")
    if status in (404, 410):
        return replace(result, status=Status.DEAD, reason=f"HTTP {status}", error_kind="http")
    if status == 403:
        return replace(
            result,
            status=Status.BLOCKED,
            reason="HTTP 403: the server refused the checker",
            error_kind="forbidden",
        )
    if status == 429:
        return replace(
            result,
            status=Status.BLOCKED,
            reason="HTTP 429: rate limited after retries",
            error_kind="rate_limited",
        )
    if status == 451:
        return replace(
            result,
            status=Status.RESTRICTED,
            reason="HTTP 451: unavailable for legal reasons",
            error_kind="http",
        )
    if status >= 500:
        return replace(
            result,
            status=Status.ERROR,
            reason=f"HTTP {status} after retries",
            error_kind="http_5xx",
        )
    if status >= 400:
        return replace(result, status=Status.ERROR, reason=f"HTTP {status}", error_kind="http_4xx")
    if status in REDIRECT_STATUSES:
        return replace(
            result,
            status=Status.ERROR,
            reason=f"HTTP {status} without a usable Location",
            error_kind="protocol",
        )
    if not 200 <= status < 300:
        return replace(
            result, status=Status.ERROR, reason=f"unexpected HTTP {status}", error_kind="protocol"
        )
    parked = _parking_reason(answer)
    if parked is not None:
        return replace(result, status=Status.DEAD, reason=parked, error_kind="parked")
    if title and any(p.search(title) for p in walls.SOFT_404_TITLES):
        return replace(
            result,
            status=Status.DEAD,
            reason=f"soft 404: the page title says {title!r}",
            error_kind="soft_404",
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
            error_kind="soft_404",
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
