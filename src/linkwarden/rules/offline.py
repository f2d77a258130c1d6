"""Offline rules: what the list's text alone shows (LW1xx) and duplicates (LW5xx).

None of these needs the network. A few step aside when the checker has looked at the URL,
because the health rules (LW2xx) then know better: `plain-http` and `relative-link`.

To add a rule: write a small pure function over a `LinkContext` (or `EntryContext`, or
`Corpus` for rules that compare lists) returning a `Hit` or None, add a `Rule` row to
`OFFLINE_RULES` with a new code in the right range, and document it in `docs/rules.md`.
Site knowledge (hosts, phrases) goes in the tables below, not in the functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from .. import urls
from ..model import Entry, ExtractedList, Link, Role, Severity
from ..titles import normalize_title, same_paper, title_words
from . import _urlfacts as facts
from .base import Corpus, CorpusHit, EntryContext, Hit, LinkContext, Rule

# Link.flags extraction sets (see linkwarden.extract).
FLAG_EMPTY = "empty"
FLAG_NESTED = "nested"
FLAG_HERF = "herf"
FLAG_UNBALANCED = "unbalanced"
FLAG_MULTILINE = "multiline"
FLAG_RELATIVE = "relative"
FLAG_MALFORMED = "malformed"

# Hosts where a Code link legitimately lands although they are not git hosts.
CODE_FRIENDLY_HOSTS: tuple[str, ...] = (
    "huggingface.co",
    "colab.research.google.com",
    "pypi.org",
    "codeberg.org",
    "sourceforge.net",
    "git.io",
    "paperswithcode.com",
)
ARCHIVE_SUFFIXES: tuple[str, ...] = (".zip", ".tar.gz", ".tgz", ".tar", ".7z", ".rar")

# Phrases that say the code is not there (yet). Checked in Code link texts and entry text.
CODE_UNAVAILABLE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"coming\s+soon",
        r"not\s+(?:yet\s+)?(?:available|released|public)",
        r"(?:to\s+be|will\s+be)\s+released",
        r"available\s+soon",
        r"\bcode\b\s*[\[(:：]?\s*(?:none|n/?a|tbd|todo)\b[\])]?",
    )
)
# One pass over a text answers "does any phrase occur?"; most entries have none.
_ANY_CODE_UNAVAILABLE = re.compile("|".join(f"(?:{p.pattern})" for p in CODE_UNAVAILABLE), re.I)

# Minimum length of a normalised title for a title match to count as a duplicate: short
# titles ("LMD", "Code") are labels, not papers.
MIN_TITLE_CHARS = 12

# Link texts that do not name a paper ("paper", "[pdf]", "paper(temp)").
GENERIC_LINK_WORDS = frozenset({"link", "here", "this", "temp", "abs", "download", "full", "text"})


# --- link rules ------------------------------------------------------------------------


def _text(link: Link) -> str:
    text = " ".join(link.text.split())
    return f'"{text}"' if text else "(no text)"


def empty_link(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if link.url.strip() and FLAG_EMPTY not in link.flags:
        return None
    return Hit(f"link {_text(link)} has no URL: readers click on nothing")


def nested_link(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if FLAG_NESTED not in link.flags:
        return None
    # Outer and inner link both carry the flag: report the construct once, at its first link.
    nested = [
        other
        for other in ctx.entry_links or (link,)
        if FLAG_NESTED in other.flags and other.line == link.line
    ]
    if nested and (nested[0].column, nested[0].url) != (link.column, link.url):
        return None
    shown = " and ".join(dict.fromkeys(o.url for o in nested if o.url)) or link.url
    return Hit(
        f"link {_text(link)} has another link nested in it ({shown}); renderers show it "
        "broken. Keep the one right URL"
    )


def malformed_url(ctx: LinkContext) -> Hit | None:
    if FLAG_MALFORMED not in ctx.link.flags:
        return None
    return Hit(f"URL {ctx.link.raw!r} cannot be parsed (bad host or port)")


def herf_attribute(ctx: LinkContext) -> Hit | None:
    if FLAG_HERF not in ctx.link.flags:
        return None
    return Hit(
        f'HTML link {_text(ctx.link)} spells its attribute "herf": browsers ignore it, '
        'the link goes nowhere. Write "href"'
    )


def unbalanced_brackets(ctx: LinkContext) -> Hit | None:
    if FLAG_UNBALANCED not in ctx.link.flags:
        return None
    return Hit(
        f"unbalanced brackets around link {_text(ctx.link)}: a stray [ or ] shows in the text"
    )


def multiline_link(ctx: LinkContext) -> Hit | None:
    if FLAG_MULTILINE not in ctx.link.flags:
        return None
    return Hit(
        f"link {_text(ctx.link)} is broken across lines; keep a link on one line so that "
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


def _is_archive(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ARCHIVE_SUFFIXES)


def code_links_paper(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if link.role is not Role.CODE or not link.url or not facts.is_paper_url(link.url):
        return None
    ref = facts.arxiv_ref(link.url)
    what = f"arXiv {ref.arxiv_id}" if ref else f"a paper on {facts.host_of(link.url)}"
    if facts.is_pdf(link.url) and not ref:
        what = "a PDF"
    return Hit(f"Code link {_text(link)} points to {what}, not to source code")


def code_links_project_page(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    url = link.url
    if link.role is not Role.CODE or not url or FLAG_RELATIVE in link.flags:
        return None
    if facts.is_code_url(url) or facts.is_paper_url(url) or facts.is_hf_space(url):
        return None  # a repository, or another rule's business
    host = facts.host_of(url)
    if not host or urls.host_matches(host, CODE_FRIENDLY_HOSTS) or _is_archive(url):
        return None
    if host.endswith(".github.io"):
        where = f"a GitHub Pages site ({host}), a project page"
    elif host in ("github.com", "www.github.com"):
        where = "a GitHub page that is not a repository"
    else:
        where = f"a web page on {host}"
    return Hit(f"Code link {_text(link)} points to {where}, not to a source repository")


def code_links_hf_space(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if link.role is not Role.CODE or not facts.is_hf_space(link.url):
        return None
    return Hit(
        f"Code link {_text(link)} points to a Hugging Face Space: a running demo, not the "
        "source repository"
    )


def paper_links_code(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if link.role is not Role.PAPER or not link.url or not facts.is_code_url(link.url):
        return None
    if facts.is_pdf(link.url):
        return None  # a PDF kept in a repository is still the paper
    repo = facts.github_repo(link.url)
    where = f"the repository {repo}" if repo else f"a code host ({facts.host_of(link.url)})"
    code_links = [
        other for other in ctx.entry_links if other.role is Role.CODE and other.url == link.url
    ]
    also = " (the entry's Code link says the same)" if code_links else ""
    return Hit(f"paper link {_text(link)} points to {where}, not to the paper{also}")


def relative_link(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if FLAG_RELATIVE not in link.flags or ctx.result is not None:
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


# --- entry rules -----------------------------------------------------------------------


def badge_repo_mismatch(ctx: EntryContext) -> Hit | None:
    if not any(link.badge_repo for link in ctx.links):
        return None  # most entries have no badge: skip the URL parsing below
    if ctx.enrichment is not None and any(
        (facts.github_repo(link.url) or link.badge_repo or "").lower() in ctx.enrichment.repos
        for link in ctx.links
    ):
        return None  # the GitHub API resolved renames: LW406 (badge-repo-differs) decides
    code_repos = {
        repo.lower(): repo
        for link in ctx.links
        if link.role is Role.CODE and (repo := facts.github_repo(link.url))
    }
    if not code_repos:
        return None
    for link in ctx.links:
        badge = link.badge_repo
        if link.role is Role.BADGE and badge and badge.lower() not in code_repos:
            shown = ", ".join(sorted(code_repos.values()))
            return Hit(
                f"badge counts {badge} but the entry's Code link is {shown}: one of them "
                "was renamed or moved",
                line=link.line,
            )
    return None


def _first_code_line(ctx: EntryContext) -> int | None:
    return next((link.line for link in ctx.links if link.role is Role.CODE), None)


def code_unavailable(ctx: EntryContext) -> Hit | None:
    if not _ANY_CODE_UNAVAILABLE.search(ctx.entry.text) and not any(
        link.role is Role.CODE and _ANY_CODE_UNAVAILABLE.search(link.text) for link in ctx.links
    ):
        return None
    for link in ctx.links:
        if link.role is Role.CODE:
            for pattern in CODE_UNAVAILABLE:
                m = pattern.search(link.text)
                if m:
                    return Hit(_unavailable_message(m.group(0)), line=link.line)
    text = ctx.entry.text
    for pattern in CODE_UNAVAILABLE:
        m = pattern.search(text)
        if m:
            line = _first_code_line(ctx) or _line_in_entry(ctx.entry, m.start())
            return Hit(_unavailable_message(m.group(0)), line=line)
    return None


def _unavailable_message(phrase: str) -> str:
    return (
        f'entry says the code is not available ("{" ".join(phrase.split())}"); check whether '
        "it has been released since and link it"
    )


def _line_in_entry(entry: Entry, offset: int) -> int:
    """The source line of a character of `entry.text`, when the text keeps its line breaks."""
    line = entry.line + entry.text.count("\n", 0, offset)
    return min(line, entry.end_line) if entry.end_line >= entry.line else entry.line


def empty_entry(ctx: EntryContext) -> Hit | None:
    if normalize_title(ctx.entry.title) or ctx.links:
        return None
    return Hit("entry has no title and no links: an empty placeholder")


# --- corpus rules (LW5xx) --------------------------------------------------------------


@dataclass(frozen=True)
class _PaperRef:
    """One entry's claim to be a paper: its title and the arXiv IDs it links as the paper."""

    listing: ExtractedList
    entry: Entry
    title_key: str
    arxiv_ids: tuple[tuple[str, Link], ...]


