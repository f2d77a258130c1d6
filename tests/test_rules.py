"""Each rule on hand-built lists: it fires where it should, stays quiet where it should not."""

from __future__ import annotations

import pytest

from linkwarden.errors import ConfigError
from linkwarden.model import (
    Diagnostic,
    Enrichment,
    ExtractedList,
    Finding,
    LinkResult,
    RepoRecord,
    Role,
    Severity,
    Status,
    Upstream,
)
from linkwarden.rules import (
    RULES,
    Hit,
    LinkContext,
    Rule,
    effective_severities,
    evaluate,
    finding_as_dict,
    rule_by_key,
)
from linkwarden.urls import normalize
from rules_fixtures import ListBuilder

GOOGLE = (
    "https://www.google.com/url?sa=t&url=https%3A%2F%2Farxiv.org%2Fabs%2F1812.08861&usg=x"
)


def codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def only(findings: list[Finding], code: str) -> Finding:
    hits = codes(findings, code)
    assert len(hits) == 1, hits
    return hits[0]


# --- the table --------------------------------------------------------------------------


def test_rule_codes_and_names_are_unique_and_well_formed() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.code[:2] == "LW" and rule.code[2:].isdigit() and len(rule.code) == 5
        assert rule.name == rule.name.lower() and " " not in rule.name
        assert rule.summary and "\n" not in rule.summary


def test_rules_live_in_their_ranges() -> None:
    from linkwarden.rules.health import HEALTH_RULES
    from linkwarden.rules.offline import OFFLINE_RULES

    assert all(r.code[2] in "15" for r in OFFLINE_RULES)
    assert all(r.code[2] == "2" for r in HEALTH_RULES)
    assert {r.code for r in OFFLINE_RULES} | {r.code for r in HEALTH_RULES} <= {
        r.code for r in RULES
    }


def test_a_rule_needs_exactly_one_check() -> None:
    with pytest.raises(ValueError):
        Rule("LW999", "nothing", Severity.INFO, "no check")


def test_rule_by_key_accepts_code_any_case_and_name() -> None:
    rule = rule_by_key("lw101")
    assert rule is not None and rule.name == "empty-link"
    assert rule_by_key("empty-link") is rule
    assert rule_by_key("LW999") is None


# --- LW1xx link rules -------------------------------------------------------------------


def test_empty_link_is_an_error() -> None:
    lst = ListBuilder().entry("MakeItTalk", 121).link("", text="MakeItTalk", line=121).build()
    finding = only(evaluate([lst]), "LW101")
    assert finding.severity is Severity.ERROR
    assert finding.line == 121 and '"MakeItTalk"' in finding.message


def test_empty_flag_counts_even_with_a_url_placeholder() -> None:
    lst = ListBuilder().entry("X", 3).link("", flags=frozenset({"empty"})).build()
    assert codes(evaluate([lst]), "LW101")
    ok = ListBuilder().entry("X", 3).link("https://arxiv.org/abs/2001.00001").build()
    assert not codes(evaluate([ok]), "LW101")


@pytest.mark.parametrize(
    ("flag", "code", "severity"),
    [
        ("malformed", "LW109", Severity.ERROR),
        ("nested", "LW102", Severity.ERROR),
        ("herf", "LW103", Severity.ERROR),
        ("unbalanced", "LW104", Severity.WARNING),
        ("multiline", "LW105", Severity.INFO),
    ],
)
def test_malformed_link_flags(flag: str, code: str, severity: Severity) -> None:
    lst = (
        ListBuilder()
        .entry("Paper", 10)
        .link("https://example.org/a", line=11, flags=frozenset({flag}))
        .link("https://example.org/b", line=12)
        .build()
    )
    finding = only(evaluate([lst]), code)
    assert finding.line == 11 and finding.severity is severity


