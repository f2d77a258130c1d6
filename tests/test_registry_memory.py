"""Which links the Wayback Machine is asked about, and what the snapshot remembers of the
registries between runs (commands/pastwall.py over snapshots built by the state stage)."""

from __future__ import annotations

from datetime import timedelta

from linkwarden.commands.pastwall import judged_dead, remembered_from
from linkwarden.enrich.pastwall import fresh_code
from linkwarden.model import ArchivedCopy, Enrichment, PaperCode, Role, Status
from linkwarden.state.codec import dumps_snapshot, loads_snapshot
from linkwarden.urls import normalize
from statekit import make_list, night, result, snap

GONE = "https://papers.example.org/gone"
FLAKY = "https://papers.example.org/flaky"
PAPER = "https://arxiv.org/abs/2206.08343"
LISTING = make_list("l", [("Gone", [(GONE, Role.PROJECT)]), ("Flaky", [(FLAKY, Role.PROJECT)]),
                          ("Paper", [(PAPER, Role.PAPER)])])  # fmt: skip


def test_only_links_confirmed_dead_are_asked_with_when_they_were_last_healthy() -> None:
    healthy = {GONE: result(GONE, Status.OK, night(0)), FLAKY: result(FLAKY, Status.OK, night(0))}
    first = snap([LISTING], healthy, None, night(0))
    failing = {
        GONE: result(GONE, Status.DEAD, night(1)),  # 404: dead at once
        FLAKY: result(FLAKY, Status.DEAD, night(1), http_status=503),  # transient: suspect
    }
    keyed = {normalize(k): v for k, v in failing.items()}
    dead = judged_dead(keyed, first, quarantine_runs=2)
    assert dead == {normalize(GONE): "2025-03-01T02:00:00Z"}
    # The next night the 503 has failed twice: confirmed dead, asked now.
    second = snap([LISTING], failing, first, night(1))
    again = {normalize(FLAKY): result(FLAKY, Status.DEAD, night(2), http_status=503)}
    assert normalize(FLAKY) in judged_dead(again, second, quarantine_runs=2)


def test_the_snapshot_remembers_archives_while_dead_and_paper_pages_with_their_time() -> None:
    copy = ArchivedCopy(f"https://web.archive.org/web/20190612083001/{GONE}", "20190612083001")
    code = PaperCode("2206.08343", "https://github.com/o/r", "o/r")
    asked = "2025-03-02T02:00:00Z"
    enrichment = Enrichment(
        archives={normalize(GONE): copy},
        paper_code={"2206.08343": code},
        paper_code_asked_at={"2206.08343": asked},
    )
    results = {
        GONE: result(GONE, Status.DEAD, night(1)),
        FLAKY: result(FLAKY, Status.OK, night(1)),
        PAPER: result(PAPER, Status.OK, night(1), via="arxiv-api"),
    }
    snapshot = loads_snapshot(dumps_snapshot(snap([LISTING], results, None, night(1),
                                                  enrichment=enrichment)))  # fmt: skip
    remembered = remembered_from(snapshot)
    assert remembered.archives == {normalize(GONE): copy}
    assert remembered.paper_code == {"2206.08343": (code, asked)}
    # Within the re-ask period the answer is kept; after it, it is asked again.
    assert fresh_code(remembered.paper_code, night(1) + timedelta(days=6), 7.0)
    assert not fresh_code(remembered.paper_code, night(1) + timedelta(days=8), 7.0)
    # A link that recovers forgets its archived copy.
    recovered = {**results, GONE: result(GONE, Status.OK, night(2))}
    later = snap([LISTING], recovered, snapshot, night(2), enrichment=enrichment)
    assert remembered_from(later).archives == {}
