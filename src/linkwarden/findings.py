"""Who a finding is across runs, which findings are new, and the one order findings are in.

Three outputs tell a reader what is new: DIFF.md (and `--fail-on new` of the nightly run),
PR mode (what a change *introduced*) and the tracking issue (which problems it did not list
yet). All three ask this module, so "new" means one thing. Pure: no I/O, only the model.

Identity (the decision, also in docs/state.md): a finding is the same finding in two runs
when it has the same **rule code**, **list**, **subject** and **severity**, where the subject
is the link's URL as written, or the entry's title for a finding about an entry (no URL).

- Not the line: lines move when an entry is added above, which must not make every finding
  below it new.
- Not the path as printed: PR mode prints paths relative to the repository root, the
  snapshot as they were given; the list's name is the same in both.
- Not the message: messages carry history ("failing for 3 nights") and metadata that can
  change without the problem changing.
- The severity is part of it: a link in quarantine is a warning, a confirmed dead link an
  error, and the nightly run must fail (`--fail-on new`) the night the warning turns into an
  error. A finding whose severity changed counts as resolved plus new.

Findings are counted, not just compared as a set: when a list gains a second finding with
the same identity (the same dead URL pasted into another entry), exactly one is new. The
n-th finding with a given identity (in the order given) is matched with the n-th one before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .model import Finding


class FindingId(NamedTuple):
    """What stays the same about a finding from one run to the next (see the docstring)."""

    code: str
    list_name: str
    subject: str  # the URL as written, else the entry's title, else ""
    severity: str


class Occurrence(NamedTuple):
    """The n-th finding (from 0) with a given identity: what is matched across runs."""

    identity: FindingId
    n: int


def finding_id(f: Finding) -> FindingId:
    return FindingId(f.code, f.list_name, f.url or f.entry or "", f.severity.value)


def finding_order(f: Finding) -> tuple[str, int, str, str, str, str]:
    """The one order of findings everywhere: by place (path, line), then code, URL,
    message and severity, so that sorting is total and outputs are deterministic."""
    return (f.path, f.line, f.code, f.url or "", f.message, f.severity.value)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_order)


def occurrences(findings: Iterable[Finding]) -> list[Occurrence]:
    """Each finding's identity and how many findings with that identity came before it."""
    seen: dict[FindingId, int] = {}
    out: list[Occurrence] = []
    for f in findings:
        ident = finding_id(f)
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        out.append(Occurrence(ident, n))
    return out


def new_findings(current: Sequence[Finding], previous: Iterable[Finding]) -> list[Finding]:
    """The findings of `current` that `previous` did not have, in `current`'s order.

    Where `current` has more findings with one identity than `previous`, the ones that come
    first in `current` are matched with the old ones and the rest are new: callers order
    `current` so that the finding that should count as new comes last (PR mode puts the
    findings on unchanged lines first).
    """
    before = set(occurrences(previous))
    return [f for f, occ in zip(current, occurrences(current), strict=True) if occ not in before]


def occurrence_key(occ: Occurrence) -> str:
    """A short stable hash of an occurrence, for the tracking issue's hidden marker."""
    ident = "|".join(occ.identity) + (f"#{occ.n}" if occ.n else "")
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:12]


def finding_keys(findings: Sequence[Finding]) -> list[str]:
    """`occurrence_key` of each finding, in the order given (sort with `finding_order`)."""
    return [occurrence_key(occ) for occ in occurrences(findings)]
