"""Charts drawn on the server as inline SVG: no script, no library, no network.

Two pictures read better than tables: the composition of the links run after run (stacked
bars) and the findings over time (lines). Both accept any number of runs: none gives a
short placeholder, one gives a single bar or point, many give a bar or point per run.
Every text that reaches the SVG goes through `xml_escape`; colours come from the tables
below, which the HTML's CSS uses too so the legend, the bars and the badges agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .view import HistoryPoint

STATUS_COLORS: dict[str, str] = {
    "ok": "#2f9e62",
    "redirected": "#3f83c6",
    "dead": "#d64545",
    "blocked": "#e08a1e",
    "restricted": "#8e6bbf",
    "timeout": "#c9a227",
    "error": "#8c2d2d",
    "skipped": "#a3a8b0",
}
SEVERITY_COLORS: dict[str, str] = {
    "error": "#d64545",
    "warning": "#e08a1e",
    "info": "#3f83c6",
}

WIDTH = 560
HEIGHT = 280
_LEFT, _RIGHT, _BOTTOM = 44, 12, 30
_LEGEND_ROW = 20
_FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""


@dataclass(frozen=True)
class Series:
    column: str  # history column the values come from
    label: str
    color: str


def xml_escape(text: str) -> str:
    return escape(text, quote=True)


def _num(value: float) -> str:
    """Coordinates with at most one decimal, so output is short and byte-stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ticks(top: int) -> list[int]:
    """Round tick values from 0 covering `top` (about four steps of 1, 2 or 5 × 10^k)."""
    if top <= 0:
        return [0, 1]
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    last = step * math.ceil(top / step)
    return list(range(0, last + 1, step))


def _label_indices(n: int, most: int = 6) -> list[int]:
    if n <= most:
        return list(range(n))
    return sorted({round(i * (n - 1) / (most - 1)) for i in range(most)})


def _short_time(time: str) -> str:
    return time[:10] if len(time) >= 10 else time


def _legend_rows(legend: Sequence[Series]) -> list[list[tuple[float, Series]]]:
    """Legend items placed left to right, wrapping to a new row at the chart's width."""
    rows: list[list[tuple[float, Series]]] = [[]]
    x = float(_LEFT)
    for series in legend:
        width = 17 + 7.0 * len(series.label) + 16
        if rows[-1] and x + width > WIDTH - _RIGHT:
            rows.append([])
            x = float(_LEFT)
        rows[-1].append((x, series))
        x += width
    return rows


def _top(legend: Sequence[Series]) -> int:
    """Where the plot starts: below the legend rows."""
    return 16 + _LEGEND_ROW * len(_legend_rows(legend)) + 6


def _day_and_time(time: str) -> str:
    """`2025-03-01T02:00:00Z` → `03-01 02:00`."""
    return time[5:16].replace("T", " ") if len(time) >= 16 else time


def _frame(title: str, body: list[str], legend: Sequence[Series]) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{xml_escape(title)}" class="chart" {_FONT}>',
        f"<title>{xml_escape(title)}</title>",
        f'<text x="{_LEFT}" y="14" font-size="13" font-weight="600" fill="#111827">'
        f"{xml_escape(title)}</text>",
    ]
    for row_index, row in enumerate(_legend_rows(legend) if legend else []):
        y = 24 + _LEGEND_ROW * row_index
        for x, series in row:
            parts.append(
                f'<rect x="{_num(x)}" y="{y}" width="11" height="11" rx="2" '
                f'fill="{series.color}"/><text x="{_num(x + 16)}" y="{y + 10}" '
                f'font-size="12" fill="#374151">{xml_escape(series.label)}</text>'
            )
    parts.extend(body)
    parts.append("</svg>")
    return "\n".join(parts)


