"""The run snapshot `reports/latest.json`: what one run saw, with the history it carries.

A snapshot is the only state linkwarden keeps between runs. It holds, per unique
(normalised) URL, the observation of this run, where the URL stands in the lists, the
quarantine history (`first_failed_at`, `consecutive_failures`, recent observations) and the
`effective` verdict, plus the run's sources, totals and findings.

Everything is a frozen dataclass; `snapshot_to_json` / `snapshot_from_json` are the only
places that know the JSON form (schema: `docs/schema/latest.schema.json`). Output is
deterministic: keys sorted, links by URL, locations by path/line, entries by list/line, so
the git diff between two nights shows only what changed.

Writing is atomic (`atomic_write_text`): a temporary file in the same directory, fsync,
then `os.replace`, so a run killed mid-write leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import glob
import io
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from ._quarantine import Effective, apply_quarantine, judge
from .config import Settings
from .errors import StateError
from .findings import finding_order
from .model import (
    ArchivedCopy,
    ArxivRecord,
    Enrichment,
    Entry,
    ErrorKind,
    ExtractedList,
    Finding,
    Hop,
    LinkResult,
    PaperCode,
    RegistryRecord,
    RepoRecord,
    Role,
    Severity,
    Status,
    Via,
)
from .paperids import doi_of, openreview_id
from .urls import arxiv_ref, github_repo, normalize

SCHEMA_VERSION = 1
T = TypeVar("T")
HISTORY_KEEP = 5  # recent observations kept per link: enough to show a flaky pattern


# --------------------------------------------------------------------------- the data


@dataclass(frozen=True, slots=True)
class Location:
    """One place a URL stands in a list."""

    list_name: str
    path: str
    line: int
    role: Role
    entry: str | None = None  # the entry's title
    text: str = ""  # the link text
    column: int = 0

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.list_name)


@dataclass(frozen=True, slots=True)
class Observation:
    """One past run's observation of a URL, kept so a warning can show its history."""

    checked_at: str
    status: Status


@dataclass(frozen=True, slots=True)
class LinkEnrichment:
    """API metadata for the paper or repository a link points to.

    `arxiv_id` / `repo` are set when the API was asked; a set key with a None record means
    the API said the paper or repository does not exist.
    """

    arxiv_id: str | None = None
    arxiv: ArxivRecord | None = None
    repo: str | None = None  # lower-case OWNER/NAME as linked
    repository: RepoRecord | None = None
    # Past the walls (enrich/pastwall.py), same convention: key set = asked.
    doi: str | None = None
    doi_record: RegistryRecord | None = None
    openreview_id: str | None = None
    openreview: RegistryRecord | None = None
    archive_asked: bool = False  # the Wayback Machine was asked (remembered while dead)
    archive: ArchivedCopy | None = None
    code_asked_at: str | None = None  # when the paper page was asked (re-asked weekly)
    code: PaperCode | None = None

    @property
    def arxiv_gone(self) -> bool:
        return self.arxiv_id is not None and self.arxiv is None

    @property
    def repo_gone(self) -> bool:
        return self.repo is not None and self.repository is None


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """Everything the snapshot knows about one normalised URL."""

    url: str  # normalised: the key
    status: Status  # observed in this run (never rewritten by quarantine)
    final_url: str
    effective: Effective  # the verdict after quarantine
    http_status: int | None = None
    chain: tuple[Hop, ...] = ()
    reason: str = ""
    error_kind: ErrorKind | None = None
    suggestion: str | None = None
    title: str | None = None
    content_type: str | None = None
    via: Via = Via.HTTP
    transient: bool = False
    checked_at: str = ""
    first_failed_at: str | None = None
    consecutive_failures: int = 0
    history: tuple[Observation, ...] = ()  # oldest first, this run last
    locations: tuple[Location, ...] = ()
    enrichment: LinkEnrichment | None = None

    @property
    def quarantined(self) -> bool:
        return self.effective is Effective.SUSPECT

    def to_result(self, *, via: Via | None = None) -> LinkResult:
        """The LinkResult this record was built from (for reuse by `--max-age`)."""
        return LinkResult(
            url=self.url,
            status=self.status,
            final_url=self.final_url,
            http_status=self.http_status,
            chain=self.chain,
            reason=self.reason,
            error_kind=self.error_kind,
            checked_at=self.checked_at,
            content_type=self.content_type,
            title=self.title,
            suggestion=self.suggestion,
            via=via or self.via,
        )


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """One entry of a list, as far as the diff between runs needs it."""

    list_name: str
    title: str
    line: int
    section: tuple[str, ...] = ()
    venue: str | None = None
    year: int | None = None

    def key(self) -> tuple[str, str]:
        """Identity across runs: the list and the title (lines move when entries are added)."""
        return (self.list_name, " ".join(self.title.split()).casefold())


@dataclass(frozen=True)
class UpstreamInfo:
    repo: str
    branch: str
    path: str


@dataclass(frozen=True)
class SourceInfo:
    """One list the run read."""

    name: str
    path: str  # as shown (relative to the working directory when possible)
    content_hash: str  # sha256 of the file's bytes
    entries: int = 0
    links: int = 0
    lines: int = 0
    upstream: UpstreamInfo | None = None


