"""Metadata rules: arXiv (LW3xx) and GitHub (LW4xx), fed by `enrich.enrich`'s Enrichment.

Every rule returns None when `ctx.enrichment` is None or the key it needs is absent (nobody
asked, or the API could not answer): silence, never a guess. A key mapped to None means the
API said the thing does not exist.

To add a rule: write a small pure function (``on_link`` for one link, ``on_entry`` when it
needs the whole entry), add a ``Rule`` row to ``METADATA_RULES`` with a new stable code, and
document it in ``docs/rules.md`` with an example from the real lists.
"""

from __future__ import annotations

from .. import urls
from ..model import ArxivRecord, Link, RepoRecord, Role, Severity
from ..titles import is_generic, normalize_title, strip_venue, titles_match
from .base import EntryContext, Hit, LinkContext, Rule
from .labels import CODE_UNAVAILABLE


def _arxiv(ctx: LinkContext) -> tuple[str, int | None, ArxivRecord | None] | None:
    """(canonical ID, pinned version, record) when the API was asked about this link."""
    if ctx.enrichment is None:
        return None
    ref = urls.arxiv_ref(ctx.link.url)
    if ref is None:
        return None
    arxiv_id = urls.canonical_id(ref.arxiv_id)
    if arxiv_id is None:
        return ref.arxiv_id, ref.version, None  # cannot exist: treated as unknown to arXiv
    if arxiv_id not in ctx.enrichment.arxiv:
        return None
    return arxiv_id, ref.version, ctx.enrichment.arxiv[arxiv_id]


def _quoted(text: str) -> str:
    return f'"{" ".join(text.split())}"'


def another_paper(what: str, key: str, title: str, claim: str) -> Hit:
    """The one wording of "this ID is another paper" (LW302, and the registries' LW306/LW308)."""
    return Hit(
        f"{what} {key} is {_quoted(title)}, but the list calls it {_quoted(claim)}: "
        "the link points to another paper"
    )


# --- LW3xx arXiv ------------------------------------------------------------------------


def arxiv_id_unknown(ctx: LinkContext) -> Hit | None:
    found = _arxiv(ctx)
    if found is None:
        return None
    arxiv_id, version, record = found
    if record is None:
        return Hit(f"arXiv has no paper {arxiv_id}: the ID is wrong or was never issued")
    if version is not None and version > record.latest_version:
        return Hit(
            f"arXiv {arxiv_id} has no version v{version} (the latest is v{record.latest_version})",
            suggestion=ctx.link.url.replace(f"{arxiv_id}v{version}", arxiv_id, 1),
        )
    return None


def claimed_titles(link: Link, entry_title: str | None, arxiv_id: str) -> list[str]:
    """What the list says the linked paper is: the link text if it names one, the entry title."""
    claims: list[str] = []
    text = " ".join(link.text.split())
    names_paper = not (
        is_generic(text)
        or arxiv_id in text
        or text.lower().startswith(("http://", "https://", "www."))
        or not normalize_title(strip_venue(text))
    )
    if names_paper:
        claims.append(text)
    if entry_title and normalize_title(entry_title) and entry_title != text:
        claims.append(entry_title)
    return claims


def contradicted_claim(ctx: LinkContext, key: str, title: str, abstract: str = "") -> str | None:
    """What the list calls the paper behind `key` when a registry's `title` (and abstract)
    says it is another paper; None when they agree or the list names no paper.

    Shared by LW302 (arXiv) and the registry rules (DOIs, OpenReview).
    """
    entry_title = ctx.entry.title if ctx.entry is not None else None
    claims = claimed_titles(ctx.link, entry_title, key)
    if not claims or any(titles_match(claim, title, abstract) for claim in claims):
        return None
    # A table row may give the paper's title in a column of its own (metrics tables do).
    if ctx.entry is not None and f" {normalize_title(title)} " in (
        f" {normalize_title(ctx.entry.text)} "
    ):
        return None
    return claims[0]


def arxiv_title_mismatch(ctx: LinkContext) -> Hit | None:
    found = _arxiv(ctx)
    if found is None or found[2] is None:
        return None
    arxiv_id, _, record = found
    assert record is not None
    claim = contradicted_claim(ctx, arxiv_id, record.title, record.summary)
    if claim is None:
        return None
    return another_paper("arXiv", arxiv_id, record.title, claim)


def arxiv_version_outdated(ctx: LinkContext) -> Hit | None:
    found = _arxiv(ctx)
    if found is None or found[2] is None or found[1] is None:
        return None
    arxiv_id, version, record = found
    assert record is not None and version is not None
    if version >= record.latest_version:
        return None
    return Hit(
        f"link pins v{version} of arXiv {arxiv_id}, but v{record.latest_version} is out "
        f"(updated {record.updated[:10]}); link the unversioned ID",
        suggestion=ctx.link.url.replace(f"{arxiv_id}v{version}", arxiv_id, 1),
    )


def arxiv_withdrawn(ctx: LinkContext) -> Hit | None:
    found = _arxiv(ctx)
    if found is None or found[2] is None or not found[2].withdrawn:
        return None
    return Hit(f"arXiv {found[0]} has been withdrawn ({_quoted(found[2].comment or '')})")


# --- LW4xx GitHub -----------------------------------------------------------------------


def _repo(ctx: LinkContext) -> tuple[str, RepoRecord | None] | None:
    """(OWNER/NAME as linked, record) for a link into a repository the API was asked about."""
    if ctx.enrichment is None or ctx.link.role is Role.BADGE:
        return None
    repo = urls.github_repo(ctx.link.url)
    if repo is None or repo.lower() not in ctx.enrichment.repos:
        return None
    return repo, ctx.enrichment.repos[repo.lower()]


