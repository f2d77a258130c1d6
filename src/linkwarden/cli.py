"""The command line: the only module that reads argv, the environment and the terminal.

Exit codes (docs/design.md): 0 nothing to fail on; 1 findings that fail the run;
2 usage, config or input error; 3 network unavailable (nothing written).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .config import Settings, load_settings
from .errors import LinkwardenError
from .model import SourceList
from .sources import DEFAULT_REGISTRY, load_registry, resolve_paths

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_NETWORK = 3


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its message on one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"linkwarden: error: {message}\n")


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        help="list files, directories or globs (default: every list in the registry)",
    )
    parser.add_argument(
        "--registry",
        type=Path,
        default=DEFAULT_REGISTRY,
        help="sources registry (default: %(default)s)",
    )
    parser.add_argument(
        "--config", type=Path, help="config file (default: linkwarden.yaml or pyproject.toml)"
    )


def select_sources(paths: Sequence[str], registry_path: Path) -> list[SourceList]:
    """The lists a command works on: the registry, or the given paths (with registry names)."""
    if not paths:
        return load_registry(registry_path)
    registry = load_registry(registry_path) if registry_path.exists() else []
    return resolve_paths(list(paths), registry)


def settings_for(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "config", None))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="linkwarden",
        description="Link health and metadata for curated research lists.",
    )
    parser.add_argument("--version", action="version", version=f"linkwarden {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("extract", help="print the entries and typed links of lists")
    _add_inputs(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_extract)

    p = sub.add_parser(
        "lint", help="offline rules: malformed, wrapped, mislabeled, duplicate links"
    )
    _add_inputs(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_lint)

    return parser


def cmd_extract(args: argparse.Namespace) -> int:
    from .commands.extract import run

    return run(args, out=sys.stdout, err=sys.stderr)


def cmd_lint(args: argparse.Namespace) -> int:
    from .commands.lint import run

    return run(args, out=sys.stdout, err=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.env = dict(os.environ)
    args.is_tty = sys.stderr.isatty()
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except LinkwardenError as exc:
        print(f"linkwarden: error: {exc.describe()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("linkwarden: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
