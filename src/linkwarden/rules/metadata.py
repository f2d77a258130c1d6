"""Metadata rules: arXiv (LW3xx) and GitHub (LW4xx), fed by `enrich.enrich`'s Enrichment.

The table is empty for now; the enrichment engineer fills it.

To add a rule:

1. Write a small pure function. Most are link rules,
   ``def my_rule(ctx: LinkContext) -> Hit | None``: look the link up in
   ``ctx.enrichment`` (``enrichment.arxiv[arxiv_id]`` by bare ID via ``urls.arxiv_ref``,
   ``enrichment.repos[owner/name.lower()]`` via ``urls.github_repo``) and return None when
   ``ctx.enrichment`` is None or the key is absent (nobody asked). A key mapped to None
   means the API said the thing does not exist. Rules that need the whole entry (e.g. the
   badge and the Code link of one entry) take an ``EntryContext`` instead.
2. Add ``Rule("LW3nn", "kebab-name", Severity.X, "one-line summary", on_link=my_rule)`` to
   ``METADATA_RULES`` (LW3xx for arXiv, LW4xx for GitHub). Codes are stable: never reuse one.
3. Document it in the "LW3xx arXiv metadata" / "LW4xx GitHub metadata" sections of
   ``docs/rules.md`` with an example from the real lists, and test it on constructed
   objects plus the real list line where it fires.

`linkwarden.rules.RULES` picks the table up automatically.
"""

from __future__ import annotations

from .base import Rule

METADATA_RULES: tuple[Rule, ...] = ()