def test_nested_link_is_reported_once_per_construct() -> None:
    nested = frozenset({"nested"})
    lst = ListBuilder().entry("Talking Face Generation", 217)
    lst.link("https://papers.nips.cc/paper/8768.pdf", text="paper", flags=nested)
    lst.link("https://arxiv.org/pdf/1804.04786.pdf", text="paper", flags=nested)
    lst.link("https://github.com/susanqq/Talking_Face_Generation", Role.CODE, text="code")
    finding = only(evaluate([lst.build()]), "LW102")
    assert "papers.nips.cc" in finding.message and "1804.04786" in finding.message
    assert finding.suggestion is None  # which of the two is right is not ours to guess


def test_redirect_wrapper_suggests_the_target() -> None:
    lst = (
        ListBuilder()
        .entry("Monkey-Net", 40)
        .link("https://arxiv.org/abs/1812.08861", wrapper=GOOGLE, raw=GOOGLE)
        .build()
    )
    finding = only(evaluate([lst]), "LW106")
    assert finding.suggestion == "https://arxiv.org/abs/1812.08861"
    assert "www.google.com" in finding.message
    plain = ListBuilder().entry("A", 1).link("https://a.org/").build()
    assert not codes(evaluate([plain]), "LW106")


def test_plain_http_offline_suggests_https_and_steps_aside_once_checked() -> None:
    url = "http://cvit.iiit.ac.in/research/projects/avfr"
    lst = ListBuilder().entry("AVFR", 91).link(url, Role.PROJECT).build()
    finding = only(evaluate([lst]), "LW107")
    assert finding.severity is Severity.INFO
    assert finding.suggestion == "https://cvit.iiit.ac.in/research/projects/avfr"
    checked = {normalize(url): LinkResult(normalize(url), Status.OK, normalize(url))}
    assert not codes(evaluate([lst], checked), "LW107")


@pytest.mark.parametrize(
    ("url", "suggestion"),
    [
        ("https://arxiv.org/pdf/2007.08547v1.pdf", "https://arxiv.org/pdf/2007.08547.pdf"),
        ("https://arxiv.org/abs/2304.00334v1", "https://arxiv.org/abs/2304.00334"),
        ("http://arxiv.org/abs/2401.08503v2", "https://arxiv.org/abs/2401.08503"),
    ],
)
def test_pinned_arxiv_version(url: str, suggestion: str) -> None:
    lst = ListBuilder().entry("P", 5).link(url).build()
    finding = only(evaluate([lst]), "LW108")
    assert finding.suggestion == suggestion
    assert "v" in finding.message


def test_unpinned_arxiv_is_fine() -> None:
    lst = ListBuilder().entry("P", 5).link("https://arxiv.org/abs/2304.00334").build()
    assert not codes(evaluate([lst]), "LW108")


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2008.07783",
        "https://doi.org/10.1145/3394171.3413865",
        "https://dl.acm.org/doi/pdf/10.1145/3394171.3413865",
        "https://ieeexplore.ieee.org/document/9102668",
        "https://openaccess.thecvf.com/content/CVPR2021/papers/x_paper.pdf",
        "https://example.edu/~someone/paper.pdf",
    ],
)
def test_code_link_to_a_paper(url: str) -> None:
    lst = ListBuilder().entry("MeshG", 45).link(url, Role.CODE, text="Code").build()
    finding = only(evaluate([lst]), "LW110")
    assert finding.severity is Severity.WARNING and "not to source code" in finding.message


def test_code_link_to_a_repository_is_fine() -> None:
    lst = ListBuilder().entry("X", 1).link("https://github.com/a/b", Role.CODE).build()
    found = evaluate([lst])
    assert not codes(found, "LW110") and not codes(found, "LW111")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://ait.ethz.ch/projects/2022/IMavatar/", "web page on ait.ethz.ch"),
        ("https://feiiyin.github.io/StyleHEAT/", "GitHub Pages site"),
        ("https://github.com/orgs/someone/repositories", "not a repository"),
    ],
)
def test_code_link_to_a_project_page(url: str, says: str) -> None:
    lst = ListBuilder().entry("IMavatar", 157).link(url, Role.CODE, text="Code").build()
    finding = only(evaluate([lst]), "LW111")
    assert says in finding.message


