"""Scripted behaviours: what one path of one simulated host answers.

Each behaviour is a small frozen dataclass. The server hands it a `SimRequest` (what was
asked, and how many times this route has been hit since it was last set) and a `Responder`
(which writes the ASGI response and does the accounting for the request log). Behaviours
that depend on "the first N requests" read `request.hit`, so they stay immutable and a
`SimWeb.set()` or `reset()` starts their count again.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import html
import json
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]


@dataclass(frozen=True)
class SimRequest:
    """One request as a behaviour sees it."""

    method: str
    scheme: str  # "https" or "http"
    host: str  # lower-case, no port
    path: str  # percent-decoded
    query: str  # raw query string, '' when none
    headers: Mapping[str, str]  # lower-case names
    hit: int  # 1 for the first request to this route since it was set

    @property
    def url(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return f"{self.scheme}://{self.host}{self.path}{query}"

    def param(self, name: str) -> str | None:
        """The first value of query parameter `name`, or None."""
        values = parse_qs(self.query).get(name)
        return values[0] if values else None


class Responder:
    """Writes one ASGI response and records what was sent.

    HEAD responses keep their headers (content-length included) but drop the body, as a
    real server does. `disconnected` becomes set when the client goes away.
    """

    def __init__(
        self,
        method: str,
        send: Send,
        receive: Receive,
        abort: Callable[[], None] | None = None,
    ) -> None:
        self.method = method
        self._abort = abort
        self.status: int | None = None
        self.bytes_sent = 0
        self.disconnected = asyncio.Event()
        self._send = send
        self._receive = receive
        self._watcher: asyncio.Task[None] | None = None

    async def start(self, status: int, headers: Mapping[str, str] | list[tuple[str, str]]) -> None:
        items = headers.items() if isinstance(headers, Mapping) else headers
        self.status = status
        await self._send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in items],
            }
        )

    async def body(self, data: bytes, *, more: bool = False) -> None:
        if self.method == "HEAD":
            data = b""
        if self.disconnected.is_set():
            return
        await self._send({"type": "http.response.body", "body": data, "more_body": more})
        self.bytes_sent += len(data)

    async def respond(self, status: int, headers: Mapping[str, str], body: bytes = b"") -> None:
        """A complete response with a content-length."""
        all_headers = {"content-length": str(len(body)), **headers}
        await self.start(status, all_headers)
        await self.body(body)

    def cut(self) -> None:
        """Drop the TCP connection at once (the client sees a reset), answering nothing."""
        if self._abort is None:
            raise RuntimeError("simweb: this connection cannot be cut")
        self._abort()
        self.disconnected.set()

    def watch_disconnect(self) -> None:
        """Start noticing a client that hangs up (for long responses)."""
        if self._watcher is None:
            self._watcher = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.disconnected.set()
                return

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()


class Behaviour:
    """Base class: subclasses implement `serve` (or `response` for simple cases)."""

    async def serve(self, request: SimRequest, out: Responder) -> None:
        status, headers, body = self.response(request)
        await out.respond(status, headers, body)

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError


def html_page(title: str, text: str = "", *, head: str = "") -> bytes:
    """A small, well-formed HTML document."""
    safe_title = html.escape(title)
    body = text if text else f"<h1>{safe_title}</h1>"
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{safe_title}</title>{head}</head>\n<body>{body}</body></html>\n"
    ).encode()


HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Page(Behaviour):
    """An HTML page with a `<title>`; any status (200 by default)."""

    title: str = "A page"
    text: str = ""
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        return (
            self.status,
            {"content-type": HTML, **dict(self.headers)},
            html_page(self.title, self.text),
        )


@dataclass(frozen=True)
class NotFound(Page):
    title: str = "404 Not Found"
    status: int = 404


@dataclass(frozen=True)
class Gone(Page):
    title: str = "410 Gone"
    status: int = 410


@dataclass(frozen=True)
class Status(Behaviour):
    """Any status with a small HTML body, e.g. `Status(500)`."""

    code: int = 500
    title: str = "Error"

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        return self.code, {"content-type": HTML}, html_page(self.title or str(self.code))


@dataclass(frozen=True)
class HeadRefused(Behaviour):
    """HEAD answers `head_status` (405 by default); GET answers `page`."""

    head_status: int = 405
    page: Behaviour = field(default_factory=lambda: Page(title="HEAD refused here, GET works"))

    async def serve(self, request: SimRequest, out: Responder) -> None:
        if request.method == "HEAD":
            await out.respond(self.head_status, {"allow": "GET", "content-type": HTML})
            return
        await self.page.serve(request, out)


@dataclass(frozen=True)
class Redirect(Behaviour):
    """One redirect hop. `location` is an absolute URL or a path on the same host."""

    location: str
    status: int = 301

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        body = html_page(f"{self.status} Moved", f'<a href="{html.escape(self.location)}">here</a>')
        return self.status, {"location": self.location, "content-type": HTML}, body


@dataclass(frozen=True)
class ToHome(Behaviour):
    """A deep link that a site redirects to its home page (a soft 404)."""

    status: int = 302

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        home = f"{request.scheme}://{request.host}/"
        return self.status, {"location": home, "content-type": HTML}, html_page("Moved")


def retry_after_value(seconds: float, *, http_date: bool) -> str:
    """`Retry-After` as delta-seconds or as an HTTP-date that many seconds from now.

    An HTTP-date has one-second resolution, so it is rounded up: a client that honours it
    never waits less than `seconds`.
    """
    if http_date:
        return email.utils.formatdate(math.ceil(time.time() + seconds), usegmt=True)
    return str(math.ceil(seconds))


@dataclass(frozen=True)
class RateLimited(Behaviour):
    """429 with `Retry-After` for the first `times` requests, then `then`."""

    times: int = 1
    retry_after: float = 1.0
    http_date: bool = False
    status: int = 429
    then: Behaviour = field(default_factory=lambda: Page(title="Rate limit passed"))

    async def serve(self, request: SimRequest, out: Responder) -> None:
        if request.hit > self.times:
            await self.then.serve(request, out)
            return
        headers = {
            "retry-after": retry_after_value(self.retry_after, http_date=self.http_date),
            "content-type": HTML,
        }
        await out.respond(self.status, headers, html_page("Too Many Requests"))


@dataclass(frozen=True)
class Flaky(Behaviour):
    """`status` (503 by default) for the first `times` requests, then `then`."""

    times: int = 2
    status: int = 503
    then: Behaviour = field(default_factory=lambda: Page(title="Back after a hiccup"))

    async def serve(self, request: SimRequest, out: Responder) -> None:
        if request.hit > self.times:
            await self.then.serve(request, out)
            return
        await out.respond(self.status, {"content-type": HTML}, html_page("Service Unavailable"))


@dataclass(frozen=True)
class Reset(Behaviour):
    """The connection is dropped without an answer for the first `times` requests."""

    times: int = 1
    then: Behaviour = field(default_factory=lambda: Page(title="Back after a reset"))

    async def serve(self, request: SimRequest, out: Responder) -> None:
        if request.hit > self.times:
            await self.then.serve(request, out)
            return
        out.cut()


@dataclass(frozen=True)
class Slow(Behaviour):
    """Waits `seconds` (on top of the host latency), then answers `then`."""

    seconds: float = 1.0
    then: Behaviour = field(default_factory=lambda: Page(title="Slow but alive"))

    async def serve(self, request: SimRequest, out: Responder) -> None:
        await asyncio.sleep(self.seconds)
        await self.then.serve(request, out)


@dataclass(frozen=True)
class Hang(Behaviour):
    """Never answers (within `seconds`, far past any client timeout); cancelled on stop."""

    seconds: float = 60.0

    async def serve(self, request: SimRequest, out: Responder) -> None:
        out.watch_disconnect()
        # Bounded so a forgotten client cannot keep the server thread busy forever.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(out.disconnected.wait(), timeout=self.seconds)
        if not out.disconnected.is_set():
            await out.respond(504, {"content-type": HTML}, html_page("Gave up hanging"))


@dataclass(frozen=True)
class SoftNotFound(Page):
    """200 whose page says it was not found."""

    title: str = "Page not found"
    text: str = "<h1>Sorry, we couldn't find that page.</h1>"


PARKING_TEXT = (
    "<h1>{host}</h1><p>This domain is for sale! Buy this domain.</p>"
    "<p>The domain owner may be interested in selling it.</p>"
    '<script src="https://www.parkingcrew.net/js/parking.js"></script>'
    '<a href="https://sedo.com/search/details/?domain={host}">Sedo domain parking</a>'
)


@dataclass(frozen=True)
class Parked(Behaviour):
    """A domain-parking page (200), with the usual markers of parking services."""

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        body = html_page(
            f"{request.host} - This domain is for sale",
            PARKING_TEXT.format(host=html.escape(request.host)),
        )
        return 200, {"content-type": HTML}, body


CHALLENGE_TEXT = (
    "<noscript>Enable JavaScript and cookies to continue</noscript>"
    '<div id="challenge-running">Checking if the site connection is secure</div>'
    '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script>'
)


@dataclass(frozen=True)
class CloudflareChallenge(Behaviour):
    """Cloudflare's bot challenge: 403, `cf-mitigated: challenge`, "Just a moment..."."""

    status: int = 403

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "content-type": HTML,
            "server": "cloudflare",
            "cf-mitigated": "challenge",
            "cf-ray": "8f0c0ffee0000000-FRA",
            "cache-control": "private, max-age=0, no-store, no-cache, must-revalidate",
        }
        return self.status, headers, html_page("Just a moment...", CHALLENGE_TEXT)


