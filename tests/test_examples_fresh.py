"""docs/examples/ is what `scripts/regen_examples.py` makes today, not a stale copy.

The examples are made again here exactly as the script makes them (the real CLI, twice,
over `sources/` on the simulated web) and compared with the committed files, time stamps
and durations aside. A change to the checker, the rules or the renderers that changes the
examples fails this test until the examples are regenerated and committed.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from report_examples import COMPARED, EXAMPLES, generate_examples, normalised

pytestmark = pytest.mark.e2e


def test_committed_examples_are_current(tmp_path: Path) -> None:
    generate_examples(tmp_path)
    stale = []
    for name in COMPARED:
        now = normalised((tmp_path / name).read_text(encoding="utf-8"))
        committed = normalised((EXAMPLES / name).read_text(encoding="utf-8"))
        if now != committed:
            changes = difflib.unified_diff(
                committed.splitlines(), now.splitlines(), f"committed/{name}", f"now/{name}",
                lineterm="", n=0,
            )  # fmt: skip
            stale.append("\n".join(list(changes)[:12]))
    assert not stale, (
        "docs/examples/ is stale: run `.venv/bin/python scripts/regen_examples.py` and "
        "commit the result.\n" + "\n\n".join(stale)
    )
    assert (EXAMPLES / "report.png").stat().st_size > 20_000


def test_generation_differs_only_in_volatile_parts() -> None:
    text = "Generated 2026-12-01 14:44 UTC · run took 5.4 s · since 2026-12-01T14:44:12Z"
    assert normalised(text) == "Generated <time> UTC · run took <seconds> s · since <time>"
    for label in ("14:44:10", "12-01 14:45", "12-01"):
        assert normalised(f"<text>{label}</text>") == "<text><clock></text>"