@pytest.mark.parametrize(
    "url",
    [
        "https://huggingface.co/someone/model",
        "https://gitlab.com/a/b",
        "https://lab.example.org/releases/code-v1.tar.gz",
        "https://huggingface.co/spaces/CVPR/ml-talking-face",  # LW112's business
    ],
)
def test_code_link_to_code_like_places_is_not_a_project_page(url: str) -> None:
    lst = ListBuilder().entry("X", 1).link(url, Role.CODE).build()
    assert not codes(evaluate([lst]), "LW111")


def test_code_link_to_a_hugging_face_space() -> None:
    lst = (
        ListBuilder()
        .entry("TTS", 100)
        .link("https://huggingface.co/spaces/CVPR/ml-talking-face", Role.CODE, text="code")
        .build()
    )
    finding = only(evaluate([lst]), "LW112")
    assert "demo" in finding.message and finding.severity is Severity.INFO
    demo = (
        ListBuilder()
        .entry("TTS", 141)
        .link("https://huggingface.co/spaces/CVPR/ml-talking-face", Role.DEMO)
        .build()
    )
    assert not codes(evaluate([demo]), "LW112")


def test_paper_link_to_a_repository() -> None:
    lst = (
        ListBuilder()
        .entry("VideoReTalking", 41)
        .link("https://github.com/OpenTalker/video-retalking", Role.PAPER, text="VideoReTalking")
        .link("https://github.com/OpenTalker/video-retalking", Role.CODE, text="Code")
        .build()
    )
    finding = only(evaluate([lst]), "LW113")
    assert "OpenTalker/video-retalking" in finding.message
    assert "Code link says the same" in finding.message


def test_paper_pdf_kept_in_a_repository_is_still_a_paper() -> None:
    url = "https://github.com/sstzal/DFRF/blob/show_page/images/DFRF_eccv2022.pdf"
    lst = ListBuilder().entry("DFRF", 50).link(url, Role.PAPER).build()
    assert not codes(evaluate([lst]), "LW113")


def test_relative_link_cannot_be_verified_offline() -> None:
    upstream = Upstream("Mrkomiljon/awesome-generative-ai", "main", "docs/talking-head.md")
    resolved = "https://github.com/Mrkomiljon/awesome-generative-ai/blob/main/docs/tts.md"
    lst = (
        ListBuilder(upstream=upstream)
        .entry("TTS Models", 218)
        .link(resolved, Role.OTHER, raw="./tts.md", flags=frozenset({"relative"}))
        .build()
    )
    finding = only(evaluate([lst]), "LW116")
    assert "cannot be verified offline" in finding.message and resolved in finding.message
    assert finding.severity is Severity.INFO and finding.suggestion is None
    # Once checked, LW201 and friends speak instead.
    result = LinkResult(normalize(resolved), Status.DEAD, normalize(resolved), http_status=404)
    found = evaluate([lst], {normalize(resolved): result})
    assert not codes(found, "LW116") and codes(found, "LW201")


def test_relative_link_without_upstream_says_so() -> None:
    lst = (
        ListBuilder()
        .entry("TTS", 3)
        .link("./tts.md", Role.OTHER, raw="./tts.md", flags=frozenset({"relative"}))
        .build()
    )
    assert "upstream repository is unknown" in only(evaluate([lst]), "LW116").message


# --- LW1xx entry rules ------------------------------------------------------------------


def test_badge_counting_another_repository() -> None:
    lst = (
        ListBuilder()
        .entry("SadTalker", 43)
        .link("https://github.com/Winfredy/SadTalker", Role.CODE, text="Code")
        .link(
            "https://img.shields.io/github/stars/OpenTalker/SadTalker.svg",
            Role.BADGE,
            badge_repo="OpenTalker/SadTalker",
        )
        .build()
    )
    finding = only(evaluate([lst]), "LW114")
    assert "OpenTalker/SadTalker" in finding.message and "Winfredy/SadTalker" in finding.message


