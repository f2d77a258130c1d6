"""arXiv metadata through the export API, in batches, politely.

The query goes out through the checker's own network layer (`linkwarden.check`: an httpx
client on `build_transport`), so the arXiv API is reached with the same host mapping,
private-address guard and trust store as every link. The `arxiv` package's public
`Client` cannot be given a session (it builds its own `requests.Session`) and its feed
parser is private, so we send the Atom query ourselves and read the feed with the
standard library into the package's public `arxiv.Result` type (see docs/enrichment.md).
Consecutive requests are at least `ArxivSettings.interval` seconds apart, retries
included. Every failure becomes a `BatchFailure` here: the IDs of a failed batch stay
unknown (absent), never dead.
"""

from __future__ import annotations

import logging
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

import anyio
import arxiv
import httpx

from ..check import NameNotResolved, NetworkOptions, TargetRefused, build_transport
from ..clock import format_time
from ..config import ArxivSettings
from ..model import ArxivRecord
from ..urls import canonical_id

log = logging.getLogger(__name__)

API_TIMEOUT = 30.0  # seconds per API request
API_RETRIES = 1  # retries of a batch the API answered with 5xx/429 (paced like a request)
MAX_FEED_BYTES = 32 * 1024 * 1024  # a feed of 100 entries is ~300 KB; more is not a feed

_ENTRY_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<v>\d+))?$")
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
}

# When the last arXiv API request of this process ended (time.monotonic), for the pacing.
_last_request_end: list[float] = []


