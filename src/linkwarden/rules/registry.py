"""Registry rules: DOIs and OpenReview notes (LW305-LW308), code found for papers listed
without it (LW408), and the archived copy of a dead link (`archived_copy`, which LW201 uses
as its suggestion). Fed by the Enrichment's `dois`, `openreview`, `paper_code` and
`archives`; pure, like every rule.

Same convention as the metadata rules: a key absent from the Enrichment means nobody could
ask (a registry down, the source turned off): silence. A key mapped to None means the
registry answered that the thing does not exist.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import ArchivedCopy, Enrichment, RegistryRecord, RepoRecord, Severity
from ..paperids import doi_of, entry_arxiv_ids, links_code, openreview_id
from ..urls import normalize
from .base import EntryContext, Hit, LinkContext, Rule
from .metadata import another_paper, contradicted_claim


def _lookup(
    ctx: LinkContext, key_of: Callable[[str], str | None], table: str
) -> tuple[str, RegistryRecord | None] | None:
    """(key, record) when the link carries a key the registry (`table`) was asked about."""
    if ctx.enrichment is None or not ctx.link.url:
        return None
    key = key_of(ctx.link.url)
    records: dict[str, RegistryRecord | None] = getattr(ctx.enrichment, table)
    if key is None or key not in records:
        return None
    return key, records[key]


def _doi(ctx: LinkContext) -> tuple[str, RegistryRecord | None] | None:
    return _lookup(ctx, doi_of, "dois")


def _note(ctx: LinkContext) -> tuple[str, RegistryRecord | None] | None:
    return _lookup(ctx, openreview_id, "openreview")


def _mismatch(
    ctx: LinkContext, found: tuple[str, RegistryRecord | None] | None, what: str
) -> Hit | None:
    """LW302's comparison against a registry's title: a Hit when the record is another paper."""
    if found is None or found[1] is None or not found[1].title:
        return None
    key, title = found[0], found[1].title
    claim = contradicted_claim(ctx, key, title)
    if claim is None:
        return None
    return another_paper(what, key, title, claim)


# --- LW305/LW306 DOIs ---------------------------------------------------------------------


def doi_unresolvable(ctx: LinkContext) -> Hit | None:
    found = _doi(ctx)
    if found is None or found[1] is not None:
        return None
    return Hit(
        f"DOI {found[0]} resolves nowhere: neither Crossref nor doi.org knows it (a typo?); "
        "the link is dead whatever the site's wall says"
    )


def doi_title_mismatch(ctx: LinkContext) -> Hit | None:
    return _mismatch(ctx, _doi(ctx), "DOI")


# --- LW307/LW308 OpenReview -----------------------------------------------------------------


def openreview_unknown(ctx: LinkContext) -> Hit | None:
    found = _note(ctx)
    if found is None or found[1] is not None:
        return None
    return Hit(f"OpenReview has no note {found[0]}: the ID is wrong or the paper was removed")


def openreview_title_mismatch(ctx: LinkContext) -> Hit | None:
    return _mismatch(ctx, _note(ctx), "OpenReview note")


# --- LW408 code found -----------------------------------------------------------------------


def usable_repo(enrichment: Enrichment, repo: str | None) -> RepoRecord | None:
    """The GitHub record of a suggested repository when it is worth linking: it exists, is
    not empty and not disabled (archived code is still code)."""
    if repo is None:
        return None
    record = enrichment.repos.get(repo.lower())
    if record is None or record.empty is not False or record.disabled:
        return None
    return record


def paper_code_found(ctx: EntryContext) -> Hit | None:
    if ctx.enrichment is None or links_code(ctx.links):
        return None
    for arxiv_id in entry_arxiv_ids(ctx.links):
        code = ctx.enrichment.paper_code.get(arxiv_id)
        record = usable_repo(ctx.enrichment, code.repo) if code else None
        if record is None:
            continue
        stars = f", {record.stars} stars" if record.stars is not None else ""
        return Hit(
            f"the entry links no code, but the paper's Hugging Face page names "
            f"{record.full_name}{stars} as its repository: add it",
            suggestion=f"https://github.com/{record.full_name}",
        )
    return None


# --- archived copies (used by LW201) ----------------------------------------------------


def archived_copy(ctx: LinkContext) -> ArchivedCopy | None:
    """The Wayback Machine's snapshot of a dead link, when one was found."""
    if ctx.enrichment is None or not ctx.link.url:
        return None
    return ctx.enrichment.archives.get(normalize(ctx.link.url))


REGISTRY_RULES: tuple[Rule, ...] = (
    Rule("LW305", "doi-unresolvable", Severity.ERROR,
         "The DOI resolves nowhere: neither Crossref nor the DOI handle system knows it.",
         on_link=doi_unresolvable),
    Rule("LW306", "doi-title-mismatch", Severity.WARNING,
         "The DOI's Crossref record is another paper than the entry: wrong DOI.",
         on_link=doi_title_mismatch),
    Rule("LW307", "openreview-note-unknown", Severity.ERROR,
         "OpenReview has no note with the link's ID.",
         on_link=openreview_unknown),
    Rule("LW308", "openreview-title-mismatch", Severity.WARNING,
         "The OpenReview note is another paper than the entry: wrong ID.",
         on_link=openreview_title_mismatch),
    Rule("LW408", "paper-code-found", Severity.INFO,
         "The entry links no code, but the paper's Hugging Face page names a live repository.",
         on_entry=paper_code_found),
)  # fmt: skip