def test_badge_mismatch_steps_aside_when_github_metadata_is_known() -> None:
    lst = (
        ListBuilder()
        .entry("SadTalker", 43)
        .link("https://github.com/Winfredy/SadTalker", Role.CODE, text="Code")
        .link("https://img.shields.io/github/stars/OpenTalker/SadTalker.svg", Role.BADGE,
              badge_repo="OpenTalker/SadTalker")
        .build()
    )  # fmt: skip
    new = "https://github.com/OpenTalker/SadTalker"
    record = RepoRecord("Winfredy/SadTalker", "OpenTalker/SadTalker", new)
    known = Enrichment(repos={"winfredy/sadtalker": record})
    assert not codes(evaluate([lst], enrichment=known), "LW114")
    assert codes(evaluate([lst], enrichment=Enrichment()), "LW114")


def test_badge_matching_the_code_link_case_insensitively_is_fine() -> None:
    lst = (
        ListBuilder()
        .entry("Wav2Lip", 37)
        .link("https://github.com/Rudrabha/Wav2Lip", Role.CODE)
        .link("https://img.shields.io/github/stars/rudrabha/wav2lip.svg", Role.BADGE,
              badge_repo="rudrabha/wav2lip")
        .build()
    )  # fmt: skip
    assert not codes(evaluate([lst]), "LW114")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Style Transfer paper code (not available for now)", "not available"),
        ("MegaPortraits project page paper code [None]", "code [None]"),
        ("MeshTalk code(coming soon) projectpage", "coming soon"),
        ("X code: TBD", "code: TBD"),
        ("MakeItTalk code: N/A", "code: N/A"),
        ("Y the code will be released after review", "will be released"),
    ],
)
def test_code_unavailable_phrases(text: str, phrase: str) -> None:
    lst = ListBuilder().entry("Paper", 20, end_line=25, text=text).build()
    finding = only(evaluate([lst]), "LW115")
    assert phrase in finding.message


def test_code_unavailable_points_at_the_code_link_line() -> None:
    lst = (
        ListBuilder()
        .entry("Style Transfer", 27, end_line=32, text="Style\ncode (not available for now)")
        .link("https://arxiv.org/abs/2303.09799", Role.PAPER, line=29)
        .link("https://github.com/aioz-ai/AudioDrivenStyleTransfer", Role.CODE, line=30)
        .build()
    )
    assert only(evaluate([lst]), "LW115").line == 30


def test_code_unavailable_in_link_text() -> None:
    lst = (
        ListBuilder()
        .entry("MeshTalk", 144)
        .link("https://github.com/facebookresearch/meshtalk", Role.CODE, text="code(coming soon)")
        .build()
    )
    finding = only(evaluate([lst]), "LW115")
    assert finding.line == 144 and "coming soon" in finding.message


def test_code_unavailable_line_from_entry_text_lines() -> None:
    text = "MegaPortraits\nkeywords: 3DMM\nproject page\npaper\ncode [None]"
    lst = ListBuilder().entry("MegaPortraits", 166, end_line=172, text=text).build()
    assert only(evaluate([lst]), "LW115").line == 170


def test_words_like_none_elsewhere_do_not_count() -> None:
    lst = ListBuilder().entry("None of the above: a study", 3, text="None of the above").build()
    assert not codes(evaluate([lst]), "LW115")


def test_empty_entry_placeholder() -> None:
    lst = ListBuilder().entry("", 93, end_line=97).entry("Real", 99).link("https://a.org/").build()
    finding = only(evaluate([lst]), "LW117")
    assert finding.line == 93


# --- LW5xx corpus rules -----------------------------------------------------------------