@dataclass(frozen=True)
class Status999(Behaviour):
    """LinkedIn's answer to crawlers: the non-standard status 999."""

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        return 999, {"content-type": HTML}, html_page("Request denied")


GOOGLE_LOGIN = (
    "https://accounts.google.com/ServiceLogin?service=wise&passive=1209600"
    "&continue=https%3A%2F%2Fdrive.google.com%2Ffile%2Fd%2Fx%2Fview&followup=x"
)


@dataclass(frozen=True)
class LoginRedirect(Behaviour):
    """A login wall: 302 to a sign-in page (Google Drive style by default)."""

    location: str = GOOGLE_LOGIN
    status: int = 302

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        return self.status, {"location": self.location, "content-type": HTML}, html_page("Moved")


@dataclass(frozen=True)
class HugePdf(Behaviour):
    """A PDF too big to download.

    HEAD: `application/pdf` with a large content-length. GET: the same type and an endless
    body (no content-length), `chunk` bytes every `interval` seconds until the client hangs
    up, `max_seconds` pass, or the server stops. The responder's `bytes_sent` (in the
    request log) is an upper bound on what the client read: sending is slow enough that
    nothing piles up in socket buffers.
    """

    advertised_size: int = 512 * 1024 * 1024
    chunk: int = 4096
    interval: float = 0.01
    max_seconds: float = 60.0
    content_type: str = "application/pdf"

    async def serve(self, request: SimRequest, out: Responder) -> None:
        if request.method == "HEAD":
            await out.start(
                200,
                {"content-type": self.content_type, "content-length": str(self.advertised_size)},
            )
            await out.body(b"")
            return
        out.watch_disconnect()
        await out.start(200, {"content-type": self.content_type})
        first = b"%PDF-1.7\n"
        payload = first + b"0" * (self.chunk - len(first))
        deadline = time.monotonic() + self.max_seconds
        while not out.disconnected.is_set() and time.monotonic() < deadline:
            await out.body(payload, more=True)
            payload = b"0" * self.chunk
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(out.disconnected.wait(), timeout=self.interval)
        await out.body(b"")


