"""`report.html`: one self-contained page — no CDN, fonts, images or requests.

A pure function of `ReportData`. The page is rendered by Jinja with autoescape on; the
pictures (trend charts) are SVG drawn here with every text escaped; the small script that
filters and sorts reads its data from a `<script type="application/json">` block written by
`escape.json_for_script` and only ever sets `textContent`, `hidden` and attributes.

Defence in depth: a Content-Security-Policy meta tag allows no network at all and only the
page's own script, by its SHA-256 hash, so even an escaping bug could not run injected
script or event-handler attributes.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..model import Severity, Status
from .charts import (
    SEVERITY_COLORS,
    STATUS_COLORS,
    Series,
    lines_svg,
    stacked_bars_svg,
)
from .escape import json_for_script, safe_href, shorten
from .format import human_duration, human_time, thousands
from .history import severity_column, status_column
from .view import ListHealth, ReportData

LEADERBOARD_SIZE = 15


@dataclass(frozen=True)
class Segment:
    status: str
    count: int
    width: str  # CSS percentage


def _segments(by_status: dict[Status, int]) -> list[Segment]:
    total = sum(by_status.values())
    if not total:
        return []
    return [Segment(s.value, n, f"{100.0 * n / total:.2f}%") for s, n in by_status.items() if n]


def _list_view(lh: ListHealth) -> dict[str, Any]:
    pct = lh.health_percent
    return {
        "name": lh.name,
        "path": lh.path,
        "href": safe_href(lh.href),
        "upstream": lh.upstream,
        "entries": lh.entries,
        "links": lh.links,
        "segments": _segments(lh.by_status),
        "health": "–" if pct is None else f"{pct:.0f}%",
        "findings": {s.value: lh.findings.get(s, 0) for s in Severity},
    }


def _trend_charts(data: ReportData) -> tuple[Markup, Markup]:
    points = data.history
    # ok is left out: it dwarfs the statuses a reader looks the trend up for.
    status_series = []
    for s in Status:
        column = status_column(points, s.value)
        if column and s is not Status.OK:
            status_series.append(Series(column, s.value, STATUS_COLORS[s.value]))
    severity_series = []
    for sev in Severity:
        column = severity_column(points, sev.value)
        if column:
            severity_series.append(Series(column, sev.value, SEVERITY_COLORS[sev.value]))
    empty = "No runs recorded yet: the chart fills in as reports/history.csv grows."
    all_ok = "Every URL was ok in every recorded run." if points else empty
    # Both SVGs escape every text they contain (charts.xml_escape), so they are markup.
    links = Markup(
        stacked_bars_svg("URLs not ok, by status, per run", points, status_series, all_ok)
    )
    findings = Markup(lines_svg("Findings by severity, per run", points, severity_series, empty))
    return links, findings


def _facets(data: ReportData) -> dict[str, Any]:
    """The values each filter offers (with counts), for the page's script."""
    links = data.link_summary
    lists = {f.location.list_name for f in data.findings}.union(links.lists)
    rules = Counter(f.code for f in data.findings)
    return {
        "list": sorted(lists),
        "status": [s.value for s, n in links.statuses.items() if n],
        "rule": [
            {"code": r.code, "name": r.name, "count": rules[r.code]}
            for r in data.rules
            if rules[r.code]
        ],
        "role": list(links.roles),
        "severity": [s.value for s in Severity if data.severity_totals.get(s)],
    }


def _link_rules(data: ReportData) -> dict[str, list[str]]:
    by_url: dict[str, set[str]] = {}
    for f in data.findings:
        if f.url:
            by_url.setdefault(f.url, set()).add(f.code)
    return {url: sorted(codes) for url, codes in by_url.items()}


def _leaderboard(data: ReportData) -> list[dict[str, Any]]:
    top = data.leaderboard[:LEADERBOARD_SIZE]
    most = max((r.stars or 0 for r in top), default=0) or 1
    return [
        {
            "rank": i,
            "name": r.full_name,
            "href": safe_href(r.url),
            "stars": thousands(r.stars),
            "forks": thousands(r.forks),
            "archived": bool(r.archived),
            "renamed_from": r.requested if r.renamed else None,
            "width": f"{100.0 * (r.stars or 0) / most:.2f}%",
        }
        for i, r in enumerate(top, start=1)
    ]


def _script_text() -> str:
    return (
        resources.files("linkwarden.report")
        .joinpath("templates/report.js.j2")
        .read_text(encoding="utf-8")
    )


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("linkwarden.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = safe_href
    env.filters["shorten"] = shorten
    env.filters["human_time"] = human_time
    env.filters["thousands"] = thousands
    return env


def render_html(data: ReportData) -> str:
    """report.html as text."""
    return "".join(iter_html(data))


def iter_html(data: ReportData) -> Iterator[str]:
    """report.html in pieces as Jinja renders them (`render_html` joins them): writing the
    pieces as they come keeps a page of 100,000 links out of memory as one string."""
    script = _script_text()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    links_chart, findings_chart = _trend_charts(data)
    status_total = data.status_totals
    context = {
        "data": data,
        "Status": Status,
        "Severity": Severity,
        "generated": human_time(data.generated_at),
        "duration": (
            human_duration(data.duration_seconds) if data.duration_seconds is not None else None
        ),
        "status_totals": status_total,
        "overall": _segments(status_total),
        "severity_totals": {s.value: n for s, n in data.severity_totals.items()},
        "lists": [_list_view(lh) for lh in data.lists],
        "links_chart": links_chart,
        "findings_chart": findings_chart,
        "leaderboard": _leaderboard(data),
        "link_rules": _link_rules(data),
        "status_colors": STATUS_COLORS,
        "severity_colors": SEVERITY_COLORS,
        # Markup: json_for_script escapes <, > and & so the text cannot close the element.
        "facets_json": Markup(json_for_script(_facets(data))),
        "script": Markup(script),
        "script_hash": f"sha256-{digest}",
    }
    return _environment().get_template("report.html.j2").generate(context)
