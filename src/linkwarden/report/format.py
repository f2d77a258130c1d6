"""Small formatting helpers shared by the renderers (numbers, times, durations)."""

from __future__ import annotations

from ..model import Status

STATUS_MARKS: dict[Status, str] = {
    Status.OK: "🟢",
    Status.REDIRECTED: "🔵",
    Status.DEAD: "🔴",
    Status.BLOCKED: "🟠",
    Status.RESTRICTED: "🟣",
    Status.TIMEOUT: "🟡",
    Status.ERROR: "🟤",
    Status.SKIPPED: "⚪",
}


def human_time(iso: str) -> str:
    """`2025-01-02T03:04:05Z` → `2025-01-02 03:04 UTC` (other text is returned as is)."""
    if len(iso) >= 16 and iso[10] == "T":
        return f"{iso[:10]} {iso[11:16]} UTC"
    return iso


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "–"


def text_bar(fraction: float | None, width: int = 10) -> str:
    """A bar of block characters for Markdown tables: `█████████░`."""
    if fraction is None:
        return "░" * width
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def thousands(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"