def test_duplicate_entry_by_title_reports_the_later_one() -> None:
    lst = (
        ListBuilder()
        .entry("What comprises a good talking-head video generation?: A Survey and Benchmark", 17)
        .link("https://arxiv.org/abs/2005.03201")
        .entry("Deep Audio-Visual Learning: A Survey", 18)
        .link("http://arxiv.org/abs/2001.04758")
        .entry("What comprises a good talking-head video generation?: A survey and benchmark", 19)
        .link("https://example.org/other.html")
        .build()
    )
    finding = only(evaluate([lst]), "LW501")
    assert finding.line == 19 and "line 17" in finding.message and "same title" in finding.message


def test_duplicate_entry_by_arxiv_id_with_different_versions() -> None:
    lst = (
        ListBuilder()
        .entry("Fast Bi-layer Neural Synthesis of One-Shot Realistic Head Avatars", 183)
        .link("https://arxiv.org/pdf/2008.10174v1.pdf")
        .entry("Fast Bi-layer Neural Synthesis", 190)
        .link("http://arxiv.org/abs/2008.10174")
        .build()
    )
    finding = only(evaluate([lst]), "LW501")
    assert finding.line == 190 and "2008.10174" in finding.message


def test_short_titles_are_not_duplicates() -> None:
    lst = ListBuilder().entry("LMD", 224).entry("LMD", 229).build()
    assert not codes(evaluate([lst]), "LW501")


def test_arxiv_id_shared_by_two_different_papers() -> None:
    lst = (
        ListBuilder()
        .entry("StyleTalk: One-shot Talking Head Generation with Controllable Speaking Styles", 40)
        .link("https://arxiv.org/abs/2301.01081", line=43, text="paper")
        .entry("Memory-augmented Contrastive Learning for Talking Head Generation", 48)
        .link("https://arxiv.org/abs/2301.01081", line=51, text="paper")
        .build()
    )
    found = evaluate([lst])
    finding = only(found, "LW502")
    assert finding.line == 51 and "line 43" in finding.message
    assert not codes(found, "LW501")


def test_arxiv_conflict_inside_one_entry_uses_link_texts() -> None:
    lst = (
        ListBuilder()
        .entry("Xiaodong Cun @ Tencent AI Lab", 30, end_line=32)
        .link("https://arxiv.org/abs/2301.06281", text="DPE CVPR'23", line=31)
        .link("https://arxiv.org/abs/2301.06281", text="CodeTalker CVPR'23", line=31)
        .link("https://arxiv.org/abs/2203.04036", text="StyleHEAT ECCV'22", line=31)
        .entry("StyleHEAT: One-Shot High-Resolution Editable Talking Face Generation", 40)
        .link("https://arxiv.org/pdf/2203.04036.pdf", text="StyleHEAT: One-Shot High-Resolution")
        .build()
    )
    found = evaluate([lst])
    conflict = only(found, "LW502")
    assert "CodeTalker" in conflict.message and "DPE" in conflict.message
    assert not codes(found, "LW501")


def test_paper_link_in_a_row_naming_the_other_title_is_no_conflict() -> None:
    title = "Talking Face Generation by Conditional Recurrent Adversarial Network"
    lst = (
        ListBuilder()
        .entry(title, 217)
        .link("https://arxiv.org/pdf/1804.04786.pdf", text="paper")
        .entry("LRA", 260, text=f"LRA (lip-reading accuracy) | {title} | paper")
        .link("https://arxiv.org/pdf/1804.04786.pdf", text="paper")
        .build()
    )
    assert not codes(evaluate([lst]), "LW502")


def test_retitled_paper_with_the_same_method_name_is_a_duplicate_not_a_conflict() -> None:
    lst = (
        ListBuilder()
        .entry("HeadGAN: One-shot Neural Head Synthesis and Editing", 149)
        .link("https://arxiv.org/pdf/2012.08261.pdf", text="paper")
        .entry("HeadGAN:Video-and-Audio-Driven Talking Head Synthesis", 170)
        .link("https://arxiv.org/pdf/2012.08261v1.pdf", text="paper")
        .build()
    )
    found = evaluate([lst])
    assert not codes(found, "LW502")
    assert only(found, "LW501").line == 170


