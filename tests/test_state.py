"""The snapshot: building, quarantine, JSON form and schema, atomic writes, max-age, history."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from linkwarden.clock import parse_duration
from linkwarden.errors import StateError
from linkwarden.findings import sorted_findings
from linkwarden.model import Effective, Enrichment, Hop, Role, Severity, Status
from linkwarden.state.atomic import atomic_write_text
from linkwarden.state.codec import (
    dumps_snapshot,
    load_snapshot,
    snapshot_from_json,
    snapshot_to_json,
    write_snapshot,
)
from linkwarden.state.history import append_history
from linkwarden.state.policy import judged_findings, reusable_results
from linkwarden.urls import normalize
from statekit import dead_link_finding, make_list, night, paper, repo, result, snap

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs/schema/latest.schema.json").read_text(encoding="utf-8"))

PAPER = "https://arxiv.org/abs/2301.01081"
CODE = "https://github.com/Owner/Repo"
FLAKY = "https://flaky.example/page"
GONE = "https://gone.example/paper.pdf"


def _lists():
    return [
        make_list(
            "alpha",
            [
                ("Talking Heads <b>|@bob|</b>", [(PAPER, Role.PAPER), (CODE, Role.CODE)]),
                ("Second", [(FLAKY, Role.PROJECT), (GONE, Role.PAPER)]),
            ],
        ),
        make_list("beta", [("Same paper elsewhere", [(PAPER, Role.PAPER)])]),
    ]


def _rich_snapshot():
    lists = _lists()
    results = {
        PAPER: result(PAPER, Status.OK, night(0), via="arxiv-api"),
        CODE: result(
            CODE,
            Status.REDIRECTED,
            night(0),
            final_url="https://github.com/new-owner/Repo",
            http_status=301,
            chain=(Hop(CODE, 301, "https://github.com/new-owner/Repo"),),
        ),
        FLAKY: result(FLAKY, Status.TIMEOUT, night(0), error_kind="timeout"),
        GONE: result(GONE, Status.DEAD, night(0)),
    }
    enrichment = Enrichment(
        arxiv={"2301.01081": paper("2301.01081", 2)},
        repos={"owner/repo": repo("Owner/Repo", 120, full_name="new-owner/Repo")},
        notes=("note",),
    )
    findings = [dead_link_finding(GONE, lists[0]), dead_link_finding(FLAKY, lists[0])]
    return snap(lists, results, None, night(0), findings=findings, enrichment=enrichment)


def test_snapshot_records_every_url_once_with_locations_sorted() -> None:
    s = _rich_snapshot()
    assert [r.url for r in s.links] == sorted(r.url for r in s.links)
    by_url = s.link_map()
    assert [loc.list_name for loc in by_url[PAPER].locations] == ["alpha", "beta"]
    assert s.totals.urls == 4 and s.totals.links == 5 and s.totals.entries == 3
    assert s.totals.by_status["dead"] == 1 and s.totals.by_status["timeout"] == 1
    assert s.totals.by_status["blocked"] == 0  # every status is present
    assert by_url[CODE].enrichment is not None
    assert by_url[CODE].enrichment.repository is not None
    assert by_url[CODE].enrichment.repository.full_name == "new-owner/Repo"
    assert by_url[PAPER].enrichment is not None and by_url[PAPER].enrichment.arxiv is not None
    assert s.run.notes == ("note",)


def test_json_round_trip_and_schema() -> None:
    s = _rich_snapshot()
    data = snapshot_to_json(s)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert snapshot_from_json(json.loads(dumps_snapshot(s))) == s


def test_schema_rejects_a_bad_snapshot() -> None:
    data = snapshot_to_json(_rich_snapshot())
    data["links"][0]["status"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    del data["links"][0]["url"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_output_is_deterministic_whatever_the_input_order() -> None:
    lists = _lists()
    results = {u: result(u, Status.OK, night(0)) for u in (PAPER, CODE, FLAKY, GONE)}
    a = snap(lists, results, None, night(0))
    b = snap(list(reversed(lists)), dict(reversed(list(results.items()))), None, night(0))
    assert dumps_snapshot(a) == dumps_snapshot(b)
    text = dumps_snapshot(a)
    assert text.endswith("}\n")
    keys = list(json.loads(text))
    assert keys == sorted(keys)


def test_transient_failure_is_suspect_then_dead_on_the_second_run() -> None:
    lists = _lists()
    findings = [dead_link_finding(FLAKY, lists[0])]
    first = snap(
        lists, {FLAKY: result(FLAKY, Status.TIMEOUT, night(0))}, None, night(0), findings=findings
    )
    rec = first.link_map()[FLAKY]
    assert rec.result.status is Status.TIMEOUT  # the observation is never rewritten
    assert rec.effective is Effective.SUSPECT
    assert rec.consecutive_failures == 1 and rec.first_failed_at == "2025-03-01T02:00:00Z"
    (finding,) = first.findings
    assert finding.severity is Severity.WARNING and "in quarantine" in finding.message

    second = snap(
        lists,
        {FLAKY: result(FLAKY, Status.ERROR, night(1), http_status=503)},
        first,
        night(1),
        findings=findings,
    )
    rec = second.link_map()[FLAKY]
    assert rec.effective is Effective.DEAD
    assert rec.consecutive_failures == 2 and rec.first_failed_at == "2025-03-01T02:00:00Z"
    assert [o.status for o in rec.history] == [Status.TIMEOUT, Status.ERROR]
    assert second.findings[0].severity is Severity.ERROR
    assert second.findings[0].message == (
        "link is dead — confirmed dead: failed 2 consecutive runs since 2025-03-01T02:00:00Z"
    )


def test_a_confirmed_timeout_warning_becomes_an_error() -> None:
    lists = _lists()
    warning = dead_link_finding(FLAKY, lists[0], Severity.WARNING)
    info = dataclasses.replace(warning, code="LW208", severity=Severity.INFO)
    redirect = dataclasses.replace(warning, code="LW206", url=CODE)
    first = snap(lists, {FLAKY: result(FLAKY, Status.TIMEOUT, night(0))}, None, night(0),
                 findings=[warning, info, redirect])  # fmt: skip
    assert {f.code: f.severity for f in first.findings} == {
        "LW201": Severity.WARNING,
        "LW206": Severity.WARNING,
        "LW208": Severity.INFO,
    }
    second = snap(lists, {FLAKY: result(FLAKY, Status.TIMEOUT, night(1))}, first, night(1),
                  findings=[warning, info, redirect])  # fmt: skip
    by_code = {f.code: f for f in second.findings}
    assert by_code["LW201"].severity is Severity.ERROR  # timeout confirmed after 2 runs
    assert by_code["LW208"].severity is Severity.INFO  # configured down: left alone
    assert (
        by_code["LW206"].severity is Severity.WARNING and by_code["LW206"].message == "link is dead"
    )


def test_failing_once_then_recovering_never_appears_dead() -> None:
    lists = _lists()
    first = snap(
        lists, {FLAKY: result(FLAKY, Status.DEAD, night(0), error_kind="connect")}, None, night(0)
    )
    second = snap(lists, {FLAKY: result(FLAKY, Status.OK, night(1))}, first, night(1))
    third = snap(lists, {FLAKY: result(FLAKY, Status.TIMEOUT, night(2))}, second, night(2))
    verdicts = [s.link_map()[FLAKY].effective for s in (first, second, third)]
    assert verdicts == [Effective.SUSPECT, Effective.OK, Effective.SUSPECT]
    assert third.link_map()[FLAKY].consecutive_failures == 1  # the count restarted
    assert all(s.totals.by_effective["dead"] == 0 for s in (first, second, third))


def test_definitive_evidence_is_dead_at_once() -> None:
    lists = _lists()
    s = snap(
        lists,
        {
            GONE: result(GONE, Status.DEAD, night(0), http_status=410),
            CODE: result(
                CODE,
                Status.DEAD,
                night(0),
                http_status=None,
                via="github-api",
                reason="repository not found",
            ),
        },
        None,
        night(0),
        findings=[dead_link_finding(GONE, lists[0])],
    )
    assert s.link_map()[GONE].effective is Effective.DEAD
    assert s.link_map()[CODE].effective is Effective.DEAD
    assert s.findings[0].severity is Severity.ERROR


def test_judging_without_a_snapshot_agrees_with_the_snapshot() -> None:
    """PR mode judges findings without building a snapshot (`judged_findings`); over three
    nights of a flaky link, a 404 and a timeout, it gives the severities and messages
    `build_snapshot` stores."""
    lists = _lists()
    findings = [
        dead_link_finding(FLAKY, lists[0]),
        dead_link_finding(GONE, lists[0]),
        dead_link_finding(CODE, lists[0], Severity.WARNING),
    ]
    prev = None
    for n in range(3):
        results = {
            FLAKY: result(FLAKY, Status.DEAD, night(n), error_kind="refused"),
            GONE: result(GONE, Status.DEAD, night(n), http_status=404),
            CODE: result(CODE, Status.TIMEOUT, night(n)),
        }
        built = snap(lists, results, prev, night(n), findings=findings)
        keyed = {normalize(url): r for url, r in results.items()}
        judged = judged_findings(findings, keyed, prev, 2, night(n))
        assert sorted_findings(judged) == list(built.findings)
        prev = built
    assert [f.severity for f in sorted_findings(judged)] == [Severity.ERROR] * 3


def test_quarantine_runs_setting_is_honoured() -> None:
    lists = _lists()
    prev = None
    verdicts = []
    for n in range(3):
        prev = snap(
            lists,
            {FLAKY: result(FLAKY, Status.TIMEOUT, night(n))},
            prev,
            night(n),
            quarantine_runs=3,
        )
        verdicts.append(prev.link_map()[FLAKY].effective)
    assert verdicts == [Effective.SUSPECT, Effective.SUSPECT, Effective.DEAD]
    immediate = snap(
        lists, {FLAKY: result(FLAKY, Status.TIMEOUT, night(0))}, None, night(0), quarantine_runs=1
    )
    assert immediate.link_map()[FLAKY].effective is Effective.DEAD


def test_unchecked_url_keeps_the_previous_observation() -> None:
    lists = _lists()
    first = snap(lists, {GONE: result(GONE, Status.DEAD, night(0))}, None, night(0))
    second = snap(lists, {}, first, night(1))
    rec = second.link_map()[GONE]
    assert rec.result.status is Status.DEAD and rec.result.via == "http"
    assert rec.consecutive_failures == 1 and rec.result.checked_at == "2025-03-01T02:00:00Z"
    never = second.link_map()[CODE]
    assert never.result.status is Status.SKIPPED
    assert never.result.reason == "not checked in this run"


def test_reusable_results_only_healthy_and_young() -> None:
    lists = _lists()
    first = snap(
        lists,
        {
            PAPER: result(PAPER, Status.OK, night(0)),
            CODE: result(
                CODE,
                Status.REDIRECTED,
                night(0) - timedelta(hours=20),
                final_url="https://github.com/x/y",
            ),
            FLAKY: result(FLAKY, Status.TIMEOUT, night(0)),
            GONE: result(GONE, Status.DEAD, night(0)),
        },
        None,
        night(0),
    )
    reused = reusable_results(first, parse_duration("12h"), night(0) + timedelta(hours=6))
    assert set(reused) == {PAPER}  # CODE is 26h old, failures are always re-checked
    assert reused[PAPER].via == "snapshot"
    assert reused[PAPER].checked_at == "2025-03-01T02:00:00Z"
    assert reusable_results(first, timedelta(0), night(0)) == {}
    assert reusable_results(None, timedelta(days=1), night(0)) == {}
    second = snap(lists, reused, first, night(0) + timedelta(hours=6))
    assert second.link_map()[PAPER].result.checked_at == "2025-03-01T02:00:00Z"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600), ("1.5h", 5400)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "12", "h", "3 days", "-1h"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_load_snapshot_missing_corrupt_and_newer(tmp_path: Path) -> None:
    assert load_snapshot(tmp_path / "none.json") is None
    bad = tmp_path / "latest.json"
    bad.write_text('{"schema_version": 1,', encoding="utf-8")
    with pytest.raises(StateError) as info:
        load_snapshot(bad)
    assert str(bad) in info.value.describe() and "not valid JSON" in info.value.describe()
    bad.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(StateError, match="not a linkwarden snapshot"):
        load_snapshot(bad)
    data = snapshot_to_json(_rich_snapshot())
    data["schema_version"] = 99
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StateError, match="newer than this linkwarden"):
        load_snapshot(bad)


def test_write_snapshot_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "latest.json"
    s = _rich_snapshot()
    write_snapshot(target, s)
    assert load_snapshot(target) == s
    assert sorted(p.name for p in target.parent.iterdir()) == ["latest.json"]
    target.chmod(0o640)
    atomic_write_text(target, "x\r\ny\n")
    assert target.read_bytes() == b"x\r\ny\n"  # newlines kept byte for byte
    assert target.stat().st_mode & 0o777 == 0o640  # mode of the replaced file kept


_WRITER = """
import sys
from dataclasses import replace
from linkwarden.state.atomic import atomic_write_text
from linkwarden.state.codec import dumps_snapshot, load_snapshot
base = load_snapshot(sys.argv[1])
texts = [dumps_snapshot(replace(base, links=base.links * n)) for n in (400, 401)]
print("ready", flush=True)
n = 0
while True:
    n += 1
    atomic_write_text(sys.argv[2], texts[n % 2])
