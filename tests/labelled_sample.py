"""The hand-labelled sample of tests/labels/more_sample.txt, and how extraction scores on it.

Shared by tests/test_extract_sample.py (the accuracy floor) and anyone who wants the figures:

    .venv/bin/python tests/labelled_sample.py
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from linkwarden.extract import extract
from linkwarden.model import Entry, ExtractedList, Link, SourceList
from linkwarden.sources import read_source

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "more"
LABELS = TESTS / "labels" / "more_sample.txt"


@dataclass
class LabelledEntry:
    file: str
    line: int
    year: int | None
    venue: str | None
    title: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (role, URL fragment)


def read_labels(path: Path = LABELS) -> list[LabelledEntry]:
    entries: list[LabelledEntry] = []
    current_file = ""
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if not raw.strip() or raw.startswith("#"):
            continue
        if raw.startswith("== "):
            current_file = raw[3:].strip()
        elif raw.startswith("  "):
            role, fragment = raw.split(None, 1)
            entries[-1].links.append((role, fragment.strip()))
        else:
            line, year, venue, title = (part.strip() for part in raw.split("|", 3))
            entries.append(
                LabelledEntry(
                    current_file, int(line), None if year == "-" else int(year),
                    None if venue == "-" else venue, title,
                )
            )  # fmt: skip
    return entries


@cache
def extracted(name: str) -> ExtractedList:
    return extract(read_source(SourceList(name=name.removesuffix(".md"), path=FIXTURES / name)))


def same_title(a: str, b: str) -> bool:
    def key(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).casefold()
        return " ".join(re.sub(r"[^\w]+", " ", text).split())

    return key(a) == key(b)


def entry_at(listing: ExtractedList, line: int) -> Entry | None:
    """The entry a labelled line belongs to: the innermost one spanning it."""
    spanning = [e for e in listing.entries if e.line <= line <= e.end_line]
    with_link = [e for e in spanning if any(
        link.entry == e.index and link.line == line for link in listing.links)]  # fmt: skip
    pool = with_link or spanning
    return min(pool, key=lambda e: e.end_line - e.line) if pool else None


def _matches(url: str, fragment: str) -> bool:
    if fragment.endswith("$"):
        return url.endswith(fragment[:-1])
    return fragment in url


@dataclass
class Score:
    titles: list[tuple[LabelledEntry, str | None]] = field(default_factory=list)
    years: list[tuple[LabelledEntry, int | None]] = field(default_factory=list)
    roles: list[tuple[LabelledEntry, str, str, str | None]] = field(default_factory=list)

    @staticmethod
    def _rate(good: int, total: int) -> float:
        return good / total if total else 1.0

    @property
    def title_accuracy(self) -> float:
        good = sum(1 for label, got in self.titles if got and same_title(got, label.title))
        return self._rate(good, len(self.titles))

    @property
    def year_accuracy(self) -> float:
        return self._rate(sum(1 for label, got in self.years if got == label.year), len(self.years))

    @property
    def role_accuracy(self) -> float:
        return self._rate(sum(1 for *_, want, got in self.roles if got == want), len(self.roles))

    def misses(self) -> list[str]:
        out = [f"title {e.file}:{e.line}: want {e.title!r}, got {g!r}"
               for e, g in self.titles if g is None or not same_title(g, e.title)]  # fmt: skip
        out += [f"year {e.file}:{e.line}: want {e.year}, got {g}"
                for e, g in self.years if g != e.year]  # fmt: skip
        out += [f"role {e.file}:{e.line} {frag}: want {w}, got {g}"
                for e, frag, w, g in self.roles if g != w]  # fmt: skip
        return out


def score(labels: list[LabelledEntry] | None = None) -> Score:
    result = Score()
    for label in labels if labels is not None else read_labels():
        listing = extracted(label.file)
        entry = entry_at(listing, label.line)
        result.titles.append((label, entry.title if entry else None))
        if label.year is not None:
            result.years.append((label, entry.year if entry else None))
        pool: list[Link] = []
        if entry is not None:
            pool = [link for link in listing.links if link.entry == entry.index]
            pool += [link for link in listing.links if link.entry != entry.index
                     and entry.line <= link.line <= entry.end_line]  # fmt: skip
        used: set[int] = set()
        for role, fragment in label.links:
            found = next((n for n, link in enumerate(pool)
                          if n not in used and _matches(link.url, fragment)), None)  # fmt: skip
            if found is not None:
                used.add(found)
            got = pool[found].role.value if found is not None else None
            result.roles.append((label, fragment, role, got))
    return result


if __name__ == "__main__":
    figures = score()
    for miss in figures.misses():
        print(miss)
    print(f"entries {len(figures.titles)}  titles {figures.title_accuracy:.3f}  "
          f"years {figures.year_accuracy:.3f} (of {len(figures.years)})  "
          f"roles {figures.role_accuracy:.3f} (of {len(figures.roles)} links)")  # fmt: skip
