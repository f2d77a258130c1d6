"""LinkResults for the URLs the APIs verified. Pure: no I/O.

An arXiv link the API answered is `ok` (or `dead`: unknown ID, or a version that does not
exist); a link into a repository the API answered is `dead` (deleted), `redirected` (renamed,
the new URL is the suggestion) or, for the repository page itself, `ok`. Files and folders
inside a live repository, and badges, are left to the HTTP checker.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import urls
from ..clock import now_stamp
from ..model import Enrichment, ErrorKind, LinkResult, Status, Via
from .collect import ArxivLink, RepoLink, is_repo_root


def _verdict(
    url: str,
    via: Via,
    when: str,
    status: Status,
    http_status: int | None,
    error_kind: ErrorKind | None = None,
    **extra: str | None,
) -> LinkResult:
    """An API's verdict on one URL; `final_url` is the URL itself unless a rename moves it."""
    final = extra.pop("final_url", None) or url
    return LinkResult(
        url=url,
        status=status,
        final_url=final,
        via=via,
        error_kind=error_kind,
        checked_at=when,
        http_status=http_status,
        **extra,  # type: ignore[arg-type]
    )


def _arxiv_result(item: ArxivLink, enrichment: Enrichment, when: str) -> LinkResult | None:
    url = urls.normalize(item.link.url)
    if item.arxiv_id is None:
        reason = f"{item.raw_id} is not a valid arXiv identifier"
        return _verdict(url, Via.ARXIV_API, when, Status.DEAD, None, reason=reason,
                        error_kind=ErrorKind.NOT_FOUND)  # fmt: skip
    if item.arxiv_id not in enrichment.arxiv:
        return None  # the API did not answer: the HTTP checker looks at it
    record = enrichment.arxiv[item.arxiv_id]
    if record is None:
        reason = f"arXiv does not know {item.arxiv_id}"
        return _verdict(url, Via.ARXIV_API, when, Status.DEAD, 404, reason=reason,
                        error_kind=ErrorKind.NOT_FOUND)  # fmt: skip
    if item.version is not None and item.version > record.latest_version:
        pinned = f"{item.arxiv_id}v{item.version}"
        return _verdict(
            url, Via.ARXIV_API, when, Status.DEAD, 404, error_kind=ErrorKind.NOT_FOUND,
            reason=f"{pinned} does not exist (latest is v{record.latest_version})",
            suggestion=url.replace(pinned, item.arxiv_id, 1),
        )  # fmt: skip
    return _verdict(url, Via.ARXIV_API, when, Status.OK, 200, title=record.title)


def _repo_result(item: RepoLink, enrichment: Enrichment, when: str) -> LinkResult | None:
    if item.via_badge or item.key not in enrichment.repos:
        return None  # badges are images: the HTTP checker fetches them
    url = urls.normalize(item.link.url)
    record = enrichment.repos[item.key]
    if record is None:
        reason = f"repository {item.repo} does not exist (deleted, or private)"
        return _verdict(url, Via.GITHUB_API, when, Status.DEAD, 404, reason=reason,
                        error_kind=ErrorKind.NOT_FOUND)  # fmt: skip
    if record.renamed:
        new = urls.renamed_url(url, record.full_name, record.url)
        return _verdict(
            url, Via.GITHUB_API, when, Status.REDIRECTED, 301, final_url=new, suggestion=new,
            reason=f"repository {item.repo} is now {record.full_name}",
        )  # fmt: skip
    if not is_repo_root(item.link.url):
        return None  # a file or folder inside a live repository: the HTTP checker decides
    return _verdict(url, Via.GITHUB_API, when, Status.OK, 200)


def results_for(
    arxiv_items: Sequence[ArxivLink], repo_items: Sequence[RepoLink], enrichment: Enrichment
) -> dict[str, LinkResult]:
    """LinkResults for every URL the APIs verified, keyed by normalised URL."""
    when = now_stamp()
    results: dict[str, LinkResult] = {}
    for item in arxiv_items:
        result = _arxiv_result(item, enrichment, when)
        if result is not None:
            results.setdefault(result.url, result)
    for repo_item in repo_items:
        result = _repo_result(repo_item, enrichment, when)
        if result is not None:
            results.setdefault(result.url, result)
    return results
