"""The LW3xx/LW4xx metadata rules on constructed lists and Enrichments (no network)."""

from __future__ import annotations

from enrich_helpers import link, listing
from linkwarden.enrich.collect import canonical_id
from linkwarden.model import ArxivRecord, Enrichment, ExtractedList, Finding, RepoRecord, Role
from linkwarden.rules import evaluate
from linkwarden.titles import is_short_name, strip_venue, titles_match

STYLETALK = ArxivRecord(
    "2301.01081",
    2,
    "StyleTalk: One-shot Talking Head Generation with Controllable Speaking Styles",
    updated="2023-03-02T00:00:00+00:00",
)
DPE = ArxivRecord(
    "2301.06281",
    1,
    "DPE: Disentanglement of Pose and Expression for General Video Portrait Editing",
)
MONKEY = ArxivRecord(
    "1812.08861",
    1,
    "Animating Arbitrary Objects via Deep Motion Transfer",
    summary="We introduce Monkey-Net, a novel deep learning framework.",
)


def repo(requested: str, full_name: str | None = None, **flags: object) -> RepoRecord:
    name = full_name or requested
    return RepoRecord(requested, name, f"https://github.com/{name}", **flags)  # type: ignore[arg-type]


def codes(
    lists: list[ExtractedList], enrichment: Enrichment, severity: dict[str, str] | None = None
) -> list[Finding]:
    return [
        f
        for f in evaluate(lists, {}, enrichment, severity)
        if f.code[2] in "34" or f.code == "LW114"
    ]


def only(findings: list[Finding], code: str) -> Finding:
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, findings
    return hits[0]


# --- arXiv ----------------------------------------------------------------------------


def test_lw301_unknown_id_and_missing_version() -> None:
    lists = [
        listing(
            [
                link("https://arxiv.org/abs/2301.99999"),
                link("https://arxiv.org/abs/2301.01081v5", line=3),
            ]
        )
    ]
    found = codes(lists, Enrichment(arxiv={"2301.99999": None, "2301.01081": STYLETALK}))
    unknown = [f for f in found if f.code == "LW301"]
    assert len(unknown) == 2
    assert "no paper 2301.99999" in unknown[0].message
    assert unknown[1].suggestion == "https://arxiv.org/abs/2301.01081"


def test_lw302_shows_both_titles_for_a_wrong_id() -> None:
    lists = [
        listing(
            [link("https://arxiv.org/abs/2301.01081", "paper")],
            title="Memory-augmented Contrastive Learning for Talking Head Generation",
        )
    ]
    hit = only(codes(lists, Enrichment(arxiv={"2301.01081": STYLETALK})), "LW302")
    assert "StyleTalk: One-shot Talking Head Generation" in hit.message
    assert "Memory-augmented Contrastive Learning" in hit.message


def test_lw302_short_link_text_must_appear_in_the_title_or_abstract() -> None:
    person = "Xiaodong Cun @ Tencent AI Lab"
    lists = [
        listing(
            [
                link("https://arxiv.org/abs/2301.06281", "DPE CVPR'23"),
                link("https://arxiv.org/abs/2301.06281", "CodeTalker CVPR'23", line=3),
                link("https://arxiv.org/abs/1812.08861", "Monkey-Net CVPR'19", line=4),
            ],
            title=person,
        )
    ]
    found = codes(lists, Enrichment(arxiv={"2301.06281": DPE, "1812.08861": MONKEY}))
    hit = only(found, "LW302")
    assert hit.line == 3 and "CodeTalker" in hit.message and "DPE: Disentanglement" in hit.message


