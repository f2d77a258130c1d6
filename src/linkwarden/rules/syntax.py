"""How a link is written (LW100-LW109, LW116): empty, nested, malformed, wrapped, pinned.

What the list's text alone shows about one link's syntax; none needs the network. Two step
aside once the checker has looked at the URL, because the health rules then know better:
`plain-http` and `relative-link`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from urllib.parse import unquote

from .. import urls
from ..model import LinkFlag, Role
from . import _urlfacts as facts
from .base import Corpus, CorpusHit, Hit, LinkContext, shown_text
from .labels import says_code_unavailable

# Fragments a browser resolves without an anchor of that name ("#top": the page's top).
_DOCUMENT_ANCHORS = frozenset({"top"})


def empty_link(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if link.url.strip() and LinkFlag.EMPTY not in link.flags:
        return None
    if says_code_unavailable(link.text):
        return None  # `[Coming soon]()`: a placeholder; LW115 says it once
    if _wraps_badge(ctx):
        return None  # `[![Publish](badge)]()`: a badge shown with no target, by choice
    return Hit(f"link {shown_text(link)} has no URL: readers click on nothing")


def _wraps_badge(ctx: LinkContext) -> bool:
    """The empty link's text is a badge image: `[![Conference-HPCA'25](...)]()`."""
    link = ctx.link
    return any(
        other.role is Role.BADGE
        and other.line == link.line
        and other.column + len(other.raw) + 2 == link.column
        for other in ctx.listing.links
    )


def nested_link(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if LinkFlag.NESTED not in link.flags:
        return None
    # Outer and inner link both carry the flag: report the construct once, at its first link.
    nested = [
        other
        for other in ctx.entry_links or (link,)
        if LinkFlag.NESTED in other.flags and other.line == link.line
    ]
    if nested and (nested[0].column, nested[0].url) != (link.column, link.url):
        return None
    shown = " and ".join(dict.fromkeys(o.url for o in nested if o.url)) or link.url
    return Hit(
        f"link {shown_text(link)} has another link nested in it ({shown}); renderers show it "
        "broken. Keep the one right URL"
    )


def malformed_url(ctx: LinkContext) -> Hit | None:
    if LinkFlag.MALFORMED not in ctx.link.flags:
        return None
    return Hit(f"URL {ctx.link.raw!r} cannot be parsed (bad host or port)")


def herf_attribute(ctx: LinkContext) -> Hit | None:
    if LinkFlag.HERF not in ctx.link.flags:
        return None
    return Hit(
        f'HTML link {shown_text(ctx.link)} spells its attribute "herf": browsers ignore it, '
        'the link goes nowhere. Write "href"'
    )


def unbalanced_brackets(ctx: LinkContext) -> Hit | None:
    if LinkFlag.UNBALANCED not in ctx.link.flags:
        return None
    return Hit(
        f"unbalanced brackets around link {shown_text(ctx.link)}: a stray [ or ] shows in the text"
    )


def multiline_link(ctx: LinkContext) -> Hit | None:
    if LinkFlag.MULTILINE not in ctx.link.flags:
        return None
    return Hit(
        f"link {shown_text(ctx.link)} is broken across lines; keep a link on one line so that "
        "line-based tools (grep, diff, fix) see it whole"
    )


def redirect_wrapper(ctx: LinkContext) -> Hit | None:
    wrapper = ctx.link.wrapper
    if not wrapper:
        return None
    host = facts.host_of(wrapper) or "a redirect service"
    return Hit(
        f"link is wrapped in a redirect through {host}: it leaks tracking data and breaks "
        "when the wrapper changes. Link the target directly",
        suggestion=ctx.link.url,
    )


def plain_http(ctx: LinkContext) -> Hit | None:
    upgrade = urls.https_upgrade(ctx.link.url)
    if upgrade is None or ctx.result is not None:
        return None  # once checked, LW2xx says whether https works
    return Hit("plain http:// link; use https:// where the site supports it", suggestion=upgrade)


def pinned_arxiv_version(ctx: LinkContext) -> Hit | None:
    ref = facts.arxiv_ref(ctx.link.url)
    if ref is None or ref.version is None:
        return None
    pinned = f"{ref.arxiv_id}v{ref.version}"
    suggestion = ctx.link.url.replace(pinned, ref.arxiv_id, 1)
    suggestion = urls.https_upgrade(suggestion) or suggestion
    return Hit(
        f"arXiv link pins version v{ref.version} of {ref.arxiv_id}; readers miss later "
        "revisions. Link the unversioned ID",
        suggestion=suggestion,
    )


def broken_link_syntax(ctx: LinkContext) -> Hit | None:
    if LinkFlag.BROKEN not in ctx.link.flags:
        return None
    return Hit(
        f"broken link syntax around {ctx.link.url}: GitHub shows the brackets as text and "
        "the URL as a bare link (a space between ] and (, or a [ closed by ) ). Write "
        "[text](url)"
    )


def relative_link(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if LinkFlag.RELATIVE not in link.flags or ctx.result is not None:
        return None  # once checked, the health rules say whether the file exists
    if ctx.local is not None:
        return None  # looked up in the checkout: LW120 says when the file is missing
    upstream = ctx.listing.source.upstream
    if upstream is None:
        return Hit(
            f"relative link {link.raw!r}: the list's upstream repository is unknown, so "
            "where it leads cannot be resolved (add `upstream` in sources.yaml)"
        )
    return Hit(
        f"relative link {link.raw!r} resolves to {link.url} in {upstream.repo}; whether that "
        "file exists cannot be verified offline (run `check`)"
    )


def missing_local_file(ctx: LinkContext) -> Hit | None:
    if not ctx.local:
        return None  # not looked up, or the file exists
    suggestion = None if ctx.local == "-" else ctx.local
    return Hit(
        f"relative link {ctx.link.raw!r} leads to no file of the list's repository"
        + (f"; the closest is {suggestion!r}" if suggestion else ""),
        suggestion=suggestion,
    )


def broken_anchors(corpus: Corpus) -> Iterator[CorpusHit]:
    """`#section` links (tables of contents, "back to top") to anchors the list does not
    define: GitHub's heading slugs and HTML `name`/`id` anchors (`ExtractedList.anchors`)."""
    for listing in corpus.lists:
        anchors = listing.anchors
        for skipped in listing.skipped:
            if not skipped.raw.startswith("#"):
                continue
            target = unquote(skipped.raw[1:]).strip().lower()
            if not target or target in anchors or target in _DOCUMENT_ANCHORS:
                continue
            close = difflib.get_close_matches(target, sorted(anchors), n=1, cutoff=0.5)
            yield CorpusHit(
                list_name=listing.source.name,
                path=skipped.path,
                line=skipped.line,
                message=f"in-page link {skipped.raw} leads to no heading or anchor of the list"
                + (f"; the closest is #{close[0]}" if close else ""),
                url=skipped.raw,
                suggestion=f"#{close[0]}" if close else None,
            )


def source_diagnostics(corpus: Corpus) -> Iterable[CorpusHit]:
    """What reading and parsing noticed (invalid UTF-8, an empty file, odd markup)."""
    for listing in corpus.lists:
        for diag in listing.diagnostics:
            yield CorpusHit(listing.source.name, diag.path, diag.line, diag.message)
