"""A fake doi.org for `sim.mount("doi.org", ...)`: the handle API and the resolver.

`GET /api/handles/{doi}`: `{"responseCode": 1, "values": [URL, HS_ADMIN]}` for a DOI the
handle system holds, 404 `{"responseCode": 100}` otherwise (the real API's shapes).
`GET /{doi}`: 302 to the DOI's URL, or a 404 page ("DOI Not Found").
"""

from __future__ import annotations

import json
from pathlib import Path

from .fake_api import ApiRequest, JsonApi, Reply

SEED = Path(__file__).parent / "data" / "registry_seed.json"


class FakeDoi(JsonApi):
    def __init__(self, handles: dict[str, str] | None = None) -> None:
        super().__init__()
        self.handles = {doi.lower(): url for doi, url in (handles or {}).items()}

    @classmethod
    def seeded(cls) -> FakeDoi:
        return cls(json.loads(SEED.read_text(encoding="utf-8"))["handles"])

    def answer(self, request: ApiRequest) -> Reply:
        if request.path.startswith("/api/handles/"):
            doi = request.path[len("/api/handles/") :].lower()
            url = self.handles.get(doi)
            if url is None:
                return 404, {"responseCode": 100, "handle": doi}, {}
            values = [
                {"index": 1, "type": "URL", "data": {"format": "string", "value": url}},
                {"index": 100, "type": "HS_ADMIN", "data": {"format": "admin", "value": {}}},
            ]
            return 200, {"responseCode": 1, "handle": doi, "values": values}, {}
        url = self.handles.get(request.path.lstrip("/").lower())
        if url is None:
            return 404, b"<html><title>DOI Not Found</title></html>", {}
        return 302, b"", {"location": url}