@dataclass(frozen=True)
class Totals:
    """Counts for the run. `by_status` and `by_effective` count unique URLs."""

    lists: int = 0
    entries: int = 0
    links: int = 0  # link occurrences in the lists
    urls: int = 0  # unique normalised URLs
    by_status: dict[str, int] = field(default_factory=dict)  # every Status value present
    by_effective: dict[str, int] = field(default_factory=dict)  # every Effective value present
    findings: dict[str, int] = field(default_factory=dict)  # error/warning/info


@dataclass(frozen=True)
class RunInfo:
    schema_version: int
    tool_version: str
    generated_at: str  # ISO 8601 UTC, the run's time
    quarantine_runs: int = 2
    notes: tuple[str, ...] = ()  # e.g. "GitHub metadata unknown: set GITHUB_TOKEN"


@dataclass(frozen=True)
class Snapshot:
    run: RunInfo
    sources: tuple[SourceInfo, ...] = ()
    totals: Totals = field(default_factory=Totals)
    links: tuple[LinkRecord, ...] = ()  # sorted by URL
    entries: tuple[EntryRecord, ...] = ()  # sorted by list, line
    findings: tuple[Finding, ...] = ()  # quarantine applied; sorted by findings.finding_order

    def link_map(self) -> dict[str, LinkRecord]:
        return {record.url: record for record in self.links}

    def repos(self) -> dict[str, RepoRecord]:
        """Repository records by lower OWNER/NAME as linked (found ones only)."""
        found: dict[str, RepoRecord] = {}
        for record in self.links:
            e = record.enrichment
            if e and e.repo and e.repository:
                found.setdefault(e.repo, e.repository)
        return found

    def papers(self) -> dict[str, ArxivRecord]:
        """arXiv records by bare ID (found ones only)."""
        found: dict[str, ArxivRecord] = {}
        for record in self.links:
            e = record.enrichment
            if e and e.arxiv_id and e.arxiv:
                found.setdefault(e.arxiv_id, e.arxiv)
        return found


# ------------------------------------------------------------------------- time helpers


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second: stable and readable."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime | None:
    """Parse an ISO 8601 time; None for '' or garbage. Naive times are taken as UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """`30m`, `12h`, `7d`, `2w`, `90s` -> timedelta. ValueError with a clear message."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 30m, 12h, 7d, 2w)")
    return timedelta(seconds=float(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()])


# ------------------------------------------------------------------------ atomic writes


STALE_TEMPORARY = 3600.0  # seconds after which a leftover temporary file is a dead writer's


def _sweep_stale_temporaries(target: Path) -> None:
    """Remove temporary files a killed writer left beside `target` (older than an hour, so
    a writer still at work is never disturbed): they must not pile up or be committed."""
    cutoff = time.time() - STALE_TEMPORARY
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _mode_for(target: Path) -> int:
    """The replaced file's mode, or what a plain new file gets (mkstemp creates 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write `text` (UTF-8, '\\n' newlines) to `path` so readers see old or new, never half.

    The temporary file lives in the same directory (os.replace is atomic only within one
    file system), is fsynced before the rename, and the directory is fsynced after it so the
    rename itself survives a crash.
    """
    atomic_write_chunks(path, (text,))


WRITE_BUFFER = 1 << 20  # bytes buffered between writes of a streamed file