@dataclass
class ArxivOutcome:
    """What the API said: records (None = unknown to arXiv) and what went wrong."""

    records: dict[str, ArxivRecord | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    requests: int = 0  # API requests sent, retries included


class BatchFailure(Exception):
    """A batch the API did not answer: its IDs stay unknown.

    `retry`: worth one more try (5xx, 429); `unreachable`: the API host cannot be reached,
    so the remaining batches are not tried either.
    """

    def __init__(self, reason: str, *, retry: bool = False, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.unreachable = unreachable


def make_client(network: NetworkOptions, user_agent: str) -> httpx.AsyncClient:
    """The client of the arXiv conversation: our transport, our User-Agent."""
    return httpx.AsyncClient(
        transport=build_transport(network, max_origins=2, keepalive_per_origin=1),
        headers={"User-Agent": user_agent, "Accept": "application/atom+xml"},
        timeout=httpx.Timeout(API_TIMEOUT, pool=None),
        follow_redirects=False,
        trust_env=False,
    )


def query_url(api_url: str, batch: Sequence[str]) -> str:
    """The export API query for exactly these IDs, one page (max_results = the batch)."""
    query = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
    return f"{api_url}?{urlencode(query)}"


def _time(text: str | None) -> datetime:
    try:
        return datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError:
        return datetime.min


def parse_feed(body: bytes) -> list[arxiv.Result]:
    """The entries of an export API Atom feed as `arxiv.Result`s; BatchFailure if it is not one."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise BatchFailure("the arXiv API answered something that is not an Atom feed") from None
    if root.tag != f"{{{_NS['atom']}}}feed":
        raise BatchFailure("the arXiv API answered something that is not an Atom feed")
    results: list[arxiv.Result] = []
    for entry in root.findall("atom:entry", _NS):
        primary = entry.find("arxiv:primary_category", _NS)
        results.append(
            arxiv.Result(
                entry_id=entry.findtext("atom:id", "", _NS),
                updated=_time(entry.findtext("atom:updated", None, _NS)),
                published=_time(entry.findtext("atom:published", None, _NS)),
                title=entry.findtext("atom:title", "", _NS),
                authors=[
                    arxiv.Result.Author(a.findtext("atom:name", "", _NS))
                    for a in entry.findall("atom:author", _NS)
                ],
                summary=entry.findtext("atom:summary", "", _NS),
                comment=entry.findtext("arxiv:comment", None, _NS),
                journal_ref=entry.findtext("arxiv:journal_ref", None, _NS),
                primary_category=primary.get("term", "") if primary is not None else "",
            )
        )
    return results


def _record(result: arxiv.Result) -> tuple[str, ArxivRecord] | None:
    m = _ENTRY_ID.search(str(result.entry_id))
    if not m:
        return None
    raw = m.group("id")
    key = canonical_id(raw) or raw
    return key, ArxivRecord(
        arxiv_id=key,
        latest_version=int(m.group("v") or 1),
        title=" ".join(str(result.title).split()),
        authors=tuple(str(a.name) for a in result.authors),
        published=format_time(result.published) if result.published else "",
        updated=format_time(result.updated) if result.updated else "",
        comment=result.comment or None,
        journal_ref=result.journal_ref or None,
        primary_category=result.primary_category or None,
        summary=" ".join(str(result.summary or "").split()),
    )


async def fetch_batch(
    client: httpx.AsyncClient, api_url: str, batch: Sequence[str]
) -> dict[str, ArxivRecord | None]:
    """Ask for one batch of canonical IDs. Unknown IDs map to None."""
    try:
        async with client.stream("GET", query_url(api_url, batch)) as response:
            if response.status_code != 200:
                transient = response.status_code == 429 or response.status_code >= 500
                raise BatchFailure(
                    f"the arXiv API answered HTTP {response.status_code}", retry=transient
                )
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_FEED_BYTES:
                    raise BatchFailure("the arXiv API answered more than a feed's worth")
    except httpx.TimeoutException:
        raise BatchFailure("the arXiv API did not answer in time", unreachable=True) from None
    except TargetRefused as exc:
        raise BatchFailure(f"the arXiv API was not asked: {exc.reason}", unreachable=True) from None
    except (httpx.HTTPError, NameNotResolved, OSError) as exc:
        raise BatchFailure(
            f"the arXiv API could not be reached ({type(exc).__name__})", unreachable=True
        ) from None
    records: dict[str, ArxivRecord | None] = dict.fromkeys(batch)
    for result in parse_feed(body):
        parsed = _record(result)
        if parsed is not None and parsed[0] in records:
            records[parsed[0]] = parsed[1]
    return records


async def _ask(
    client: httpx.AsyncClient,
    settings: ArxivSettings,
    batch: Sequence[str],
    outcome: ArxivOutcome,
) -> dict[str, ArxivRecord | None]:
    """One batch, retried once when the API says it is busy, every request paced."""
    for attempt in range(1 + API_RETRIES):
        if _last_request_end:
            since = time.monotonic() - _last_request_end[-1]
            await anyio.sleep(max(0.0, settings.interval - since))
        outcome.requests += 1
        try:
            return await fetch_batch(client, settings.api_url, batch)
        except BatchFailure as exc:
            if not exc.retry or attempt == API_RETRIES:
                raise
        finally:
            _last_request_end[:] = [time.monotonic()]
    raise AssertionError("unreachable")  # the loop returns or raises


async def fetch_records(
    ids: Iterable[str],
    settings: ArxivSettings,
    *,
    user_agent: str,
    network: NetworkOptions | None = None,
) -> ArxivOutcome:
    """Look up canonical IDs in batches of `settings.batch_size`, one request at a time."""
    outcome = ArxivOutcome()
    wanted = sorted(set(ids))
    if not wanted:
        return outcome
    size = max(1, min(settings.batch_size, 100))  # the API's answer is unreliable above 100
    batches = [wanted[i : i + size] for i in range(0, len(wanted), size)]
    failed = 0
    async with make_client(network or NetworkOptions(), user_agent) as client:
        for number, batch in enumerate(batches):
            try:
                answer = await _ask(client, settings, batch, outcome)
            except BatchFailure as exc:
                if exc.reason not in outcome.notes:
                    outcome.notes.append(exc.reason)
                if exc.unreachable:  # no point in knocking again
                    failed += sum(len(b) for b in batches[number:])
                    break
                failed += len(batch)
                continue
            outcome.records.update(answer)
    if failed:
        outcome.notes.append(
            f"arXiv metadata unknown for {failed} ID(s); their links are checked over HTTP instead"
        )
    return outcome
