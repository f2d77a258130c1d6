"""A config file in the checked-out tree cannot move the token or open the SSRF guard in PR
mode: in a pull request that tree is the contributor's (docs/automation.md)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from linkwarden.cli import main
from linkwarden.config import Settings, load_settings
from simweb import Page, SimWeb
from simweb.fake_github import FakeGithub

EVIL = "evil.sim.test"
CANARY = "canary.sim.test"
TOKEN = "ghp_test_token"  # the fake GitHub API's test token
HOSTILE = {
    "github": {"api_url": f"https://{EVIL}", "batch_size": 7},
    "arxiv": {"api-url": f"https://{EVIL}/api/query"},
    "check": {"allow_private": True, "timeout": 3.0, "canaries": [f"https://{CANARY}/"]},
}


def _write(where: Path, data: dict[str, Any]) -> Path:
    path = where / "linkwarden.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_found_config_may_not_set_the_trusted_keys_when_untrusted(tmp_path: Path) -> None:
    _write(tmp_path, HOSTILE)
    untrusted = load_settings(cwd=tmp_path, trust_found=False)
    defaults = Settings()
    assert untrusted.github.api_url == defaults.github.api_url
    assert untrusted.arxiv.api_url == defaults.arxiv.api_url
    assert untrusted.check.allow_private is False
    assert untrusted.ignored == ("github.api_url", "arxiv.api_url", "check.allow_private")
    # Everything else in the file still applies.
    assert untrusted.github.batch_size == 7 and untrusted.check.timeout == 3.0


def test_the_same_keys_apply_from_a_trusted_or_explicit_file(tmp_path: Path) -> None:
    path = _write(tmp_path, HOSTILE)
    for settings in (
        load_settings(cwd=tmp_path),  # outside PR mode the tree is the maintainers'
        load_settings(path, cwd=tmp_path, trust_found=False),  # --config: the caller's choice
    ):
        assert settings.github.api_url == f"https://{EVIL}"
        assert settings.check.allow_private is True and settings.ignored == ()


def test_pyproject_section_is_treated_the_same(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.linkwarden.github]\napi_url = "https://evil.sim.test"\n', encoding="utf-8"
    )
    settings = load_settings(cwd=tmp_path, trust_found=False)
    assert settings.github.api_url == Settings().github.api_url
    assert settings.ignored == ("github.api_url",)


def test_no_file_may_set_what_is_not_configuration(tmp_path: Path) -> None:
    from linkwarden.errors import ConfigError

    _write(tmp_path, {"ignored": ["x"]})
    with pytest.raises(ConfigError, match="unknown key `ignored`"):
        load_settings(cwd=tmp_path)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


@pytest.mark.e2e
def test_pr_mode_sends_the_token_only_to_github(
    simweb: SimWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    simweb.mount("api.github.com", FakeGithub.seeded())
    simweb.set(EVIL, "/", Page(title="not GitHub"))
    simweb.set(CANARY, "/", Page(title="canary"))
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "awesome.md").write_text("# L\n\n- [One](https://papers.sim.test/a)\n", "utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "list")
    # The pull request adds a repository link and, in the tree it checks out, a config
    # pointing the GitHub API at another host.
    _write(tmp_path, HOSTILE)
    (tmp_path / "awesome.md").write_text(
        "# L\n\n- [One](https://papers.sim.test/a)\n- [Two](https://github.com/alice/one)\n",
        "utf-8",
    )
    simweb.set("papers.sim.test", "/a", Page(title="One"))
    capsys.readouterr()
    main(["check", "awesome.md", "--changed-since", "HEAD", "--quiet", *simweb.cli_args()])
    err = capsys.readouterr().err
    assert simweb.requests(EVIL) == []
    to_github = simweb.requests("api.github.com")
    assert to_github and all(TOKEN in (r.authorization or "") for r in to_github)
    assert "`github.api_url` ignored: in PR mode" in err
    assert "`check.allow_private` ignored" in err

    # The same tree in a full run (the maintainers' own) is trusted: the test would see it.
    simweb.clear_log()
    main(["check", "awesome.md", "--quiet", "--out", "full", *simweb.cli_args()])
    assert simweb.requests(EVIL)