def test_summary_lines_mentioning_listed_papers_are_not_duplicates() -> None:
    lst = (
        ListBuilder()
        .entry("StyleHEAT", 31, text="Talking-face synthesis: StyleHEAT ECCV'22, DPE CVPR'23")
        .link("https://arxiv.org/abs/2203.04036", text="StyleHEAT ECCV'22")
        .entry("DPE", 31, text="Talking-face synthesis: StyleHEAT ECCV'22, DPE CVPR'23")
        .link("https://arxiv.org/abs/2301.06281", text="DPE CVPR'23")
        .entry("StyleHEAT: One-Shot High-Resolution Editable Talking Face Generation", 40)
        .link("https://arxiv.org/pdf/2203.04036.pdf", text="StyleHEAT: One-Shot")
        .build()
    )
    assert not codes(evaluate([lst]), "LW501")


def test_same_paper_across_lists_is_information_at_each_list() -> None:
    a = ListBuilder(name="a", path="a.md").entry("Wav2Lip", 5).link(
        "https://arxiv.org/abs/2008.10010").build()
    b = ListBuilder(name="b", path="b.md").entry("Wav2Lip", 9).link(
        "https://arxiv.org/pdf/2008.10010.pdf").build()
    c = ListBuilder(name="c", path="c.md").entry("Other", 2).link("https://other.org/").build()
    found = codes(evaluate([a, b, c], select=["LW503"]), "LW503")
    assert [(f.path, f.line) for f in found] == [("a.md", 5), ("b.md", 9)]
    assert all(f.severity is Severity.INFO for f in found)
    assert "b.md:9" in found[0].message and "a.md:5" in found[1].message


def test_cross_list_ignores_badges() -> None:
    badge = "https://img.shields.io/github/stars/a/b.svg"
    a = ListBuilder(name="a", path="a.md").entry("A", 1).link(badge, Role.BADGE).build()
    b = ListBuilder(name="b", path="b.md").entry("B", 1).link(badge, Role.BADGE).build()
    assert not codes(evaluate([a, b], select=["LW503"]), "LW503")


def test_source_diagnostics_become_findings() -> None:
    lst = ListBuilder().build()
    lst = ExtractedList(
        source=lst.source,
        entries=(),
        links=(),
        diagnostics=(Diagnostic("lists/demo.md", 7, "invalid UTF-8"),),
    )
    finding = only(evaluate([lst]), "LW100")
    assert finding.line == 7 and finding.severity is Severity.WARNING


# --- LW2xx health rules -----------------------------------------------------------------


def _checked(url: str, status: Status, **kw: object) -> tuple[ExtractedList, dict[str, LinkResult]]:
    lst = ListBuilder().entry("P", 12).link(url, Role.CODE).build()
    key = normalize(url)
    return lst, {key: LinkResult(key, status, str(kw.pop("final_url", key)), **kw)}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "code", "severity", "says"),
    [
        (Status.DEAD, "LW201", Severity.ERROR, "dead link"),
        (Status.TIMEOUT, "LW202", Severity.WARNING, "no answer"),
        (Status.ERROR, "LW203", Severity.WARNING, "failed"),
        (Status.BLOCKED, "LW204", Severity.INFO, "bot wall, not counted as dead"),
        (Status.RESTRICTED, "LW205", Severity.WARNING, "sign in"),
        (Status.SKIPPED, "LW208", Severity.INFO, "not checked"),
    ],
)
def test_health_status_maps_to_one_rule(
    status: Status, code: str, severity: Severity, says: str
) -> None:
    lst, results = _checked("https://github.com/a/b", status)
    found = [f for f in evaluate([lst], results) if f.code.startswith("LW2")]
    assert [f.code for f in found] == [code]
    assert found[0].severity is severity and says in found[0].message and found[0].line == 12


