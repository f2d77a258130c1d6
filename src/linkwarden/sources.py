"""The sources registry (`sources/sources.yaml`) and the reading of list files.

A run reads either the registry or paths/globs given on the command line. Reading never
raises for content problems it can live with (invalid UTF-8 is decoded with replacement and
reported as a Diagnostic); it raises InputError subclasses for what it cannot use.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import BadSourceFile, RegistryError, SourceNotFound
from .model import Diagnostic, SourceList, Upstream

DEFAULT_REGISTRY = Path("sources/sources.yaml")
LIST_SUFFIXES = (".md", ".markdown", ".mdown", ".txt", ".rst")


@dataclass(frozen=True)
class SourceText:
    """A list file's decoded text and what reading it noticed."""

    source: SourceList
    text: str
    content_hash: str
    diagnostics: tuple[Diagnostic, ...] = ()


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # different drive (Windows)
        return str(path)


def load_registry(registry: Path = DEFAULT_REGISTRY) -> list[SourceList]:
    """Read sources.yaml; paths in it are relative to the registry's folder."""
    shown = _display(registry)
    try:
        raw = registry.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceNotFound("registry not found", path=shown) from None
    except OSError as exc:
        raise RegistryError(f"cannot read registry: {exc.strerror}", path=shown) from None
    try:
        data: Any = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise RegistryError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            path=shown,
            line=line + 1 if line is not None else None,
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("lists"), list):
        raise RegistryError("expected a mapping with a `lists:` sequence", path=shown)
    lists: list[SourceList] = []
    seen: set[str] = set()
    for number, item in enumerate(data["lists"], start=1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("path"):
            raise RegistryError(f"list #{number} needs `name` and `path`", path=shown)
        name = str(item["name"])
        if name in seen:
            raise RegistryError(f"list name {name!r} appears twice", path=shown)
        seen.add(name)
        upstream = None
        up = item.get("upstream")
        if up is not None:
            if not isinstance(up, dict) or not {"repo", "branch", "path"} <= up.keys():
                raise RegistryError(
                    f"list {name!r}: upstream needs repo, branch and path", path=shown
                )
            upstream = Upstream(str(up["repo"]), str(up["branch"]), str(up["path"]))
        path = (registry.parent / str(item["path"])).resolve()
        lists.append(
            SourceList(
                name=name,
                path=path,
                upstream=upstream,
                description=str(item.get("description", "")),
                display_path=_display(path),
            )
        )
    return lists


def _glob(pattern: str) -> list[Path]:
    """The paths `pattern` matches (`*`, `?`, `[...]`, `**` for any depth), sorted.

    Walked with pathlib, which never descends into a symlinked directory while matching
    `**`: `glob.glob(recursive=True)` follows such links, so one link to a parent folder
    made it walk forever. Like `glob.glob`, hidden names (a leading dot) match only when the
    pattern names one.
    """
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate([*parts, "*"]) if glob.has_magic(part))
    base = Path(*parts[:fixed]) if fixed else Path()
    rest = parts[fixed:]
    if not rest:
        return [base] if base.exists() else []
    hidden_asked = any(part.startswith(".") for part in rest)
    return sorted(
        match
        for match in base.glob(str(Path(*rest)))
        if hidden_asked or not any(n.startswith(".") for n in match.relative_to(base).parts)
    )


def resolve_paths(
    patterns: list[str], registry: list[SourceList] | None = None
) -> list[SourceList]:
    """Turn command-line paths, directories and globs into lists.

    A file that is also in the registry keeps its registry name and upstream.
    """
    by_path = {s.path: s for s in registry or []}
    found: list[Path] = []
    for pattern in patterns:
        path = Path(pattern)
        if any(ch in pattern for ch in "*?["):
            matches = _glob(pattern)
            files = [m for m in matches if m.is_file()]
            if not files:
                raise SourceNotFound("no file matches this pattern", path=pattern)
            found.extend(files)
        elif path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LIST_SUFFIXES
            )
            files = [p for p in files if p.name.lower() != "sources.yaml"]
            if not files:
                raise SourceNotFound(
                    f"directory has no list files ({', '.join(LIST_SUFFIXES)})", path=pattern
                )
            found.extend(files)
        elif path.is_file():
            found.append(path)
        else:
            raise SourceNotFound("no such file or directory", path=pattern)
    result: list[SourceList] = []
    seen: set[Path] = set()
    for file in found:
        resolved = file.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        known = by_path.get(resolved)
        result.append(
            known
            if known
            else SourceList(name=file.stem, path=resolved, display_path=_display(resolved))
        )
    return result


def select_sources(paths: Sequence[str], registry_path: Path) -> list[SourceList]:
    """The lists a command works on: the registry, or the given paths (with registry names)."""
    if not paths:
        return load_registry(registry_path)
    registry = load_registry(registry_path) if registry_path.exists() else []
    return resolve_paths(list(paths), registry)


def read_source(source: SourceList) -> SourceText:
    """Read and decode one list file."""
    shown = source.shown
    try:
        data = source.path.read_bytes()
    except FileNotFoundError:
        raise SourceNotFound("no such file", path=shown) from None
    except IsADirectoryError:
        raise BadSourceFile("is a directory, not a list file", path=shown) from None
    except OSError as exc:
        raise BadSourceFile(f"cannot read: {exc.strerror}", path=shown) from None
    if b"\x00" in data[:8192]:
        raise BadSourceFile("looks like a binary file (NUL bytes), not a Markdown list", path=shown)
    diagnostics: list[Diagnostic] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("utf-8", errors="replace")
        diagnostics.append(
            Diagnostic(shown, line, "invalid UTF-8; decoded with replacement characters")
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        diagnostics.append(Diagnostic(shown, 1, "empty list file: no entries or links"))
    return SourceText(
        source=source,
        text=text,
        content_hash=hashlib.sha256(data).hexdigest(),
        diagnostics=tuple(diagnostics),
    )
