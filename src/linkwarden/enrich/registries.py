"""Paper registries: DOIs through Crossref (then the doi.org handle API), OpenReview notes.

    DOIs ─► Crossref `/works?filter=doi:A,doi:B,…` (batches, bounded by the URL length)
        └► what Crossref does not hold ─► doi.org `/api/handles/{doi}` (DataCite, Zenodo, …)
    OpenReview IDs ─► API 2 `/notes?id=` ─► (no note there) API 1 `/notes?id=`

A DOI that neither Crossref nor the handle system knows resolves nowhere: its record is
None. A registry that does not answer leaves its DOIs out (unknown, never dead) and says so
in a note. Crossref's "polite pool" wants a contact address: with `crossref.mailto` set it
goes into the User-Agent and the `mailto` parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import anyio

from ..config import CrossrefSettings, OpenReviewSettings
from ..model import RegistryRecord
from ._polite import Answer, Polite

# Longest query URL we send (Crossref documents no limit; proxies and servers cut near 8 KB).
MAX_URL = 4000
SELECT = "DOI,title,URL"


@dataclass(frozen=True)
class RegistryOutcome:
    """Records by key (DOI or note ID): a record, None (exists nowhere), absent (unknown)."""

    records: dict[str, RegistryRecord | None] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    requests: int = 0


def crossref_agent(user_agent: str, mailto: str) -> str:
    """The User-Agent for Crossref: ours, plus `mailto:` for the polite pool when configured."""
    if not mailto:
        return user_agent
    if user_agent.endswith(")"):
        return f"{user_agent[:-1]}; mailto:{mailto})"
    return f"{user_agent} (mailto:{mailto})"


def doi_batches(dois: Iterable[str], settings: CrossrefSettings) -> list[list[str]]:
    """DOIs grouped for filter queries: at most `batch_size` each, the URL under MAX_URL.

    A DOI with a comma cannot stand in a filter list; it gets a batch of its own (asked
    through `/works/{doi}`).
    """
    size = max(1, min(settings.batch_size, 1000))
    base = len(settings.api_url) + len("/works?filter=&rows=1000&select=") + len(SELECT) + 80
    batches: list[list[str]] = []
    current: list[str] = []
    length = base
    for doi in sorted(set(dois)):
        if "," in doi:
            batches.append([doi])
            continue
        cost = len(quote(f"doi:{doi},", safe=""))
        if current and (len(current) >= size or length + cost > MAX_URL):
            batches.append(current)
            current, length = [], base
        current.append(doi)
        length += cost
    if current:
        batches.append(current)
    return batches


def _title(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _crossref_items(answer: Answer) -> list[dict[str, Any]]:
    message = answer.data.get("message") if isinstance(answer.data, dict) else None
    if not isinstance(message, dict):
        return []
    items = message.get("items")
    if isinstance(items, list):
        return [i for i in items if isinstance(i, dict)]
    return [message] if "DOI" in message else []


async def _ask_crossref(
    batch: list[str], settings: CrossrefSettings, http: Polite, agent: str
) -> tuple[dict[str, RegistryRecord], Answer]:
    params: dict[str, str] = {"select": SELECT}
    if settings.mailto:
        params["mailto"] = settings.mailto
    if len(batch) == 1:
        url = f"{settings.api_url.rstrip('/')}/works/{quote(batch[0], safe='/')}"
        params = {"mailto": settings.mailto} if settings.mailto else {}
    else:
        url = f"{settings.api_url.rstrip('/')}/works"
        params.update(filter=",".join(f"doi:{d}" for d in batch), rows=str(len(batch)))
    answer = await http.get(url, params=params, headers={"User-Agent": agent}, source="crossref")
    found: dict[str, RegistryRecord] = {}
    if answer.ok:
        wanted = set(batch)
        for item in _crossref_items(answer):
            doi = str(item.get("DOI", "")).lower()
            if doi in wanted:
                found[doi] = RegistryRecord(
                    doi,
                    "crossref",
                    _title(item.get("title")),
                    item.get("URL") if isinstance(item.get("URL"), str) else None,
                )
    return found, answer


async def _ask_handle(
    doi: str, settings: CrossrefSettings, http: Polite
) -> tuple[RegistryRecord | None, Answer]:
    url = f"{settings.handles_url.rstrip('/')}/{quote(doi, safe='/')}"
    answer = await http.get(url, source="doi.org")
    data = answer.data if isinstance(answer.data, dict) else {}
    if answer.ok and data.get("responseCode") == 1:
        target = None
        for value in data.get("values") or ():
            if isinstance(value, dict) and value.get("type") == "URL":
                target = (value.get("data") or {}).get("value")
                break
        return RegistryRecord(doi, "handle", None, target if isinstance(target, str) else None), (
            answer
        )
    return None, answer


def _handle_says_missing(answer: Answer) -> bool:
    """The handle system's "no such handle": 404 with responseCode 100 (or a bare 404)."""
    if answer.status != 404:
        return False
    data = answer.data if isinstance(answer.data, dict) else {}
    return bool(data.get("responseCode", 100) == 100)


