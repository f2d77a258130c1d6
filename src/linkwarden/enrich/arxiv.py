"""arXiv metadata through the export API, in batches, politely.

The `arxiv` package is synchronous (requests), so every batch runs in a worker thread under
a limiter of one: one request at a time, never two clients interleaving. The package's own
delay keeps consecutive requests at least `ArxivSettings.interval` seconds apart, retries
included. Everything the package or requests raise is turned into a `BatchFailure` here:
the IDs of a failed batch stay unknown (absent), never dead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import arxiv
import requests

from .. import urls
from ..config import ArxivSettings
from ..model import ArxivRecord, ExtractedList, Link
from ._transport import Route, session

log = logging.getLogger(__name__)

API_TIMEOUT = 30.0  # seconds per API request; arxiv's session has none of its own
API_RETRIES = 1  # retries per batch after the first try (each one paced like a request)

# Only one arXiv API request in flight per process, whoever asks.
_ARXIV_LIMITER: anyio.CapacityLimiter | None = None

_NEW_ID = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})$")
_OLD_ID = re.compile(r"^(?P<archive>[a-z-]+)(?:\.[a-z]{2})?/(?P<num>\d{7})$", re.IGNORECASE)
_ENTRY_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<v>\d+))?$")


def _limiter() -> anyio.CapacityLimiter:
    global _ARXIV_LIMITER
    if _ARXIV_LIMITER is None:
        _ARXIV_LIMITER = anyio.CapacityLimiter(1)
    return _ARXIV_LIMITER


def canonical_id(raw: str) -> str | None:
    """The ID arXiv answers to, or None when it cannot exist.

    New-style IDs have four digits after the dot until 2014 and five from 2015; old-style
    IDs drop the subject class (`math.AG/0601001` is `math/0601001`).
    """
    m = _NEW_ID.match(raw)
    if m:
        month = int(m.group("mm"))
        five = int(m.group("yy")) >= 15
        if not 1 <= month <= 12 or (len(m.group("num")) == 5) != five:
            return None
        return raw
    m = _OLD_ID.match(raw)
    if m:
        return f"{m.group('archive').lower()}/{m.group('num')}"
    return None


@dataclass(frozen=True)
class ArxivLink:
    """One link that names an arXiv paper."""

    link: Link
    raw_id: str  # as written, e.g. 2301.01081 or math.AG/0601001
    arxiv_id: str | None  # canonical, None when no such ID can exist
    version: int | None


def arxiv_links(lists: Iterable[ExtractedList]) -> list[ArxivLink]:
    """Every link, in every list, whose URL names an arXiv ID (any page form or host)."""
    found: list[ArxivLink] = []
    for extracted in lists:
        for link in extracted.links:
            ref = urls.arxiv_ref(link.url)
            if ref is not None:
                found.append(ArxivLink(link, ref.arxiv_id, canonical_id(ref.arxiv_id), ref.version))
    return found


@dataclass
class ArxivOutcome:
    """What the API said: records (None = unknown to arXiv) and what went wrong."""

    records: dict[str, ArxivRecord | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    requests: int = 0  # batches sent (retries not counted)


class BatchFailure(Exception):
    """A batch the API did not answer: its IDs stay unknown."""


class _BatchClient(arxiv.Client):  # type: ignore[misc]
    """An arxiv.Client that asks for exactly one page per batch.

    A batch of IDs always fits one page. The API counts unknown IDs in `totalResults` but
    leaves them out of the feed, and the stock client then asks for "the next page", which
    costs a request and answers with the same papers again (arxiv.py issue #82).
    """

    def _results(self, search: arxiv.Search, offset: int = 0) -> Iterator[arxiv.Result]:
        url = self._format_url(search, offset, self.page_size)
        feed = self._parse_feed(url, first_page=True)
        if feed.malformed:
            raise BatchFailure(f"the arXiv API answered something that is not an Atom feed ({url})")
        yield from feed.results


def make_client(
    settings: ArxivSettings, user_agent: str, verify: bool | str = True, route: Route | None = None
) -> Any:
    """An arxiv.Client for `settings.api_url`, paced at `settings.interval`, with our UA."""
    client = _BatchClient(
        page_size=max(1, settings.batch_size),
        delay_seconds=settings.interval,
        num_retries=API_RETRIES,
    )
    # A class attribute in the package; set per instance so tests and mirrors do not leak.
    client.query_url_format = settings.api_url + "?{}"
    # The package sends its own user-agent per request; our adapter replaces it.
    client._session = session(
        user_agent=user_agent, timeout=API_TIMEOUT, route=route, verify=verify
    )
    return client


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
        published=result.published.isoformat() if result.published else "",
        updated=result.updated.isoformat() if result.updated else "",
        comment=result.comment or None,
        journal_ref=result.journal_ref or None,
        primary_category=result.primary_category or None,
    )


def fetch_batch(client: Any, batch: Sequence[str]) -> dict[str, ArxivRecord | None]:
    """Ask for one batch of canonical IDs (blocking). Unknown IDs map to None."""
    search = arxiv.Search(id_list=list(batch), max_results=len(batch))
    try:
        results = list(client.results(search))
    except BatchFailure:
        raise
    except arxiv.HTTPError as exc:
        raise BatchFailure(f"the arXiv API answered HTTP {exc.status}") from None
    except arxiv.ArxivError as exc:
        raise BatchFailure(f"the arXiv API failed: {exc.message}") from None
    except requests.Timeout:
        raise BatchFailure("the arXiv API did not answer in time") from None
    except requests.RequestException as exc:
        raise BatchFailure(f"the arXiv API could not be reached ({type(exc).__name__})") from None
    records: dict[str, ArxivRecord | None] = dict.fromkeys(batch)
    for result in results:
        parsed = _record(result)
        if parsed is not None and parsed[0] in records:
            records[parsed[0]] = parsed[1]
    return records


async def fetch_records(
    ids: Iterable[str],
    settings: ArxivSettings,
    *,
    user_agent: str,
    verify: bool | str = True,
    route: Route | None = None,
) -> ArxivOutcome:
    """Look up canonical IDs in batches of `settings.batch_size`, one request at a time."""
    outcome = ArxivOutcome()
    wanted = sorted(set(ids))
    if not wanted:
        return outcome
    client = make_client(settings, user_agent, verify, route)
    size = max(1, min(settings.batch_size, 100))  # the API's answer is unreliable above 100
    batches = [wanted[i : i + size] for i in range(0, len(wanted), size)]
    failed = 0
    for batch in batches:
        outcome.requests += 1
        try:
            answer = await anyio.to_thread.run_sync(fetch_batch, client, batch, limiter=_limiter())
        except BatchFailure as exc:
            failed += len(batch)
            if exc.args[0] not in outcome.notes:
                outcome.notes.append(str(exc.args[0]))
            continue
        outcome.records.update(answer)
    if failed:
        outcome.notes.append(
            f"arXiv metadata unknown for {failed} ID(s); their links are checked over HTTP instead"
        )
    return outcome
