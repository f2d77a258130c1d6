"""fix: only safe rewrites, byte for byte elsewhere, and idempotent (hand-built evidence)."""

from __future__ import annotations

from pathlib import Path

from linkwarden.fix import plan_file, unified_diff
from linkwarden.model import Enrichment, Entry, ExtractedList, Link, Role, SourceList, Status
from statekit import night, repo, result, snap

WRAPPED = "https://www.google.com/url?q=https%3A%2F%2Farxiv.org%2Fabs%2F2101.00001&sa=D&usg=x"
TEXT = (
    "# Demo list\r\n"
    "1. Paper A [[Paper]](" + WRAPPED + ") [[Code]](https://github.com/a/b)\r\n"
    "2. Paper B [Code](https://github.com/a/b/tree/dev) ![stars](https://img.shields.io/github/stars/old/repo.svg)\r\n"
    '3. Paper C <a href="http://secure.example/p">site</a> and http://plain.example/q\r\n'
    "4. Paper D [Code](https://github.com/old/repo/tree/main/src#readme)"
)  # CRLF line endings and no final newline: both must survive


def _link(
    url: str,
    line: int,
    role: Role,
    *,
    raw: str | None = None,
    wrapper: str | None = None,
    badge: str | None = None,
) -> Link:
    return Link(
        url=url,
        raw=raw or url,
        text="t",
        role=role,
        list_name="demo",
        path="demo.md",
        line=line,
        entry=line - 2,
        wrapper=wrapper,
        badge_repo=badge,
    )


def _extracted() -> ExtractedList:
    entries = tuple(
        Entry("demo", "demo.md", i, f"Paper {c}", i + 2, i + 2) for i, c in enumerate("ABCD")
    )
    links = (
        _link("https://arxiv.org/abs/2101.00001", 2, Role.PAPER, raw=WRAPPED, wrapper=WRAPPED),
        _link("https://github.com/a/b", 2, Role.CODE),
        _link("https://github.com/a/b/tree/dev", 3, Role.CODE),
        _link("https://img.shields.io/github/stars/old/repo.svg", 3, Role.BADGE, badge="old/repo"),
        _link("http://secure.example/p", 4, Role.PROJECT),
        _link("http://plain.example/q", 4, Role.PROJECT),
        _link("https://github.com/old/repo/tree/main/src#readme", 5, Role.CODE),
    )
    return ExtractedList(
        SourceList("demo", Path("demo.md"), display_path="demo.md"), entries, links
    )


def _evidence():
    extracted = _extracted()
    results = {
        "https://arxiv.org/abs/2101.00001": result(
            "https://arxiv.org/abs/2101.00001", Status.OK, night(0)
        ),
        "https://github.com/a/b": result(
            "https://github.com/a/b",
            Status.REDIRECTED,
            night(0),
            final_url="https://github.com/a-org/b",
            http_status=301,
        ),
        "https://github.com/a/b/tree/dev": result(
            "https://github.com/a/b/tree/dev", Status.OK, night(0)
        ),
        "http://secure.example/p": result(
            "http://secure.example/p", Status.OK, night(0), suggestion="https://secure.example/p"
        ),
        "http://plain.example/q": result("http://plain.example/q", Status.OK, night(0)),
        "https://github.com/old/repo/tree/main/src": result(
            "https://github.com/old/repo/tree/main/src", Status.OK, night(0), via="github-api"
        ),
    }
    enrichment = Enrichment(repos={"old/repo": repo("old/repo", 5, full_name="new-org/repo")})
    return extracted, snap([extracted], results, None, night(0), enrichment=enrichment)


EXPECTED = (
    "# Demo list\r\n"
    "1. Paper A [[Paper]](https://arxiv.org/abs/2101.00001) [[Code]](https://github.com/a-org/b)\r\n"
    "2. Paper B [Code](https://github.com/a/b/tree/dev) ![stars](https://img.shields.io/github/stars/new-org/repo.svg)\r\n"
    '3. Paper C <a href="https://secure.example/p">site</a> and http://plain.example/q\r\n'
    "4. Paper D [Code](https://github.com/new-org/repo/tree/main/src#readme)"
)