def _paper_refs(listing: ExtractedList) -> Iterator[_PaperRef]:
    by_entry: dict[int, list[Link]] = {}
    for link in listing.links:
        if link.entry is not None:
            by_entry.setdefault(link.entry, []).append(link)
    for entry in listing.entries:
        ids: list[tuple[str, Link]] = []
        for link in by_entry.get(entry.index, []):
            ref = facts.arxiv_ref(link.url) if link.role is Role.PAPER else None
            if ref and all(ref.arxiv_id != seen for seen, _ in ids):
                ids.append((ref.arxiv_id, link))
        key = normalize_title(entry.title)
        yield _PaperRef(listing, entry, key if len(key) >= MIN_TITLE_CHARS else "", tuple(ids))


def _short(title: str, limit: int = 70) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _crowded_lines(listing: ExtractedList) -> set[int]:
    """Lines holding several entries: a summary ("Talking-face synthesis: A, B, C"), whose
    mentions of papers listed again below are references, not duplicates."""
    seen: set[int] = set()
    crowded: set[int] = set()
    for entry in listing.entries:
        (crowded if entry.line in seen else seen).add(entry.line)
    return crowded


def duplicate_entries(corpus: Corpus) -> Iterator[CorpusHit]:
    """Entries of one list that are the same paper: same normalised title or arXiv ID."""
    for listing in corpus.lists:
        by_title: dict[str, _PaperRef] = {}
        by_arxiv: dict[str, _PaperRef] = {}
        crowded = _crowded_lines(listing)
        for ref in _paper_refs(listing):
            if ref.entry.line in crowded:
                continue
            earlier, why = None, ""
            if ref.title_key and ref.title_key in by_title:
                earlier, why = by_title[ref.title_key], "same title"
            else:
                for arxiv_id, _link in ref.arxiv_ids:
                    first = by_arxiv.get(arxiv_id)
                    if first and same_paper(first.entry.title, ref.entry.title):
                        earlier, why = first, f"same arXiv ID {arxiv_id}"
                        break
            if earlier is not None and earlier.entry.index != ref.entry.index:
                yield CorpusHit(
                    list_name=listing.source.name,
                    path=ref.entry.path,
                    line=ref.entry.line,
                    message=(
                        f'duplicate entry: "{_short(ref.entry.title)}" is already listed at '
                        f"line {earlier.entry.line} ({why})"
                    ),
                    entry=ref.entry.title,
                )
            if ref.title_key:
                by_title.setdefault(ref.title_key, ref)
            for arxiv_id, _link in ref.arxiv_ids:
                by_arxiv.setdefault(arxiv_id, ref)