def atomic_write_chunks(path: Path | str, chunks: Iterable[str]) -> None:
    """`atomic_write_text` for text produced piece by piece: each chunk goes to the
    temporary file as it comes, so a large file (a 100,000-link snapshot or report) is never
    held whole in memory. Same guarantees: old file or new one, never half; an exception
    from `chunks` leaves the old file untouched."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise StateError(f"cannot write: {exc.strerror}", path=str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER) as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _mode_for(target))
        os.replace(tmp_name, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise StateError(f"cannot write: {exc.strerror}", path=str(target)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _sweep_stale_temporaries(target)
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# ----------------------------------------------------------------------------- JSON form


def _hop_json(hop: Hop) -> dict[str, Any]:
    return {"url": hop.url, "status": hop.status, "location": hop.location}


def _enrichment_json(e: LinkEnrichment) -> dict[str, Any]:
    arxiv = None
    if e.arxiv is not None:
        a = e.arxiv
        arxiv = {
            "arxiv_id": a.arxiv_id,
            "latest_version": a.latest_version,
            "title": a.title,
            "authors": list(a.authors),
            "published": a.published,
            "updated": a.updated,
            "comment": a.comment,
            "journal_ref": a.journal_ref,
            "primary_category": a.primary_category,
        }
    repository = None
    if e.repository is not None:
        r = e.repository
        repository = {
            "requested": r.requested,
            "full_name": r.full_name,
            "url": r.url,
            "stars": r.stars,
            "forks": r.forks,
            "archived": r.archived,
            "disabled": r.disabled,
            "empty": r.empty,
            "pushed_at": r.pushed_at,
            "license": r.license,
            "default_branch": r.default_branch,
        }
    return {
        "arxiv_id": e.arxiv_id,
        "arxiv": arxiv,
        "repo": e.repo,
        "repository": repository,
        "doi": e.doi,
        "doi_record": _plain(e.doi_record),
        "openreview_id": e.openreview_id,
        "openreview": _plain(e.openreview),
        "archive_asked": e.archive_asked,
        "archive": _plain(e.archive),
        "code_asked_at": e.code_asked_at,
        "code": _plain(e.code),
    }


def _plain(value: Any) -> dict[str, Any] | None:
    """A flat record (RegistryRecord, ArchivedCopy, PaperCode) as JSON, or None."""
    return None if value is None else {f.name: getattr(value, f.name) for f in fields(value)}


def _record_of(cls: type[T], data: Any) -> T | None:
    """The inverse of `_plain`: the record from its JSON (str or None fields)."""
    if not isinstance(data, Mapping):
        return None
    values = {f.name: _opt_str(data.get(f.name)) for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**values)


def location_to_json(loc: Location) -> dict[str, Any]:
    return {
        "list": loc.list_name,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "role": loc.role.value,
        "entry": loc.entry,
        "text": loc.text,
    }


def link_to_json(record: LinkRecord) -> dict[str, Any]:
    return {
        "url": record.url,
        "status": record.status.value,
        "effective": record.effective.value,
        "final_url": record.final_url,
        "http_status": record.http_status,
        "chain": [_hop_json(h) for h in record.chain],
        "reason": record.reason,
        "error_kind": str(record.error_kind) if record.error_kind else None,
        "suggestion": record.suggestion,
        "title": record.title,
        "content_type": record.content_type,
        "via": str(record.via),
        "transient": record.transient,
        "checked_at": record.checked_at,
        "first_failed_at": record.first_failed_at,
        "consecutive_failures": record.consecutive_failures,
        "history": [{"checked_at": o.checked_at, "status": o.status.value} for o in record.history],
        "locations": [location_to_json(loc) for loc in record.locations],
        "enrichment": _enrichment_json(record.enrichment) if record.enrichment else None,
    }


def finding_to_json(f: Finding) -> dict[str, Any]:
    return dict(f.as_dict())


def entry_to_json(e: EntryRecord) -> dict[str, Any]:
    return {
        "list": e.list_name,
        "title": e.title,
        "line": e.line,
        "section": list(e.section),
        "venue": e.venue,
        "year": e.year,
    }


def _snapshot_head_json(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot's JSON form without its three long arrays (see `_snapshot_arrays`)."""
    run = snapshot.run
    t = snapshot.totals
    return {
        "schema_version": run.schema_version,
        "tool_version": run.tool_version,
        "generated_at": run.generated_at,
        "quarantine_runs": run.quarantine_runs,
        "notes": list(run.notes),
        "sources": [
            {
                "name": s.name,
                "path": s.path,
                "content_hash": s.content_hash,
                "entries": s.entries,
                "links": s.links,
                "lines": s.lines,
                "upstream": (
                    {"repo": s.upstream.repo, "branch": s.upstream.branch, "path": s.upstream.path}
                    if s.upstream
                    else None
                ),
            }
            for s in snapshot.sources
        ],
        "totals": {
            "lists": t.lists,
            "entries": t.entries,
            "links": t.links,
            "urls": t.urls,
            "by_status": dict(t.by_status),
            "by_effective": dict(t.by_effective),
            "findings": dict(t.findings),
        },
    }


def _snapshot_arrays(snapshot: Snapshot) -> dict[str, Iterator[dict[str, Any]]]:
    """The long arrays of the JSON form, one element at a time (never all at once)."""
    return {
        "links": (link_to_json(r) for r in snapshot.links),
        "entries": (entry_to_json(e) for e in snapshot.entries),
        "findings": (finding_to_json(f) for f in snapshot.findings),
    }


def snapshot_to_json(snapshot: Snapshot) -> dict[str, Any]:
    """The whole JSON form as one dict (tests, tools); the file is written by streaming."""
    data = _snapshot_head_json(snapshot)
    data.update({key: list(items) for key, items in _snapshot_arrays(snapshot).items()})
    return data


# One encoder for every piece: the same options `json.dumps` would get for the whole file.
_PIECE = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)


def _indented(value: Any, depth: int) -> str:
    """`value` as it reads `depth` levels deep in the indented file. JSON escapes every
    newline inside strings, so each newline of the piece starts a line of its own."""
    text = _PIECE.encode(value)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def iter_json_document(
    head: Mapping[str, Any], arrays: Mapping[str, Iterable[Any]]
) -> Iterator[str]:
    """The text of `json.dumps({**head, **arrays}, indent=2, sort_keys=True,
    ensure_ascii=False) + "\\n"`, byte for byte, in pieces: the elements of `arrays` are
    encoded one at a time, so neither the whole document nor its whole dict is ever in
    memory. `head` and `arrays` must not share a key."""
    keys = sorted([*head, *arrays])
    if not keys:
        yield "{}\n"
        return
    for i, key in enumerate(keys):
        yield ("{\n  " if i == 0 else ",\n  ") + _PIECE.encode(key) + ": "
        if key in arrays:
            opened = False
            for item in arrays[key]:
                yield (",\n    " if opened else "[\n    ") + _indented(item, 2)
                opened = True
            yield "\n  ]" if opened else "[]"
        else:
            yield _indented(head[key], 1)
    yield "\n}\n"


def iter_snapshot_text(snapshot: Snapshot) -> Iterator[str]:
    """`dumps_snapshot`'s text in pieces, each link encoded as it is reached."""
    return iter_json_document(_snapshot_head_json(snapshot), _snapshot_arrays(snapshot))


