"""Finding identity, order and "new" (linkwarden.findings), and its three users agreeing.

DIFF.md (with `--fail-on new`), PR mode and the tracking issue each used to decide "new"
their own way. They now ask `findings.new_findings`/`occurrence_key`, and these tests hold
them to the same answer on the same pair of runs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from linkwarden.diff import diff
from linkwarden.findings import (
    finding_id,
    finding_keys,
    finding_order,
    new_findings,
    sorted_findings,
)
from linkwarden.gitdiff import ChangedLines
from linkwarden.model import ExtractedList, Finding, Role, Severity, Status
from linkwarden.prmode import PrScope, failing_findings
from linkwarden.report.diff_markdown import render_diff_markdown
from linkwarden.state.snapshot import Snapshot
from linkwarden.tracking import build_summary, with_marker
from statekit import dead_link_finding, make_list, night, result, snap

U_A = "https://a.example/paper"
U_B = "https://b.example/code"
U_C = "https://c.example/demo"
U_OK = "https://ok.example/"


def f(line: int, url: str | None, **kw: object) -> Finding:
    base = Finding("LW201", "dead-link", Severity.ERROR, "link is dead", "l", "l.md", line, url)
    return replace(base, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------ identity and order


def test_identity_ignores_line_path_and_message_but_not_severity() -> None:
    a = f(10, U_A, message="failing for 1 night")
    assert finding_id(a) == finding_id(f(99, U_A, path="./sources/l.md", message="3 nights"))
    assert finding_id(a) != finding_id(f(10, U_B))
    assert finding_id(a) != finding_id(f(10, U_A, code="LW202"))
    assert finding_id(a) != finding_id(f(10, U_A, list_name="other"))
    assert finding_id(a) != finding_id(f(10, U_A, severity=Severity.WARNING))


def test_a_finding_without_url_is_known_by_its_entry() -> None:
    one = f(10, None, code="LW301", entry="Paper One")
    assert finding_id(one) == finding_id(replace(one, line=30, message="other words"))
    assert finding_id(one) != finding_id(replace(one, entry="Paper Two"))


def test_new_counts_occurrences_and_matches_in_the_order_given() -> None:
    before = [f(10, U_A)]
    first, second = f(10, U_A), f(50, U_A)
    assert new_findings([first, second], before) == [second]
    assert new_findings([second, first], before) == [first]  # the later one is the new one
    assert new_findings([f(12, U_A)], before) == []  # moved down two lines: not new
    assert new_findings(before, [first, second]) == []


def test_one_total_order() -> None:
    shuffled = [
        f(20, U_A),
        f(10, U_B, message="b"),
        f(10, U_B, message="a"),
        f(10, U_A, code="LW202"),
        f(10, U_A, severity=Severity.WARNING, message="a"),
        f(10, U_A, message="a"),
    ]
    ordered = sorted_findings(shuffled)
    assert sorted_findings(reversed(shuffled)) == ordered  # total: input order never shows
    assert ordered == sorted(shuffled, key=finding_order)
    assert [(x.line, x.code, x.url, x.message) for x in ordered[:3]] == [
        (10, "LW201", U_A, "a"),
        (10, "LW201", U_A, "a"),
        (10, "LW201", U_B, "a"),
    ]
    assert ordered[0].severity is Severity.ERROR  # "error" < "warning" breaks the last tie


def test_tracking_keys_are_stable_and_distinct_for_copies() -> None:
    keys = finding_keys([f(10, U_A), f(50, U_A)])
    assert len(set(keys)) == 2
    assert finding_keys([f(12, U_A, message="x")]) == keys[:1]


# ----------------------------------------------------------- the three users agree


def _runs() -> tuple[ExtractedList, Snapshot, Snapshot]:
    """Last night: A and B dead. Tonight: an entry added on top (every line moves), C dead,
    and the dead A pasted into a second entry."""
    old_list = make_list("l", [("Alpha", [(U_A, Role.PAPER)]), ("Beta", [(U_B, Role.CODE)])])
    new_list = make_list(
        "l",
        [
            ("Intro", [(U_OK, Role.PROJECT)]),
            ("Alpha", [(U_A, Role.PAPER)]),
            ("Beta", [(U_B, Role.CODE)]),
            ("Gamma", [(U_C, Role.DEMO)]),
            ("Alpha again", [(U_A, Role.PAPER)]),
        ],
    )
    dead = {u: result(u, Status.DEAD, night(0)) for u in (U_A, U_B)}
    old = snap(
        [old_list], dead, None, night(0),
        findings=[dead_link_finding(U_A, old_list), dead_link_finding(U_B, old_list)],
    )  # fmt: skip
    copy = replace(dead_link_finding(U_A, new_list), line=50, entry="Alpha again")
    tonight = {u: result(u, Status.DEAD, night(1)) for u in (U_A, U_B, U_C)}
    new = snap(
        [new_list], {**tonight, U_OK: result(U_OK, Status.OK, night(1))}, old, night(1),
        findings=[
            dead_link_finding(U_A, new_list), dead_link_finding(U_B, new_list),
            dead_link_finding(U_C, new_list), copy,
        ],
    )  # fmt: skip
    return new_list, old, new


def _scope(listing: ExtractedList, lines: set[int], previous: Snapshot) -> PrScope:
    changed = ChangedLines(
        "HEAD", "0" * 40, {listing.source.path.resolve(): frozenset(lines)}, Path.cwd()
    )
    return PrScope(changed, previous, Path("latest.json"))


def where(findings: list[Finding] | tuple[Finding, ...]) -> list[tuple[int, str | None]]:
    return sorted((x.line, x.url) for x in findings)


def test_the_same_findings_are_new_in_diff_md_pr_mode_and_the_tracking_issue() -> None:
    listing, old, new = _runs()
    expected = [(40, U_C), (50, U_A)]  # A and B moved down a line: not new

    # DIFF.md (and --fail-on new)
    changes = diff(old, new)
    assert where(changes.findings_added) == expected
    assert changes.findings_resolved == ()
    text = render_diff_markdown(changes)
    added = text.split("## Findings added", 1)[1]
    assert "sources/l.md:40" in added and "sources/l.md:50" in added
    assert "sources/l.md:20" not in added and "sources/l.md:30" not in added

    # PR mode, every line of the list changed
    scope = _scope(listing, {10, 20, 30, 40, 50}, old)
    assert where(scope.introduced([listing], new.findings)) == expected
    assert where(failing_findings(scope, [listing], new.findings, "new")) == expected

    # The tracking issue, last written from last night's findings
    last_night = build_summary(old.findings)
    body = with_marker(last_night.body, last_night.keys)
    fresh = build_summary(new.findings).new_since(body)
    assert where([p.finding for p in fresh]) == expected


@pytest.mark.parametrize(
    ("lines", "introduced"),
    [
        ({50}, [(50, U_A)]),  # the PR pasted a known dead link: the copy is what it brought
        ({40}, [(40, U_C)]),
        ({10}, []),
    ],
)
def test_pr_mode_attributes_a_copy_to_the_changed_line(
    lines: set[int], introduced: list[tuple[int, str]]
) -> None:
    listing, old, new = _runs()
    assert where(_scope(listing, lines, old).introduced([listing], new.findings)) == introduced


def test_pr_mode_editing_the_lines_of_known_problems_introduces_nothing() -> None:
    listing, _old, new = _runs()
    scope = _scope(listing, {20, 30, 40, 50}, new)  # the snapshot already has every copy
    assert scope.introduced([listing], new.findings) == []
    assert len(scope.in_scope([listing], new.findings)) == 4


def test_a_severity_change_is_new_everywhere() -> None:
    """A link in quarantine (warning) confirmed dead (error): the nightly fails on it, and the
    tracking issue and PR mode call it new too."""
    warned = f(10, U_A, severity=Severity.WARNING, path="sources/l.md")
    confirmed = replace(warned, severity=Severity.ERROR, message="dead for 3 nights")
    assert new_findings([confirmed], [warned]) == [confirmed]
    last = build_summary([warned], min_severity=Severity.WARNING)
    body = with_marker(last.body, last.keys)
    now = build_summary([confirmed], min_severity=Severity.WARNING)
    assert [p.finding for p in now.new_since(body)] == [confirmed]


def test_the_action_outputs_job_summary_and_pr_comment_count_the_same_new_findings() -> None:
    """What the action reports (outputs `new`, the job summary, the PR comment) uses the
    same identity: the same two findings are new there too."""
    from linkwarden.ci import full_run_counts, pr_run_counts
    from linkwarden.report.pr_comment import render_pr_comment
    from linkwarden.report.run_summary import render_run_summary

    listing, old, new = _runs()
    changes = diff(old, new)
    assert full_run_counts(new, changes).new == 2
    assert "| new errors since the previous run | 2 |" in render_run_summary(new, changes)
    scope = _scope(listing, {10, 20, 30, 40, 50}, old)
    shown = scope.in_scope([listing], new.findings)
    introduced = scope.introduced([listing], new.findings)
    assert pr_run_counts(shown, introduced).new == 2
    body = render_pr_comment(
        ref="HEAD", commit="0" * 40, checked=5,
        rows=[(x, x in set(introduced)) for x in shown],
    )  # fmt: skip
    new_rows = [line for line in body.splitlines() if line.endswith("| **new** |")]
    assert sorted(re.findall(r"l\.md:(\d+)", "\n".join(new_rows))) == ["40", "50"]
