"""Lint a maintainer keeps on (issue 10): labelling rules only on stated roles, duplicates
that are choices, one finding per problem, broken link syntax, LW503 off by default, and
`lint --select/--ignore/--min-severity`."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwarden.cli import main
from linkwarden.extract import extract
from linkwarden.model import ExtractedList, Finding, RoleSource, Severity, SourceList
from linkwarden.rules import evaluate
from linkwarden.sources import SourceText


def listing(text: str, name: str = "t") -> ExtractedList:
    source = SourceList(name=name, path=Path(f"{name}.md"))
    return extract(SourceText(source=source, text=text, content_hash="", diagnostics=()))


def codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


TOOLS = """# Awesome tools

## Optimisation

* [Optuna](https://github.com/optuna/optuna) - hyperparameter search. ![](https://img.shields.io/github/stars/optuna/optuna.svg)
* [Vizier](https://github.com/google/vizier) - black-box optimisation. ![](https://img.shields.io/github/stars/google/vizier.svg)
* [Ray Tune](https://docs.ray.io/en/latest/tune/) - scalable tuning.
"""


def test_a_list_of_tools_gets_no_paper_links_and_no_lw113() -> None:
    tools = listing(TOOLS)
    titles = [link for link in tools.links if link.entry is not None and link.role.value != "badge"]
    assert [(link.role.value, link.role_source) for link in titles] == [
        ("code", RoleSource.HOST), ("code", RoleSource.HOST), ("project", RoleSource.POSITION),
    ]  # fmt: skip
    assert not codes(evaluate([tools]), "LW113")


def test_a_cited_title_linking_a_repository_is_still_lw113() -> None:
    repo = "https://github.com/OpenTalker/video-retalking"
    entry = f"- [SIGGRAPH Asia 2022] [VideoReTalking: Lip Sync]({repo}), [Code]({repo})"
    cited = listing(f"# P\n\n{entry}\n")
    title = cited.links[0]
    assert (title.role.value, title.role_source) == ("paper", RoleSource.CITATION)
    (finding,) = codes(evaluate([cited]), "LW113")
    assert finding.line == 3 and "OpenTalker/video-retalking" in finding.message


def test_code_link_rules_need_a_stated_code_role() -> None:
    stated = listing("# L\n\n- A Paper About Faces [[Code](https://arxiv.org/abs/2001.00001)]\n")
    assert codes(evaluate([stated]), "LW110")
    anonymous = listing("# L\n\n- A Paper [[Code](https://anonymous.4open.science/r/abc-123)]\n")
    assert not codes(evaluate([anonymous]), "LW111")


def test_cross_section_listing_is_not_a_duplicate_but_two_years_of_one_topic_is() -> None:
    text = """# L

## Talking heads

### 2021

- [One Shot Talking Face Generation With Style](https://arxiv.org/abs/2101.00001)

## Gestures

- [One Shot Talking Face Generation With Style](https://arxiv.org/abs/2101.00001)
"""
    assert not codes(evaluate([listing(text)]), "LW501")
    slipped = text.replace("## Gestures", "### 2022")
    (finding,) = codes(evaluate([listing(slipped)]), "LW501")
    assert finding.line == 11 and "line 7" in finding.message


def test_same_title_different_works_are_not_duplicates() -> None:
    books = """# L

- [Deep Learning](https://www.deeplearningbook.org/), Goodfellow et al., 2016
- [Deep Learning](https://www.nature.com/articles/nature14539), LeCun et al., 2015
- [Attention Is All You Need For Faces](https://arxiv.org/abs/2101.00001)
- [Attention Is All You Need For Faces](https://arxiv.org/abs/2202.00002)
"""
    assert not codes(evaluate([listing(books)]), "LW501")


def test_a_model_name_against_its_paper_title_is_no_arxiv_conflict() -> None:
    text = """# L

- [Vicuna](https://arxiv.org/abs/2306.05685)
- [Judging LLM-as-a-judge with MT-Bench and Chatbot Arena](https://arxiv.org/abs/2306.05685)
- [CodeTalker CVPR'23](https://arxiv.org/abs/2301.06281)
- [DPE: Disentanglement of Pose and Expression](https://arxiv.org/abs/2301.06281)
"""
    conflicts = codes(evaluate([listing(text)]), "LW502")
    assert [f.line for f in conflicts] == [6]  # two method names that differ still conflict


def test_a_coming_soon_empty_link_is_one_finding() -> None:
    row = "| [A Paper About Faces](https://arxiv.org/abs/2001.00001) | [Coming soon]() |"
    text = f"# L\n\n| title | code |\n| --- | --- |\n{row}\n"
    found = evaluate([listing(text)])
    assert [f.code for f in found if f.line == 5] == ["LW115"]
    plain_empty = listing("# L\n\n- [A Paper About Faces]()\n")
    assert codes(evaluate([plain_empty]), "LW101")


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("- A tool [[Website] (https://x.example/)]\n", "https://x.example/"),
        ("- A paper [[https://arxiv.org/abs/1810.08272)]\n", "https://arxiv.org/abs/1810.08272"),
    ],
)
def test_broken_link_syntax_is_a_finding(text: str, url: str) -> None:
    (finding,) = codes(evaluate([listing("# L\n\n" + text)]), "LW118")
    assert finding.line == 3 and finding.url == url and finding.severity is Severity.WARNING
    fine = listing("# L\n\n- A tool [[Website](https://x.example/)] (mirror: https://y.example/)\n")
    assert not codes(evaluate([fine]), "LW118")
    fine = listing("# L\n\n- A tool [[Website](https://x.example/)] (https://y.example/)\n")
    assert not codes(evaluate([fine]), "LW118")


def test_cross_list_duplicates_are_off_by_default_and_name_the_url() -> None:
    a = listing("# A\n\n- [Wav2Lip Lip Sync Expert](https://arxiv.org/abs/2008.10010)\n", "a")
    b = listing("# B\n\n- [Wav2Lip Lip Sync Expert](https://arxiv.org/abs/2008.10010)\n", "b")
    assert not codes(evaluate([a, b]), "LW503")
    found = codes(evaluate([a, b], select=["LW503"]), "LW503")
    assert len(found) == 2
    assert all("https://arxiv.org/abs/2008.10010 (arXiv 2008.10010)" in f.message for f in found)
    assert codes(evaluate([a, b], severity={"LW503": "info"}), "LW503")


WRAPPED = "https://www.google.com/url?sa=t&url=https%3A%2F%2Farxiv.org%2Fabs%2F2001.00002&usg=x"
NOISY = f"""# L

- [A Wrapped Paper About Things]({WRAPPED}) [[Code](https://arxiv.org/abs/2001.00002v1)]
- [An Empty Link Paper]()
"""


@pytest.fixture
def noisy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "noisy.md").write_text(NOISY, encoding="utf-8")
    return tmp_path


def lint_codes(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["lint", "noisy.md", *argv])
    out = capsys.readouterr().out
    return code, [line.split(": ", 2)[1].split()[0] for line in out.splitlines()]


def test_lint_select_ignore_and_min_severity(
    noisy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, every = lint_codes(capsys)
    assert {"LW101", "LW106", "LW108", "LW110"} <= set(every)
    assert lint_codes(capsys, "--select", "LW101")[1] == ["LW101"]
    assert set(lint_codes(capsys, "--select", "LW1", "--ignore", "LW101,LW108")[1]) == {
        "LW106", "LW110"}  # fmt: skip
    exit_code, warnings_up = lint_codes(capsys, "--min-severity", "warning")
    assert "LW108" not in warnings_up and "LW101" in warnings_up and exit_code == 1
    assert lint_codes(capsys, "--ignore", "empty-link")[0] == 0  # no error left: exit 0


def test_lint_selecting_no_rule_is_a_usage_error(
    noisy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "noisy.md", "--select", "LW999"]) == 2
    assert "names no rule" in capsys.readouterr().err
