"""What a full run leaves for people and CI besides the reports: badge.json, the job summary.

badge.json must be a valid shields.io endpoint document (docs/schema/
shields-endpoint.schema.json, written from shields.io's field table); the job summary must
name what is newly dead, newly failing, recovered and renamed, escaped like every report.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from linkwarden.diff import diff
from linkwarden.model import Enrichment, Role, Status
from linkwarden.report.badge import badge_json, colour_for, health_percent, render_badge
from linkwarden.report.run_summary import ROWS, render_run_summary
from linkwarden.state.snapshot import Snapshot
from statekit import dead_link_finding, make_list, night, repo, result, snap

ROOT = Path(__file__).resolve().parents[1]
SHIELDS = json.loads(
    (ROOT / "docs/schema/shields-endpoint.schema.json").read_text(encoding="utf-8")
)


def validate(document: object) -> None:
    jsonschema.validate(document, SHIELDS, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(
    ("by_effective", "message", "color"),
    [
        ({"ok": 97, "redirected": 0, "dead": 3}, "97% healthy", "green"),
        ({"ok": 199, "dead": 1}, "99% healthy", "green"),  # rounded down: 100% means 0 dead
        ({"ok": 10, "redirected": 5}, "100% healthy", "brightgreen"),
        ({"ok": 9, "dead": 1, "suspect": 40, "blocked": 50}, "90% healthy", "yellowgreen"),
        ({"ok": 1, "dead": 1}, "50% healthy", "red"),
        ({"blocked": 4, "suspect": 2}, "no links checked", "lightgrey"),
        ({}, "no links checked", "lightgrey"),
    ],
)
def test_badge_message_and_colour(by_effective: dict[str, int], message: str, color: str) -> None:
    badge = render_badge(by_effective)
    assert badge == {"schemaVersion": 1, "label": "links", "message": message, "color": color}
    validate(badge)
    assert json.loads(badge_json(by_effective)) == badge


def test_colour_thresholds_are_monotonic() -> None:
    order = ["red", "orange", "yellow", "yellowgreen", "green", "brightgreen"]
    seen = [colour_for(p) for p in range(101)]
    assert [order.index(c) for c in seen] == sorted(order.index(c) for c in seen)
    assert health_percent({"ok": 2, "dead": 1}) == 66


def test_the_schema_rejects_what_shields_rejects() -> None:
    """The schema is worth something only if it fails the documents shields would refuse."""
    good = render_badge({"ok": 1})
    for bad in (
        {**good, "schemaVersion": 2},
        {**good, "message": ""},
        {k: v for k, v in good.items() if k != "label"},
        {**good, "cacheSeconds": 10},
        {**good, "colour": "red"},  # a misspelt key shields would ignore silently
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)


STAYS = "https://a.example/stays"
DIES = "https://a.example/dies"
FLAKY = "https://a.example/flaky"
BACK = "https://a.example/back"
RENAMED = "https://github.com/carol/three"


def two_nights() -> tuple[Snapshot, Snapshot]:
    lst = make_list(
        "awesome",
        [("One", [(STAYS, Role.PAPER), (RENAMED, Role.CODE)]), ("Two", [(DIES, Role.PAPER)]),
         ("Three", [(FLAKY, Role.PAPER)]), ("Four", [(BACK, Role.PAPER)])],
    )  # fmt: skip
    first = {
        STAYS: result(STAYS, Status.OK, night(0)),
        RENAMED: result(RENAMED, Status.OK, night(0)),
        DIES: result(DIES, Status.OK, night(0)),
        FLAKY: result(FLAKY, Status.OK, night(0)),
        BACK: result(BACK, Status.DEAD, night(0)),
    }
    old_repos = Enrichment(repos={"carol/three": repo("carol/three", 5)})
    old = snap([lst], first, None, night(0), findings=[dead_link_finding(BACK, lst)],
               enrichment=old_repos)  # fmt: skip
    second = {
        **first,
        DIES: result(DIES, Status.DEAD, night(1)),
        FLAKY: result(FLAKY, Status.TIMEOUT, night(1)),
        BACK: result(BACK, Status.OK, night(1)),
    }
    new_repos = Enrichment(
        repos={"carol/three": repo("carol/three", 5, full_name="carol-lab/three")}
    )
    new = snap([lst], second, old, night(1), findings=[dead_link_finding(DIES, lst)],
               enrichment=new_repos)  # fmt: skip
    return old, new


def test_job_summary_names_what_changed() -> None:
    old, new = two_nights()
    changes = diff(old, new)
    text = render_run_summary(new, changes, report_url="https://github.com/o/r/actions/runs/1")
    assert text.startswith("### linkwarden: 5 links in 1 list, 75% healthy")  # 3 healthy, 1 dead
    assert "| dead (confirmed) | 1 |" in text
    assert "| failing, in quarantine (not dead yet) | 1 |" in text
    assert "| new errors since the previous run | 1 |" in text
    dead = text.split("**Newly dead (1)**", 1)[1].split("**", 1)[0]
    assert "a.example/dies" in dead and "sources/awesome.md:20" in dead
    assert "**Newly failing, in quarantine (1)**" in text and "a.example/flaky" in text
    assert "**Recovered (1)**" in text and "a.example/back" in text
    assert "carol/three → [carol-lab/three](https://github.com/carol-lab/three)" in text
    assert "(https://github.com/o/r/actions/runs/1)" in text
    assert "First run" not in text


def test_job_summary_of_a_first_run_says_so_and_long_lists_are_cut() -> None:
    _, new = two_nights()
    text = render_run_summary(new, None)
    assert "First run" in text and "Newly dead" not in text
    urls = [f"https://x.example/{i}" for i in range(ROWS + 5)]
    lst = make_list("big", [(f"P{i}", [(u, Role.PAPER)]) for i, u in enumerate(urls)])
    ok = snap([lst], {u: result(u, Status.OK, night(0)) for u in urls}, None, night(0))
    dead = snap([lst], {u: result(u, Status.DEAD, night(1)) for u in urls}, ok, night(1))
    text = render_run_summary(dead, diff(ok, dead))
    assert f"**Newly dead ({ROWS + 5})**" in text and "… and 5 more (see DIFF.md)" in text
