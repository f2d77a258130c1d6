"""Regenerate docs/examples/: the example reports and the README's screenshot.

    .venv/bin/python scripts/regen_examples.py

Runs the real `linkwarden check` twice over the lists in `sources/` against the test
suite's simulated web (`tests/report_examples.py` says what changes between the runs),
copies the second run's reports into docs/examples/, then screenshots report.html with
headless Chromium into docs/examples/report.png. Without Chromium the reports are still
written and the script says how to get it (exit 1). `tests/test_examples_fresh.py` fails
whenever the committed reports differ from what this makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from report_examples import EXAMPLES, find_chromium, generate_examples, screenshot  # noqa: E402


def main() -> int:
    page = generate_examples(EXAMPLES)
    print(f"regen_examples: wrote the reports into {EXAMPLES.relative_to(ROOT)}/")
    chromium = find_chromium()
    if chromium is None:
        print(
            "regen_examples: Chromium not found, report.png not updated "
            "(`sudo apt-get install chromium` or `brew install --cask chromium`)",
            file=sys.stderr,
        )
        return 1
    screenshot(chromium, page, EXAMPLES / "report.png")
    print(f"regen_examples: wrote {(EXAMPLES / 'report.png').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