def test_healthy_link_has_no_health_finding() -> None:
    lst, results = _checked("https://github.com/a/b", Status.OK)
    assert not [f for f in evaluate([lst], results) if f.code.startswith("LW2")]


def test_dead_link_reports_what_was_observed() -> None:
    lst, results = _checked("https://github.com/a/b", Status.DEAD, http_status=404)
    assert "HTTP 404" in only(evaluate([lst], results), "LW201").message
    lst, results = _checked("https://gone.example/", Status.DEAD, error_kind="dns")
    msg = only(evaluate([lst], results), "LW201").message
    assert "dns" in msg and "transient" in msg


def test_dead_link_message_says_each_fact_once() -> None:
    """Issue 12: it read `dead link: HTTP 404, http, HTTP 404`."""
    lst, results = _checked(
        "https://a.example/x", Status.DEAD, http_status=404, error_kind="http", reason="HTTP 404"
    )
    assert only(evaluate([lst], results), "LW201").message == "dead link: HTTP 404"
    lst, results = _checked(
        "https://a.example/y", Status.DEAD, http_status=200, error_kind="soft_404",
        reason="soft 404: the page title says 'Page not found'",
    )  # fmt: skip
    message = only(evaluate([lst], results), "LW201").message
    assert message == "dead link: HTTP 200, soft 404: the page title says 'Page not found'"


def test_results_are_looked_up_by_normalised_url() -> None:
    lst = ListBuilder().entry("P", 3).link("HTTPS://GitHub.com/a/b#readme", Role.CODE).build()
    key = normalize("https://github.com/a/b")
    found = evaluate([lst], {key: LinkResult(key, Status.DEAD, key, http_status=404)})
    assert codes(found, "LW201")


def test_permanent_redirect_suggests_the_target() -> None:
    lst, results = _checked(
        "https://github.com/Winfredy/SadTalker",
        Status.REDIRECTED,
        final_url="https://github.com/OpenTalker/SadTalker",
    )
    finding = only(evaluate([lst], results), "LW206")
    assert finding.suggestion == "https://github.com/OpenTalker/SadTalker"
    assert not codes(evaluate([lst], results), "LW207")


def test_http_to_https_redirect_is_an_upgrade_not_a_move() -> None:
    url = "http://arxiv.org/abs/2008.10010"
    lst, results = _checked(url, Status.REDIRECTED, final_url="https://arxiv.org/abs/2008.10010")
    found = evaluate([lst], results)
    assert only(found, "LW207").suggestion == "https://arxiv.org/abs/2008.10010"
    assert not codes(found, "LW206") and not codes(found, "LW107")


def test_https_upgrade_from_checker_suggestion() -> None:
    url = "http://cvit.iiit.ac.in/x"
    lst, results = _checked(url, Status.OK, suggestion="https://cvit.iiit.ac.in/x")
    assert codes(evaluate([lst], results), "LW207")


def test_offline_evaluation_has_no_health_findings() -> None:
    lst = ListBuilder().entry("P", 3).link("https://github.com/a/b", Role.CODE).build()
    assert not [f for f in evaluate([lst]) if f.code.startswith("LW2")]


# --- severity overrides, ordering, serialisation ----------------------------------------


def test_severity_override_by_code_and_by_name_and_off() -> None:
    lst = (
        ListBuilder()
        .entry("P", 3)
        .link("", text="empty")
        .link("http://example.org/", Role.PROJECT, line=4)
        .link("https://arxiv.org/abs/2001.00001v2", line=5)
        .build()
    )
    default = evaluate([lst])
    assert only(default, "LW101").severity is Severity.ERROR
    changed = evaluate(
        [lst], severity={"LW101": "warning", "plain-http": "error", "pinned-arxiv-version": "off"}
    )
    assert only(changed, "LW101").severity is Severity.WARNING
    assert only(changed, "LW107").severity is Severity.ERROR
    assert not codes(changed, "LW108")


def test_code_override_wins_over_name_override() -> None:
    levels = effective_severities({"empty-link": "info", "LW101": "warning"})
    assert levels["LW101"] is Severity.WARNING


