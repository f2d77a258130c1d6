"""Hand-built model objects for rule tests: a tiny list with entries and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from linkwarden.model import Entry, ExtractedList, Link, Role, SourceList, Upstream


@dataclass
class ListBuilder:
    """Build an ExtractedList entry by entry; links attach to the last entry added."""

    name: str = "demo"
    path: str = "lists/demo.md"
    upstream: Upstream | None = None
    entries: list[Entry] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def entry(
        self, title: str, line: int, *, end_line: int | None = None, text: str = ""
    ) -> ListBuilder:
        self.entries.append(
            Entry(
                list_name=self.name,
                path=self.path,
                index=len(self.entries),
                title=title,
                line=line,
                end_line=end_line if end_line is not None else line,
                text=text or title,
            )
        )
        return self

    def link(
        self,
        url: str,
        role: Role = Role.PAPER,
        *,
        line: int | None = None,
        text: str = "link",
        raw: str | None = None,
        flags: frozenset[str] = frozenset(),
        wrapper: str | None = None,
        badge_repo: str | None = None,
        orphan: bool = False,
    ) -> ListBuilder:
        entry = None if orphan or not self.entries else self.entries[-1].index
        where = line if line is not None else (self.entries[-1].line if self.entries else 1)
        self.links.append(
            Link(
                url=url,
                raw=raw if raw is not None else url,
                text=text,
                role=role,
                list_name=self.name,
                path=self.path,
                line=where,
                entry=entry,
                wrapper=wrapper,
                badge_repo=badge_repo,
                flags=flags,
            )
        )
        return self

    def build(self) -> ExtractedList:
        source = SourceList(
            name=self.name, path=Path(self.path), upstream=self.upstream, display_path=self.path
        )
        return ExtractedList(source=source, entries=tuple(self.entries), links=tuple(self.links))