async def resolve_dois(
    dois: Iterable[str], settings: CrossrefSettings, http: Polite, *, user_agent: str
) -> RegistryOutcome:
    """What Crossref, then the handle system, holds for each DOI (canonical, lower case)."""
    wanted = sorted(set(dois))
    if not wanted:
        return RegistryOutcome()
    agent = crossref_agent(user_agent, settings.mailto)
    records: dict[str, RegistryRecord | None] = {}
    crossref_down: list[str] = []
    for batch in doi_batches(wanted, settings):
        found, answer = await _ask_crossref(batch, settings, http, agent)
        records.update(found)
        if not answer.ok and not (len(batch) == 1 and answer.status == 404):
            crossref_down.append(answer.problem or f"HTTP {answer.status}")
    rest = [d for d in wanted if d not in records]
    unanswered: list[str] = []
    handle_problem = ""

    async def ask(doi: str) -> None:
        nonlocal handle_problem
        record, answer = await _ask_handle(doi, settings, http)
        if record is not None:
            records[doi] = record
        elif _handle_says_missing(answer):
            records[doi] = None
        else:
            unanswered.append(doi)
            handle_problem = answer.problem or f"HTTP {answer.status}"

    async with anyio.create_task_group() as group:
        for doi in rest:
            group.start_soon(ask, doi)
    notes: list[str] = []
    if crossref_down:
        notes.append(
            f"Crossref did not answer ({crossref_down[0]}): DOIs were checked through doi.org "
            "only (whether they exist, not which paper they name)"
        )
    if unanswered:
        notes.append(
            f"doi.org did not answer ({handle_problem}): {len(unanswered)} DOI(s) not verified"
        )
    return RegistryOutcome(records, tuple(notes), http.sent["crossref"] + http.sent["doi.org"])


# --- OpenReview ---------------------------------------------------------------------------


def _openreview_title(answer: Answer) -> tuple[bool, str | None]:
    """(the API holds the note, its title) from a `/notes?id=` answer of either API."""
    notes = answer.data.get("notes") if isinstance(answer.data, dict) else None
    if not answer.ok or not isinstance(notes, list) or not notes:
        return False, None
    content = notes[0].get("content") if isinstance(notes[0], dict) else None
    title = content.get("title") if isinstance(content, dict) else None
    if isinstance(title, dict):  # API 2 wraps every field: {"value": ...}
        title = title.get("value")
    return True, _title(title)


async def lookup_openreview(
    note_ids: Iterable[str], settings: OpenReviewSettings, http: Polite
) -> RegistryOutcome:
    """The title of each OpenReview note: API 2 first, API 1 for notes API 2 does not hold."""
    wanted = sorted(set(note_ids))
    records: dict[str, RegistryRecord | None] = {}
    problems: list[str] = []

    async def ask(note_id: str) -> None:
        missing = 0
        for base in (settings.api_url, settings.legacy_api_url):
            answer = await http.get(
                f"{base.rstrip('/')}/notes", params={"id": note_id}, source="openreview"
            )
            held, title = _openreview_title(answer)
            if held:
                records[note_id] = RegistryRecord(note_id, "openreview", title)
                return
            if answer.status == 403:  # a note that exists but is not public
                records[note_id] = RegistryRecord(note_id, "openreview", None)
                return
            if answer.ok or answer.status in (400, 404):
                missing += 1
            else:
                problems.append(answer.problem or f"HTTP {answer.status}")
        if missing == 2:
            records[note_id] = None

    async with anyio.create_task_group() as group:
        for note_id in wanted:
            group.start_soon(ask, note_id)
    notes: tuple[str, ...] = ()
    unknown = [n for n in wanted if n not in records]
    if unknown:
        notes = (
            f"OpenReview did not answer ({problems[0] if problems else 'no answer'}): "
            f"{len(unknown)} OpenReview link(s) not verified",
        )
    return RegistryOutcome(records, notes, http.sent["openreview"])
