"""Draw the lines the labelled sample (more_sample.txt) starts from. Run it to see the draw.

    .venv/bin/python tests/labels/draw_sample.py

For each list in tests/fixtures/more/ (sorted by name) it draws, with one seeded generator,
up to 24 lines that hold "http", and prints them sorted. A person then reads each drawn line
in the list, in order, skips lines that belong to no entry (tables of contents, intros,
headers, an entry already taken) and labels the entry the line belongs to, until about a
dozen entries per list are labelled. Nothing here runs linkwarden.
"""

from __future__ import annotations

import random
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "more"
SEED = 20261201


def draw() -> dict[str, list[int]]:
    rng = random.Random(SEED)
    drawn: dict[str, list[int]] = {}
    for path in sorted(FIXTURES.glob("*.md")):
        if path.name == "SOURCES.md":
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        candidates = [n + 1 for n, line in enumerate(lines) if "http" in line]
        drawn[path.name] = sorted(rng.sample(candidates, min(24, len(candidates))))
    return drawn


if __name__ == "__main__":
    for name, lines in draw().items():
        print(name, lines)
