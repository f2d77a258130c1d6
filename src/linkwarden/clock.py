"""Time stamps: one format everywhere, `YYYY-MM-DDTHH:MM:SSZ` (UTC, to the second).

Every time linkwarden writes (a result's `checked_at`, the run's `generated_at`, arXiv
dates, history.csv) goes through `format_time`, so outputs never mix `Z` and `+00:00`.
`parse_time` still reads any ISO 8601 form, older snapshots' `+00:00` included.
Pure: the standard library only, no I/O beyond reading the system clock in `utc_now`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# What `format_time` writes, as a regular expression (the snapshot's JSON Schema uses it).
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def format_time(moment: datetime) -> str:
    """`moment` in UTC as `YYYY-MM-DDTHH:MM:SSZ`; a naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(TIME_FORMAT)


def now_stamp() -> str:
    """The current time, formatted: what a result's `checked_at` holds."""
    return format_time(utc_now())


def parse_time(text: str) -> datetime | None:
    """Parse an ISO 8601 time (`Z` or any offset); None for '' or garbage. Naive = UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def normalize_time(text: str) -> str:
    """A date and time in another ISO 8601 spelling (`+00:00`, fractions) in the one
    format; anything else ('' , a bare date, not a time) unchanged. Reading a snapshot from
    before the format was unified gives the stamps a new run writes."""
    if "T" not in text or (text.endswith("Z") and len(text) == 20):
        return text
    moment = parse_time(text)
    return format_time(moment) if moment is not None else text


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """`30m`, `12h`, `7d`, `2w`, `90s` -> timedelta. ValueError with a clear message."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 30m, 12h, 7d, 2w)")
    return timedelta(seconds=float(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()])