def repo_deleted(ctx: LinkContext) -> Hit | None:
    found = _repo(ctx)
    if found is None or found[1] is not None:
        return None
    return Hit(f"GitHub has no repository {found[0]}: it was deleted or made private")


def repo_archived(ctx: LinkContext) -> Hit | None:
    found = _repo(ctx)
    if found is None or found[1] is None or not found[1].archived:
        return None
    record = found[1]
    pushed = f", last push {record.pushed_at[:10]}" if record.pushed_at else ""
    return Hit(f"repository {record.full_name} is archived (read-only{pushed})")


def repo_disabled(ctx: LinkContext) -> Hit | None:
    found = _repo(ctx)
    if found is None or found[1] is None or not found[1].disabled:
        return None
    return Hit(f"repository {found[1].full_name} is disabled by GitHub: nobody can open it")


def repo_empty(ctx: LinkContext) -> Hit | None:
    found = _repo(ctx)
    if found is None or found[1] is None or not found[1].empty:
        return None
    return Hit(f"repository {found[1].full_name} is empty: the code was not released (yet)")


def repo_renamed(ctx: LinkContext) -> Hit | None:
    found = _repo(ctx)
    if found is None or found[1] is None or not found[1].renamed:
        return None
    repo, record = found
    assert record is not None

    return Hit(
        f"repository {repo} was renamed or moved to {record.full_name}",
        suggestion=urls.renamed_url(ctx.link.url, record.full_name, record.url),
    )


def _resolved(repo: str, ctx: EntryContext) -> str:
    """The repository's current name when the API knows it, else the name as written."""
    record = ctx.enrichment.repos.get(repo.lower()) if ctx.enrichment else None
    return (record.full_name if record else repo).lower()


def badge_repo_differs(ctx: EntryContext) -> Hit | None:
    if ctx.enrichment is None:
        return None
    code = {
        repo: _resolved(repo, ctx)
        for link in ctx.links
        if link.role is not Role.BADGE and (repo := urls.github_repo(link.url))
    }
    if not code:
        return None
    for link in ctx.links:
        badge = link.badge_repo or urls.badge_repo(link.url)
        if link.role is not Role.BADGE or not badge:
            continue
        if badge.lower() not in ctx.enrichment.repos and not any(
            r.lower() in ctx.enrichment.repos for r in code
        ):
            return None  # the API told us nothing: the offline rule LW114 speaks
        now = _resolved(badge, ctx)
        if now not in code.values():
            shown = ", ".join(sorted(code))
            return Hit(
                f"badge counts {badge} ({now} now) but the entry's code link is {shown}: "
                "they are different repositories",
                line=link.line,
            )
    return None


def code_note_outdated(ctx: EntryContext) -> Hit | None:
    if ctx.enrichment is None:
        return None
    texts = [ctx.entry.text, *(link.text for link in ctx.links)]
    phrase = next((m.group(0) for t in texts for p in CODE_UNAVAILABLE if (m := p.search(t))), None)
    if phrase is None:
        return None
    for link in ctx.links:
        repo = urls.github_repo(link.url) if link.role is not Role.BADGE else None
        record = ctx.enrichment.repos.get(repo.lower()) if repo else None
        if record is not None and record.empty is False:
            pushed = f" (last push {record.pushed_at[:10]})" if record.pushed_at else ""
            return Hit(
                f"the entry says {_quoted(phrase)}, but {record.full_name} has code now"
                f"{pushed}: drop the note",
                line=link.line,
            )
    return None


METADATA_RULES: tuple[Rule, ...] = (
    Rule("LW301", "arxiv-id-unknown", Severity.ERROR,
         "The arXiv ID (or the pinned version) does not exist according to the arXiv API.",
         on_link=arxiv_id_unknown),
    Rule("LW302", "arxiv-title-mismatch", Severity.WARNING,
         "The arXiv paper's title does not match the entry or the link text: wrong ID.",
         on_link=arxiv_title_mismatch),
    Rule("LW303", "arxiv-version-outdated", Severity.INFO,
         "The link pins an arXiv version older than the latest one.",
         on_link=arxiv_version_outdated),
    Rule("LW304", "arxiv-withdrawn", Severity.WARNING,
         "The arXiv paper has been withdrawn by its authors.",
         on_link=arxiv_withdrawn),
    Rule("LW401", "repo-deleted", Severity.ERROR,
         "The GitHub repository does not exist (deleted, or made private).",
         on_link=repo_deleted),
    Rule("LW402", "repo-archived", Severity.INFO,
         "The GitHub repository is archived (read-only, unmaintained).",
         on_link=repo_archived),
    Rule("LW403", "repo-disabled", Severity.ERROR,
         "The GitHub repository is disabled by GitHub.",
         on_link=repo_disabled),
    Rule("LW404", "repo-empty", Severity.WARNING,
         "The GitHub repository is empty: code not released.",
         on_link=repo_empty),
    Rule("LW405", "repo-renamed", Severity.WARNING,
         "The GitHub repository was renamed or transferred; the new URL is the fix.",
         on_link=repo_renamed),
    Rule("LW406", "badge-repo-differs", Severity.WARNING,
         "A badge counts a different repository than the code link, even after renames.",
         on_entry=badge_repo_differs),
    Rule("LW407", "code-note-outdated", Severity.INFO,
         'The entry says "coming soon" / "not available", but the repository has code now.',
         on_entry=code_note_outdated),
)  # fmt: skip
