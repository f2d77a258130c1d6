"""Every trap named in /work/shared/lists/README.md, found at its exact line of the real lists.

Each test names the line (checked by hand in `sources/`) and asserts both what stands on it
and which rule fires there, so a drifting line number or a silent rule fails loudly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from linkwarden.extract import extract
from linkwarden.model import Finding, Severity
from linkwarden.rules import evaluate
from linkwarden.sources import load_registry, read_source

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "sources"
HEAD = "awesome-talking-head-generation.md"
NOTES = "face-reenactment-notes.md"
FACE = "awesome-talking-face-generation.md"
GENAI = "awesome-generative-ai-talking-head.md"
AVATAR = "awesome-avatar.md"


@cache
def findings() -> tuple[Finding, ...]:
    """Every finding on the five lists, LW503 (off by default) included."""
    lists = [extract(read_source(s)) for s in load_registry(SOURCES / "sources.yaml")]
    return tuple(evaluate(lists, severity={"LW503": "info"}))


@cache
def source_line(file: str, line: int) -> str:
    return (SOURCES / file).read_text(encoding="utf-8").split("\n")[line - 1]


def at(file: str, line: int, code: str) -> list[Finding]:
    return [
        f for f in findings() if Path(f.path).name == file and f.line == line and f.code == code
    ]


def found(file: str, line: int, code: str, *, on_line: str) -> Finding:
    """The one `code` finding at file:line, after checking the line says `on_line`."""
    assert on_line in source_line(file, line), f"{file}:{line} no longer holds {on_line!r}"
    hits = at(file, line, code)
    assert len(hits) == 1, f"{file}:{line}: expected one {code}, got {hits}"
    return hits[0]


def test_code_link_to_arxiv_meshg() -> None:
    f = found(HEAD, 45, "LW110", on_line="[[Code](https://arxiv.org/abs/2008.07783)]")
    assert "arXiv 2008.07783" in f.message and f.severity is Severity.WARNING
    assert "MeshG" in source_line(HEAD, 45) and f.entry and "Mesh Guided" in f.entry
    found(FACE, 187, "LW110", on_line="[Code](https://arxiv.org/abs/2008.07783)")


def test_code_link_to_a_project_page_imavatar() -> None:
    on_line = "[[Code](https://ait.ethz.ch/projects/2022/IMavatar/)]"
    f = found(HEAD, 157, "LW111", on_line=on_line)
    assert "ait.ethz.ch" in f.message
    found(FACE, 104, "LW111", on_line="[Code](https://ait.ethz.ch/projects/2022/IMavatar/)")


@pytest.mark.parametrize(
    ("line", "on_line", "repo"),
    [
        (41, "[VideoReTalking: Audio-based", "OpenTalker/video-retalking"),
        (62, "[Video-to-Video Synthesis](https://github.com/NVIDIA/vid2vid)", "NVIDIA/vid2vid"),
        (63, "[Everybody Dance Now](https://github.com/carolineec/EverybodyDanceNow)",
         "carolineec/EverybodyDanceNow"),
    ],
)  # fmt: skip
def test_paper_link_to_a_github_repository(line: int, on_line: str, repo: str) -> None:
    f = found(AVATAR, line, "LW113", on_line=on_line)
    assert repo in f.message


def test_paper_pdf_inside_a_repository_is_not_flagged() -> None:
    assert "github.com/sstzal/DFRF/blob/show_page/images/DFRF_eccv2022.pdf" in source_line(
        AVATAR, 50
    )
    assert not at(AVATAR, 50, "LW113")


@pytest.mark.parametrize(
    ("line", "label", "target"),
    [
        (39, "[NeuralHead]", "https://openaccess.thecvf.com/content_ICCV_2019/papers/"
         "Zakharov_Few-Shot_Adversarial_Learning_of_Realistic_Neural_Talking_Head_Models_"
         "ICCV_2019_paper.pdf"),
        (40, "[Monkey-Net]", "https://arxiv.org/abs/1812.08861"),
    ],
)  # fmt: skip
def test_google_redirect_wrappers(line: int, label: str, target: str) -> None:
    f = found(HEAD, line, "LW106", on_line="https://www.google.com/url?")
    assert f.suggestion == target
    # NeuralHead's link text starts on line 38; the finding stands where the URL does.
    assert label in source_line(HEAD, 38 if label == "[NeuralHead]" else line)


@pytest.mark.parametrize(
    ("line", "on_line"),
    [
        (121, "[MakeItTalk: Speaker-Aware Talking-Head Animation]()"),
        (168, "](), `CVPR 2020 Oral`"),  # DiscoFaceGAN: text on 166-167, `()` on 168
    ],
)
def test_empty_links(line: int, on_line: str) -> None:
    f = found(HEAD, line, "LW101", on_line=on_line)
    assert f.severity is Severity.ERROR and "has no URL" in f.message


@pytest.mark.parametrize(
    ("file", "line", "on_line"),
    [
        (HEAD, 39, "Realistic Neural Talking Head models](https://www.google.com/url?"),
        (HEAD, 47, "Preserving Identity of Unseen Targets](https://arxiv.org/abs/1911.08139)"),
        (HEAD, 79, "for Video Avatars](https://arxiv.org/pdf/2210.05825.pdf)"),
        (HEAD, 168, "](), `CVPR 2020 Oral`"),
        (NOTES, 163, "- [paper](https://openaccess.thecvf.com/content/CVPR2022/papers/Liang_"),
    ],
)
def test_links_spanning_two_lines(file: str, line: int, on_line: str) -> None:
    """Text or URL broken across lines: reported once, at the line where the URL stands.

    Needs extraction to mark such links with the `multiline` flag (Link.flags).
    """
    f = found(file, line, "LW105", on_line=on_line)
    assert f.severity is Severity.INFO


def test_findings_on_two_line_links_stand_where_the_url_is() -> None:
    # NeuralHead: text starts on 38, the wrapped URL is on 39.
    assert "[NeuralHead][Few-Shot Adversarial Learning of" in source_line(HEAD, 38)
    assert at(HEAD, 39, "LW106") and not at(HEAD, 38, "LW106")
    # DiscoFaceGAN: text on 166-167, the empty `()` on 168.
    assert at(HEAD, 168, "LW101") and not at(HEAD, 166, "LW101")


def test_nested_link() -> None:
    on_line = "[paper]([https://papers.nips.cc/paper/8768"
    f = found(FACE, 217, "LW102", on_line=on_line)
    assert f.severity is Severity.ERROR and "arxiv.org/pdf/1804.04786.pdf" in f.message


def test_herf_typo() -> None:
    on_line = '<a herf="https://github.com/Rudrabha/Wav2Lip/tree/master/evaluation">'
    f = found(AVATAR, 241, "LW103", on_line=on_line)
    assert f.severity is Severity.ERROR


def test_unbalanced_bracket() -> None:
    found(FACE, 209, "LW104", on_line="[Project](http://www.stulyakov.com/papers/monkey-net.html)]")


@pytest.mark.parametrize(
    ("file", "line", "first", "title"),
    [
        (FACE, 19, 17, "What comprises a good talking-head video generation?"),
        (FACE, 61, 60, "StyleTalk: One-shot Talking Head Generation"),
        (FACE, 184, 183, "Fast Bi-layer Neural Synthesis"),
        (FACE, 197, 196, "Multimodal Inputs Driven Talking Face Generation"),
        (HEAD, 133, 129, "Imitating Arbitrary Talking Style"),
        (NOTES, 217, 181, "Live Speech Portraits"),
    ],
)
def test_duplicate_paper_within_one_list(file: str, line: int, first: int, title: str) -> None:
    f = found(file, line, "LW501", on_line=title)
    assert f"line {first}" in f.message
    assert title.split(":")[0].lower() in source_line(file, first).lower()
    assert not at(file, first, "LW501")  # the first occurrence is not the duplicate


def test_what_comprises_twice_is_reported_once() -> None:
    title = "what comprises a good talking-head video generation"
    lines = [
        n
        for n, text in enumerate((SOURCES / FACE).read_text(encoding="utf-8").split("\n"), 1)
        if title in text.lower() and "[paper]" in text
    ]
    assert lines == [17, 19]
    dupes = [f for f in findings() if Path(f.path).name == FACE and f.code == "LW501"]
    assert [f.line for f in dupes if "What comprises" in f.message] == [19]


@pytest.mark.parametrize(
    ("file", "line", "other"),
    [
        (NOTES, 51, 43),  # StyleTalk's arXiv ID under "Memory-augmented Contrastive Learning"
        (AVATAR, 31, 31),  # DPE's arXiv ID under "CodeTalker CVPR'23"
    ],
)
def test_arxiv_id_of_a_different_paper(file: str, line: int, other: int) -> None:
    f = found(file, line, "LW502", on_line="2301.0")
    assert f"line {other}" in f.message


def test_same_paper_in_several_lists_is_information() -> None:
    expected = {HEAD: 119, NOTES: 243, FACE: 186, GENAI: 56, AVATAR: 37}
    hits = [f for f in findings() if f.code == "LW503" and "arXiv 2008.10010" in f.message]
    assert {Path(f.path).name: f.line for f in hits} == expected
    assert all(f.severity is Severity.INFO for f in hits)
    for file, line in expected.items():
        assert "2008.10010" in source_line(file, line)


def test_same_url_in_several_lists_is_information() -> None:
    url = "https://github.com/uniBruce/Mead"
    hits = [f for f in findings() if f.code == "LW503" and f.url == url]
    assert {Path(f.path).name: f.line for f in hits} == {HEAD: 19, FACE: 181, GENAI: 111}
    for f in hits:
        assert url in source_line(Path(f.path).name, f.line)


@pytest.mark.parametrize(
    ("file", "line", "pinned", "suggestion"),
    [
        (HEAD, 120, "2007.08547v1", "https://arxiv.org/pdf/2007.08547.pdf"),
        (HEAD, 150, "2201.00791v1", "https://arxiv.org/pdf/2201.00791.pdf"),
        (HEAD, 174, "2005.03201v1", "https://arxiv.org/pdf/2005.03201.pdf"),
        (FACE, 35, "2304.00334v1", "https://arxiv.org/abs/2304.00334"),
        (GENAI, 48, "2404.16012v2", "https://arxiv.org/abs/2404.16012"),
    ],
)
def test_pinned_arxiv_versions(file: str, line: int, pinned: str, suggestion: str) -> None:
    f = found(file, line, "LW108", on_line=pinned)
    assert f.suggestion == suggestion


@pytest.mark.parametrize(
    ("file", "line", "url"),
    [
        (HEAD, 28, "http://openaccess.thecvf.com/content_cvpr_2016/"),
        (HEAD, 37, "http://papers.nips.cc/paper/8935-first-order-motion-model"),
        (NOTES, 113, "http://haonanqiu.com/projects/StyleFaceV.html"),
        (AVATAR, 151, "http://cnceleb.org/"),
    ],
)
def test_plain_http_links(file: str, line: int, url: str) -> None:
    f = found(file, line, "LW107", on_line=url)
    assert f.suggestion is not None and f.suggestion.startswith("https://")


@pytest.mark.parametrize(
    ("file", "line", "on_line", "phrase"),
    [
        (NOTES, 30, "(not available for now)", "not available"),
        (NOTES, 170, "- code [None]", "code [None]"),
        (FACE, 144, "[code(coming soon)]", "coming soon"),
    ],
)
def test_code_not_available_notes(file: str, line: int, on_line: str, phrase: str) -> None:
    f = found(file, line, "LW115", on_line=on_line)
    assert phrase in f.message


@pytest.mark.parametrize(
    ("line", "page"),
    [(218, "tts.md"), (219, "voice-cloning.md"), (220, "emotion-recognition.md"),
     (221, "text-to-image.md"), (222, "transformers.md")],
)  # fmt: skip
def test_relative_links_to_sibling_pages(line: int, page: str) -> None:
    f = found(GENAI, line, "LW116", on_line=f"(./{page})")
    assert "cannot be verified offline" in f.message
    assert f"Mrkomiljon/awesome-generative-ai/blob/main/docs/{page}" in f.message


def test_badge_and_code_link_disagree_renamed_repository() -> None:
    f = found(AVATAR, 43, "LW114", on_line="img.shields.io/github/stars/OpenTalker/SadTalker")
    assert "Winfredy/SadTalker" in f.message


def test_code_link_to_a_hugging_face_space() -> None:
    found(FACE, 100, "LW112", on_line="[code](https://huggingface.co/spaces/CVPR/ml-talking-face)")


@pytest.mark.parametrize("line", [93, 222, 228])
def test_empty_placeholder_entries(line: int) -> None:
    found(NOTES, line, "LW117", on_line="### \\[] ")


def test_no_health_findings_offline_and_no_false_errors() -> None:
    assert not [f for f in findings() if f.code.startswith("LW2")]
    errors = sorted(
        (Path(f.path).name, f.line, f.code) for f in findings() if f.severity is Severity.ERROR
    )
    assert errors == [
        (AVATAR, 241, "LW103"),
        (FACE, 217, "LW102"),
        (HEAD, 121, "LW101"),
        (HEAD, 168, "LW101"),
    ]
