"""A base for the fake JSON APIs on the simulated web (Crossref, doi.org, OpenReview, Wayback,
Hugging Face): an ASGI app that logs every request and can play a registry that is down.

A subclass implements `answer(request) -> (status, json-able body or bytes, headers)`. Set
`fail_with` to answer every request with that status instead (a registry that is down but
still accepts connections; for one that refuses connections use `sim.refuse(host)`), and
`retry_after` to send a Retry-After header with it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Reply = tuple[int, Any, dict[str, str]]


@dataclass(frozen=True)
class ApiRequest:
    at: float  # time.monotonic() when the request arrived
    method: str
    host: str
    path: str  # percent-decoded
    query: dict[str, list[str]]
    user_agent: str

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class JsonApi:
    """Logs requests, answers through `answer`, or fails every request when told to."""

    def __init__(self) -> None:
        self.requests: list[ApiRequest] = []
        self.fail_with: int | None = None
        self.retry_after: str | None = None

    def answer(self, request: ApiRequest) -> Reply:  # pragma: no cover - abstract
        raise NotImplementedError

    def count(self, path_prefix: str = "") -> int:
        return sum(1 for r in self.requests if r.path.startswith(path_prefix))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request = ApiRequest(
            at=time.monotonic(),
            method=scope["method"].upper(),
            host=headers.get("host", "").rsplit(":", 1)[0],
            path=unquote(scope["path"]),
            query=parse_qs(scope.get("query_string", b"").decode("latin-1")),
            user_agent=headers.get("user-agent", ""),
        )
        self.requests.append(request)
        if self.fail_with is not None:
            extra = {"retry-after": self.retry_after} if self.retry_after else {}
            await reply(send, self.fail_with, {"status": "error", "message": "down"}, extra)
            return
        status, body, extra = self.answer(request)
        await reply(send, status, body, extra, head=request.method == "HEAD")


async def reply(
    send: Send, status: int, body: Any, headers: dict[str, str] | None = None, *,
    head: bool = False,
) -> None:  # fmt: skip
    """One response: bytes as they are (text/html unless told), anything else as JSON."""
    extra = dict(headers or {})
    if isinstance(body, bytes):
        payload = body
        extra.setdefault("content-type", "text/html; charset=utf-8")
    else:
        payload = json.dumps(body).encode("utf-8")
        extra.setdefault("content-type", "application/json")
    extra["content-length"] = str(len(payload))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else payload})
