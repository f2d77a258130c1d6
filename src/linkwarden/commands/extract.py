"""`linkwarden extract [PATHS] [--format table|json]`: what the lists contain, no network.

`table` prints, per list, every link with its line, role, entry and flags (rich). `json`
prints `{"version": 1, "lists": [...]}` with every entry and link and all their fields
(`extract.extracted_as_dict`). Either way, stderr gets one summary line per list (entries,
links, skipped links by reason) and every reading diagnostic as `path:line: warning: ...`.

Exit codes: 0 on success (warnings included), 2 for input errors (missing file, directory
without lists, binary file): one line naming the file, no traceback.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import LinkwardenError
from ..extract import JSON_VERSION, extracted_as_dict
from ..model import ExtractedList
from ..terminal import json_printable, printable
from ._inputs import selected_lists

EXIT_OK = 0


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        lists = selected_lists(args)
    except LinkwardenError as exc:
        print(f"linkwarden: error: {exc.describe()}", file=err)
        return exc.exit_code

    if getattr(args, "format", "table") == "json":
        document = {"version": JSON_VERSION, "lists": [extracted_as_dict(x) for x in lists]}
        out.write(json_printable(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
    else:
        _print_tables(lists, out, tty=bool(getattr(args, "is_tty", False)))
    for extracted in lists:
        for diagnostic in extracted.diagnostics:
            line = f"{diagnostic.path}:{diagnostic.line}: warning: {diagnostic.message}"
            print(printable(line), file=err)
        print(printable(summary_line(extracted)), file=err)
    return EXIT_OK


def summary_line(extracted: ExtractedList) -> str:
    roles = Counter(link.role.value for link in extracted.links)
    by_role = ", ".join(f"{role} {count}" for role, count in sorted(roles.items()))
    reasons = Counter(s.reason for s in extracted.skipped)
    skipped = f"{len(extracted.skipped)} skipped"
    if reasons:
        skipped += " (" + ", ".join(f"{r}: {n}" for r, n in sorted(reasons.items())) + ")"
    return (
        f"{extracted.source.shown}: {len(extracted.entries)} entries, "
        f"{len(extracted.links)} links ({by_role or 'none'}), {skipped}"
    )


def _print_tables(lists: list[ExtractedList], out: TextIO, *, tty: bool) -> None:
    console = Console(file=out, width=None if tty else 200, highlight=False, soft_wrap=False,
                      force_terminal=False if not tty else None)  # fmt: skip
    for extracted in lists:
        # Every cell is plain Text with control characters escaped: a title is neither
        # rich markup (`[link=...]`) nor a terminal escape sequence.
        title = printable(f"{extracted.source.shown} ({extracted.source.name})")
        table = Table(title=Text(title), expand=False)
        table.add_column("line", justify="right")
        table.add_column("role")
        table.add_column("url", overflow="fold")
        table.add_column("entry", overflow="fold", max_width=60)
        table.add_column("flags")
        for link in extracted.links:
            entry = extracted.entry_of(link)
            flags = sorted(flag.value for flag in link.flags)
            if link.wrapper:
                flags.append("wrapped")
            cells = (
                str(link.line),
                link.role.value,
                link.url or "(empty)",
                entry.title if entry is not None else "",
                ",".join(flags),
            )
            table.add_row(*(Text(printable(cell)) for cell in cells))
        console.print(table)
