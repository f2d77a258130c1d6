"""`linkwarden check [PATHS] [--out DIR]`: check every link of the lists, write the report.

The stages, each its own function so that others can slot in between them::

    load_lists ─► link_urls ─► check_links ─► (enrichment) ─► evaluate_rules ─► persist

Exit codes: 0 nothing to fail on; 1 error-severity findings; 2 input/config errors;
3 network unavailable (nothing written: the previous report stays byte-identical).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import anyio

from ..check import NetworkOptions, ProgressSink, check_urls
from ..config import CheckSettings, Settings
from ..errors import LinkwardenError, NetworkUnavailable
from ..model import ExtractedList, Finding, LinkResult, Severity
from ..sources import read_source
from ..urls import normalize

EXIT_OK = 0
EXIT_FINDINGS = 1
REPORT_VERSION = 1
DEFAULT_OUT = Path("reports")


# --- settings -----------------------------------------------------------------------------


def effective_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    """The config file's settings with the command-line flags laid over them."""
    check = settings.check
    overrides: dict[str, Any] = {}
    for flag in ("concurrency", "per_host", "timeout"):
        value = getattr(args, flag, None)
        if value is not None:
            overrides[flag] = value
    if getattr(args, "allow_private", False):
        overrides["allow_private"] = True
    if overrides:
        check = dataclasses.replace(check, **overrides)
    return dataclasses.replace(settings, check=check)


def network_options(args: argparse.Namespace, check: CheckSettings) -> NetworkOptions:
    return NetworkOptions.from_flags(
        resolve=getattr(args, "resolve", None) or (),
        connect_to=getattr(args, "connect_to", None) or (),
        cacert=getattr(args, "cacert", None),
        allow_private=check.allow_private,
    )


# --- input --------------------------------------------------------------------------------


def load_lists(args: argparse.Namespace) -> list[ExtractedList]:
    from ..cli import select_sources  # cli imports commands lazily; no cycle
    from ..extract import extract

    return [extract(read_source(s)) for s in select_sources(args.paths, args.registry)]


def is_checkable(url: str) -> bool:
    """An absolute URL with a host; empty and relative links are the offline rules' business."""
    if not url or not url.strip():
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def link_urls(lists: Sequence[ExtractedList]) -> list[str]:
    """Every checkable link URL, in list order, once per normalised form."""
    seen: dict[str, str] = {}
    for listing in lists:
        for link in listing.links:
            if is_checkable(link.url):
                seen.setdefault(normalize(link.url), link.url)
    return list(seen.values())


# --- checking -----------------------------------------------------------------------------


def check_links(
    urls: Sequence[str],
    settings: Settings,
    network: NetworkOptions,
    progress: ProgressSink | None,
) -> dict[str, LinkResult]:
    """The HTTP checks (raises NetworkUnavailable when the network is down)."""

    async def main() -> dict[str, LinkResult]:
        return await check_urls(urls, settings.check, network=network, progress=progress)

    return anyio.run(main)


# --- rules --------------------------------------------------------------------------------


def evaluate_rules(
    lists: Sequence[ExtractedList], results: Mapping[str, LinkResult], settings: Settings
) -> list[Finding]:
    """All rules over the lists and results (skipped while `linkwarden.rules` is missing)."""
    try:
        from ..rules import evaluate, validate_overrides
    except ImportError:  # pragma: no cover - only before the rules module lands
        return []
    validate_overrides(settings.severity, settings.source)
    return evaluate(lists, results, severity=settings.severity)


# --- persistence --------------------------------------------------------------------------


def _result_record(result: LinkResult) -> dict[str, Any]:
    return {
        "url": result.url,
        "status": result.status.value,
        "final_url": result.final_url,
        "http_status": result.http_status,
        "chain": [{"url": h.url, "status": h.status, "location": h.location} for h in result.chain],
        "reason": result.reason,
        "error_kind": result.error_kind,
        "suggestion": result.suggestion,
        "elapsed_ms": result.elapsed_ms,
        "checked_at": result.checked_at,
        "content_type": result.content_type,
        "title": result.title,
        "via": result.via,
    }


def link_records(
    lists: Sequence[ExtractedList], results: Mapping[str, LinkResult]
) -> list[dict[str, Any]]:
    """One record per checked URL, with every place in the lists where it stands."""
    locations: dict[str, list[dict[str, Any]]] = {}
    for listing in lists:
        for link in listing.links:
            key = normalize(link.url) if is_checkable(link.url) else None
            if key is None or key not in results:
                continue
            locations.setdefault(key, []).append(
                {
                    "list": link.list_name,
                    "path": link.path,
                    "line": link.line,
                    "text": link.text,
                    "role": link.role.value,
                    "raw": link.raw,
                }
            )
    records = []
    for key in sorted(results):
        record = _result_record(results[key])
        record["locations"] = locations.get(key, [])
        records.append(record)
    return records


def _finding_record(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "list": finding.list_name,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "url": finding.url,
        "suggestion": finding.suggestion,
        "entry": finding.entry,
    }


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def persist(
    out_dir: Path,
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult],
    findings: Sequence[Finding],
    settings: Settings,
) -> Path:
    """Write `OUT/latest.json` atomically; return its path."""
    counts = Counter(r.status.value for r in results.values())
    document = {
        "version": REPORT_VERSION,
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lists": [
            {"name": x.source.name, "path": x.source.shown, "content_hash": x.content_hash}
            for x in lists
        ],
        "summary": {"urls": len(results), **dict(sorted(counts.items()))},
        "links": link_records(lists, results),
        "findings": [_finding_record(f) for f in findings],
    }
    path = out_dir / "latest.json"
    write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


# --- the command --------------------------------------------------------------------------


def summary_line(
    results: Mapping[str, LinkResult], findings: Sequence[Finding], seconds: float
) -> str:
    counts = Counter(r.status.value for r in results.values())
    order = ("ok", "redirected", "dead", "blocked", "restricted", "timeout", "error", "skipped")
    parts = ", ".join(f"{counts[s]} {s}" for s in order if counts[s])
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    parts = parts or "nothing to check"
    return (
        f"linkwarden check: {len(results)} URL(s) in {seconds:.1f}s: {parts}; "
        f"{len(findings)} finding(s), {errors} error(s)"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..cli import settings_for

    started = time.monotonic()
    progress: ProgressSink | None = getattr(args, "progress", None)
    out_dir = Path(getattr(args, "out", None) or DEFAULT_OUT)
    try:
        settings = effective_settings(args, settings_for(args))
        network = network_options(args, settings.check)
        lists = load_lists(args)
        results = check_links(link_urls(lists), settings, network, progress)
        # --- enrichment: enrich.enrich() results override HTTP checks for API-verified URLs ---
        findings = evaluate_rules(lists, results, settings)
        path = persist(out_dir, lists, results, findings, settings)
    except NetworkUnavailable as exc:
        print(f"linkwarden: {exc.message}", file=err)
        print(
            "linkwarden: nothing was written; the previous report is unchanged "
            f"({out_dir / 'latest.json'})",
            file=err,
        )
        return exc.exit_code
    except LinkwardenError as exc:
        print(f"linkwarden: error: {exc.describe()}", file=err)
        return exc.exit_code
    print(summary_line(results, findings, time.monotonic() - started), file=err)
    print(f"linkwarden check: wrote {path}", file=err)
    failing = any(f.severity is Severity.ERROR for f in findings)
    return EXIT_FINDINGS if failing else EXIT_OK
