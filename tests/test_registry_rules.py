"""The registry rules (LW305-LW308, LW408) and LW201's archived-copy suggestion, on lists
built in code with an Enrichment built by hand."""

from __future__ import annotations

from enrich_helpers import link, listing
from linkwarden.model import (
    ArchivedCopy,
    Enrichment,
    Finding,
    LinkResult,
    PaperCode,
    RegistryRecord,
    RepoRecord,
    Role,
    Status,
)
from linkwarden.rules import evaluate

MESHG = "https://dl.acm.org/doi/pdf/10.1145/3394171.3413865g"
TITLE = "Mesh Guided One-shot Face Reenactment Using Graph Convolutional Networks"


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def test_doi_nowhere_is_an_error_and_absent_is_silence() -> None:
    lists = [listing([link(MESHG, TITLE)], title=TITLE)]
    gone = Enrichment(dois={"10.1145/3394171.3413865g": None})
    found = [f for f in evaluate(lists, enrichment=gone) if f.code == "LW305"]
    assert len(found) == 1 and found[0].severity.value == "error"
    assert "10.1145/3394171.3413865g resolves nowhere" in found[0].message
    assert "LW305" not in codes(evaluate(lists, enrichment=Enrichment()))  # nobody answered


def test_doi_of_another_paper_and_of_the_right_one() -> None:
    url = "https://dl.acm.org/doi/abs/10.1145/3394171.3413844"
    claim = "Talking Face Generation with Expression-Tailored Generative Adversarial Network"
    lists = [listing([link(url, "Paper")], title=claim)]
    other = RegistryRecord("10.1145/3394171.3413844", "crossref", "Dual Learning for Audio")
    hits = evaluate(lists, enrichment=Enrichment(dois={other.key: other}))
    mismatch = [f for f in hits if f.code == "LW306"]
    assert len(mismatch) == 1 and '"Dual Learning for Audio"' in mismatch[0].message
    same = RegistryRecord(other.key, "crossref", claim.upper())
    assert "LW306" not in codes(evaluate(lists, enrichment=Enrichment(dois={other.key: same})))
    untitled = RegistryRecord(other.key, "handle", None)  # exists; the handle has no title
    found = evaluate(lists, enrichment=Enrichment(dois={other.key: untitled}))
    assert not {"LW305", "LW306"} & set(codes(found))


def test_openreview_rules() -> None:
    url = "https://openreview.net/forum?id=YfwMIDhPccD"
    lists = [listing([link(url, "paper")], title="GENEFACE: TOWARDS HIGH-FIDELITY AUDIO")]
    right = RegistryRecord("YfwMIDhPccD", "openreview", "GeneFace: Generalized and High-Fidelity")
    assert not {"LW307", "LW308"} & set(
        codes(evaluate(lists, enrichment=Enrichment(openreview={"YfwMIDhPccD": right})))
    )
    wrong = RegistryRecord("YfwMIDhPccD", "openreview", "Latent Image Animator")
    assert "LW308" in codes(
        evaluate(lists, enrichment=Enrichment(openreview={"YfwMIDhPccD": wrong}))
    )
    assert "LW307" in codes(
        evaluate(lists, enrichment=Enrichment(openreview={"YfwMIDhPccD": None}))
    )


def _repo(name: str, *, empty: bool = False) -> RepoRecord:
    return RepoRecord(name, name, f"https://github.com/{name}", stars=42, empty=empty)


def test_code_found_only_when_the_repository_is_alive_and_the_entry_has_no_code() -> None:
    paper = link("https://arxiv.org/abs/2206.08343", "paper")
    code = PaperCode("2206.08343", "https://github.com/o/r", "o/r")
    alive = Enrichment(paper_code={"2206.08343": code}, repos={"o/r": _repo("o/r")})
    found = [f for f in evaluate([listing([paper])], enrichment=alive) if f.code == "LW408"]
    assert len(found) == 1 and found[0].suggestion == "https://github.com/o/r"
    assert "42 stars" in found[0].message and found[0].severity.value == "info"
    # The entry already links code: nothing to add.
    with_code = listing([paper, link("https://github.com/x/y", "Code", Role.CODE)])
    assert "LW408" not in codes(evaluate([with_code], enrichment=alive))
    # A "Code" link to the paper is no code: still suggested.
    mislabelled = listing([paper, link("https://arxiv.org/abs/2206.08343", "Code", Role.CODE)])
    assert "LW408" in codes(evaluate([mislabelled], enrichment=alive))
    unusable: tuple[dict[str, RepoRecord | None], ...] = (
        {"o/r": None},  # deleted
        {"o/r": _repo("o/r", empty=True)},
        {},  # GitHub was not asked (or did not answer)
    )
    for repos in unusable:
        enrichment = Enrichment(paper_code={"2206.08343": code}, repos=repos)
        assert "LW408" not in codes(evaluate([listing([paper])], enrichment=enrichment))


def test_dead_link_suggests_its_archived_copy() -> None:
    url = "https://papers.example.org/gone"
    lists = [listing([link(url, "Project", Role.PROJECT)])]
    result = {url: LinkResult(url, Status.DEAD, url, http_status=404)}
    copy = ArchivedCopy(f"https://web.archive.org/web/20190612083001/{url}", "20190612083001")
    found = evaluate(lists, result, Enrichment(archives={url: copy}))
    dead = [f for f in found if f.code == "LW201"]
    assert dead[0].suggestion == copy.url
    assert f"the Wayback Machine has a copy from 2019-06-12: {copy.url}" in dead[0].message
    plain = [f for f in evaluate(lists, result, Enrichment()) if f.code == "LW201"]
    assert plain[0].suggestion is None