def test_lw302_accepts_loose_but_right_titles() -> None:
    variants = [
        "STYLETALK: ONE-SHOT TALKING HEAD GENERATION WITH CONTROLLABLE SPEAKING STYLES",
        "StyleTalk: One-shot Talking Head Generation with Controllable Speaking Style",
        "[AAAI] StyleTalk: One-shot Talking Head Generation with Controllable Speaking Styles",
        "StyleTalk: A Retitled Subtitle",  # Name: subtitle, the name is in the real title
    ]
    for title in variants:
        lists = [listing([link("https://arxiv.org/abs/2301.01081", "paper")], title=title)]
        assert not codes(lists, Enrichment(arxiv={"2301.01081": STYLETALK})), title


def test_lw302_title_in_another_column_of_the_row_is_enough() -> None:
    row = "LRA (lip-reading accuracy) | " + STYLETALK.title + " | paper"
    lists = [
        listing(
            [link("https://arxiv.org/abs/2301.01081")], title="LRA (lip-reading accuracy)", text=row
        )
    ]
    assert not codes(lists, Enrichment(arxiv={"2301.01081": STYLETALK}))


def test_lw303_pinned_older_version() -> None:
    lists = [
        listing([link("https://arxiv.org/pdf/2301.01081v1.pdf", "paper")], title=STYLETALK.title)
    ]
    hit = only(codes(lists, Enrichment(arxiv={"2301.01081": STYLETALK})), "LW303")
    assert "v2 is out" in hit.message
    assert hit.suggestion == "https://arxiv.org/pdf/2301.01081.pdf"
    latest = [listing([link("https://arxiv.org/abs/2301.01081v2")], title=STYLETALK.title)]
    assert not codes(latest, Enrichment(arxiv={"2301.01081": STYLETALK}))


def test_lw304_withdrawn() -> None:
    withdrawn = ArxivRecord(
        "2301.01081", 2, STYLETALK.title, comment="This paper has been withdrawn by the author"
    )
    lists = [listing([link("https://arxiv.org/abs/2301.01081")], title=STYLETALK.title)]
    assert (
        "withdrawn"
        in only(codes(lists, Enrichment(arxiv={"2301.01081": withdrawn})), "LW304").message
    )


def test_arxiv_rules_are_silent_when_nobody_asked() -> None:
    lists = [
        listing([link("https://arxiv.org/abs/2301.01081")], title="Something Else Entirely Here")
    ]
    assert not codes(lists, Enrichment())


# --- GitHub ---------------------------------------------------------------------------


def test_lw401_to_lw404_repository_states() -> None:
    lists = [
        listing(
            [
                link("https://github.com/a/deleted", "Code", Role.CODE, line=2),
                link("https://github.com/a/archived", "Code", Role.CODE, line=3),
                link("https://github.com/a/disabled", "Code", Role.CODE, line=4),
                link("https://github.com/a/empty", "Code", Role.CODE, line=5),
            ]
        )
    ]
    enrichment = Enrichment(
        repos={
            "a/deleted": None,
            "a/archived": repo("a/archived", archived=True, pushed_at="2021-01-01T00:00:00Z"),
            "a/disabled": repo("a/disabled", disabled=True),
            "a/empty": repo("a/empty", empty=True),
        }
    )
    found = codes(lists, enrichment)
    assert [(f.code, f.line) for f in found] == [
        ("LW401", 2),
        ("LW402", 3),
        ("LW403", 4),
        ("LW404", 5),
    ]
    assert "code was not released" in found[3].message


def test_lw405_renamed_with_new_url_keeping_the_path() -> None:
    lists = [
        listing([link("https://github.com/Winfredy/SadTalker/tree/main/src", "Code", Role.CODE)])
    ]
    enrichment = Enrichment(
        repos={"winfredy/sadtalker": repo("Winfredy/SadTalker", "OpenTalker/SadTalker")}
    )
    hit = only(codes(lists, enrichment), "LW405")
    assert hit.suggestion == "https://github.com/OpenTalker/SadTalker/tree/main/src"