def test_unknown_override_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="names no rule"):
        evaluate([], severity={"LW999": "error"})
    with pytest.raises(ConfigError, match="must be error"):
        evaluate([], severity={"LW101": "fatal"})


def test_findings_are_sorted_and_deterministic() -> None:
    a = ListBuilder(name="a", path="b.md").entry("P", 9).link("", line=9).link(
        "http://x.org/", Role.PROJECT, line=2).build()
    b = ListBuilder(name="b", path="a.md").entry("Q", 5).link("", line=5).build()
    first = evaluate([a, b])
    assert first == evaluate([b, a]) or [f.path for f in first] == sorted(f.path for f in first)
    keys = [(f.path, f.line, f.code) for f in first]
    assert keys == sorted(keys)


def test_finding_as_dict_has_a_fixed_key_set() -> None:
    lst = ListBuilder().entry("P", 3).link("", text="x").build()
    doc = finding_as_dict(only(evaluate([lst]), "LW101"))
    assert list(doc) == [
        "code", "rule", "severity", "list", "path", "line", "message", "url", "suggestion",
        "entry",
    ]  # fmt: skip
    assert doc["severity"] == "error" and doc["url"] is None and doc["entry"] == "P"


def test_custom_rule_table() -> None:
    def shouty(ctx: LinkContext) -> Hit | None:
        return Hit("upper-case URL") if ctx.link.url.isupper() else None

    rule = Rule("LW199", "shouty", Severity.INFO, "URLs in capitals", on_link=shouty)
    lst = ListBuilder().entry("P", 3).link("HTTPS://A.ORG/").link("https://b.org/").build()
    found = evaluate([lst], rules=[rule])
    assert [(f.code, f.url) for f in found] == [("LW199", "HTTPS://A.ORG/")]


def test_every_rule_is_documented_with_its_default_severity() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"### {rule.code} {rule.name}\n" in doc, f"no section for {rule.code}"
        default = str(rule.severity) if rule.default_on else f"off ({rule.severity})"
        row = f"| {rule.code} | {rule.name} | {default} |"
        assert row in doc, f"table row for {rule.code} missing or wrong: {row}"
        section = doc.split(f"### {rule.code} {rule.name}\n", 1)[1].split("\n### ", 1)[0]
        stated = f"{rule.severity}" if rule.default_on else f"off; `{rule.severity}` when selected"
        assert f"- **Default:** {stated}" in section


def test_cross_list_same_paper_is_one_finding_per_entry() -> None:
    # Same paper (arXiv ID) and same code repository in two lists: the paper finding says
    # it; the shared code link adds nothing and is not reported again.
    a = (
        ListBuilder(name="a", path="a.md")
        .entry("Wav2Lip", 5)
        .link("https://arxiv.org/abs/2008.10010")
        .link("https://github.com/Rudrabha/Wav2Lip", Role.CODE)
        .build()
    )
    b = (
        ListBuilder(name="b", path="b.md")
        .entry("Wav2Lip", 9)
        .link("https://arxiv.org/pdf/2008.10010.pdf")
        .link("https://github.com/Rudrabha/Wav2Lip", Role.CODE)
        .build()
    )
    found = codes(evaluate([a, b], select=["LW503"]), "LW503")
    assert [(f.path, "arXiv 2008.10010" in f.message) for f in found] == [
        ("a.md", True),
        ("b.md", True),
    ]
    # Without the shared arXiv ID, the shared repository is what links the two entries.
    c = ListBuilder(name="c", path="c.md").entry("Wav2Lip code", 3).link(
        "https://github.com/Rudrabha/Wav2Lip", Role.CODE).build()
    found = codes(evaluate([a, c], select=["LW503"]), "LW503")
    assert sorted(f.path for f in found) == ["a.md", "c.md"]
    assert all(f.url == "https://github.com/Rudrabha/Wav2Lip" for f in found)