def _axes(
    ticks: list[int], points: Sequence[HistoryPoint], x_of: list[float], top_y: int
) -> list[str]:
    plot_h = HEIGHT - top_y - _BOTTOM
    top = ticks[-1]
    out: list[str] = []
    for tick in ticks:
        y = top_y + plot_h - plot_h * tick / top
        out.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{"#9ca3af" if tick == 0 else "#e5e7eb"}" stroke-width="1"/>'
            f'<text x="{_LEFT - 8}" y="{_num(y + 4)}" font-size="11" fill="#6b7280" '
            f'text-anchor="end">{tick}</text>'
        )
    indices = _label_indices(len(points))
    labels = [_short_time(points[i].time) for i in indices]
    if len(set(labels)) < len(labels):  # several runs a day: show the time as well
        labels = [_day_and_time(points[i].time) for i in indices]
    if len(set(labels)) < len(labels):  # several runs a minute (tests, examples)
        labels = [points[i].time[11:19] or points[i].time for i in indices]
    shown: set[str] = set()
    for i, label in zip(indices, labels, strict=True):
        if label in shown:
            continue
        shown.add(label)
        out.append(
            f'<text x="{_num(x_of[i])}" y="{HEIGHT - 10}" font-size="11" fill="#6b7280" '
            f'text-anchor="middle">{xml_escape(label)}</text>'
        )
    return out


def placeholder_svg(title: str, message: str) -> str:
    top = _top(())
    body = [
        f'<rect x="{_LEFT}" y="{top}" width="{WIDTH - _LEFT - _RIGHT}" '
        f'height="{HEIGHT - top - _BOTTOM}" fill="#f9fafb" stroke="#e5e7eb" rx="6"/>',
        f'<text x="{(WIDTH + _LEFT - _RIGHT) // 2}" y="{(HEIGHT + top - _BOTTOM) // 2 + 4}" '
        f'font-size="12.5" fill="#6b7280" text-anchor="middle">{xml_escape(message)}</text>',
    ]
    return _frame(title, body, ())


def _x_positions(n: int) -> tuple[list[float], float]:
    plot_w = WIDTH - _LEFT - _RIGHT
    slot = plot_w / n
    return [_LEFT + slot * (i + 0.5) for i in range(n)], slot


def stacked_bars_svg(
    title: str, points: Sequence[HistoryPoint], series: Sequence[Series], empty: str
) -> str:
    """One bar per run, stacked by series (bottom first); a tooltip per segment."""
    used = [s for s in series if any(p.counts.get(s.column, 0) for p in points)]
    if not points or not used:
        return placeholder_svg(title, empty)
    totals = [sum(p.counts.get(s.column, 0) for s in used) for p in points]
    ticks = nice_ticks(max(totals))
    top_y = _top(used)
    plot_h = HEIGHT - top_y - _BOTTOM
    x_of, slot = _x_positions(len(points))
    bar_w = max(min(slot * 0.7, 56.0), 1.0)
    body = _axes(ticks, points, x_of, top_y)
    for x, point in zip(x_of, points, strict=True):
        base = float(top_y + plot_h)
        for s in used:
            value = point.counts.get(s.column, 0)
            if not value:
                continue
            h = plot_h * value / ticks[-1]
            base -= h
            body.append(
                f'<rect x="{_num(x - bar_w / 2)}" y="{_num(base)}" width="{_num(bar_w)}" '
                f'height="{_num(h)}" fill="{s.color}"><title>'
                f"{xml_escape(point.time)} · {xml_escape(s.label)}: {value}</title></rect>"
            )
    return _frame(title, body, used)


def lines_svg(
    title: str, points: Sequence[HistoryPoint], series: Sequence[Series], empty: str
) -> str:
    """One line per series across runs; a dot (with tooltip) per run while they fit."""
    used = [s for s in series if any(s.column in p.counts for p in points)]
    if not points or not used:
        return placeholder_svg(title, empty)
    top = max(p.counts.get(s.column, 0) for p in points for s in used)
    ticks = nice_ticks(top)
    top_y = _top(used)
    plot_h = HEIGHT - top_y - _BOTTOM
    x_of, _ = _x_positions(len(points))
    body = _axes(ticks, points, x_of, top_y)
    dots = len(points) <= 60
    for s in used:
        coords = [
            (x, top_y + plot_h - plot_h * p.counts.get(s.column, 0) / ticks[-1])
            for x, p in zip(x_of, points, strict=True)
        ]
        if len(coords) > 1:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{s.color}" '
                f'stroke-width="2" stroke-linejoin="round"/>'
            )
        if dots or len(coords) == 1:
            for (x, y), p in zip(coords, points, strict=True):
                body.append(
                    f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{s.color}">'
                    f"<title>{xml_escape(p.time)} · {xml_escape(s.label)}: "
                    f"{p.counts.get(s.column, 0)}</title></circle>"
                )
    return _frame(title, body, used)
