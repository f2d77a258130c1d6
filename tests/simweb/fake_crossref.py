"""A fake Crossref REST API (`api.crossref.org`) for `sim.mount("api.crossref.org", ...)`.

`GET /works/{doi}`: the work, or 404 "Resource not found." like the real one.
`GET /works?filter=doi:A,doi:B,...&rows=N`: the works it holds among those, as a work list
(unknown DOIs are simply absent). Every request is logged with its User-Agent and `mailto`,
so tests can assert the batch count and the polite-pool contact.
"""

from __future__ import annotations

import json
from pathlib import Path

from .fake_api import ApiRequest, JsonApi, Reply

SEED = Path(__file__).parent / "data" / "registry_seed.json"


class FakeCrossref(JsonApi):
    def __init__(self, works: dict[str, str] | None = None) -> None:
        super().__init__()
        self.works = {doi.lower(): title for doi, title in (works or {}).items()}

    @classmethod
    def seeded(cls) -> FakeCrossref:
        data = json.loads(SEED.read_text(encoding="utf-8"))
        return cls({w["doi"]: w["title"] for w in data["crossref"]})

    def dois_asked(self) -> list[str]:
        """Every DOI asked about, in order (filter lists and single works)."""
        asked: list[str] = []
        for r in self.requests:
            if r.path.startswith("/works/"):
                asked.append(r.path[len("/works/") :].lower())
            for part in (r.param("filter") or "").split(","):
                if part.startswith("doi:"):
                    asked.append(part[4:].lower())
        return asked

    def _work(self, doi: str) -> dict[str, object]:
        return {
            "DOI": doi,
            "title": [self.works[doi]],
            "URL": f"https://doi.org/{doi}",
            "type": "proceedings-article",
            "publisher": "ACM",
        }

    def answer(self, request: ApiRequest) -> Reply:
        if request.path.startswith("/works/"):
            doi = request.path[len("/works/") :].lower()
            if doi not in self.works:
                return 404, b"Resource not found.", {"content-type": "text/plain"}
            body = {"status": "ok", "message-type": "work", "message": self._work(doi)}
            return 200, body, {}
        if request.path != "/works":
            return 404, b"Resource not found.", {"content-type": "text/plain"}
        filters = [f for f in (request.param("filter") or "").split(",") if f]
        if any(not f.startswith("doi:") for f in filters):
            return 400, {"status": "failed", "message": [{"type": "validation-failure"}]}, {}
        wanted = [f[4:].lower() for f in filters]
        rows = int(request.param("rows") or "20")
        items = [self._work(d) for d in wanted if d in self.works][:rows]
        message = {"items": items, "total-results": len(items), "items-per-page": rows}
        return 200, {"status": "ok", "message-type": "work-list", "message": message}, {}