def test_only_safe_rewrites_and_nothing_else() -> None:
    extracted, snapshot = _evidence()
    plan = plan_file(extracted, TEXT, snapshot)
    assert plan.fixed == EXPECTED
    kinds = sorted((f.line, f.kind) for f in plan.fixes)
    assert kinds == [(2, "redirect"), (2, "unwrap"), (3, "rename"), (4, "https"), (5, "rename")]
    # The longer URL on line 3 starts with the redirected one and was left alone.
    assert "https://github.com/a/b/tree/dev" in plan.fixed


def test_running_twice_changes_nothing_more() -> None:
    extracted, snapshot = _evidence()
    once = plan_file(extracted, TEXT, snapshot).fixed
    # Re-extracting the fixed text would give the new URLs; the same evidence applies again.
    again = plan_file(_reextracted(), once, snapshot)
    assert again.fixed == once and again.fixes == ()


def _reextracted() -> ExtractedList:
    base = _extracted()
    new_urls = {
        0: "https://arxiv.org/abs/2101.00001",
        1: "https://github.com/a-org/b",
        3: "https://img.shields.io/github/stars/new-org/repo.svg",
        4: "https://secure.example/p",
        6: "https://github.com/new-org/repo/tree/main/src#readme",
    }
    links = tuple(
        Link(
            new_urls.get(i, link.url),
            new_urls.get(i, link.url),
            link.text,
            link.role,
            "demo",
            "demo.md",
            link.line,
            link.entry,
            badge_repo="new-org/repo" if i == 3 else None,
        )
        for i, link in enumerate(base.links)
    )
    return ExtractedList(base.source, base.entries, links)


def test_without_a_snapshot_only_wrappers_are_unwrapped() -> None:
    plan = plan_file(_extracted(), TEXT, None)
    assert [f.kind for f in plan.fixes] == ["unwrap"]
    assert plan.fixed == TEXT.replace(WRAPPED, "https://arxiv.org/abs/2101.00001")


def test_unified_diff_marks_missing_final_newline() -> None:
    extracted, snapshot = _evidence()
    text = plan_file(extracted, TEXT, snapshot).unified_diff()
    assert text.startswith("--- a/demo.md\n+++ b/demo.md\n")
    assert "\\ No newline at end of file" in text
    assert unified_diff("same\n", "same\n", "x") == ""


def test_redirect_to_unhealthy_or_unverified_target_is_not_applied() -> None:
    extracted = _extracted()
    results = {
        "https://github.com/a/b": result("https://github.com/a/b", Status.DEAD, night(0)),
        "http://secure.example/p": result("http://secure.example/p", Status.OK, night(0)),
    }
    snapshot = snap([extracted], results, None, night(0))
    plan = plan_file(extracted, TEXT, snapshot)
    assert [f.kind for f in plan.fixes] == ["unwrap"]


def test_a_redirect_is_rewritten_to_the_permanent_prefix_not_a_temporary_hop() -> None:
    """Issue 12: http://x/StyleHEAT/ -> 301 https://x/StyleHEAT/ -> 302 /session/... was
    rewritten to the session page; the link moved to the 301's target, nowhere further."""
    url = "http://x.example/StyleHEAT/"
    link = _link(url, 2, Role.PROJECT)
    extracted = ExtractedList(
        SourceList("demo", Path("demo.md"), display_path="demo.md"),
        (Entry("demo", "demo.md", 0, "Paper A", 2, 2),),
        (link,),
    )
    text = "# Demo\n1. Paper A [site](" + url + ")\n"
    record = result(
        url, Status.REDIRECTED, night(0), http_status=200,
        final_url="https://x.example/session/StyleHEAT/",
        suggestion="https://x.example/StyleHEAT/",
    )  # fmt: skip
    plan = plan_file(extracted, text, snap([extracted], {url: record}, None, night(0)))
    assert [(f.kind, f.new) for f in plan.fixes] == [("redirect", "https://x.example/StyleHEAT/")]
