"""What the commands start from: the config, and the selected lists read and extracted.

The garbage-collector pause lives here, around the whole read-and-extract loop, rather than
inside `extract`: whether a process may stop its cycle collector is the caller's decision,
not a pure function's, and one pause around all the lists costs nothing more.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..config import Settings, load_settings
from ..extract import extract
from ..model import ExtractedList, SourceList
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