def dumps_snapshot(snapshot: Snapshot) -> str:
    """The file's exact text: sorted keys, two-space indent, UTF-8, final newline."""
    return "".join(iter_snapshot_text(snapshot))


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _enrichment_from_json(data: Mapping[str, Any]) -> LinkEnrichment:
    arxiv = None
    a = data.get("arxiv")
    if a is not None:
        arxiv = ArxivRecord(
            arxiv_id=str(a["arxiv_id"]),
            latest_version=int(a["latest_version"]),
            title=str(a.get("title", "")),
            authors=tuple(str(x) for x in a.get("authors", ())),
            published=str(a.get("published", "")),
            updated=str(a.get("updated", "")),
            comment=_opt_str(a.get("comment")),
            journal_ref=_opt_str(a.get("journal_ref")),
            primary_category=_opt_str(a.get("primary_category")),
        )
    repository = None
    r = data.get("repository")
    if r is not None:
        repository = RepoRecord(
            requested=str(r["requested"]),
            full_name=str(r["full_name"]),
            url=str(r["url"]),
            stars=_opt_int(r.get("stars")),
            forks=_opt_int(r.get("forks")),
            archived=_opt_bool(r.get("archived")),
            disabled=_opt_bool(r.get("disabled")),
            empty=_opt_bool(r.get("empty")),
            pushed_at=_opt_str(r.get("pushed_at")),
            license=_opt_str(r.get("license")),
            default_branch=_opt_str(r.get("default_branch")),
        )
    return LinkEnrichment(
        arxiv_id=_opt_str(data.get("arxiv_id")),
        arxiv=arxiv,
        repo=_opt_str(data.get("repo")),
        repository=repository,
        doi=_opt_str(data.get("doi")),
        doi_record=_record_of(RegistryRecord, data.get("doi_record")),
        openreview_id=_opt_str(data.get("openreview_id")),
        openreview=_record_of(RegistryRecord, data.get("openreview")),
        archive_asked=bool(data.get("archive_asked", False)),
        archive=_record_of(ArchivedCopy, data.get("archive")),
        code_asked_at=_opt_str(data.get("code_asked_at")),
        code=_record_of(PaperCode, data.get("code")),
    )


def _shared(value: Any) -> str:
    """`str(value)`, one object per distinct text: the same time stamps, list names, paths
    and reasons repeat on every one of 100,000 links of a loaded snapshot."""
    return sys.intern(str(value))


def _opt_shared(value: Any) -> str | None:
    return None if value is None else _shared(value)


# Observations and whole histories repeat from link to link (a run checks every URL within
# minutes, so they share a handful of time stamps): one frozen object each, not one per link.
_observation = functools.lru_cache(maxsize=4096)(Observation)


@functools.lru_cache(maxsize=4096)
def _shared_history(history: tuple[Observation, ...]) -> tuple[Observation, ...]:
    return history


def _location_from_json(d: Mapping[str, Any]) -> Location:
    return Location(
        list_name=_shared(d["list"]),
        path=_shared(d["path"]),
        line=int(d["line"]),
        role=Role(d.get("role", "other")),
        entry=_opt_shared(d.get("entry")),  # the title of the entry, as in `entries`
        text=_shared(d.get("text", "")),  # "paper", "code", or the entry's title again
        column=int(d.get("column", 0)),
    )


def _link_from_json(d: Mapping[str, Any]) -> LinkRecord:
    url = str(d["url"])
    final_url = str(d.get("final_url") or url)
    return LinkRecord(
        url=url,
        status=Status(d["status"]),
        final_url=url if final_url == url else final_url,
        effective=Effective(d["effective"]),
        http_status=_opt_int(d.get("http_status")),
        chain=tuple(
            Hop(str(h["url"]), int(h["status"]), _opt_str(h.get("location")))
            for h in d.get("chain", ())
        ),
        reason=_shared(d.get("reason", "")),
        error_kind=ErrorKind(d["error_kind"]) if d.get("error_kind") else None,
        suggestion=_opt_str(d.get("suggestion")),
        title=_opt_str(d.get("title")),
        content_type=_opt_shared(d.get("content_type")),
        via=Via(d.get("via", "http")),
        transient=bool(d.get("transient", False)),
        checked_at=_shared(d.get("checked_at", "")),
        first_failed_at=_opt_shared(d.get("first_failed_at")),
        consecutive_failures=int(d.get("consecutive_failures", 0)),
        history=_shared_history(
            tuple(
                _observation(_shared(o["checked_at"]), Status(o["status"]))
                for o in d.get("history", ())
            )
        ),
        locations=tuple(_location_from_json(x) for x in d.get("locations", ())),
        enrichment=_enrichment_from_json(d["enrichment"]) if d.get("enrichment") else None,
    )


def _finding_from_json(d: Mapping[str, Any]) -> Finding:
    return Finding(
        code=_shared(d["code"]),
        rule=_shared(d.get("rule", "")),
        severity=Severity(d["severity"]),
        message=str(d.get("message", "")),
        list_name=_shared(d.get("list", "")),
        path=_shared(d.get("path", "")),
        line=int(d.get("line", 0)),
        url=_opt_str(d.get("url")),
        suggestion=_opt_str(d.get("suggestion")),
        entry=_opt_str(d.get("entry")),
    )


def _entry_from_json(e: Mapping[str, Any]) -> EntryRecord:
    return EntryRecord(
        list_name=_shared(e["list"]),
        title=_shared(e["title"]),
        line=int(e.get("line", 0)),
        section=tuple(_shared(s) for s in e.get("section", ())),
        venue=_opt_str(e.get("venue")),
        year=_opt_int(e.get("year")),
    )


