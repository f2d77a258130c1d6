"""What a link is labelled as against where it leads (LW110-LW115), and empty entries (LW117).

A "Code" link to a paper or a project page, a paper link to a repository, a badge counting
another repository, an entry saying its code is "coming soon". Site knowledge (hosts,
phrases) lives in the tables below, not in the functions.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .. import urls
from ..model import Entry, Link, LinkFlag, Role
from ..titles import normalize_title
from . import _urlfacts as facts
from .base import EntryContext, Hit, LinkContext, shown_text

# Hosts where a Code link legitimately lands although they are not git hosts.
CODE_FRIENDLY_HOSTS: tuple[str, ...] = (
    "huggingface.co",
    "colab.research.google.com",
    "pypi.org",
    "codeberg.org",
    "sourceforge.net",
    "git.io",
    "paperswithcode.com",
    "anonymous.4open.science",  # anonymised repositories for double-blind review
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


def _says(link: Link, role: Role) -> bool:
    """The list itself says the link is `role` (a label, a column, a citation): only then
    can its host contradict it. A role we inferred from the host cannot. A nested link
    is LW102's business: one finding for the one problem."""
    return link.role is role and link.role_source.stated and LinkFlag.NESTED not in link.flags


def says_code_unavailable(text: str) -> bool:
    return bool(_ANY_CODE_UNAVAILABLE.search(text))


def _is_archive(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ARCHIVE_SUFFIXES)


def code_links_paper(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if not _says(link, Role.CODE) or not link.url or not facts.is_paper_url(link.url):
        return None
    ref = facts.arxiv_ref(link.url)
    what = f"arXiv {ref.arxiv_id}" if ref else f"a paper on {facts.host_of(link.url)}"
    if facts.is_pdf(link.url) and not ref:
        what = "a PDF"
    return Hit(f"Code link {shown_text(link)} points to {what}, not to source code")


def code_links_project_page(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    url = link.url
    if not _says(link, Role.CODE) or not url or LinkFlag.RELATIVE in link.flags:
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
    return Hit(f"Code link {shown_text(link)} points to {where}, not to a source repository")


def code_links_hf_space(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if not _says(link, Role.CODE) or not facts.is_hf_space(link.url):
        return None
    return Hit(
        f"Code link {shown_text(link)} points to a Hugging Face Space: a running demo, not the "
        "source repository"
    )


def paper_links_code(ctx: LinkContext) -> Hit | None:
    link = ctx.link
    if not _says(link, Role.PAPER) or not link.url or not facts.is_code_url(link.url):
        return None
    if facts.is_pdf(link.url):
        return None  # a PDF kept in a repository is still the paper
    repo = facts.github_repo(link.url)
    where = f"the repository {repo}" if repo else f"a code host ({facts.host_of(link.url)})"
    code_links = [
        other for other in ctx.entry_links if other.role is Role.CODE and other.url == link.url
    ]
    also = " (the entry's Code link says the same)" if code_links else ""
    return Hit(f"paper link {shown_text(link)} points to {where}, not to the paper{also}")


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
