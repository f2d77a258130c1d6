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
from collections.abc import Awaitable
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
from ._body import ACCEPT_ENCODING, BodyDecodeError, drain, read_decoded
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
# A request's timeouts are retried only until TAIL_WINDOW timeouts after it started, and
# only when at least MIN_RETRY_FRACTION of a timeout is left for the retry.
TAIL_WINDOW = 1.5
MIN_RETRY_FRACTION = 0.25
TIMEOUT_KINDS = frozenset({"timeout", "connect_timeout"})


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
            "Accept-Encoding": ACCEPT_ENCODING,  # what _body.py can undo, capped
        },
        timeout=httpx.Timeout(settings.timeout, pool=None),
        trust_env=False,
    )


# httpx refuses longer URLs; servers mostly stop at 8 KiB anyway.
MAX_URL_LENGTH = 65_536


def url_problem(url: str) -> tuple[Status, str] | None:
    """Why `url` cannot be requested at all, and the status that says so; None when it can.

    Too long: `skipped`, with the reason. Anything httpx cannot parse (a bad port, an IPv4
    address written `127.000.000.001`, a malformed A-label such as `xn--`): `error`. An
    A-label outside IDNA 2008 (the emoji domain `xn--ls8h.la`) is requested as written.
    """
    if len(url) > MAX_URL_LENGTH:
        return Status.SKIPPED, f"URL of {len(url):,} characters: longer than 64 KiB, not checked"
    try:
        host = httpx.URL(url).raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        return Status.ERROR, f"invalid URL: {exc}"
    for label in host.split("."):
        if label[:4].lower() == "xn--" and not _punycode(label[4:]):
            return Status.ERROR, f"invalid URL: {label!r} is not a valid A-label"
    return None


def _punycode(text: str) -> str:
    """The Unicode a Punycode label stands for ("" when it stands for nothing valid)."""
    try:
        return text.encode("ascii").decode("punycode")
    except UnicodeError:
        return ""


def redirect_target(current: str, location: str) -> tuple[str, Failure | None]:
    """Where a redirect leads, or why it is not followed (a Failure for the link)."""
    location = location.strip()
    try:
        target = urljoin(current, location)
        scheme = urlsplit(target).scheme.lower()
    except ValueError as exc:
        return location, Failure("invalid_url", f"redirect to an invalid URL ({exc})")
    shown = target if len(target) <= 200 else target[:200] + "…"
    if scheme not in SUPPORTED_SCHEMES:
        return target, Failure("invalid_url", f"redirect to a {scheme or 'scheme-less'}: URL")
    problem = url_problem(target)
    if problem is not None:
        return target, Failure("invalid_url", f"redirect to {shown}: {problem[1]}")
    return target, None


def _loop_key(url: str) -> str:
    try:
        return normalize(url)
    except ValueError:
        return url


