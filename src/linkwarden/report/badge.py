"""`badge.json`: link health as a shields.io endpoint badge ("97% healthy", coloured).

shields.io renders any public JSON of this form as a badge
(`https://img.shields.io/endpoint?url=<raw URL of badge.json>`), so a list can show its
live link health in its README. The format: `schemaVersion` 1, `label`, `message`,
`color` (docs/schema/shields-endpoint.schema.json).

Health is judged over the verdicts after quarantine: healthy (ok, redirected) out of
healthy plus confirmed dead. A link still in quarantine (suspect), behind a bot wall, a
login wall, or skipped says nothing yet about the list and counts neither way. The
percentage is rounded down, so 100% means no dead link at all.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

LABEL = "links"
# (lowest percentage, colour), best first: shields.io's named colours.
COLOURS: tuple[tuple[int, str], ...] = (
    (100, "brightgreen"),
    (95, "green"),
    (90, "yellowgreen"),
    (80, "yellow"),
    (60, "orange"),
    (0, "red"),
)
NO_DATA_COLOUR = "lightgrey"


def health_percent(by_effective: Mapping[str, int]) -> int | None:
    """Healthy links as a whole percentage, rounded down; None when nothing was judged."""
    healthy = by_effective.get("ok", 0) + by_effective.get("redirected", 0)
    judged = healthy + by_effective.get("dead", 0)
    if judged == 0:
        return None
    return math.floor(100 * healthy / judged)


def colour_for(percent: int | None) -> str:
    if percent is None:
        return NO_DATA_COLOUR
    return next(colour for floor, colour in COLOURS if percent >= floor)


def render_badge(by_effective: Mapping[str, int], *, label: str = LABEL) -> dict[str, Any]:
    """The endpoint document for a run whose unique URLs have these effective verdicts
    (the snapshot's `totals.by_effective`)."""
    percent = health_percent(by_effective)
    message = "no links checked" if percent is None else f"{percent}% healthy"
    return {"schemaVersion": 1, "label": label, "message": message, "color": colour_for(percent)}


def badge_json(by_effective: Mapping[str, int], *, label: str = LABEL) -> str:
    return json.dumps(render_badge(by_effective, label=label), indent=2) + "\n"