@dataclass(frozen=True)
class _Claim:
    """What a paper link claims to be, and whether its own text says so."""

    title: str
    from_link: bool
    link: Link
    entry: Entry | None


def _claim(link: Link, entry: Entry | None) -> _Claim:
    """A link's own text when that names a paper, else its entry's title.

    "[paper](...)" in a table row claims the row's title; "[DPE CVPR'23](...)" in a
    researcher's list of papers claims "DPE".
    """
    if entry is not None and not (title_words(link.text) - GENERIC_LINK_WORDS):
        return _Claim(entry.title, False, link, entry)
    return _Claim(link.text, True, link, entry)


def _mentions(entry: Entry | None, title: str) -> bool:
    """The entry's text names `title` (e.g. a metrics row naming the paper in another cell)."""
    if entry is None:
        return False
    key = normalize_title(title)
    return bool(key) and key in normalize_title(entry.text)


def arxiv_id_conflicts(corpus: Corpus) -> Iterator[CorpusHit]:
    """One arXiv ID linked in one list as two different papers: one of them is wrong."""
    for listing in corpus.lists:
        first_seen: dict[str, _Claim] = {}
        for link in listing.links:
            if link.role is not Role.PAPER:
                continue
            ref = facts.arxiv_ref(link.url)
            if ref is None:
                continue
            claim = _claim(link, listing.entry_of(link))
            if not title_words(claim.title) - GENERIC_LINK_WORDS:
                continue  # "[this](...)": claims no title we could compare
            if ref.arxiv_id not in first_seen:
                first_seen[ref.arxiv_id] = claim
                continue
            other = first_seen[ref.arxiv_id]
            if same_paper(claim.title, other.title):
                continue
            # A "[paper]" link in a row that names the other title elsewhere (a metrics
            # table's Paper column) claims that title too.
            if not claim.from_link and _mentions(claim.entry, other.title):
                continue
            if not other.from_link and _mentions(other.entry, claim.title):
                continue
            yield CorpusHit(
                list_name=listing.source.name,
                path=link.path,
                line=link.line,
                message=(
                    f'arXiv {ref.arxiv_id} is linked here for "{_short(claim.title)}" but at '
                    f'line {other.link.line} for "{_short(other.title)}": one of them is the '
                    "wrong paper"
                ),
                url=link.url,
                entry=claim.entry.title if claim.entry else None,
            )