@dataclass(frozen=True)
class OEmbed(Behaviour):
    """YouTube's oEmbed endpoint: `/oembed?url=<watch URL>&format=json`.

    `live` maps video IDs to titles (200 JSON); IDs in `private` answer 401; anything
    else answers 404 (a removed video), as YouTube does.
    """

    live: tuple[tuple[str, str], ...] = ()
    private: tuple[str, ...] = ()

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        video = youtube_video_id(request.param("url") or "")
        titles = dict(self.live)
        if video in titles:
            data = {
                "title": titles[video],
                "author_name": "Some Channel",
                "author_url": "https://www.youtube.com/@somechannel",
                "type": "video",
                "provider_name": "YouTube",
                "provider_url": "https://www.youtube.com/",
                "version": "1.0",
                "thumbnail_url": f"https://i.ytimg.com/vi/{video}/hqdefault.jpg",
            }
            return 200, {"content-type": "application/json"}, json.dumps(data).encode()
        if video in self.private:
            return 401, {"content-type": "text/html"}, b"Unauthorized"
        return 404, {"content-type": "text/html"}, b"Not Found"


def youtube_video_id(url: str) -> str | None:
    """The video ID in a youtube.com/watch?v=, youtu.be/ or /shorts/ URL."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "youtu.be":
        return parts.path.strip("/") or None
    if host.endswith("youtube.com"):
        if parts.path in ("/watch", "/watch/"):
            values = parse_qs(parts.query).get("v")
            return values[0] if values else None
        for prefix in ("/shorts/", "/embed/", "/live/"):
            if parts.path.startswith(prefix):
                return parts.path[len(prefix) :].strip("/") or None
    return None


@dataclass(frozen=True)
class Raw(Behaviour):
    """Exactly these bytes, status and headers (for anything the others do not cover)."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = (("content-type", "text/plain"),)
    body: bytes = b""

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        return self.status, dict(self.headers), self.body


@dataclass(frozen=True)
class HomePage(Behaviour):
    """A site's home page, titled after the host."""

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        return 200, {"content-type": HTML}, html_page(f"{request.host} - Home")


@dataclass(frozen=True)
class YouTubeThumbnail(Behaviour):
    """img.youtube.com `/vi/<id>/<name>.jpg`: a JPEG for a live video, 404 otherwise.

    lychee checks YouTube links this way (its "check YouTube IDs via thumbnail" quirk), so
    a world used to compare against lychee serves it. Use it as the host's `fallback`.
    """

    live: tuple[str, ...] = ()

    def response(self, request: SimRequest) -> tuple[int, dict[str, str], bytes]:
        parts = request.path.split("/")
        if len(parts) >= 4 and parts[1] in ("vi", "vi_webp") and parts[2] in self.live:
            return 200, {"content-type": "image/jpeg"}, b"\xff\xd8\xff\xe0" + b"\0" * 1024
        return 404, {"content-type": "text/html"}, b"Not Found"
