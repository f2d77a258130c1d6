"""Untrusted text stays text: in REPORT.md, report.html, SARIF and workflow commands.

The sample snapshot carries hostile titles (`<script>`, an `onerror` image, `@someone`,
`|`, Markdown link syntax with a `javascript:` target). The Markdown is parsed back with
markdown-it-py (CommonMark + GFM tables, as GitHub renders it) and the HTML with the
standard library's parser, and the structure is checked rather than the text searched.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from linkwarden.model import Finding, Severity
from linkwarden.report import render_annotations, render_html, render_markdown
from linkwarden.report.annotations import escape_data, escape_property
from linkwarden.report.escape import json_for_script, md_link, md_text, safe_href
from report_sample import IMG_TITLE, MENTION_TITLE, XSS_TITLE
from test_report_golden import sample_data

# --------------------------------------------------------------------------- Markdown


def parse_markdown(text: str) -> list[Token]:
    md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    return md.parse(text)


def walk(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        out.extend(walk(token.children or []))
    return out


def test_markdown_tables_keep_their_shape() -> None:
    """A `|` in a title cannot split a cell: every row has as many cells as its header.

    GFM pads or drops cells silently, so the rows are counted in the source (a cell ends at
    each `|` not escaped by a backslash) and the parsed cell text is checked too.
    """
    report = render_markdown(sample_data())
    widths: list[int] = []
    tables = 0
    for line in [*report.splitlines(), ""]:
        if line.startswith("|"):
            widths.append(len(re.findall(r"(?<!\\)\|", line)))
            continue
        if widths:
            tables += 1
            assert len(set(widths)) == 1, f"table {tables} has rows of widths {widths}"
            widths = []
    assert tables >= 8
    cells = [t.content for t in walk(parse_markdown(report)) if t.type == "text"]
    assert any(c.startswith("Talking | heads with @") for c in cells)


def test_markdown_has_no_html_from_titles() -> None:
    """The only HTML in REPORT.md is what the renderer writes (details, summary, sub)."""
    tokens = walk(parse_markdown(render_markdown(sample_data())))
    allowed = re.compile(r"^</?(details|summary|sub)>")
    html = [t.content.strip() for t in tokens if t.type in ("html_inline", "html_block")]
    assert html, "the sample should fold its info findings into <details>"
    for chunk in html:
        for line in chunk.splitlines():
            assert allowed.match(line), line
    text = "".join(t.content for t in tokens if t.type == "text")
    assert XSS_TITLE[:40] in text  # shown literally
    assert IMG_TITLE[:20] in text


def test_markdown_links_are_only_ours() -> None:
    """Titles cannot add links: every link goes to http(s) or DIFF.md, none to javascript."""
    tokens = walk(parse_markdown(render_markdown(sample_data())))
    hrefs = [str(t.attrs.get("href")) for t in tokens if t.type == "link_open"]
    assert hrefs
    for href in hrefs:
        assert href == "DIFF.md" or href.startswith(("https://", "http://")), href
        assert "javascript" not in href.lower()
    # The title's "[click](javascript:...)" is literal text, not a link.
    text = "".join(t.content for t in tokens if t.type == "text")
    assert "[click](javascript:alert(1))" in text


def test_markdown_mentions_nobody() -> None:
    report = render_markdown(sample_data())
    assert "@someone" not in report
    assert "@maintainer" not in report
    assert "@&#8203;someone" in report
    # Emphasis and code spans from the title stay literal.
    tokens = walk(parse_markdown(report))
    emphasised = [
        tokens[i + 1].content
        for i, t in enumerate(tokens[:-1])
        if t.type in ("em_open", "strong_open", "s_open")
    ]
    assert sorted(emphasised) == ["archived", "not found", "not found on arXiv"]  # ours only
    codes = [t.content for t in tokens if t.type == "code_inline"]
    assert "x" not in codes  # `x` in the title did not become a code span


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain title", "plain title"),
        ("a | b", "a \\| b"),
        ("@someone", "@&#8203;someone"),
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("[a](javascript:x)", "\\[a\\](javascript:x)"),
        ("*b* _i_ `c` ~s~ $m$", "\\*b\\* \\_i\\_ \\`c\\` \\~s\\~ \\$m\\$"),
        ("see https://x.org", "see https&#8203;://x.org"),
        ("www.x.org", "www&#8203;.x.org"),
        ("fixes #12", "fixes \\#&#8203;12"),
        ("a\nb\r\nc", "a b c"),
        ("&amp;", "&amp;amp;"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_md_text(raw: str, expected: str) -> None:
    assert md_text(raw) == expected


def test_md_text_at_line_start_escapes_block_markers() -> None:
    assert md_text("- item", line_start=True) == "\\- item"
    assert md_text("1. first", line_start=True) == "1\\. first"
    assert md_text("1. first") == "1. first"


def test_md_link_refuses_other_schemes_and_encodes_breakers() -> None:
    assert md_link("x", "javascript:alert(1)") == "x"
    assert md_link("x", "https://a.org/p (1)|[2]") == "[x](https://a.org/p%20%281%29%7C%5B2%5D)"
    assert safe_href("javascript:alert(1)") is None
    assert safe_href("data:text/html,<b>") is None
    assert safe_href("https://ok.org/") == "https://ok.org/"


# ------------------------------------------------------------------------------- HTML


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def test_html_titles_are_text_not_elements() -> None:
    page = _Elements()
    page.feed(render_html(sample_data()))
    names = [tag for tag, _ in page.tags]
    assert names.count("script") == 2  # the JSON facets and the page's own script
    assert "img" not in names
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert value and (value.startswith(("https://", "http://", "#"))), value
    text = "".join(page.text)
    assert XSS_TITLE[:60] in text
    assert "Talking | heads with @someone" in text
    assert IMG_TITLE[:30] in text


def test_html_embeds_data_safely() -> None:
    html = render_html(sample_data())
    match = re.search(r'<script type="application/json" id="facets">(.*?)</script>', html, re.S)
    assert match
    blob = match.group(1)
    assert "<" not in blob and ">" not in blob and "&" not in blob
    assert json.loads(blob)["severity"] == ["error", "warning", "info"]


def test_html_is_self_contained() -> None:
    """No CDN, font, stylesheet or script from anywhere: nothing with src, no <link>."""
    page = _Elements()
    page.feed(render_html(sample_data()))
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "object", "embed", "img"), tag
        assert "src" not in attrs, tag
    html = render_html(sample_data())
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html  # and the CSP forbids any request anyway


def test_json_for_script_cannot_close_the_element() -> None:
    text = json_for_script({"t": "</script><script>alert(1)</script>", "a": "&<>\u2028"})
    assert "</" not in text and "<" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script>", "a": "&<>\u2028"}


# ------------------------------------------------------------------------ annotations


def test_annotation_cannot_start_another_command() -> None:
    finding = Finding(
        code="LW201",
        rule="dead-link",
        severity=Severity.ERROR,
        message="gone\n::add-mask::secret 100%\r",
        list_name="l",
        path="sources/a,b:c.md",
        line=7,
    )
    out = render_annotations([finding])
    assert out.count("\n") == 1  # one command, one line
    assert out == (
        "::error file=sources/a%2Cb%3Ac.md,line=7,title=LW201 dead-link::"
        "gone%0A::add-mask::secret 100%25%0D\n"
    )


def test_annotation_escaping_matches_the_runner() -> None:
    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    # The levels map to the three commands GitHub knows.
    lines = render_annotations(sample_data().findings).splitlines()
    assert {line.split(" ", 1)[0] for line in lines} == {"::error", "::warning", "::notice"}
    assert MENTION_TITLE not in "".join(lines)  # titles are not part of annotations


# ------------------------------------------- every Markdown output escapes the same way


HOSTILE_MESSAGE = "ping @octocat about #123 | see www.evil.example or $x$"


def _markdown_outputs() -> dict[str, str]:
    """REPORT.md, DIFF.md, the tracking issue body and the PR step summary, each carrying
    one finding whose message is `HOSTILE_MESSAGE`."""
    from linkwarden.diff import diff
    from linkwarden.model import Role, Status
    from linkwarden.report import build_report_data
    from linkwarden.report.diff_markdown import render_diff_markdown
    from linkwarden.report.step_summary import render_step_summary
    from linkwarden.tracking import build_summary
    from statekit import make_list, night, result, snap

    url = "https://dead.example/x"
    listing = make_list("l", [("Entry", [(url, Role.PAPER)])])
    hostile = Finding(
        "LW201", "dead-link", Severity.ERROR, HOSTILE_MESSAGE, "l", "sources/l.md", 10, url
    )
    old = snap([listing], {url: result(url, Status.OK, night(0))}, None, night(0))
    new = snap(
        [listing], {url: result(url, Status.DEAD, night(1))}, old, night(1), findings=[hostile]
    )
    changes = diff(old, new)
    return {
        "REPORT.md": render_markdown(build_report_data(new, diff=changes)),
        "DIFF.md": render_diff_markdown(changes),
        "issue body": build_summary(new.findings).body,
        "step summary": render_step_summary(
            "HEAD",
            "0" * 40,
            lines_changed=1,
            files=1,
            checked=1,
            findings=new.findings,
            failing=new.findings,
            notes=(),
            seconds=0.1,
        ),
    }


@pytest.mark.parametrize("output", ["REPORT.md", "DIFF.md", "issue body", "step summary"])
def test_mentions_issue_refs_and_pipes_are_neutralised_alike_everywhere(output: str) -> None:
    text = _markdown_outputs()[output]
    assert md_text(HOSTILE_MESSAGE) in text  # the one escaper, unchanged by the renderer
    assert "@octocat" not in text and "#123" not in text and "www.evil" not in text
    tokens = walk(parse_markdown(text))
    shown = "".join(t.content for t in tokens if t.type == "text")
    # A reader sees the message as written (zero-width spaces aside); no part is a link.
    assert HOSTILE_MESSAGE in shown.replace("\u200b", "")
    targets = [str(t.attrs.get("href")) for t in tokens if t.type == "link_open"]
    assert not [h for h in targets if "evil" in h or "octocat" in h or "123" in h]