def test_lw406_badge_differs_only_after_renames_are_resolved() -> None:
    links = [
        link("https://github.com/Winfredy/SadTalker", "Code", Role.CODE),
        link(
            "https://img.shields.io/github/stars/OpenTalker/SadTalker.svg",
            "stars",
            Role.BADGE,
            badge="OpenTalker/SadTalker",
            line=3,
        ),
    ]
    renamed = Enrichment(
        repos={
            "winfredy/sadtalker": repo("Winfredy/SadTalker", "OpenTalker/SadTalker"),
            "opentalker/sadtalker": repo("OpenTalker/SadTalker"),
        }
    )
    found = codes([listing(links)], renamed)
    assert {f.code for f in found} == {"LW405"}  # renamed, but the badge is the same repo
    # Offline (no enrichment) the badge looks like another repository: LW114 says so.
    assert {f.code for f in codes([listing(links)], None)} == {"LW114"}  # type: ignore[arg-type]
    different = Enrichment(
        repos={
            "winfredy/sadtalker": repo("Winfredy/SadTalker"),
            "opentalker/sadtalker": repo("OpenTalker/SadTalker"),
        }
    )
    hit = only(codes([listing(links)], different), "LW406")
    assert hit.line == 3 and "OpenTalker/SadTalker" in hit.message


def test_lw407_note_says_unavailable_but_repository_has_code() -> None:
    code = link("https://github.com/aioz-ai/AudioDrivenStyleTransfer", "code", Role.CODE)
    text = "Style Transfer for 2D Talking Head Animation\ncode (not available for now)"
    lists = [listing([code], title="Style Transfer for 2D Talking Head Animation", text=text)]
    live = repo("aioz-ai/AudioDrivenStyleTransfer", empty=False, pushed_at="2023-08-12T08:00:00Z")
    hit = only(codes(lists, Enrichment(repos={"aioz-ai/audiodrivenstyletransfer": live})), "LW407")
    assert "not available" in hit.message and "2023-08-12" in hit.message
    empty = repo("aioz-ai/AudioDrivenStyleTransfer", empty=True)
    found = codes(lists, Enrichment(repos={"aioz-ai/audiodrivenstyletransfer": empty}))
    assert "LW407" not in {f.code for f in found}  # still empty: the note is right


def test_code_link_to_a_hugging_face_space_is_information() -> None:
    lists = [
        listing([link("https://huggingface.co/spaces/CVPR/ml-talking-face", "code", Role.CODE)])
    ]
    hits = [f for f in evaluate(lists, {}, Enrichment()) if f.code == "LW112"]
    assert len(hits) == 1 and hits[0].severity.value == "info"


def test_severity_is_configurable_per_rule() -> None:
    lists = [listing([link("https://github.com/a/archived", "Code", Role.CODE)])]
    enrichment = Enrichment(repos={"a/archived": repo("a/archived", archived=True)})
    assert (
        only(codes(lists, enrichment, {"repo-archived": "error"}), "LW402").severity.value
        == "error"
    )
    assert not codes(lists, enrichment, {"LW402": "off"})


# --- helpers --------------------------------------------------------------------------


def test_canonical_ids() -> None:
    assert canonical_id("2301.01081") == "2301.01081"
    assert canonical_id("1412.6980") == "1412.6980"
    assert canonical_id("1412.69801") is None  # five digits only from 2015
    assert canonical_id("2301.0108") is None
    assert canonical_id("math.AG/0601001") == "math/0601001"
    assert canonical_id("hep-th/9901001") == "hep-th/9901001"


def test_title_helpers() -> None:
    assert strip_venue("CodeTalker CVPR'23") == "CodeTalker"
    assert strip_venue("VideoReTalking SIGGRAPH Asia'22") == "VideoReTalking"
    assert is_short_name("AD-NeRF ICCV'21") and not is_short_name(STYLETALK.title)
    assert titles_match("AD-NeRF", "AD-NeRF: Audio Driven Neural Radiance Fields")
    assert not titles_match(
        "Memory-augmented Contrastive Learning for Talking Head Generation", STYLETALK.title
    )
