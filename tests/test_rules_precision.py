"""Lint precision on real lists of other formats (issue 10): every warning and error the
default rules raise on tests/fixtures/more/ was read by hand (tests/labels/more_lint.txt)."""

from __future__ import annotations

from pathlib import Path

from labelled_sample import FIXTURES, extracted
from linkwarden.model import Finding, Severity
from linkwarden.rules import evaluate

LABELS = Path(__file__).resolve().parent / "labels" / "more_lint.txt"


def read_verdicts() -> dict[tuple[str, int, str, str], bool]:
    verdicts: dict[tuple[str, int, str, str], bool] = {}
    for raw in LABELS.read_text(encoding="utf-8").split("\n"):
        if not raw.strip() or raw.startswith("#"):
            continue
        where, verdict, _why = (part.strip() for part in raw.split(" | ", 2))
        place, code, url = where.split(" ")
        file, line = place.rsplit(":", 1)
        verdicts[(file, int(line), code, url)] = verdict == "true"
    return verdicts


def key(file: str, finding: Finding) -> tuple[str, int, str, str]:
    return (file, finding.line, finding.code, finding.url or "-")


def test_precision_of_warnings_and_errors_on_the_more_lists() -> None:
    verdicts = read_verdicts()
    fired: list[tuple[str, int, str, str]] = []
    for path in sorted(FIXTURES.glob("*.md")):
        if path.name == "SOURCES.md":
            continue
        findings = evaluate([extracted(path.name)])
        fired += [key(path.name, f) for f in findings if f.severity is not Severity.INFO]
    checked = [k for k in fired if k in verdicts]
    unchecked = [k for k in fired if k not in verdicts]
    precision = sum(verdicts[k] for k in checked) / len(checked)
    print(f"\nlint precision on the more/ lists: {precision:.3f} "
          f"({sum(verdicts[k] for k in checked)} true of {len(checked)} hand-checked; "
          f"{len(unchecked)} not yet checked)")  # fmt: skip
    assert len(checked) >= 50
    assert precision >= 0.9
    assert len(unchecked) <= len(checked) // 10, unchecked[:10]


def test_lw113_never_fires_on_a_list_of_software_tools() -> None:
    for name in ("EthicalML__awesome-production-machine-learning.md", "jaywcjlove__awesome-mac.md"):
        listing = extracted(name)
        assert len(listing.entries) > 300
        assert not [f for f in evaluate([listing]) if f.code in ("LW113", "LW110")]