"""


def test_kill_while_writing_leaves_a_readable_snapshot(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    target = tmp_path / "latest.json"
    write_snapshot(seed, _rich_snapshot())
    write_snapshot(target, _rich_snapshot())
    size = len(dumps_snapshot(_rich_snapshot())) * 400
    assert size > 1_000_000  # large enough that a write takes a while
    # Kill at staggered moments; under load a kill can land between two writes, so keep
    # going (bounded) until at least one kill has provably landed mid-write.
    delays = (0.05, 0.13, 0.21, 0.34, 0.08, 0.17, 0.26, 0.4)
    for attempt, delay in enumerate(delays):
        if attempt >= 4 and any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            break
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(seed), str(target)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        loaded = load_snapshot(target)  # never half a file
        assert loaded is not None and loaded.totals.urls == 4
        assert len(loaded.links) in (4, 1600, 1604)
    # The kills did land mid-write: the killed writers' temporary files are still there
    # (a later run never reads them), and latest.json parsed every time.
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert 1 <= len(leftovers) <= len(delays)
    for leftover in leftovers:  # an hour later the next write sweeps them away
        os.utime(tmp_path / leftover, (time.time() - 7200, time.time() - 7200))
    write_snapshot(target, _rich_snapshot())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_history_appends_one_row_per_run(tmp_path: Path) -> None:
    lists = _lists()
    history = tmp_path / "history.csv"
    first = snap(
        lists,
        {GONE: result(GONE, Status.DEAD, night(0))},
        None,
        night(0),
        findings=[dead_link_finding(GONE, lists[0])],
    )
    second = snap(lists, {GONE: result(GONE, Status.OK, night(1))}, first, night(1))
    append_history(history, first)
    append_history(history, second)
    rows = list(csv.DictReader(io.StringIO(history.read_text(encoding="utf-8"))))
    assert [r["time"] for r in rows] == ["2025-03-01T02:00:00Z", "2025-03-02T02:00:00Z"]
    assert rows[0]["links_dead"] == "1" and rows[0]["findings_error"] == "1"
    assert rows[1]["links_dead"] == "0" and rows[1]["links_ok"] == "1"
    assert rows[1]["effective_dead"] == "0" and rows[0]["effective_dead"] == "1"