# The long arrays of a snapshot and how each element is read.
_ARRAY_READERS: dict[str, Callable[[Any], Any]] = {
    "links": _link_from_json,
    "entries": _entry_from_json,
    "findings": _finding_from_json,
}
# What a malformed (but valid JSON) snapshot raises while it is read.
_SHAPE_ERRORS = (KeyError, ValueError, TypeError, AttributeError)


def snapshot_from_json(data: Any) -> Snapshot:
    """Build a Snapshot from its JSON form. KeyError/ValueError/TypeError on bad data."""
    if not isinstance(data, dict):
        raise TypeError("the top level must be a JSON object")

    def array(key: str) -> tuple[Any, ...]:
        return tuple(_ARRAY_READERS[key](x) for x in data.get(key, ()))

    return _snapshot_from_parts(data, array)


def _snapshot_from_parts(
    data: Mapping[str, Any], array: Callable[[str], tuple[Any, ...]]
) -> Snapshot:
    """The Snapshot from the top-level fields and `array(key)` for links, entries and
    findings, checked in this order: schema version, run, sources, totals, the arrays."""
    version = int(data["schema_version"])
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"schema version {version} is newer than this linkwarden understands "
            f"({SCHEMA_VERSION}); upgrade linkwarden"
        )
    t = data.get("totals", {})
    return Snapshot(
        run=RunInfo(
            schema_version=version,
            tool_version=str(data.get("tool_version", "")),
            generated_at=str(data["generated_at"]),
            quarantine_runs=int(data.get("quarantine_runs", 2)),
            notes=tuple(str(n) for n in data.get("notes", ())),
        ),
        sources=tuple(
            SourceInfo(
                name=str(s["name"]),
                path=str(s.get("path", "")),
                content_hash=str(s.get("content_hash", "")),
                entries=int(s.get("entries", 0)),
                links=int(s.get("links", 0)),
                lines=int(s.get("lines", 0)),
                upstream=(
                    UpstreamInfo(
                        str(s["upstream"]["repo"]),
                        str(s["upstream"]["branch"]),
                        str(s["upstream"]["path"]),
                    )
                    if s.get("upstream")
                    else None
                ),
            )
            for s in data.get("sources", ())
        ),
        totals=Totals(
            lists=int(t.get("lists", 0)),
            entries=int(t.get("entries", 0)),
            links=int(t.get("links", 0)),
            urls=int(t.get("urls", 0)),
            by_status={str(k): int(v) for k, v in t.get("by_status", {}).items()},
            by_effective={str(k): int(v) for k, v in t.get("by_effective", {}).items()},
            findings={str(k): int(v) for k, v in t.get("findings", {}).items()},
        ),
        links=array("links"),
        entries=array("entries"),
        findings=array("findings"),
    )


# ------------------------------------------------------------------ reading in one pass

_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip_whitespace(text: str, at: int) -> int:
    """The index of the first character at or after `at` that is not JSON whitespace."""
    found = _WHITESPACE.match(text, at)
    return found.end() if found else at  # the pattern matches everywhere; for the types


_DECODER = json.JSONDecoder()
READ_BLOCK = 1 << 20  # characters read from a snapshot file at a time
# No element of a snapshot comes near this: more unread text than this that still does
# not decode is bad syntax, not a block boundary, and is left to json.loads to report.
_LONGEST_PIECE = 32 << 20


class _NotStreamable(Exception):
    """Not a plain JSON object, or bad syntax: leave it to json.loads and its messages."""


class _Cursor:
    """JSON text read a block at a time: only the part not yet decoded is kept."""

    def __init__(self, read: Callable[[int], str]) -> None:
        self._read = read
        self._text = ""
        self._at = 0
        self._eof = False

    def _more(self) -> bool:
        if self._eof:
            return False
        block = self._read(READ_BLOCK)
        if not block:
            self._eof = True
            return False
        self._text = self._text[self._at :] + block
        self._at = 0
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end of the text)."""
        while True:
            self._at = _skip_whitespace(self._text, self._at)
            if self._at < len(self._text) or not self._more():
                return self._text[self._at : self._at + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _NotStreamable
        self._at += 1

    def value(self) -> Any:
        """Decode the JSON value that starts at the next character."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError:
                # Cut off by the end of the block, or bad syntax (then json.loads reports)?
                if len(self._text) - self._at > _LONGEST_PIECE or not self._more():
                    raise _NotStreamable from None
                continue
            # A number that ends with the block may go on in the next one.
            if end == len(self._text) and self._more():
                continue
            self._at = end
            return value


@dataclass
class _ReadArray:
    """One long array, its elements read into records as they were decoded."""

    items: list[Any]
    error: Exception | None = None  # the first element that was not a valid record

    def records(self) -> tuple[Any, ...]:
        if self.error is not None:
            raise self.error
        return tuple(self.items)


def _read_array(cursor: _Cursor, reader: Callable[[Any], Any]) -> _ReadArray:
    """Decode the array at the cursor one element at a time, turning each into its record
    at once: the dicts of 100,000 links never exist together."""
    read = _ReadArray([])
    cursor.expect("[")
    if cursor.peek() == "]":
        cursor.expect("]")
        return read
    while True:
        value = cursor.value()
        if read.error is None:
            try:
                read.items.append(reader(value))
            except _SHAPE_ERRORS as exc:  # raised later, after the schema version check
                read.items, read.error = [], exc
        if cursor.peek() == "]":
            cursor.expect("]")
            return read
        cursor.expect(",")


