"""`linkwarden catalog [PATHS] [--format json|csv]`: one record per paper across all lists.

Entries are the same paper when they share an arXiv ID (one whose title agrees with the
entry: a mislabelled link does not merge two papers) or the same normalised title. Each
record carries its occurrences (list, line), the arXiv metadata, the repositories with their
metadata, and the status of every link. Statuses and metadata come from the latest snapshot
(`--out`, default `reports/latest.json`) when there is one, else from a fresh enrichment run
(API-verified links only; the rest show as `unchecked`).
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TextIO

import anyio

from ..config import Settings
from ..model import ArxivRecord, Enrichment, Entry, ExtractedList, LinkResult, Role
from ..state.snapshot import Snapshot
from ..titles import normalize_title, titles_match
from ..urls import arxiv_ref, badge_repo, canonical_id, github_repo, normalize
from ._inputs import selected_lists, settings_for

CSV_COLUMNS = (
    "title", "arxiv_id", "arxiv_title", "latest_version", "published", "primary_category",
    "journal_ref", "repos", "stars", "archived", "occurrences", "link_statuses",
)  # fmt: skip


def _enrichment_from_snapshot(snapshot: Snapshot) -> Enrichment:
    known = snapshot.enrichment()
    arxiv: dict[str, ArxivRecord | None] = {}
    for key, record in known.arxiv.items():
        arxiv.setdefault(canonical_id(key) or key, record)
    return replace(known, arxiv=arxiv)


def _entry_arxiv(listing: ExtractedList, entry: Entry, enrichment: Enrichment) -> str | None:
    """The arXiv ID that identifies the entry's paper, when its title agrees."""
    for link in listing.links:
        if link.entry != entry.index or link.role is Role.BADGE:
            continue
        ref = arxiv_ref(link.url)
        arxiv_id = canonical_id(ref.arxiv_id) if ref else None
        if arxiv_id is None:
            continue
        record = enrichment.arxiv.get(arxiv_id)
        if record is None or titles_match(entry.title, record.title, record.summary):
            return arxiv_id
    return None


