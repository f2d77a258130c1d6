"""The registry fakes on a SimWeb, mounted on their real host names (see docs/testing.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from simweb import SimWeb
from simweb.fake_crossref import FakeCrossref
from simweb.fake_doi import FakeDoi
from simweb.fake_github import FakeGithub, Repo
from simweb.fake_hf import FakeHf
from simweb.fake_openreview import FakeOpenReview
from simweb.fake_wayback import FakeWayback

# Test speed: the registries' politeness spacing off (politeness is asserted in unit tests).
FAST_REGISTRIES = (
    "crossref:\n  interval: 0\n  mailto: lists@example.org\n"
    "openreview:\n  interval: 0\n"
    "wayback:\n  interval: 0\n"
    "huggingface:\n  interval: 0\n"
)


@dataclass
class Registries:
    crossref: FakeCrossref
    doi: FakeDoi
    openreview: FakeOpenReview  # API 2
    openreview_v1: FakeOpenReview
    wayback: FakeWayback
    hf: FakeHf

    def requests(self) -> dict[str, int]:
        return {
            "crossref": len(self.crossref.requests),
            "doi.org": len(self.doi.requests),
            "openreview": len(self.openreview.requests) + len(self.openreview_v1.requests),
            "wayback": self.wayback.count("/wayback/"),
            "web.archive.org": self.wayback.count("/web/"),
            "huggingface": len(self.hf.requests),
        }


def mount_registries(sim: SimWeb, archived: Iterable[str] = ()) -> Registries:
    """Mount the seeded fakes; the Wayback Machine holds captures of a share of `archived`."""
    fakes = Registries(
        crossref=FakeCrossref.seeded(),
        doi=FakeDoi.seeded(),
        openreview=FakeOpenReview.seeded(2),
        openreview_v1=FakeOpenReview.seeded(1),
        wayback=FakeWayback.for_urls(archived),
        hf=FakeHf.seeded(),
    )
    sim.mount("api.crossref.org", fakes.crossref)
    sim.mount("doi.org", fakes.doi)
    sim.mount("api2.openreview.net", fakes.openreview)
    sim.mount("api.openreview.net", fakes.openreview_v1)
    sim.mount("archive.org", fakes.wayback)
    sim.mount("web.archive.org", fakes.wayback)
    sim.mount("huggingface.co", fakes.hf, prefix="/api/")
    return fakes


def add_hf_repos(github: FakeGithub) -> None:
    """The repositories the Hugging Face seed names (one deleted: absent; one empty)."""
    import json

    from simweb.fake_hf import SEED

    data = json.loads(SEED.read_text(encoding="utf-8"))
    for n, item in enumerate(data["hf_repos"]):
        github.add(Repo(item["full_name"], id=900_000 + n, stars=item["stars"],
                        empty=item.get("empty", False)))  # fmt: skip
