"""What the commands start from: the config, and the selected lists read and extracted.

The garbage-collector pause lives here, around the whole read-and-extract loop, rather than
inside `extract`: whether a process may stop its cycle collector is the caller's decision,
not a pure function's, and one pause around all the lists costs nothing more.
"""

from __future__ import annotations

import argparse
import difflib
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from ..config import Settings, load_settings
from ..extract import extract
from ..model import ExtractedList, LinkFlag, SourceList
from ..sources import SourceText, read_source, select_sources


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while lists are extracted.

    Extraction allocates a few objects per line and per link (block tokens, pending links,
    entries) and frees almost none until it returns; none of them form cycles that need the
    collector. Left running, the collector walks the whole growing heap again and again: on
    a 20 MB list that was a third of the time (bench/bench_extract.py). Reference counting
    still frees everything; the collector resumes (if it was on) when the lists are done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settings_for(args: argparse.Namespace) -> Settings:
    """The config file the command line names, or the one found in the working directory.

    In PR mode the checked-out tree is the contributor's: a config found in it may not
    move the token or open the private-address guard (`config.TRUSTED_ONLY`)."""
    pr_mode = bool(getattr(args, "changed_since", None))
    return load_settings(getattr(args, "config", None), trust_found=not pr_mode)


def extract_texts(texts: Iterable[SourceText]) -> list[ExtractedList]:
    """`extract` over lists already read, with the collector paused."""
    with collector_paused():
        return [extract(text) for text in texts]


def extract_sources(sources: Iterable[SourceList]) -> list[ExtractedList]:
    """Read and extract each list, with the collector paused."""
    with collector_paused():
        return [extract(read_source(source)) for source in sources]


def selected_lists(args: argparse.Namespace) -> list[ExtractedList]:
    """The lists `args.paths` (or the registry) select, read and extracted."""
    return extract_sources(select_sources(args.paths, args.registry))


def _checkout_root(path: Path) -> Path | None:
    """The root of the git work tree a file lies in, or None."""
    for parent in path.resolve().parents:
        if (parent / ".git").exists():
            return parent
    return None


def _in_own_checkout(source: SourceList) -> Path | None:
    """The repository root when the list is read from its own checkout (a maintainer's
    repository), not from a copy elsewhere (the bundled `sources/`): then its relative
    links can be looked up on disk."""
    root = _checkout_root(source.path)
    if root is None:
        return None
    if source.upstream is None:
        return root
    inside = source.path.resolve().relative_to(root).as_posix()
    return root if inside == source.upstream.path else None


def local_targets(lists: Iterable[ExtractedList]) -> dict[tuple[str, str], str]:
    """For each relative link of a list read from its own checkout: "" when the file it
    names exists, else the closest existing path in that folder ("-" when none)."""
    found: dict[tuple[str, str], str] = {}
    for listing in lists:
        root = _in_own_checkout(listing.source)
        if root is None:
            continue
        base = listing.source.path.resolve().parent
        for link in listing.links:
            if LinkFlag.RELATIVE not in link.flags or (link.path, link.raw) in found:
                continue
            written = unquote(link.raw.split("#", 1)[0].split("?", 1)[0])
            if not written:
                continue
            target = root / written.lstrip("/") if written.startswith("/") else base / written
            found[(link.path, link.raw)] = "" if target.exists() else _closest(target, written)
    return found


def _closest(target: Path, written: str) -> str:
    folder = target.parent
    if not folder.is_dir():
        return "-"
    names = sorted(p.name for p in folder.iterdir())
    close = difflib.get_close_matches(target.name, names, n=1, cutoff=0.6)
    if not close:
        return "-"
    head = written.rsplit("/", 1)[0] + "/" if "/" in written else ""
    return head + close[0]
