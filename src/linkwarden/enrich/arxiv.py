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

from ..clock import format_time
from ..config import ArxivSettings
from ..model import ArxivRecord
from ._transport import Route, session
from .collect import canonical_id

log = logging.getLogger(__name__)

API_TIMEOUT = 30.0  # seconds per API request; arxiv's session has none of its own
API_RETRIES = 1  # retries of a batch the API answered with 5xx/429 (paced like a request)

# Only one arXiv API request in flight per process, whoever asks.
_ARXIV_LIMITER: anyio.CapacityLimiter | None = None

_ENTRY_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<v>\d+))?$")


def _limiter() -> anyio.CapacityLimiter:
    global _ARXIV_LIMITER
    if _ARXIV_LIMITER is None:
        _ARXIV_LIMITER = anyio.CapacityLimiter(1)
    return _ARXIV_LIMITER


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
        num_retries=0,  # retries are ours (`_ask`): only for answers worth retrying
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
        published=format_time(result.published) if result.published else "",
        updated=format_time(result.updated) if result.updated else "",
        comment=result.comment or None,
        journal_ref=result.journal_ref or None,
        primary_category=result.primary_category or None,
        summary=" ".join(str(result.summary or "").split()),
    )


def fetch_batch(client: Any, batch: Sequence[str]) -> dict[str, ArxivRecord | None]:
    """Ask for one batch of canonical IDs (blocking). Unknown IDs map to None."""
    search = arxiv.Search(id_list=list(batch), max_results=len(batch))
    client.page_size = len(batch)  # the URL's max_results: exactly the batch, one page
    try:
        results = list(client.results(search))
    except BatchFailure:
        raise
    except arxiv.HTTPError as exc:
        transient = exc.status == 429 or exc.status >= 500
        raise BatchFailure(f"the arXiv API answered HTTP {exc.status}", retry=transient) from None
    except arxiv.ArxivError as exc:  # e.g. an unexpectedly empty page
        raise BatchFailure(f"the arXiv API failed: {exc.message}", retry=True) from None
    except requests.Timeout:
        raise BatchFailure("the arXiv API did not answer in time", unreachable=True) from None
    except requests.RequestException as exc:
        raise BatchFailure(
            f"the arXiv API could not be reached ({type(exc).__name__})", unreachable=True
        ) from None
    records: dict[str, ArxivRecord | None] = dict.fromkeys(batch)
    for result in results:
        parsed = _record(result)
        if parsed is not None and parsed[0] in records:
            records[parsed[0]] = parsed[1]
    return records


async def _ask(
    client: Any, batch: Sequence[str], outcome: ArxivOutcome
) -> dict[str, ArxivRecord | None]:
    """One batch, retried once when the API says it is busy (the client keeps the pace)."""
    for attempt in range(1 + API_RETRIES):
        outcome.requests += 1
        try:
            return await anyio.to_thread.run_sync(fetch_batch, client, batch, limiter=_limiter())
        except BatchFailure as exc:
            if not exc.retry or attempt == API_RETRIES:
                raise
    raise AssertionError("unreachable")  # the loop returns or raises


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
    for number, batch in enumerate(batches):
        try:
            answer = await _ask(client, batch, outcome)
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
