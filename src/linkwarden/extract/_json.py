"""The JSON form of an extraction: stable key order, every field of every entry and link."""

from __future__ import annotations

from typing import Any

from ..model import Diagnostic, Entry, ExtractedList, Link, SkippedLink

JSON_VERSION = 1


def entry_as_dict(entry: Entry) -> dict[str, Any]:
    return {
        "index": entry.index,
        "title": entry.title,
        "line": entry.line,
        "end_line": entry.end_line,
        "section": list(entry.section),
        "venue": entry.venue,
        "year": entry.year,
        "text": entry.text,
    }


def link_as_dict(link: Link) -> dict[str, Any]:
    return {
        "line": link.line,
        "column": link.column,
        "url": link.url,
        "raw": link.raw,
        "text": link.text,
        "role": link.role.value,
        "role_source": link.role_source.value,
        "entry": link.entry,
        "syntax": link.syntax,
        "wrapper": link.wrapper,
        "badge_repo": link.badge_repo,
        "flags": sorted(flag.value for flag in link.flags),
    }


def skipped_as_dict(skipped: SkippedLink) -> dict[str, Any]:
    return {"line": skipped.line, "raw": skipped.raw, "reason": skipped.reason}


def diagnostic_as_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    return {"path": diagnostic.path, "line": diagnostic.line, "message": diagnostic.message}


def extracted_as_dict(extracted: ExtractedList) -> dict[str, Any]:
    """One list's extraction as plain JSON-ready data (see docs/extraction.md)."""
    source = extracted.source
    upstream = source.upstream
    return {
        "name": source.name,
        "path": source.shown,
        "upstream": (
            {"repo": upstream.repo, "branch": upstream.branch, "path": upstream.path}
            if upstream
            else None
        ),
        "content_hash": extracted.content_hash,
        "line_count": extracted.line_count,
        "entries": [entry_as_dict(e) for e in extracted.entries],
        "links": [link_as_dict(link) for link in extracted.links],
        "skipped": [skipped_as_dict(s) for s in extracted.skipped],
        "diagnostics": [diagnostic_as_dict(d) for d in extracted.diagnostics],
    }
