"""Shared helpers for the enrichment tests: lists built in code, the fakes on the simweb."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import anyio

from linkwarden.check import NetworkOptions
from linkwarden.config import ArxivSettings, GithubSettings, Settings
from linkwarden.enrich import EnrichOutcome, enrich
from linkwarden.extract import extract
from linkwarden.model import Entry, ExtractedList, Link, Role, SourceList
from linkwarden.sources import load_registry, read_source
from simweb import SimWeb
from simweb.fake_arxiv import FakeArxiv
from simweb.fake_github import FakeGithub

REGISTRY = Path(__file__).resolve().parent.parent / "sources" / "sources.yaml"
TOKEN = "ghp_test_token"


def real_lists() -> list[ExtractedList]:
    """The five real lists, extracted."""
    return [extract(read_source(s)) for s in load_registry(REGISTRY)]


def link(
    url: str,
    text: str = "paper",
    role: Role = Role.PAPER,
    *,
    entry: int | None = 0,
    line: int = 2,
    badge: str | None = None,
) -> Link:
    return Link(
        url=url,
        raw=url,
        text=text,
        role=role,
        list_name="t",
        path="t.md",
        line=line,
        entry=entry,
        badge_repo=badge,
    )


def listing(
    links: Sequence[Link], title: str = "A Paper Title About Talking Heads", text: str = ""
) -> ExtractedList:
    entry = Entry("t", "t.md", 0, title, line=1, end_line=5, text=text or title)
    return ExtractedList(
        source=SourceList(name="t", path=Path("t.md")), entries=(entry,), links=tuple(links)
    )


def mount_fakes(sim: SimWeb) -> tuple[FakeArxiv, FakeGithub]:
    arxiv, github = FakeArxiv.seeded(), FakeGithub.seeded()
    sim.mount("export.arxiv.org", arxiv)
    sim.mount("api.github.com", github)
    return arxiv, github


def network(sim: SimWeb) -> NetworkOptions:
    """The simweb's host mapping and CA, as `check` would get them from its flags."""
    args = sim.cli_args()
    pairs = list(zip(args[::2], args[1::2], strict=True))
    return NetworkOptions.from_flags(
        connect_to=[v for k, v in pairs if k == "--connect-to"], cacert=sim.ca_pem_path
    )


def fast_settings(interval: float = 0.05, **github: int) -> Settings:
    return dataclasses.replace(
        Settings(),
        arxiv=ArxivSettings(interval=interval),
        github=dataclasses.replace(GithubSettings(), **github),
    )


def run_enrich(
    lists: Sequence[ExtractedList],
    sim: SimWeb,
    settings: Settings | None = None,
    token: str | None = TOKEN,
) -> EnrichOutcome:
    settings = settings or fast_settings()

    async def main() -> EnrichOutcome:
        return await enrich(lists, settings, github_token=token, network=network(sim))

    return anyio.run(main)