def _read_snapshot(read: Callable[[int], str]) -> Snapshot:
    """`snapshot_from_json(json.loads(text))` for the text `read(n)` returns piece by
    piece, without ever holding the whole text or the whole dict.

    The top-level object is decoded key by key with json's own scanner; the long arrays
    element by element, each element read into its record at once. Anything unusual (not
    an object, bad syntax) raises _NotStreamable so that json.loads reports it exactly.
    """
    cursor = _Cursor(read)
    head: dict[str, Any] = {}
    arrays: dict[str, _ReadArray] = {}
    cursor.expect("{")
    closed = cursor.peek() == "}"
    while not closed:
        if cursor.peek() != '"':
            raise _NotStreamable
        key = cursor.value()
        cursor.expect(":")
        reader = _ARRAY_READERS.get(key)
        # A repeated key: the last one wins, as with json.loads.
        head.pop(key, None)
        arrays.pop(key, None)
        if reader is not None and cursor.peek() == "[":
            arrays[key] = _read_array(cursor, reader)
        else:
            head[key] = cursor.value()
        closed = cursor.peek() == "}"
        if not closed:
            cursor.expect(",")
    cursor.expect("}")
    if cursor.peek() != "":
        raise _NotStreamable

    def array(key: str) -> tuple[Any, ...]:
        if key in arrays:
            return arrays[key].records()
        return tuple(_ARRAY_READERS[key](x) for x in head.get(key, ()))

    return _snapshot_from_parts(head, array)


def _reader_of(text: str) -> Callable[[int], str]:
    """`read(n)` over a string, like a file's."""
    position = 0

    def read(n: int) -> str:
        nonlocal position
        block = text[position : position + n]
        position += len(block)
        return block

    return read


def loads_snapshot(text: str, *, origin: str = "<snapshot>") -> Snapshot:
    return _loaded(lambda: _read_snapshot(_reader_of(text)), lambda: text, origin)


def _loaded(
    streamed: Callable[[], Snapshot], whole_text: Callable[[], str], origin: str
) -> Snapshot:
    """The snapshot read by `streamed`; when that finds the text unusual, json.loads of
    `whole_text()` gives the error its usual message and line (or, for valid JSON that
    is not an object, the data to reject). Errors become StateError."""
    try:
        try:
            return streamed()
        except _NotStreamable:
            data = json.loads(whole_text())
        return snapshot_from_json(data)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"snapshot is not valid JSON ({exc.msg}); delete it or restore it from git "
            "to start a fresh history",
            path=origin,
            line=exc.lineno,
        ) from None
    except UnicodeDecodeError:
        raise  # a ValueError too, but about the file, not its fields: the caller says so
    except _SHAPE_ERRORS as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise StateError(f"not a linkwarden snapshot: {detail}", path=origin) from None


def load_snapshot(path: Path | str) -> Snapshot | None:
    """The snapshot at `path`; None when there is none; StateError when it is unusable.

    Read a block at a time (see `_read_snapshot`): a 100,000-link snapshot is never held
    in memory as one string or one dict, only as the records it becomes.
    """
    target = Path(path)

    def streamed() -> Snapshot:
        with open(target, encoding="utf-8") as handle:
            return _read_snapshot(handle.read)

    def whole_text() -> str:
        return target.read_text(encoding="utf-8")

    try:
        return _loaded(streamed, whole_text, str(target))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StateError("is a directory, not a snapshot file", path=str(target)) from None
    except UnicodeDecodeError:
        raise StateError("snapshot is not UTF-8 text", path=str(target)) from None
    except OSError as exc:
        raise StateError(f"cannot read snapshot: {exc.strerror}", path=str(target)) from None


def write_snapshot(path: Path | str, snapshot: Snapshot) -> None:
    """Write the snapshot atomically (see atomic_write_chunks), streamed link by link: the
    JSON of a 100,000-link snapshot is never held in memory as one dict or one string."""
    atomic_write_chunks(path, iter_snapshot_text(snapshot))


# ----------------------------------------------------------------------------- building


def _locations(lists: Sequence[ExtractedList]) -> dict[str, list[Location]]:
    found: dict[str, list[Location]] = {}
    for extracted in lists:
        for link in extracted.links:
            entry = extracted.entry_of(link)
            found.setdefault(normalize(link.url), []).append(
                Location(
                    list_name=link.list_name,
                    path=link.path,
                    line=link.line,
                    role=link.role,
                    entry=entry.title if entry else None,
                    text=link.text,
                    column=link.column,
                )
            )
    return found


def _badge_repos(lists: Sequence[ExtractedList]) -> dict[str, str]:
    """Normalised badge URL -> OWNER/NAME the badge counts."""
    found: dict[str, str] = {}
    for extracted in lists:
        for link in extracted.links:
            if link.badge_repo:
                found[normalize(link.url)] = link.badge_repo
    return found


def _link_enrichment(
    url: str, enrichment: Enrichment, badge_repo: str | None
) -> LinkEnrichment | None:
    arxiv_id = None
    arxiv = None
    ref = arxiv_ref(url)
    if ref and ref.arxiv_id in enrichment.arxiv:
        arxiv_id = ref.arxiv_id
        arxiv = enrichment.arxiv[ref.arxiv_id]
    repo = None
    repository = None
    name = github_repo(url) or badge_repo
    if name and name.lower() in enrichment.repos:
        repo = name.lower()
        repository = enrichment.repos[repo]
    past = _registry_answers(url, ref.arxiv_id if ref else None, enrichment)
    if arxiv_id is None and repo is None and not past:
        return None
    return LinkEnrichment(arxiv_id=arxiv_id, arxiv=arxiv, repo=repo, repository=repository, **past)


