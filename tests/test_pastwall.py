"""The registry look-ups (enrich.pastwall) over the real network stack against the fakes on
the simulated web: the five real lists, a scripted set of dead links."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import anyio
import httpx
import yaml

from enrich_helpers import network, real_lists
from linkwarden.check import build_transport
from linkwarden.config import parse_settings
from linkwarden.enrich.pastwall import PastWallOutcome, Remembered, look_past_walls
from linkwarden.enrich.wanted import papers_without_code
from linkwarden.model import Enrichment, RepoRecord
from linkwarden.urls import normalize
from registry_helpers import FAST_REGISTRIES, mount_registries
from simweb import SimWeb
from simweb.fake_hf import SEED

SETTINGS = parse_settings(yaml.safe_load(FAST_REGISTRIES), "test")
DEAD = [
    "https://papers.example.org/gone-1",
    "https://papers.example.org/gone-2",
    "https://papers.example.org/gone-3",
    "https://papers.example.org/gone-4",
]


def run(sim: SimWeb, settings: Any = SETTINGS, **kw: Any) -> PastWallOutcome:
    lists = real_lists()
    # The dead links stand in a list of their own (entry-less links).
    from enrich_helpers import link, listing

    lists.append(listing([link(u, "Project") for u in DEAD]))

    async def verify(repos: Any) -> dict[str, RepoRecord | None]:
        return {r: RepoRecord(r, r, f"https://github.com/{r}", stars=5, empty=False) for r in repos}

    async def main() -> PastWallOutcome:
        transport = build_transport(network(sim))
        async with httpx.AsyncClient(transport=transport, timeout=10, trust_env=False) as client:
            return await look_past_walls(
                lists, Enrichment(), settings, client=client,
                dead={normalize(u): None for u in DEAD}, verify_repos=verify, **kw,
            )  # fmt: skip

    return anyio.run(main)


def test_registries_answer_through_the_network(simweb: SimWeb) -> None:
    fakes = mount_registries(simweb)
    for url in DEAD[:2]:
        fakes.wayback.capture(url, "20190612083001", "20230115120000")
    fakes.wayback.capture(DEAD[2], "20200101000000", stale=True)  # indexed, does not load
    outcome = run(simweb)
    e = outcome.enrichment
    assert e.dois["10.1145/3394171.3413865g"] is None  # the typo resolves nowhere
    assert e.dois["10.1145/3474085.3475318"] is not None
    assert e.openreview["YfwMIDhPccD"] is not None and e.openreview["7r6kDq0mK_"] is not None
    copies = {k: v for k, v in e.archives.items() if v}
    assert set(copies) == {normalize(u) for u in DEAD[:2]}
    assert copies[normalize(DEAD[0])].url.startswith("https://web.archive.org/web/")
    assert len(fakes.crossref.requests) == 1
    assert all("mailto:lists@example.org" in r.user_agent for r in fakes.crossref.requests)
    # Paper pages: exactly the entries without code, once each.
    without = papers_without_code(real_lists())
    assert sorted(fakes.hf.ids_asked()) == without
    seeded = json.loads(SEED.read_text())["huggingface"]
    named = {i for i in without if (seeded.get(i) or {}).get("githubRepo")}
    assert {i for i, c in e.paper_code.items() if c} == named
    assert outcome.requests["wayback"] == 4 + 3  # availability for each, the 3 snapshots
    assert e.notes == ()


def test_a_second_run_within_the_period_asks_nothing_again(simweb: SimWeb) -> None:
    fakes = mount_registries(simweb)
    fakes.wayback.capture(DEAD[0], "20190612083001")
    first = run(simweb)
    now = datetime.now(timezone.utc)
    remembered = Remembered(
        archives=first.enrichment.archives,
        paper_code={
            i: (c, first.enrichment.paper_code_asked_at[i])
            for i, c in first.enrichment.paper_code.items()
        },
    )
    before = fakes.requests()
    second = run(simweb, remembered=remembered, now=now + timedelta(days=6))
    after = fakes.requests()
    for source in ("wayback", "web.archive.org", "huggingface"):
        assert after[source] == before[source], source
    assert second.enrichment.archives == first.enrichment.archives
    assert second.enrichment.paper_code == first.enrichment.paper_code
    # Past the re-ask period the paper pages are asked again.
    run(simweb, remembered=remembered, now=now + timedelta(days=8))
    assert fakes.requests()["huggingface"] == 2 * before["huggingface"]


def test_a_registry_that_is_down_is_a_note_not_a_dead_link(simweb: SimWeb) -> None:
    fakes = mount_registries(simweb, archived=DEAD)
    fakes.crossref.fail_with = 503
    simweb.refuse("doi.org")
    fakes.hf.fail_with = 500
    outcome = run(simweb)
    e = outcome.enrichment
    assert e.dois == {}  # unknown, never "resolves nowhere"
    assert any("Crossref did not answer" in n for n in e.notes)
    assert any("doi.org did not answer" in n for n in e.notes)
    assert any("Hugging Face did not answer" in n for n in e.notes)
    assert len(fakes.hf.requests) <= 6  # marked down after a few failures, not 60 asks


def test_each_source_can_be_turned_off(simweb: SimWeb) -> None:
    fakes = mount_registries(simweb, archived=DEAD)
    off = parse_settings(
        {k: {"enabled": False} for k in ("crossref", "openreview", "wayback", "huggingface")},
        "test",
    )
    outcome = run(simweb, settings=off)
    assert sum(fakes.requests().values()) == 0
    e = outcome.enrichment
    assert (e.dois, e.openreview, e.archives, e.paper_code) == ({}, {}, {}, {})