def _cross_key(link: Link) -> str | None:
    if not link.url or link.role is Role.BADGE or FLAG_RELATIVE in link.flags:
        return None
    ref = facts.arxiv_ref(link.url)
    if ref is not None:
        return f"arXiv {ref.arxiv_id}"
    return facts.normalize(link.url)


def cross_list_duplicates(corpus: Corpus) -> Iterator[CorpusHit]:
    """The same paper (arXiv ID) or URL in several lists: information, not a problem."""
    if len(corpus.lists) < 2:
        return
    first: dict[str, dict[str, Link]] = {}  # key -> list name -> first link in that list
    for listing in corpus.lists:
        for link in listing.links:
            key = _cross_key(link)
            if key is not None:
                first.setdefault(key, {}).setdefault(listing.source.name, link)
    # An entry already known to be the same paper as elsewhere (by its arXiv ID) gets that
    # one finding; its code and project links being shared too says nothing new.
    same_paper = {
        (name, link.entry)
        for key, per_list in first.items()
        if key.startswith("arXiv ") and len(per_list) > 1
        for name, link in per_list.items()
        if link.entry is not None
    }
    for key, per_list in first.items():
        if not key.startswith("arXiv "):
            per_list = {
                name: link
                for name, link in per_list.items()
                if (name, link.entry) not in same_paper
            }
        if len(per_list) < 2:
            continue
        for name, link in per_list.items():
            others = ", ".join(
                f"{other.path}:{other.line}" for n, other in per_list.items() if n != name
            )
            what = key if key.startswith("arXiv ") else "this URL"
            yield CorpusHit(
                list_name=name,
                path=link.path,
                line=link.line,
                message=f"{what} is also listed in {len(per_list) - 1} other list(s): {others}",
                url=link.url,
            )


