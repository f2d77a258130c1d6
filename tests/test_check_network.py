"""The machine's network settings, end to end: trust from SSL_CERT_FILE, a proxy from
HTTPS_PROXY, for the checker and both API clients alike (the real CLI on the simulated web).

Nothing here passes `--cacert`; the proxy test passes no `--connect-to` either: the CLI
learns everything from the environment, as on a runner behind a corporate proxy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from enrich_helpers import TOKEN
from linkwarden.check import NetworkOptions
from linkwarden.check._proxies import Proxies
from linkwarden.cli import main
from simweb import Page, SimWeb
from simweb.fake_arxiv import FakeArxiv, Paper
from simweb.fake_github import FakeGithub, Repo

CANARY = "canary.sim.test"
PAGES = ("papers.sim.test", "lab.sim.test")
PAPER = "2301.06281"
REPO = "octo/tool"
CONFIG: dict[str, Any] = {
    "check": {"timeout": 2.0, "retries": 1, "retry_wait": 0.05, "canaries": [f"https://{CANARY}/"]},
    "arxiv": {"interval": 0.05},
}


def _mapping_only(args: list[str]) -> list[str]:
    """The simulated web's flags without `--cacert` (trust must come from the environment)."""
    pairs = list(zip(args[::2], args[1::2], strict=True))
    return [x for k, v in pairs if k == "--connect-to" for x in (k, v)]


def _world(sim: SimWeb) -> tuple[list[str], FakeArxiv, FakeGithub]:
    sim.host(CANARY)
    for host in PAGES:
        sim.set(host, "/p", Page(title=f"a page on {host}"))
    arxiv, github = FakeArxiv(), FakeGithub()
    arxiv.add(Paper(id=PAPER, title="A Paper About Talking Heads"))
    github.add(Repo(REPO, id=1))
    sim.mount("export.arxiv.org", arxiv)
    sim.mount("api.github.com", github)
    urls = [f"https://{h}/p" for h in PAGES]
    urls += [f"https://arxiv.org/abs/{PAPER}", f"https://github.com/{REPO}"]
    return urls, arxiv, github


def _run(
    workdir: Path, urls: list[str], flags: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, dict[str, dict[str, Any]]]:
    (workdir / "linkwarden.yaml").write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    listing = workdir / "list.md"
    listing.write_text("# L\n\n" + "".join(f"- [x]({u})\n" for u in urls), encoding="utf-8")
    capsys.readouterr()
    code = main(["check", str(listing), "--quiet", "--github-token", TOKEN, *flags])
    err = capsys.readouterr().err
    path = workdir / "reports" / "latest.json"
    report = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"links": []}
    return code, err, {r["url"]: r for r in report["links"]}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "GITHUB_TOKEN", "GH_TOKEN", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return tmp_path


def test_a_private_ca_given_only_through_ssl_cert_file_is_trusted_by_every_client(
    simweb: SimWeb, workdir: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls, arxiv, github = _world(simweb)
    flags = _mapping_only(simweb.cli_args())
    # Without it the simulated web's CA is unknown: every https link fails TLS.
    code, err, links = _run(workdir, urls[:2], [*flags, "--no-enrich"], capsys)
    assert {links[u]["error_kind"] for u in urls[:2]} == {"tls"}, err
    (workdir / "reports").rename(workdir / "untrusted")

    monkeypatch.setenv("SSL_CERT_FILE", simweb.ca_pem_path)
    code, err, links = _run(workdir, urls, flags, capsys)
    assert code == 0, err
    assert {u: links[u]["status"] for u in urls} == dict.fromkeys(urls, "ok")
    assert links[urls[2]]["via"] == "arxiv-api" and arxiv.requests  # the arXiv client
    assert links[urls[3]]["via"] == "github-api" and github.seen  # PyGithub


def test_a_proxy_given_only_through_https_proxy_carries_every_client(
    simweb: SimWeb, workdir: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls, arxiv, github = _world(simweb)
    proxy = f"http://127.0.0.1:{simweb.proxy_port}"
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.setenv("SSL_CERT_FILE", simweb.ca_pem_path)
    private = f"http://127.0.0.1:{simweb.http_port}/"  # the guard still applies to targets
    code, err, links = _run(workdir, [*urls, private], [], capsys)
    assert code == 0, err
    assert {u: links[u]["status"] for u in urls} == dict.fromkeys(urls, "ok")
    assert links[private]["status"] == "skipped"
    assert "loopback" in links[private]["reason"]
    tunnels = {target for method, target in simweb.proxy_log if method == "CONNECT"}
    assert {f"{h}:443" for h in PAGES} <= tunnels  # the checker
    assert {"export.arxiv.org:443", "api.github.com:443"} <= tunnels  # the arXiv client, PyGithub
    assert arxiv.requests and github.seen
    assert not any(PAGES[0] in target for _, target in simweb.proxy_log if "127.0.0.1" in target)


def test_no_proxy_and_mappings_go_direct() -> None:
    env = {"HTTPS_PROXY": "http://proxy.corp:3128", "no_proxy": ".corp.example,10.0.0.0/8,*.x:8443"}
    proxies = Proxies.from_env(env)
    assert proxies.for_url("https", "arxiv.org", 443) == "http://proxy.corp:3128"
    assert proxies.for_url("https", "wiki.corp.example", 443) is None
    assert proxies.for_url("https", "10.1.2.3", 443) is None
    assert proxies.for_url("http", "arxiv.org", 80) is None  # no HTTP_PROXY, no ALL_PROXY
    mapped = NetworkOptions.from_flags(connect_to=["arxiv.org:443:127.0.0.1:9"], env=env)
    assert mapped.proxy_for("https", "arxiv.org", 443) is None
    assert mapped.proxy_for("https", "github.com", 443) == "http://proxy.corp:3128"
    every = Proxies.from_env({"ALL_PROXY": "http://all:1"})
    assert every.for_url("http", "a.org", 80) == every.for_url("https", "a.org", 443)


def test_an_unsupported_proxy_is_a_clear_usage_error(
    workdir: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    (workdir / "list.md").write_text("- [x](https://a.sim.test/)\n", encoding="utf-8")
    assert main(["check", "list.md", "--quiet"]) == 2
    assert "only http:// and https:// proxies" in capsys.readouterr().err
