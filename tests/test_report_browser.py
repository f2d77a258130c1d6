"""report.html in a real browser: Debian's headless Chromium.

The page is rendered with hostile text everywhere it can go — entry titles with `<script>`
and an `onerror` image, and a list name that tries to close the JSON `<script>` block —
then loaded by Chromium, which prints the DOM after the page's own script ran
(`--dump-dom`). The test proves that:

- the page's script did run (it marks `<html data-ready="1">` and fills the filters), so
  the CSP hash and the JSON data block work in a browser;
- none of the hostile markup ran: no `data-xss` attribute on `<body>`, the title is
  unchanged, no `<img>` element exists, and the payloads are in the DOM as text.

It also takes a screenshot, the way `scripts/regen_examples.py` makes the README's picture
of the example report (`tests/report_examples.py`).

Chromium missing: in CI (`CI` set) a failure, since `.ci/run` installs it there and a CI
run must never pass without this test; on a developer's machine a skip whose reason says
how to get it (README, "Set-up").
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from linkwarden.report import render_html
from report_examples import find_chromium, run_chromium, screenshot
from report_sample import XSS_TITLE
from test_report_golden import sample_data

pytestmark = pytest.mark.browser

EVIL_LIST = "</script><script>document.body.setAttribute('data-xss','3')</script>"


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if not found:
        missing(os.environ)
    assert found is not None
    return found


HOW_TO_GET = (
    "Chromium is not installed, and the report's browser test needs it: "
    "`sudo apt-get install chromium` (Debian/Ubuntu), `brew install --cask chromium` "
    "(macOS), or any Chromium/Chrome binary named `chromium` on PATH."
)


def missing(env: Mapping[str, str]) -> None:
    """No Chromium: fail in CI (where `.ci/run` installs it), skip with a reason locally."""
    if env.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{HOW_TO_GET} In CI (CI={env['CI']}) `.ci/run` installs it: it must be there.")
    pytest.skip(HOW_TO_GET)


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._tag = tag

    def handle_data(self, data: str) -> None:
        if self._tag == "title":
            self.title += data
        if self._tag not in ("script", "style"):
            self.text.append(data)

    def first(self, tag: str) -> dict[str, str | None]:
        return next(attrs for name, attrs in self.elements if name == tag)


def hostile_page() -> str:
    data = sample_data()
    first = data.findings[0]
    evil = replace(first, location=replace(first.location, list_name=EVIL_LIST))
    return render_html(replace(data, findings=(evil, *data.findings[1:])))


def test_hostile_titles_do_not_run_in_chromium(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(hostile_page(), encoding="utf-8")
    dom_text = run_chromium(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    dom = _Dom()
    dom.feed(dom_text)

    html_attrs = dom.first("html")
    assert html_attrs.get("data-ready") == "1", "the page's own script did not run"
    assert "data-xss" not in dom.first("body"), "a hostile payload ran"
    assert dom.title.startswith("Link health report"), dom.title
    assert not [tag for tag, _ in dom.elements if tag == "img"]
    assert [tag for tag, _ in dom.elements].count("script") == 2

    text = "".join(dom.text)
    assert XSS_TITLE[:60] in text  # shown as text
    # The script built the list filter from the JSON block: the hostile list name is an
    # option's text and value, nothing more.
    options = [attrs.get("value") for tag, attrs in dom.elements if tag == "option"]
    assert EVIL_LIST in options
    assert re.search(r"9 of 9", text), "the filter script did not count the rows"


def test_screenshot(chromium: str, tmp_path: Path) -> None:
    """A screenshot of the report, made as the README's picture is made."""
    page = tmp_path / "report.html"
    page.write_text(render_html(sample_data()), encoding="utf-8")
    target = tmp_path / "report.png"
    screenshot(chromium, page, target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 20_000  # a rendered page, not a blank one


@pytest.mark.parametrize(
    ("env", "outcome"),
    [
        ({}, pytest.skip.Exception),
        ({"CI": ""}, pytest.skip.Exception),
        ({"CI": "false"}, pytest.skip.Exception),
        ({"CI": "true"}, pytest.fail.Exception),
        ({"CI": "1"}, pytest.fail.Exception),
    ],
)
def test_missing_chromium_skips_locally_and_fails_in_ci(
    env: dict[str, str], outcome: type[BaseException]
) -> None:
    with pytest.raises(outcome, match="apt-get install chromium"):
        missing(env)
