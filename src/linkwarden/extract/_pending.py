"""The extractor's working records: links waiting for their entry, blocks, rows, drafts.

Mutable on purpose: a link's entry and role-relevant context are filled in as the walk
learns them, and only `BlockReader.result` turns them into the model's frozen records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..model import LinkFlag, Role
from . import _inline
from ._raw import RawLink


@dataclass(slots=True)
class Pending:
    """A link found, waiting for its entry to decide its role."""

    raw: str
    url: str
    text: str
    line: int
    column: int
    syntax: str
    image: bool
    flags: frozenset[LinkFlag]
    wrapper: str | None
    header: str | None = None
    section_kind: str | None = None
    title: bool = False
    nested_item: bool = False
    wraps_image: bool = False  # a link whose text is only an image: `[![badge](..)](url)`
    entry: int | None = None
    role: Role | None = None
    label: str = ""  # for a bare URL: the `Paper:` label written before it
    scope: object = None  # where its vote about linked titles counts (a table, a section)


@dataclass
class Block:
    """One inline content string with what the scanner found and where it stands."""

    content: str
    found: _inline.InlineScan
    first_line: int  # 1-based
    last_line: int
    links: list[tuple[RawLink, Pending]] = field(default_factory=list)
    plain: str = ""  # the rendered text, whitespace collapsed
    rendered: str = ""  # the rendered text, line k standing for source line first_line + k


@dataclass
class Cell:
    plain: str
    links: list[tuple[RawLink, Pending]]


class TableColumns(NamedTuple):
    """Which column of a table holds the title, the venue, the year (-1: none)."""

    title: int
    venue: int
    year: int


@dataclass
class Draft:
    tmp: int
    title: str
    line: int
    end_line: int
    section: tuple[str, ...]
    venue: str | None
    year: int | None
    text: str


@dataclass
class Item:
    line: int
    depth: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class HeadingEntry:
    block: Block
    section: tuple[str, ...]
    year: int | None
    kind: str | None
    blocks: list[Block] = field(default_factory=list)
