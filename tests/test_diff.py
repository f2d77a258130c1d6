"""diff(old, new): every kind of change, exactly; the exit code per --fail-on; DIFF.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkwarden.cli import main
from linkwarden.diff import diff, diff_to_json, exit_code_for
from linkwarden.model import Enrichment, Finding, Role, Severity, Status
from linkwarden.report.diff_markdown import render_diff_markdown
from linkwarden.state.codec import write_snapshot
from statekit import dead_link_finding, make_list, night, paper, repo, result, snap

P1 = "https://arxiv.org/abs/2301.00001"
P2 = "https://arxiv.org/abs/2302.00002"
C1 = "https://github.com/alice/one"
C2 = "https://github.com/bob/two"
C3 = "https://github.com/carol/three"
DIES = "https://dies.example/project"
BACK = "https://back.example/project"
MOVES = "https://moves.example/old"
NEWLINK = "https://new.example/demo"


def _before():
    lst = make_list(
        "alpha",
        [
            ("Paper One", [(P1, Role.PAPER), (C1, Role.CODE), (DIES, Role.PROJECT)]),
            ("Paper Two", [(P2, Role.PAPER), (C2, Role.CODE), (BACK, Role.PROJECT)]),
            ("Paper Three", [(C3, Role.CODE), (MOVES, Role.PROJECT)]),
            ("Dropped Paper", [("https://dropped.example/x", Role.PAPER)]),
        ],
    )
    results = {
        u: result(u, Status.OK, night(0))
        for u in (P1, P2, C1, C2, C3, DIES, MOVES, "https://dropped.example/x")
    }
    results[BACK] = result(BACK, Status.DEAD, night(0))
    enrichment = Enrichment(
        arxiv={"2301.00001": paper("2301.00001", 1, "One"), "2302.00002": paper("2302.00002", 3)},
        repos={
            "alice/one": repo("alice/one", 100),
            "bob/two": repo("bob/two", 50),
            "carol/three": repo("carol/three", 10),
        },
    )
    return snap(
        [lst],
        results,
        None,
        night(0),
        enrichment=enrichment,
        findings=[dead_link_finding(BACK, lst)],
    )


def _after(previous):
    lst = make_list(
        "alpha",
        [
            ("Paper One", [(P1, Role.PAPER), (C1, Role.CODE), (DIES, Role.PROJECT)]),
            ("Paper Two", [(P2, Role.PAPER), (C2, Role.CODE), (BACK, Role.PROJECT)]),
            ("Paper Three", [(C3, Role.CODE), (MOVES, Role.PROJECT)]),
            ("Brand New Paper", [(NEWLINK, Role.DEMO)]),
        ],
    )
    results = {u: result(u, Status.OK, night(1)) for u in (P1, P2, C1, C2, C3, BACK, NEWLINK)}
    results[DIES] = result(DIES, Status.DEAD, night(1), http_status=410)
    results[MOVES] = result(
        MOVES, Status.REDIRECTED, night(1), final_url="https://moves.example/new", http_status=301
    )
    enrichment = Enrichment(
        arxiv={"2301.00001": paper("2301.00001", 2, "One"), "2302.00002": paper("2302.00002", 3)},
        repos={
            "alice/one": repo("alice/one", 130),
            "bob/two": repo("bob/two", 45, archived=True),
            "carol/three": repo("carol/three", 10, full_name="carol-lab/three"),
        },
    )
    return snap(
        [lst],
        results,
        previous,
        night(1),
        enrichment=enrichment,
        findings=[dead_link_finding(DIES, lst)],
    )


def test_diff_lists_exactly_the_changes() -> None:
    old = _before()
    new = _after(old)
    d = diff(old, new)
    assert [c.url for c in d.newly_dead] == [DIES]
    assert d.newly_dead[0].before == "ok" and d.newly_dead[0].detail == "HTTP 410"
    assert d.newly_suspect == ()
    assert [c.url for c in d.recovered] == [BACK]
    assert [(c.url, c.after) for c in d.redirects] == [(MOVES, "https://moves.example/new")]
    assert [(r.before, r.after) for r in d.renames] == [("carol/three", "carol-lab/three")]
    assert {(c.url, c.before, c.after) for c in d.status_changes} == {
        (DIES, "ok", "dead"),
        (BACK, "dead", "ok"),
        (MOVES, "ok", "redirected"),
    }
    assert [(e.title, e.line) for e in d.entries_added] == [("Brand New Paper", 40)]
    assert [e.title for e in d.entries_removed] == ["Dropped Paper"]
    assert [c.url for c in d.links_added] == [NEWLINK]
    assert [c.url for c in d.links_removed] == ["https://dropped.example/x"]
    assert [(m.repo, m.delta) for m in d.star_movers] == [("alice/one", 30), ("bob/two", -5)]
    assert (d.star_totals.before, d.star_totals.after, d.star_totals.delta) == (160, 185, 25)
    assert [(v.arxiv_id, v.before, v.after) for v in d.arxiv_versions] == [("2301.00001", 1, 2)]
    assert [a.repo for a in d.newly_archived] == ["bob/two"]
    assert [f.url for f in d.findings_added] == [DIES]
    assert [f.url for f in d.findings_resolved] == [BACK]
    assert not d.is_empty


def test_diff_of_a_snapshot_with_itself_is_empty() -> None:
    old = _before()
    d = diff(old, old)
    assert d.is_empty
    assert "No changes." in render_diff_markdown(d)


def test_entries_moving_lines_are_not_added_or_removed() -> None:
    a = make_list("l", [("A", [(P1, Role.PAPER)]), ("B", [(P2, Role.PAPER)])])
    b = make_list("l", [("New first", []), ("A", [(P1, Role.PAPER)]), ("B", [(P2, Role.PAPER)])])
    res = {P1: result(P1, Status.OK, night(0)), P2: result(P2, Status.OK, night(0))}
    old = snap([a], res, None, night(0))
    new = snap([b], res, old, night(1))
    d = diff(old, new)
    assert [e.title for e in d.entries_added] == ["New first"] and d.entries_removed == ()


def test_quarantined_failure_is_newly_suspect_then_newly_dead() -> None:
    lst = make_list("l", [("A", [(DIES, Role.PROJECT)])])
    f = [dead_link_finding(DIES, lst)]
    s0 = snap([lst], {DIES: result(DIES, Status.OK, night(0))}, None, night(0))
    s1 = snap([lst], {DIES: result(DIES, Status.TIMEOUT, night(1))}, s0, night(1), findings=f)
    s2 = snap([lst], {DIES: result(DIES, Status.TIMEOUT, night(2))}, s1, night(2), findings=f)
    d1, d2 = diff(s0, s1), diff(s1, s2)
    assert [c.url for c in d1.newly_suspect] == [DIES] and d1.newly_dead == ()
    assert exit_code_for(d1, s1.findings, "new") == 0  # a warning only
    assert [c.url for c in d2.newly_dead] == [DIES] and d2.newly_suspect == ()
    assert exit_code_for(d2, s2.findings, "new") == 1
    assert exit_code_for(d2, s2.findings, "none") == 0


def _finding(code: str, severity: Severity, url: str = "https://x.example/") -> Finding:
    return Finding(code, "rule", severity, "msg", "l", "l.md", 3, url=url)


def test_exit_code_for_each_fail_on() -> None:
    old = _before()
    new = _after(old)
    d = diff(old, new)
    assert exit_code_for(d, new.findings, "new") == 1  # DIES is a new error
    steady = diff(new, new)
    assert exit_code_for(steady, new.findings, "new") == 0  # same errors as last night
    assert exit_code_for(steady, new.findings, "any") == 1
    assert exit_code_for(steady, new.findings, "none") == 0
    assert exit_code_for(None, [_finding("LW201", Severity.ERROR)], "new") == 1  # first run
    assert exit_code_for(None, [_finding("LW201", Severity.WARNING)], "any") == 0
    with pytest.raises(ValueError, match="--fail-on"):
        exit_code_for(None, [], "sometimes")


def test_markdown_is_inert_for_untrusted_text() -> None:
    lst_old = make_list("l", [("Old", [(P1, Role.PAPER)])])
    lst_new = make_list("l", [("Old", [(P1, Role.PAPER)]), ("| x @team <b>", [(P2, Role.PAPER)])])
    old = snap([lst_old], {P1: result(P1, Status.OK, night(0))}, None, night(0))
    new = snap(
        [lst_new],
        {P1: result(P1, Status.OK, night(1)), P2: result(P2, Status.OK, night(1))},
        old,
        night(1),
    )
    text = render_diff_markdown(diff(old, new))
    line = next(x for x in text.splitlines() if "x" in x and "team" in x)
    assert "\\|" in line and "@&#8203;team" in line and "<b>" not in line and "&lt;b&gt;" in line


def test_diff_json_has_every_section() -> None:
    data = diff_to_json(diff(_before(), _after(_before())))
    assert data["newly_dead"][0]["url"] == DIES
    assert data["star_totals"]["delta"] == 25
    assert data["empty"] is False
    assert set(data) >= {
        "recovered", "redirects", "renames", "status_changes", "entries_added", "entries_removed",
        "links_added", "links_removed", "star_movers", "arxiv_versions", "newly_archived",
        "findings_added", "findings_resolved",
    }  # fmt: skip


def test_diff_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _before()
    write_snapshot(tmp_path / "old.json", old)
    write_snapshot(tmp_path / "new.json", _after(old))
    assert main(["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json")]) == 0
    out = capsys.readouterr().out
    assert "## Newly dead" in out and "dies.example" in out and "## Star movers" in out
    code = main(
        [
            "diff",
            str(tmp_path / "old.json"),
            str(tmp_path / "new.json"),
            "--format",
            "json",
            "--fail-on",
            "new",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1 and "new error finding" in captured.err
    assert json.loads(captured.out)["recovered"][0]["url"] == BACK
    assert main(["diff", str(tmp_path / "old.json"), str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
