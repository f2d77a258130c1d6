"""The sources registry and the reading of list files."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwarden.errors import BadSourceFile, RegistryError, SourceNotFound
from linkwarden.model import Upstream
from linkwarden.sources import load_registry, read_source, resolve_paths

REPO = Path(__file__).resolve().parents[1]
REGISTRY = REPO / "sources" / "sources.yaml"


def test_bundled_registry_lists_the_five_lists() -> None:
    lists = load_registry(REGISTRY)
    assert [s.name for s in lists] == [
        "awesome-talking-head-generation",
        "face-reenactment-notes",
        "awesome-talking-face-generation",
        "awesome-generative-ai-talking-head",
        "awesome-avatar",
    ]
    assert all(s.path.is_file() for s in lists)
    avatar = lists[-1]
    assert avatar.upstream == Upstream("Jason-cs18/awesome-avatar", "main", "README.md")
    assert avatar.upstream.blob_url(42) == (
        "https://github.com/Jason-cs18/awesome-avatar/blob/main/README.md#L42"
    )
    genai = lists[3].upstream
    assert genai is not None
    assert genai.directory_url == "https://github.com/Mrkomiljon/awesome-generative-ai/blob/main/docs/"


def test_registry_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("lists:\n  - name: a\n    path: [unclosed\n")
    with pytest.raises(RegistryError) as info:
        load_registry(bad)
    assert "sources.yaml" in str(info.value)
    assert info.value.line is not None
    bad.write_text("lists:\n  - name: a\n")
    with pytest.raises(RegistryError, match="needs `name` and `path`"):
        load_registry(bad)
    bad.write_text("lists:\n  - {name: a, path: a.md}\n  - {name: a, path: b.md}\n")
    with pytest.raises(RegistryError, match="appears twice"):
        load_registry(bad)
    with pytest.raises(SourceNotFound):
        load_registry(tmp_path / "missing.yaml")


def test_paths_globs_and_directories(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("# B\n")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    by_dir = resolve_paths([str(tmp_path)])
    assert sorted(s.name for s in by_dir) == ["a", "b"]
    by_glob = resolve_paths([str(tmp_path / "*.md")])
    assert [s.name for s in by_glob] == ["a"]
    with pytest.raises(SourceNotFound):
        resolve_paths([str(tmp_path / "nothing-*.md")])
    with pytest.raises(SourceNotFound):
        resolve_paths([str(tmp_path / "missing.md")])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourceNotFound, match="no list files"):
        resolve_paths([str(empty)])


def test_registry_file_on_command_line_keeps_its_upstream() -> None:
    registry = load_registry(REGISTRY)
    chosen = resolve_paths([str(REPO / "sources" / "awesome-avatar.md")], registry)
    assert chosen[0].name == "awesome-avatar"
    assert chosen[0].upstream is not None


def test_read_source_decodes_and_warns(tmp_path: Path) -> None:
    [src] = resolve_paths([str(_write(tmp_path / "bad.md", b"# T\n\nok\n\xff\xfe broken\n"))])
    text = read_source(src)
    assert "\ufffd" in text.text
    assert [(d.line, "UTF-8" in d.message) for d in text.diagnostics] == [(4, True)]
    assert len(text.content_hash) == 64

    [empty] = resolve_paths([str(_write(tmp_path / "empty.md", b""))])
    assert "empty" in read_source(empty).diagnostics[0].message

    [binary] = resolve_paths([str(_write(tmp_path / "bin.md", b"PK\x03\x04\x00\x00"))])
    with pytest.raises(BadSourceFile, match="binary"):
        read_source(binary)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
