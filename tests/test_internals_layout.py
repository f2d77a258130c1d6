"""docs/internals.md draws the package as a tree, one line per module: keep it true.

The tree is what a contributor reads before touching the code; a module missing from it (or
a line naming a module that was moved away) sends them looking in the wrong place.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "linkwarden"
TREE_LINE = re.compile(r"^[│ ]*[├└]── (?P<name>[\w.]+/?)")


def tree_modules() -> set[str]:
    """Module paths (relative to src/linkwarden) named by the layout tree in internals.md."""
    text = (ROOT / "docs" / "internals.md").read_text(encoding="utf-8")
    block = text.split("```\nsrc/linkwarden/\n", 1)[1].split("```", 1)[0]
    found: set[str] = set()
    parents: list[str] = []
    for line in block.splitlines():
        match = TREE_LINE.match(line)
        if match is None:
            continue
        depth = (match.start("name") - 4) // 4
        name = match.group("name")
        del parents[depth:]
        if name.endswith("/"):
            parents.append(name.rstrip("/"))
        elif name.endswith(".py"):
            found.add("/".join([*parents, name]))
    return found


def package_modules() -> set[str]:
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    }


def test_every_module_is_in_the_layout_tree_and_nothing_else() -> None:
    named = tree_modules()
    actual = package_modules()
    # Package __init__ files are listed only where they do something worth a line.
    missing = {m for m in actual - named if not m.endswith("__init__.py")}
    assert not missing, f"modules missing from docs/internals.md's tree: {sorted(missing)}"
    stale = named - actual
    assert not stale, f"docs/internals.md's tree names modules that do not exist: {sorted(stale)}"
