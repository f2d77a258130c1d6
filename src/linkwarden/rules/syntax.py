"""How a link is written (LW100-LW109, LW116): empty, nested, malformed, wrapped, pinned.

What the list's text alone shows about one link's syntax; none needs the network. Two step
aside once the checker has looked at the URL, because the health rules then know better:
`plain-http` and `relative-link`.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import urls
from ..model import LinkFlag
from . import _urlfacts as facts
from .base import Corpus, CorpusHit, Hit, LinkContext, shown_text


def empty_link(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if link.url.strip() and LinkFlag.EMPTY not in link.flags:
        return None
    return Hit(f"link {shown_text(link)} has no URL: readers click on nothing")


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


def relative_link(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if LinkFlag.RELATIVE not in link.flags or ctx.result is not None:
        return None  # once checked, the health rules say whether the file exists
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


def source_diagnostics(corpus: Corpus) -> Iterable[CorpusHit]:
    """What reading and parsing noticed (invalid UTF-8, an empty file, odd markup)."""
    for listing in corpus.lists:
        for diag in listing.diagnostics:
            yield CorpusHit(listing.source.name, diag.path, diag.line, diag.message)