def _registry_answers(url: str, arxiv_id: str | None, enrichment: Enrichment) -> dict[str, Any]:
    """The LinkEnrichment fields the registries past the walls answered for one URL."""
    found: dict[str, Any] = {}
    doi = doi_of(url)
    if doi and doi in enrichment.dois:
        found.update(doi=doi, doi_record=enrichment.dois[doi])
    note = openreview_id(url)
    if note and note in enrichment.openreview:
        found.update(openreview_id=note, openreview=enrichment.openreview[note])
    if url in enrichment.archives:
        found.update(archive_asked=True, archive=enrichment.archives[url])
    if arxiv_id and arxiv_id in enrichment.paper_code_asked_at:
        found.update(
            code_asked_at=enrichment.paper_code_asked_at[arxiv_id],
            code=enrichment.paper_code.get(arxiv_id),
        )
    return found


def remembered_registry_answers(
    snapshot: Snapshot,
) -> tuple[dict[str, ArchivedCopy | None], dict[str, tuple[PaperCode | None, str]]]:
    """What the snapshot remembers of the registries: archived copies by URL (for links
    still dead), paper-page answers by arXiv ID with when they were asked."""
    archives: dict[str, ArchivedCopy | None] = {}
    code: dict[str, tuple[PaperCode | None, str]] = {}
    for record in snapshot.links:
        e = record.enrichment
        if e is None:
            continue
        if e.archive_asked and record.effective is Effective.DEAD:
            archives[record.url] = e.archive
        ref = arxiv_ref(record.url)
        if ref and e.code_asked_at:
            code.setdefault(ref.arxiv_id, (e.code, e.code_asked_at))
    return archives, code


def _unchecked(url: str, now: str) -> LinkResult:
    return LinkResult(
        url=url, status=Status.SKIPPED, final_url=url, reason="not checked in this run",
        checked_at=now, via=Via.NONE,
    )  # fmt: skip


def _record(
    url: str,
    result: LinkResult,
    previous: LinkRecord | None,
    quarantine_runs: int,
    now: str,
) -> LinkRecord:
    checked_at = result.checked_at or now
    reused = result.via == Via.SNAPSHOT and previous is not None
    if reused and previous is not None:
        # Reused from the last snapshot (--max-age): nothing new was observed.
        consecutive, first_failed, history = (
            previous.consecutive_failures,
            previous.first_failed_at,
            previous.history,
        )
        checked_at = previous.checked_at or checked_at
    else:
        prior = previous.consecutive_failures if previous else 0
        if result.status.is_failure:
            consecutive = prior + 1
            first_failed = (previous.first_failed_at if previous and prior else None) or checked_at
        else:
            consecutive, first_failed = 0, None
        earlier = previous.history if previous else ()
        observed = _observation(checked_at, result.status)
        history = _shared_history((*earlier, observed)[-HISTORY_KEEP:])
    effective = judge(result, consecutive, quarantine_runs)
    return LinkRecord(
        url=url,
        status=result.status,
        final_url=result.final_url or url,
        effective=effective,
        http_status=result.http_status,
        chain=result.chain,
        reason=result.reason,
        error_kind=result.error_kind,
        suggestion=result.suggestion,
        title=result.title,
        content_type=result.content_type,
        via=previous.via if reused and previous is not None else result.via,
        transient=result.transient,
        checked_at=checked_at,
        first_failed_at=first_failed,
        consecutive_failures=consecutive,
        history=history,
    )


def _source_info(x: ExtractedList) -> SourceInfo:
    up = x.source.upstream
    return SourceInfo(
        name=x.source.name,
        path=x.source.shown,
        content_hash=x.content_hash,
        entries=len(x.entries),
        links=len(x.links),
        lines=x.line_count,
        upstream=UpstreamInfo(up.repo, up.branch, up.path) if up else None,
    )


def _entry_record(e: Entry) -> EntryRecord:
    return EntryRecord(
        list_name=e.list_name,
        title=e.title,
        line=e.line,
        section=e.section,
        venue=e.venue,
        year=e.year,
    )


