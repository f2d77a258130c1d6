"""The model: the values every stage shares, in two modules.

- `vocabulary`: the enums (`Role`, `RoleSource`, `Severity`, `Status`, `Effective`,
  `LinkFlag`, `Via`, `ErrorKind`) and the sets of their members that mean something together;
- `records`: the frozen dataclasses built from them (`Link`, `LinkResult`, `Finding`...)
  and the field metadata that steers the snapshot's JSON form and schema.

Both are re-exported here, so `from linkwarden.model import X` names any of them. The
model imports nothing else of ours (an import-linter contract): it is the bottom layer.
"""

from __future__ import annotations

from .records import (
    COUNT,
    LIST_KEY,
    NON_EMPTY,
    NOT_SAVED,
    OWNER_NAME,
    RULE_CODE,
    TIME,
    WEB_URL,
    ArchivedCopy,
    ArxivRecord,
    Diagnostic,
    Enrichment,
    Entry,
    ExtractedList,
    Finding,
    Hop,
    Link,
    LinkEnrichment,
    LinkResult,
    Location,
    PaperCode,
    RegistryRecord,
    RepoRecord,
    SkippedLink,
    SourceList,
    Upstream,
)
from .vocabulary import (
    API_VIAS,
    TRANSIENT_ERROR_KINDS,
    Effective,
    ErrorKind,
    LinkFlag,
    Role,
    RoleSource,
    Severity,
    Status,
    Via,
)

__all__ = [
    "API_VIAS",
    "COUNT",
    "LIST_KEY",
    "NON_EMPTY",
    "NOT_SAVED",
    "OWNER_NAME",
    "RULE_CODE",
    "TIME",
    "TRANSIENT_ERROR_KINDS",
    "WEB_URL",
    "ArchivedCopy",
    "ArxivRecord",
    "Diagnostic",
    "Effective",
    "Enrichment",
    "Entry",
    "ErrorKind",
    "ExtractedList",
    "Finding",
    "Hop",
    "Link",
    "LinkEnrichment",
    "LinkFlag",
    "LinkResult",
    "Location",
    "PaperCode",
    "RegistryRecord",
    "RepoRecord",
    "Role",
    "RoleSource",
    "Severity",
    "SkippedLink",
    "SourceList",
    "Status",
    "Upstream",
    "Via",
]