class _Groups:
    """Union-find over entries: same arXiv ID or same normalised title -> one paper."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, i: int) -> int:
        while self.parent.setdefault(i, i) != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def build_catalog(
    lists: Sequence[ExtractedList], results: Mapping[str, LinkResult], enrichment: Enrichment
) -> list[dict[str, Any]]:
    """The catalog records, sorted by title."""
    items: list[tuple[ExtractedList, Entry, str | None]] = []
    for listing in lists:
        for entry in listing.entries:
            arxiv_id = _entry_arxiv(listing, entry, enrichment)
            if arxiv_id or len(normalize_title(entry.title)) >= 8:
                items.append((listing, entry, arxiv_id))
    groups = _Groups()
    first_by_key: dict[tuple[str, str], int] = {}
    for number, (_, entry, arxiv_id) in enumerate(items):
        groups.find(number)
        keys = [("title", normalize_title(entry.title))]
        if arxiv_id:
            keys.append(("arxiv", arxiv_id))
        for key in keys:
            if key[1]:
                groups.union(number, first_by_key.setdefault(key, number))
    members: dict[int, list[int]] = {}
    for number in range(len(items)):
        members.setdefault(groups.find(number), []).append(number)
    records = [
        _record([items[n] for n in group], results, enrichment) for group in members.values()
    ]
    return sorted(records, key=lambda r: (normalize_title(r["title"]), r["occurrences"][0]["line"]))


def _record(
    group: list[tuple[ExtractedList, Entry, str | None]],
    results: Mapping[str, LinkResult],
    enrichment: Enrichment,
) -> dict[str, Any]:
    arxiv_id = next((a for _, _, a in group if a), None)
    paper = enrichment.arxiv.get(arxiv_id) if arxiv_id else None
    occurrences = [
        {"list": lst.source.name, "path": e.path, "line": e.line, "title": e.title}
        for lst, e, _ in group
    ]
    repos: dict[str, dict[str, Any]] = {}
    links: dict[str, dict[str, Any]] = {}
    for listing, entry, _ in group:
        for link in listing.links:
            if link.entry != entry.index or not link.url:
                continue
            name = github_repo(link.url) or badge_repo(link.url) or link.badge_repo
            if name and name.lower() not in repos:
                known = name.lower() in enrichment.repos
                record = enrichment.repos.get(name.lower())
                repos[name.lower()] = {
                    "repo": name,
                    "exists": (record is not None) if known else None,
                    **(
                        {k: v for k, v in asdict(record).items() if k != "requested"}
                        if record
                        else {}
                    ),
                }
            result = results.get(normalize(link.url))
            links.setdefault(
                normalize(link.url),
                {
                    "url": link.url,
                    "role": link.role.value,
                    "status": result.status.value if result else "unchecked",
                    "final_url": result.final_url if result else None,
                    "via": result.via if result else None,
                },
            )
    return {
        "title": paper.title if paper else group[0][1].title,
        "arxiv_id": arxiv_id,
        "arxiv": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(paper).items()}
        if paper
        else None,
        "repos": list(repos.values()),
        "occurrences": occurrences,
        "links": list(links.values()),
    }


def write_json(records: Sequence[dict[str, Any]], out: TextIO) -> None:
    json.dump({"version": 1, "papers": list(records)}, out, indent=2, ensure_ascii=False)
    out.write("\n")


# What a spreadsheet takes for the start of a formula (or of a cell it splits): a cell
# beginning so is read as text only behind a leading apostrophe (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(cell: object) -> object:
    """`cell`, with a leading `'` when it is text a spreadsheet would run as a formula
    (titles, journal references and list names come from lists and APIs anyone can edit)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def write_csv(records: Sequence[dict[str, Any]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        paper = r["arxiv"] or {}
        found = [x for x in r["repos"] if x.get("full_name")]
        statuses = Counter(link["status"] for link in r["links"])
        row = [
            r["title"], r["arxiv_id"] or "", paper.get("title", ""),
            paper.get("latest_version", ""), paper.get("published", ""),
            paper.get("primary_category") or "", paper.get("journal_ref") or "",
            ";".join(x.get("full_name") or x["repo"] for x in r["repos"]),
            ";".join(str(x.get("stars")) for x in found),
            ";".join(str(x.get("archived")).lower() for x in found),
            ";".join(f"{o['list']}:{o['line']}" for o in r["occurrences"]),
            ";".join(f"{k}={v}" for k, v in sorted(statuses.items())),
        ]  # fmt: skip
        writer.writerow([spreadsheet_text(cell) for cell in row])


def _fresh(
    lists: Sequence[ExtractedList], settings: Settings, args: argparse.Namespace
) -> tuple[dict[str, LinkResult], Enrichment, tuple[str, ...]]:
    from ..enrich import enrich
    from .check import network_options

    network = network_options(args, settings.check)
    env = getattr(args, "env", None) or {}
    token = getattr(args, "github_token", None) or env.get("GITHUB_TOKEN") or None

    async def main() -> Any:
        return await enrich(lists, settings, github_token=token, network=network)

    outcome = anyio.run(main)
    return dict(outcome.results), outcome.enrichment, outcome.enrichment.notes


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..persist import previous_snapshot

    settings = settings_for(args)
    lists = selected_lists(args)
    snapshot = None if getattr(args, "fresh", False) else previous_snapshot(Path(args.out))
    if snapshot is not None:
        results = {r.url: r.result for r in snapshot.links}
        enrichment = _enrichment_from_snapshot(snapshot)
        print(f"linkwarden catalog: statuses from {Path(args.out) / 'latest.json'}", file=err)
    else:
        results, enrichment, notes = _fresh(lists, settings, args)
        for note in notes:
            print(f"linkwarden: {note}", file=err)
    records = build_catalog(lists, results, enrichment)
    (write_csv if args.format == "csv" else write_json)(records, out)
    print(f"linkwarden catalog: {len(records)} paper(s) from {len(lists)} list(s)", file=err)
    return 0
