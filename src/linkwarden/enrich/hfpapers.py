"""Code for papers listed without it: Hugging Face paper pages (`/api/papers/{arxiv_id}`).

A paper page names the paper's repository in `githubRepo` (set by the authors or the
community, often months after the paper). A 404 means Hugging Face has no page for the
paper: an answer (nothing to suggest), not a failure. The repository is then verified by
the GitHub pass like every other repository before anything is suggested.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import anyio

from .. import urls
from ..config import HuggingFaceSettings
from ..model import PaperCode
from ._polite import Polite


@dataclass(frozen=True)
class CodeOutcome:
    """Per bare arXiv ID: the page's repository, None (no page or no repository), absent."""

    records: dict[str, PaperCode | None] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    requests: int = 0


def paper_code(arxiv_id: str, data: object) -> PaperCode | None:
    """The repository a paper page's JSON names, if any."""
    repo_url = data.get("githubRepo") if isinstance(data, dict) else None
    if not isinstance(repo_url, str) or not repo_url.strip():
        return None
    repo_url = repo_url.strip()
    return PaperCode(arxiv_id, repo_url, urls.github_repo(repo_url))


async def find_code(
    arxiv_ids: Iterable[str], settings: HuggingFaceSettings, http: Polite
) -> CodeOutcome:
    """Ask the paper page of each arXiv ID (bare, without version) for its repository."""
    wanted = sorted(set(arxiv_ids))
    records: dict[str, PaperCode | None] = {}
    problems: list[str] = []

    async def ask(arxiv_id: str) -> None:
        answer = await http.get(f"{settings.api_url.rstrip('/')}/{arxiv_id}", source="huggingface")
        if answer.ok:
            records[arxiv_id] = paper_code(arxiv_id, answer.data)
        elif answer.status == 404:
            records[arxiv_id] = None
        else:
            problems.append(answer.problem or f"HTTP {answer.status}")

    async with anyio.create_task_group() as group:
        for arxiv_id in wanted:
            group.start_soon(ask, arxiv_id)
    unknown = len(wanted) - len(records)
    notes = (
        (
            f"Hugging Face did not answer ({problems[0]}): {unknown} paper(s) without code "
            "not looked up",
        )
        if unknown
        else ()
    )
    return CodeOutcome(records, notes, http.sent["huggingface"])