class UrlChecker:
    """Checks URLs one at a time (call `check` concurrently); shares hosts, client and dedupe."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        transport: httpx.AsyncBaseTransport,
        hosts: HostPool,
        settings: CheckSettings,
        *,
        base_wait: float = 0.5,
        sentinel: Sentinel | None = None,
    ) -> None:
        self._client = client
        # Requests go to the client's transport directly: httpx's client parses a
        # redirect's Location into its next request even when not following it, and
        # raises on a hostile one (`javascript:`); we read Location ourselves.
        self._transport = transport
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
        self, method: str, url: str, cookies: httpx.Cookies, read_body: bool, timeout: float
    ) -> Fetched:
        host = host_of(url)
        # The Host header as it goes on the wire; given, httpx does not derive it from the
        # decoded host (which refuses an A-label outside IDNA 2008, e.g. an emoji domain).
        wire = {"Host": httpx.URL(url).netloc.decode("ascii")}
        request = self._client.build_request(
            method,
            url,
            headers={**wire, **self._headers_for(host)},
            timeout=httpx.Timeout(timeout, pool=None),
        )
        cookies.set_cookie_header(request)
        async with self._hosts.request(host) as slot:
            response = await self._transport.handle_async_request(request)
            response.request = request
            if response.status_code not in REDIRECT_STATUSES:
                # A redirect (http:// upgraded to https://) says nothing about whether
                # the host serves pages: it does not clear a hang.
                slot.note_answer()
            undecodable: str | None = None
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
                    try:
                        body = await read_decoded(response, self._settings.max_body)
                    except BodyDecodeError as exc:
                        undecodable = str(exc)
                elif self._cheap_to_drain(method, response, ctype):
                    # Read the (empty or small) rest so the connection can be reused:
                    # closing a response mid-body closes its connection too.
                    await drain(response, self._settings.max_body)
            finally:
                await response.aclose()
        cookies.extract_cookies(response)
        fetched = Fetched(
            url, method, response.status_code, response.headers, body, undecodable=undecodable
        )
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

    async def _attempt(
        self, method: str, url: str, cookies: httpx.Cookies, read_body: bool, timeout: float
    ) -> Fetched:
        """One attempt, reported to the sentinel (and a timeout to the host's slot) as soon
        as it ends, before any retry."""
        sentinel = self._sentinel
        if sentinel is not None:
            await sentinel.wait_clear()
        try:
            fetched = await self._send_once(method, url, cookies, read_body, timeout)
        except Exception as exc:
            try:
                kind = classify(exc).kind
            except Exception:
                kind = "bug"
            if kind in TIMEOUT_KINDS:
                self._hosts.slot(host_of(url)).note_timeout()
            if sentinel is not None:
                failed = kind in CONNECTION_KINDS
                await sentinel.attempt(connection_failed=failed, answered=False)
            raise
        if sentinel is not None:
            await sentinel.attempt(connection_failed=False, answered=True)
        return fetched

    async def _send(
        self, method: str, url: str, cookies: httpx.Cookies, read_body: bool, deadline: float
    ) -> Fetched:
        """One request with its retries. A timeout is retried only within the request's
        tail window (`TAIL_WINDOW` timeouts from its start, the retry's own timeout cut to
        fit) and not for a host that never answers (`HostSlot.hopeless`): a URL that does
        not answer costs about one timeout, not one per attempt (docs/checker.md)."""
        host = host_of(url)
        full = self._timeout_for(host)
        window_end = anyio.current_time() + TAIL_WINDOW * full
        timed_out = False

        def attempt() -> Awaitable[Fetched]:
            timeout = full
            if timed_out:
                timeout = max(0.1, min(full, window_end - anyio.current_time()))
            return self._attempt(method, url, cookies, read_body, timeout)

        def give_up(exc: BaseException) -> bool:
            nonlocal timed_out
            try:
                kind = classify(exc).kind
            except Exception:
                return False
            if kind not in TIMEOUT_KINDS:
                return False
            timed_out = True
            left = window_end - anyio.current_time()
            return self._hosts.slot(host).hopeless or left < full * MIN_RETRY_FRACTION

        return await with_retries(
            attempt,
            retries=self._settings.retries,
            base_wait=self._base_wait,
            max_retry_after=self._settings.max_retry_after,
            time_left=lambda: deadline - anyio.current_time(),
            give_up=give_up,
        )

    # --- the redirect chain --------------------------------------------------------------

    async def _walk(self, url: str, deadline: float) -> Walk:
        method = "HEAD" if names_a_file(url) else "GET"
        cookies = httpx.Cookies()
        chain: list[Hop] = []
        seen: set[tuple[str, int]] = set()
        current = url
        while True:
            key = (_loop_key(current), len(cookies.jar))
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
                target, bad = redirect_target(current, answer.location)
                if bad is not None:  # a Location we will not follow: the link's error
                    hop = Hop(current, answer.status, target)
                    return Walk((*chain, hop), current, failure=bad)
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
        scheme = url.partition(":")[0].lower() if ":" in url else ""
        problem = url_problem(url)
        if scheme not in SUPPORTED_SCHEMES:
            result = LinkResult(
                url, Status.SKIPPED, url, reason=f"unsupported scheme {scheme or '(none)'}:"
            )
        elif problem is not None:
            status, why = problem
            result = LinkResult(url, status, url, reason=why, error_kind=ErrorKind.INVALID_URL)
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