def source_diagnostics(corpus: Corpus) -> Iterable[CorpusHit]:
    """What reading and parsing noticed (invalid UTF-8, an empty file, odd markup)."""
    for listing in corpus.lists:
        for diag in listing.diagnostics:
            yield CorpusHit(listing.source.name, diag.path, diag.line, diag.message)


OFFLINE_RULES: tuple[Rule, ...] = (
    Rule("LW100", "source-diagnostic", Severity.WARNING,
         "Reading or parsing the list noticed a problem (bad UTF-8, empty file, odd markup).",
         on_corpus=source_diagnostics),
    Rule("LW101", "empty-link", Severity.ERROR,
         "A link with no URL: `[text]()`.", on_link=empty_link),
    Rule("LW102", "nested-link", Severity.ERROR,
         "A link nested inside another link's URL: `[a]([b](url))`.", on_link=nested_link),
    Rule("LW109", "malformed-url", Severity.ERROR,
         "A URL that cannot be parsed (bad host or port).", on_link=malformed_url),
    Rule("LW103", "herf-attribute", Severity.ERROR,
         'An HTML <a> whose "href" is misspelt "herf": the link goes nowhere.',
         on_link=herf_attribute),
    Rule("LW104", "unbalanced-brackets", Severity.WARNING,
         "A stray [ or ] next to a link shows in the rendered text.",
         on_link=unbalanced_brackets),
    Rule("LW105", "multiline-link", Severity.INFO,
         "A link whose text or URL is broken across lines.", on_link=multiline_link),
    Rule("LW106", "redirect-wrapper", Severity.WARNING,
         "A link wrapped in a redirect (google.com/url?...&url=X): link X directly.",
         on_link=redirect_wrapper),
    Rule("LW107", "plain-http", Severity.INFO,
         "An http:// link (offline only; once checked, LW207 says whether https works).",
         on_link=plain_http),
    Rule("LW108", "pinned-arxiv-version", Severity.INFO,
         "An arXiv link pinned to one version (v1): readers miss later revisions.",
         on_link=pinned_arxiv_version),
    Rule("LW110", "code-links-paper", Severity.WARNING,
         "A Code link that points to a paper (arXiv, DOI, ACM, IEEE, CVF, a PDF).",
         on_link=code_links_paper),
    Rule("LW111", "code-links-project-page", Severity.WARNING,
         "A Code link that points to a project page or other web page, not a repository.",
         on_link=code_links_project_page),
    Rule("LW112", "code-links-hf-space", Severity.INFO,
         "A Code link that points to a Hugging Face Space (a demo, not the code).",
         on_link=code_links_hf_space),
    Rule("LW113", "paper-links-code", Severity.WARNING,
         "A paper link that points to a code repository instead of the paper.",
         on_link=paper_links_code),
    Rule("LW114", "badge-repo-mismatch", Severity.WARNING,
         "A stars/forks badge counts a different repository than the entry's Code link.",
         on_entry=badge_repo_mismatch),
    Rule("LW115", "code-unavailable", Severity.INFO,
         'The entry says the code is "coming soon", "not available", "None" or similar.',
         on_entry=code_unavailable),
    Rule("LW116", "relative-link", Severity.INFO,
         "A relative link: whether the file exists upstream cannot be verified offline.",
         on_link=relative_link),
    Rule("LW117", "empty-entry", Severity.INFO,
         "An entry with no title and no links: a placeholder.", on_entry=empty_entry),
    Rule("LW501", "duplicate-entry", Severity.WARNING,
         "The same paper twice in one list (same normalised title or arXiv ID).",
         on_corpus=duplicate_entries),
    Rule("LW502", "arxiv-id-conflict", Severity.WARNING,
         "One arXiv ID linked in one list as two different papers.",
         on_corpus=arxiv_id_conflicts),
    Rule("LW503", "cross-list-duplicate", Severity.INFO,
         "The same paper or URL in several lists (information).",
         on_corpus=cross_list_duplicates),
)  # fmt: skip
