"""Archived copies of dead links: the Wayback Machine's availability API.

    dead URL (+ when it was last seen healthy) ─► `archive.org/wayback/available?url=&timestamp=`
        ─► the closest snapshot ─► (verify) load it ─► ArchivedCopy, or None

Only the closest snapshot the API names is offered, and only when it was captured with a
2xx status; with `wayback.verify` (the default) the snapshot page itself must answer too,
because the availability index can name captures that no longer load. The archive answers
`http://web.archive.org/...`; suggestions use https.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio

from ..config import WaybackSettings
from ..model import ArchivedCopy
from ._polite import Answer, Polite

_TIMESTAMP = re.compile(r"^\d{4,14}$")


@dataclass(frozen=True)
class ArchiveOutcome:
    """Per normalised URL: a verified snapshot, None (none usable), absent (not answered)."""

    records: dict[str, ArchivedCopy | None] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    requests: int = 0


def wayback_timestamp(iso: str | None) -> str | None:
    """`2024-05-01T08:00:00Z` -> `20240501080000` (the API's form), None when unusable."""
    if not iso:
        return None
    digits = re.sub(r"\D", "", iso)[:14]
    return digits if len(digits) >= 8 else None


def _closest(answer: Answer) -> dict[str, Any] | None:
    data = answer.data if isinstance(answer.data, dict) else {}
    snapshots = data.get("archived_snapshots")
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or not closest.get("available"):
        return None
    if not str(closest.get("status", "200")).startswith("2"):
        return None  # a capture of an error page is no copy of the page
    url, stamp = closest.get("url"), str(closest.get("timestamp", ""))
    if not isinstance(url, str) or not _TIMESTAMP.match(stamp):
        return None
    return {"url": _https(url), "timestamp": stamp}


def _https(url: str) -> str:
    return "https://" + url[len("http://") :] if url.startswith("http://") else url


async def find_snapshots(
    wanted: Mapping[str, tuple[str, str | None]], settings: WaybackSettings, http: Polite
) -> ArchiveOutcome:
    """Closest snapshot per key of `wanted` (normalised URL -> (URL as linked, healthy-at))."""
    records: dict[str, ArchivedCopy | None] = {}
    problems: list[str] = []

    async def ask(key: str, original: str, healthy_at: str | None) -> None:
        params = {"url": original}
        stamp = wayback_timestamp(healthy_at)
        if stamp:
            params["timestamp"] = stamp
        answer = await http.get(settings.api_url, params=params, source="wayback")
        if not answer.ok or not isinstance(answer.data, dict):
            problems.append(answer.problem or f"HTTP {answer.status}")
            return
        closest = _closest(answer)
        if closest is None:
            records[key] = None
            return
        if settings.verify:
            page = await http.get(
                closest["url"],
                method="HEAD",
                follow_redirects=True,
                headers={"Accept": "*/*"},
                source="wayback",
            )
            if page.unreachable:
                problems.append(page.problem or f"HTTP {page.status}")
                return
            if not page.ok:
                records[key] = None
                return
        records[key] = ArchivedCopy(closest["url"], closest["timestamp"])

    async with anyio.create_task_group() as group:
        for key, (original, healthy_at) in sorted(wanted.items()):
            group.start_soon(ask, key, original, healthy_at)
    unknown = len(wanted) - len(records)
    notes = (
        (
            f"the Wayback Machine did not answer ({problems[0]}): no archived copy looked up "
            f"for {unknown} dead link(s)",
        )
        if unknown
        else ()
    )
    return ArchiveOutcome(records, notes, http.sent["wayback"])
