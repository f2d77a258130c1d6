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

import re
import time
from dataclasses import replace
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import quote, urljoin, urlsplit

import anyio
import httpx

from ..clock import now_stamp
from ..config import CheckSettings
from ..model import ErrorKind, Hop, LinkResult, Status, Via
from ..urls import host_of, normalize
from . import _walls as walls
from ._hosts import HostPool, Once, host_settings_for
from ._retry import CONNECTION_KINDS, Failure, classify, with_retries
from ._sentinel import Sentinel
from ._verdict import (
    REDIRECT_STATUSES,
    Fetched,
    Walk,
    is_binary,
    is_html,
    names_a_file,
    oembed_title,
    verdict,
    youtube_video_id,
)

SUPPORTED_SCHEMES = ("http", "https")


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


class UrlChecker:
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
                    and not is_binary(ctype)
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
        return not is_binary(ctype)  # unknown length: read at most max_body, then give up

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
                200 <= answer.status < 300 and is_html(answer.content_type)
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
                error_kind=ErrorKind.DEADLINE,
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
        base = LinkResult(url, Status.OK, url, via=Via.YOUTUBE_OEMBED)
        if answer is None:
            inner = verdict(oembed, walk)
            return replace(inner, url=url, final_url=url, chain=(), via=Via.YOUTUBE_OEMBED)
        status = answer.status
        if 200 <= status < 300:
            title = oembed_title(answer.body)
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
        return replace(inner, url=url, final_url=url, chain=(), via=Via.YOUTUBE_OEMBED)
