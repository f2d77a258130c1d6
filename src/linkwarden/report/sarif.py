"""`report.sarif`: SARIF 2.1.0 for GitHub code scanning.

One run, one tool (`linkwarden`), its rules from the rules table (id, name, short and full
description, help text with a link to docs/rules.md, default level), one result per finding
with a physical location (the list file, relative to the repository root, and the line).
Levels: error → error, warning → warning, info → note.

`partialFingerprints` are derived from the rule, the file and the URL (not the line), so
code scanning keeps tracking an alert when lines above it are added or removed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from ..model import Severity
from .view import FindingRow, ReportData, RuleInfo

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/linkwarden-dev/linkwarden"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif_path(path: str) -> str:
    """A repository-relative URI for a list path: forward slashes, no leading `./`."""
    text = path.replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return str(PurePosixPath(text)) if text else text


def _rule(rule: RuleInfo) -> dict[str, Any]:
    help_text = rule.help or rule.summary
    see = f"\n\nSee [{rule.code} in docs/rules.md]({rule.help_uri})." if rule.help_uri else ""
    entry: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": help_text},
        "help": {
            "text": help_text,
            "markdown": f"**{rule.code} {rule.name}**: {help_text}{see}",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["links", rule.code[:3].lower() + "xx"]},
    }
    if rule.help_uri:
        entry["helpUri"] = rule.help_uri
    return entry


def _fingerprint(f: FindingRow) -> str:
    key = "\x1f".join((f.code, sarif_path(f.location.path), f.url or f.entry or f.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _message(f: FindingRow) -> str:
    text = f.message
    if f.url and f.url not in text:
        text += f" ({f.url})"
    if f.suggestion:
        text += f" Suggested: {f.suggestion}"
    return text


def _result(f: FindingRow, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": LEVELS[f.severity],
        "message": {"text": _message(f)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": sarif_path(f.location.path),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": max(f.location.line, 1)},
                }
            }
        ],
        "partialFingerprints": {"linkwarden/v1": _fingerprint(f)},
    }
    properties: dict[str, Any] = {"list": f.location.list_name}
    if f.url:
        properties["url"] = f.url
    if f.entry:
        properties["entry"] = f.entry
    result["properties"] = properties
    return result


def sarif_document(data: ReportData) -> dict[str, Any]:
    return _document(data, [_result(f, _rule_index(data)) for f in data.findings])


def _rule_index(data: ReportData) -> dict[str, int]:
    return {r.code: i for i, r in enumerate(sorted(data.rules, key=lambda r: r.code))}


def _document(data: ReportData, results: Any) -> dict[str, Any]:
    rules = sorted(data.rules, key=lambda r: r.code)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "linkwarden",
                        "version": data.tool_version,
                        "semanticVersion": data.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "automationDetails": {"id": "linkwarden/"},
                "invocations": [{"executionSuccessful": True, "endTimeUtc": data.generated_at}],
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "repository root"}}},
                "results": results,
            }
        ],
    }


def render_sarif(data: ReportData) -> str:
    """report.sarif as text (stable key order, two-space indent, final newline)."""
    return "".join(iter_sarif(data))


# Stands in for the results array while the rest of the document is encoded. `results` is
# the last key of the last object, so the last occurrence of the encoded slot is the one.
_RESULTS_SLOT = "\x00linkwarden-results\x00"
_ENCODER = json.JSONEncoder(indent=2, ensure_ascii=False)


def iter_sarif(data: ReportData) -> Iterator[str]:
    """`render_sarif`'s text in pieces, one result (finding) at a time: thousands of
    findings are never held as one document dict or one string."""
    text = _ENCODER.encode(_document(data, _RESULTS_SLOT))
    before, _, after = text.rpartition(_ENCODER.encode(_RESULTS_SLOT))
    yield before
    # The slot's line (`      "results": `) gives the array's indent; items are one deeper.
    slot_line = before.rsplit("\n", 1)[1]
    depth = len(slot_line) - len(slot_line.lstrip(" "))
    inner = "\n" + " " * (depth + 2)
    index = _rule_index(data)
    opened = False
    for f in data.findings:
        piece = _ENCODER.encode(_result(f, index)).replace("\n", inner)
        yield ("," if opened else "[") + inner + piece
        opened = True
    yield ("\n" + " " * depth + "]") if opened else "[]"
    yield after + "\n"