def count_by(values: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    """Counts of `values`, with every one of `keys` present (0 when absent)."""
    counts = dict.fromkeys(keys, 0)
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def build_snapshot(
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult],
    enrichment: Enrichment | None,
    findings: Sequence[Finding],
    previous: Snapshot | None,
    settings: Settings,
    now: datetime,
) -> Snapshot:
    """The snapshot of this run: records per URL with quarantine applied, sorted.

    `results` are keyed by `urls.normalize(url)`. A URL without a result keeps the previous
    snapshot's observation (marked via="snapshot") when there is one, else it is `skipped`
    ("not checked in this run"). `findings` are stored after `apply_quarantine`, so LW2xx
    findings of quarantined links are warnings.
    """
    stamp = format_time(now)
    before = previous.link_map() if previous else {}
    where = _locations(lists)
    badges = _badge_repos(lists)
    records: list[LinkRecord] = []
    for url in sorted(where):
        result = results.get(url)
        prior = before.get(url)
        if result is None:
            result = prior.to_result(via=Via.SNAPSHOT) if prior else _unchecked(url, stamp)
        # The previous record's URL string: one copy of it for both runs' snapshots.
        key = prior.url if prior is not None else url
        record = _record(key, result, prior, settings.quarantine_runs, stamp)
        # Popped: each URL's list is freed as soon as its record has the sorted tuple.
        locations = tuple(sorted(where.pop(url), key=Location.sort_key))
        if prior is not None and prior.locations == locations:
            locations = prior.locations  # one copy for both runs' snapshots (most links)
        records.append(
            replace(
                record,
                locations=locations,
                enrichment=(
                    _link_enrichment(url, enrichment, badges.get(url))
                    if enrichment is not None
                    # Enrichment not run this time: keep what the last run learned.
                    else (prior.enrichment if prior else None)
                ),
            )
        )
    adjusted = tuple(
        sorted(apply_quarantine(findings, records, settings.quarantine_runs), key=finding_order)
    )
    sources = tuple(_source_info(x) for x in lists)
    entries = tuple(
        sorted(
            (_entry_record(e) for x in lists for e in x.entries),
            key=lambda e: (e.list_name, e.line, e.title),
        )
    )
    totals = Totals(
        lists=len(lists),
        entries=len(entries),
        links=sum(len(x.links) for x in lists),
        urls=len(records),
        by_status=count_by((r.status.value for r in records), (s.value for s in Status)),
        by_effective=count_by((r.effective.value for r in records), (e.value for e in Effective)),
        findings=count_by((f.severity.value for f in adjusted), (s.value for s in Severity)),
    )
    return Snapshot(
        run=RunInfo(
            schema_version=SCHEMA_VERSION,
            tool_version=__version__,
            generated_at=stamp,
            quarantine_runs=settings.quarantine_runs,
            notes=tuple(enrichment.notes) if enrichment else (),
        ),
        sources=tuple(sorted(sources, key=lambda s: s.name)),
        totals=totals,
        links=tuple(records),
        entries=entries,
        findings=adjusted,
    )


# ------------------------------------------------------------------------------ max-age


def reusable_results(
    previous: Snapshot | None, max_age: timedelta, now: datetime
) -> dict[str, LinkResult]:
    """Healthy results from `previous` younger than `max_age`, to skip re-checking them.

    Failures (and suspects, blocked, skipped) are never reused: they are always re-checked.
    The results carry via="snapshot" and their original `checked_at`.
    """
    if previous is None or max_age <= timedelta(0):
        return {}
    reusable: dict[str, LinkResult] = {}
    for record in previous.links:
        if not record.status.is_healthy:
            continue
        checked = parse_time(record.checked_at)
        if checked is None or now - checked >= max_age or checked > now:
            continue
        reusable[record.url] = record.to_result(via=Via.SNAPSHOT)
    return reusable


__all__ = [
    "HISTORY_KEEP",
    "SCHEMA_VERSION",
    "Effective",
    "EntryRecord",
    "LinkEnrichment",
    "LinkRecord",
    "Location",
    "Observation",
    "RunInfo",
    "Snapshot",
    "SourceInfo",
    "Totals",
    "UpstreamInfo",
    "append_history",
    "apply_quarantine",
    "atomic_write_chunks",
    "atomic_write_text",
    "build_snapshot",
    "dumps_snapshot",
    "entry_to_json",
    "format_time",
    "history_columns",
    "history_row",
    "iter_json_document",
    "iter_snapshot_text",
    "load_snapshot",
    "loads_snapshot",
    "parse_duration",
    "parse_time",
    "reusable_results",
    "snapshot_from_json",
    "snapshot_to_json",
    "utc_now",
    "write_snapshot",
]


# ------------------------------------------------------------------------------ history


def history_columns() -> list[str]:
    """The header of reports/history.csv: time, sizes, counts per status, per severity."""
    return [
        "time",
        "tool_version",
        "lists",
        "entries",
        "links",
        "urls",
        *(f"links_{s.value}" for s in Status),
        *(f"effective_{e.value}" for e in (Effective.DEAD, Effective.SUSPECT)),
        *(f"findings_{s.value}" for s in Severity),
    ]


def history_row(snapshot: Snapshot) -> dict[str, str]:
    t = snapshot.totals
    row = {
        "time": snapshot.run.generated_at,
        "tool_version": snapshot.run.tool_version,
        "lists": str(t.lists),
        "entries": str(t.entries),
        "links": str(t.links),
        "urls": str(t.urls),
    }
    for s in Status:
        row[f"links_{s.value}"] = str(t.by_status.get(s.value, 0))
    for e in (Effective.DEAD, Effective.SUSPECT):
        row[f"effective_{e.value}"] = str(t.by_effective.get(e.value, 0))
    for sev in Severity:
        row[f"findings_{sev.value}"] = str(t.findings.get(sev.value, 0))
    return row


def append_history(path: Path | str, snapshot: Snapshot) -> None:
    """Add the run's row to history.csv (atomically: the whole file is rewritten).

    Rows are kept in the order the runs happened; rows under an older header keep the
    columns they share with the current one.
    """
    target = Path(path)
    columns = history_columns()
    rows: list[dict[str, str]] = []
    try:
        existing = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"cannot read history: {exc}", path=str(target)) from None
    if existing.strip():
        reader = csv.DictReader(io.StringIO(existing))
        for old in reader:
            rows.append({c: (old.get(c) or "") for c in columns})
    rows.append(history_row(snapshot))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(target, buffer.getvalue())
