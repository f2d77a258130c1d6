"""A fake arXiv export API (`/api/query`) as an ASGI app, for `sim.mount("export.arxiv.org", ...)`.

It answers like the real one: an Atom feed with `opensearch:` counts, one `<entry>` per known
ID (latest version in `<id>`), unknown but well-formed IDs simply absent while still counted
in `totalResults` (the real API's quirk), and HTTP 400 with an error entry for a malformed
ID. It records every request (time on its own clock, IDs, User-Agent) so tests can assert
the request budget and the gap between requests.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

SEED = Path(__file__).parent / "data" / "enrich_seed.json"

_VALID_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


@dataclass
class Paper:
    id: str
    title: str
    versions: int = 1
    authors: list[str] = field(default_factory=list)
    published: str = "2023-01-03T17:00:00Z"
    updated: str = "2023-01-03T17:00:00Z"
    comment: str | None = None
    journal_ref: str | None = None
    primary_category: str = "cs.CV"
    summary: str = "Abstract."


@dataclass(frozen=True)
class ApiRequest:
    at: float  # the fake server's clock (time.monotonic) when the request arrived
    ids: tuple[str, ...]
    max_results: int | None
    user_agent: str


class FakeArxiv:
    """The fake API. `papers` maps a bare ID to its Paper; `status` forces an HTTP error."""

    def __init__(self, papers: dict[str, Paper] | None = None) -> None:
        self.papers: dict[str, Paper] = dict(papers or {})
        self.requests: list[ApiRequest] = []
        self.fail_with: int | None = None  # answer every request with this HTTP status

    @classmethod
    def seeded(cls) -> FakeArxiv:
        """Every arXiv ID of the five real lists, with the real traps."""
        data = json.loads(SEED.read_text(encoding="utf-8"))
        return cls({p["id"]: Paper(**p) for p in data["papers"]})

    def add(self, paper: Paper) -> None:
        self.papers[paper.id] = paper

    @property
    def gaps(self) -> list[float]:
        """Seconds between consecutive request arrivals."""
        times = [r.at for r in self.requests]
        return [b - a for a, b in itertools.pairwise(times)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        ids = tuple(i for i in (query.get("id_list") or [""])[0].split(",") if i)
        max_results = int((query.get("max_results") or ["10"])[0])
        self.requests.append(
            ApiRequest(time.monotonic(), ids, max_results, headers.get("user-agent", ""))
        )
        if scope["path"] != "/api/query":
            await _reply(send, 404, b"Not Found", "text/plain")
            return
        if self.fail_with is not None:
            await _reply(send, self.fail_with, b"Service Unavailable", "text/plain")
            return
        bad = [i for i in ids if not _VALID_ID.match(i)]
        if bad:
            await _reply(send, 400, _error_feed(f"incorrect id format for {bad[0]}"), _ATOM)
            return
        start = int((query.get("start") or ["0"])[0])
        found = [self.papers[_bare(i)] for i in ids if _known(self, i)]
        # The real API lists papers by date, not in the order asked.
        found.sort(key=lambda p: p.published)
        page = found[start : start + max_results]
        await _reply(send, 200, _feed(ids, page, total=len(ids), start=start), _ATOM)


_ATOM = "application/atom+xml; charset=utf-8"


def _bare(raw: str) -> str:
    return re.sub(r"v\d+$", "", raw)


def _known(api: FakeArxiv, raw: str) -> bool:
    paper = api.papers.get(_bare(raw))
    if paper is None:
        return False
    m = re.search(r"v(\d+)$", raw)
    return not m or int(m.group(1)) <= paper.versions


async def _reply(send: Send, status: int, body: bytes, content_type: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _entry(p: Paper) -> str:
    authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in p.authors)
    extra = ""
    if p.comment:
        extra += f"<arxiv:comment>{escape(p.comment)}</arxiv:comment>"
    if p.journal_ref:
        extra += f"<arxiv:journal_ref>{escape(p.journal_ref)}</arxiv:journal_ref>"
    abs_url = f"http://arxiv.org/abs/{p.id}v{p.versions}"
    # Real titles wrap over lines in the feed; the client must collapse whitespace.
    title = escape(p.title).replace(": ", ":\n  ", 1)
    return (
        f"<entry><id>{abs_url}</id><updated>{p.updated}</updated>"
        f"<published>{p.published}</published><title>{title}</title>"
        f"<summary>{escape(p.summary)}</summary>{authors}{extra}"
        f'<link href="{abs_url}" rel="alternate" type="text/html"/>'
        f'<link title="pdf" href="http://arxiv.org/pdf/{p.id}v{p.versions}" rel="related" '
        f'type="application/pdf"/>'
        f'<arxiv:primary_category term="{p.primary_category}" '
        f'scheme="http://arxiv.org/schemas/atom"/>'
        f'<category term="{p.primary_category}" scheme="http://arxiv.org/schemas/atom"/>'
        f"</entry>"
    )


def _feed(ids: tuple[str, ...], page: list[Paper], *, total: int, start: int) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f'<link href="http://arxiv.org/api/query?id_list={escape(",".join(ids))}" rel="self" '
        'type="application/atom+xml"/>'
        f'<title type="html">ArXiv Query: id_list={escape(",".join(ids))}</title>'
        "<id>http://arxiv.org/api/fake</id><updated>2026-01-01T00:00:00-05:00</updated>"
        f"<opensearch:totalResults>{total}</opensearch:totalResults>"
        f"<opensearch:startIndex>{start}</opensearch:startIndex>"
        f"<opensearch:itemsPerPage>{len(page)}</opensearch:itemsPerPage>"
        + "".join(_entry(p) for p in page)
        + "</feed>"
    ).encode("utf-8")


def _error_feed(message: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        "<id>http://arxiv.org/api/fake-error</id><updated>2026-01-01T00:00:00-05:00</updated>"
        "<opensearch:totalResults>1</opensearch:totalResults>"
        "<opensearch:startIndex>0</opensearch:startIndex>"
        "<opensearch:itemsPerPage>1</opensearch:itemsPerPage>"
        f"<entry><id>http://arxiv.org/api/errors#{escape(message.replace(' ', '_'))}</id>"
        f"<title>Error</title><summary>{escape(message)}</summary>"
        "<updated>2026-01-01T00:00:00-05:00</updated>"
        "<author><name>arXiv api core</name></author></entry></feed>"
    ).encode()
