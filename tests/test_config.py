"""Settings: defaults, linkwarden.yaml, [tool.linkwarden], strict validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwarden.config import Settings, load_settings
from linkwarden.errors import ConfigError


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path)
    assert settings == Settings()
    assert settings.check.per_host == 4
    assert settings.check.concurrency == 64
    assert settings.arxiv.interval == 3.0


def test_yaml_file_is_read_and_validated(tmp_path: Path) -> None:
    (tmp_path / "linkwarden.yaml").write_text(
        "check:\n"
        "  per_host: 2\n"
        "  timeout: 5\n"
        "  exclude: ['^https://example\\.org/']\n"
        "  hosts:\n"
        "    ArXiv.org: {concurrency: 1, interval: 3}\n"
        "arxiv:\n"
        "  interval: 0.1\n"
        "quarantine_runs: 3\n"
        "severity: {LW104: info}\n"
    )
    settings = load_settings(cwd=tmp_path)
    assert settings.check.per_host == 2
    assert settings.check.timeout == 5.0
    assert settings.check.exclude == ("^https://example\\.org/",)
    assert settings.check.hosts["arxiv.org"].concurrency == 1
    assert settings.arxiv.interval == 0.1
    assert settings.quarantine_runs == 3
    assert settings.severity == {"LW104": "info"}
    assert settings.source.endswith("linkwarden.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("check:\n  per_hots: 2\n", "unknown key `check.per_hots`"),
        ("check:\n  per_host: two\n", "`check.per_host` must be a whole number"),
        ("check:\n  allow_private: 1\n", "`check.allow_private` must be true or false"),
        ("severity: {LW101: loud}\n", "`severity.LW101` must be error, warning, info or off"),
        ("check: [1, 2]\n", "`check` must be a mapping"),
        ("check:\n  timeout: [\n", "not valid YAML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "linkwarden.yaml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(cwd=tmp_path)
    assert message in str(info.value)
    assert "linkwarden.yaml" in str(info.value)


def test_pyproject_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.linkwarden.check]\nper_host = 1\n"
    )
    assert load_settings(cwd=tmp_path).check.per_host == 1


def test_explicit_missing_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml")
