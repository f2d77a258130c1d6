"""GitHub Actions workflow commands: one `::error file=…,line=…,title=…::message` per finding.

Printed to stdout inside a workflow step, GitHub turns each line into an annotation on the
file and line (in the PR's "Files changed" view when the file is part of the change).

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`,
`\\r` and `\\n` become `%25`, `%0D`, `%0A`; in property values `:` and `,` become `%3A` and
`%2C` as well. Without that, a title containing a newline could start a new command line
(`::add-mask::`, `::stop-commands::`) — untrusted text must never do that.

GitHub shows at most 10 annotations of each level per step (50 per job); the findings come
errors first, so the ones that matter most are the ones shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ..model import Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class _FindingLike(Protocol):
    """`model.Finding` and `view.FindingRow` both fit: what an annotation needs."""

    @property
    def code(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def message(self) -> str: ...
    @property
    def url(self) -> str | None: ...


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _where(finding: object) -> tuple[str, int]:
    location = getattr(finding, "location", None)
    if location is not None:
        return str(location.path), int(location.line)
    return str(getattr(finding, "path", "")), int(getattr(finding, "line", 0))


def annotation_line(finding: _FindingLike) -> str:
    path, line = _where(finding)
    props = [f"file={escape_property(path)}"]
    if line > 0:
        props.append(f"line={line}")
    props.append(f"title={escape_property(f'{finding.code} {finding.rule}')}")
    message = finding.message
    if finding.url and finding.url not in message:
        message += f" ({finding.url})"
    command = COMMANDS[finding.severity]
    return f"::{command} {','.join(props)}::{escape_data(message)}"


def render_annotations(findings: Iterable[_FindingLike]) -> str:
    """One workflow command per finding, errors first, each on its own line."""
    ordered = sorted(
        findings,
        key=lambda f: (-f.severity.rank, *_where(f), f.code, f.url or ""),
    )
    return "".join(annotation_line(f) + "\n" for f in ordered)
