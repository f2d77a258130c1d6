"""The rules table and `evaluate`: extracted lists (+ results, enrichment) in, findings out.

Rules live in one table, `RULES`, combined from the range modules:

- `offline.py`: the table of LW1xx syntax (`syntax.py`) and labelling (`labels.py`) rules
  and LW5xx duplicates (`duplicates.py`); no network needed
- `health.py`: LW2xx link health from the checker's `LinkResult`s
- `metadata.py`: LW3xx arXiv and LW4xx GitHub metadata from the `Enrichment`
- `registry.py`: LW305-308 DOIs and OpenReview, LW408 code found for papers without it

Each rule is a `Rule` record (code, name, default severity, summary) with one small pure
function; see `base.py` for the three kinds. `evaluate` runs them all, applies the severity
overrides from config (by code or name; ``off`` disables a rule) and returns findings in a
stable order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from ..errors import ConfigError
from ..findings import finding_order
from ..model import Enrichment, Entry, ExtractedList, Finding, Link, LinkResult, Severity
from ._urlfacts import normalize
from .base import (
    Corpus,
    CorpusHit,
    EntryContext,
    Hit,
    LinkContext,
    Rule,
)
from .health import HEALTH_RULES
from .metadata import METADATA_RULES
from .offline import OFFLINE_RULES
from .registry import REGISTRY_RULES

__all__ = [
    "RULES",
    "Corpus",
    "CorpusHit",
    "EntryContext",
    "Hit",
    "LinkContext",
    "Rule",
    "effective_severities",
    "evaluate",
    "finding_as_dict",
    "rule_by_key",
    "selects",
    "validate_overrides",
    "validate_selection",
]

OFF = "off"


def _combine(*tables: Sequence[Rule]) -> tuple[Rule, ...]:
    rules = tuple(sorted((r for t in tables for r in t), key=lambda r: r.code))
    codes = [r.code for r in rules]
    names = [r.name for r in rules]
    if len(set(codes)) != len(codes) or len(set(names)) != len(names):
        raise RuntimeError("rule codes and names must be unique")  # a programming error
    return rules


RULES: tuple[Rule, ...] = _combine(OFFLINE_RULES, HEALTH_RULES, METADATA_RULES, REGISTRY_RULES)


def rule_by_key(key: str, rules: Sequence[Rule] = RULES) -> Rule | None:
    """The rule a config key names: its code (any case) or its name."""
    for rule in rules:
        if key.upper() == rule.code or key.lower() == rule.name:
            return rule
    return None


def validate_overrides(
    severity: Mapping[str, str], origin: str | None = None, rules: Sequence[Rule] = RULES
) -> None:
    """Raise ConfigError for an override naming no rule or giving no valid severity."""
    valid = {s.value for s in Severity} | {OFF}
    for key, value in severity.items():
        if rule_by_key(key, rules) is None:
            raise ConfigError(
                f"`severity.{key}` names no rule (use a code like LW101 or a name like "
                "empty-link; see docs/rules.md)",
                path=origin or None,
            )
        if str(value).lower() not in valid:
            raise ConfigError(
                f"`severity.{key}` must be error, warning, info or off, not {value!r}",
                path=origin or None,
            )


def selects(key: str, rule: Rule) -> bool:
    """Whether a `--select`/`--ignore` key names the rule: its code, a code prefix (`LW1`,
    `LW50`) or its name."""
    key = key.strip()
    return rule.code.startswith(key.upper()) or key.lower() == rule.name


def validate_selection(keys: Iterable[str], rules: Sequence[Rule] = RULES) -> None:
    for key in keys:
        if not any(selects(key, rule) for rule in rules):
            raise ConfigError(
                f"{key!r} names no rule (use a code like LW101, a prefix like LW1, or a "
                "name like empty-link; see docs/rules.md)"
            )


def effective_severities(
    severity: Mapping[str, str] | None = None,
    rules: Sequence[Rule] = RULES,
    *,
    select: Collection[str] = (),
    ignore: Collection[str] = (),
) -> dict[str, Severity | None]:
    """Rule code -> severity after overrides; None when the rule is off.

    A code override wins over a name override for the same rule. A rule that is off by
    default (LW503) runs when `select` names it or the config gives it a severity; with
    `select`, only the selected rules run; `ignore` turns rules off.
    """
    validate_overrides(severity or {}, rules=rules)
    validate_selection([*select, *ignore], rules)
    result: dict[str, Severity | None] = {
        r.code: r.severity if r.default_on or any(selects(k, r) for k in select) else None
        for r in rules
    }
    by_code: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for key, value in (severity or {}).items():
        rule = rule_by_key(key, rules)
        assert rule is not None  # validated above
        (by_code if key.upper() == rule.code else by_name)[rule.code] = str(value).lower()
    for code, value in {**by_name, **by_code}.items():
        result[code] = None if value == OFF else Severity(value)
    for rule in rules:
        chosen = not select or any(selects(k, rule) for k in select)
        if not chosen or any(selects(k, rule) for k in ignore):
            result[rule.code] = None
    return result


def _links_by_entry(listing: ExtractedList) -> dict[int, tuple[Link, ...]]:
    grouped: dict[int, list[Link]] = {}
    for link in listing.links:
        if link.entry is not None:
            grouped.setdefault(link.entry, []).append(link)
    return {k: tuple(v) for k, v in grouped.items()}


def _finding(
    rule: Rule, sev: Severity, hit: Hit, listing: ExtractedList, line: int, path: str,
    url: str | None, entry: Entry | None,
) -> Finding:  # fmt: skip
    return Finding(
        code=rule.code,
        rule=rule.name,
        severity=sev,
        message=hit.message,
        list_name=listing.source.name,
        path=path,
        line=hit.line if hit.line is not None else line,
        url=url,
        suggestion=hit.suggestion,
        entry=entry.title if entry is not None else None,
    )


def evaluate(
    lists: Sequence[ExtractedList],
    results: Mapping[str, LinkResult] | None = None,
    enrichment: Enrichment | None = None,
    severity: Mapping[str, str] | None = None,
    *,
    rules: Sequence[Rule] = RULES,
    select: Collection[str] = (),
    ignore: Collection[str] = (),
    min_severity: Severity | None = None,
    local: Mapping[tuple[str, str], str] | None = None,
) -> list[Finding]:
    """Run every enabled rule over `lists`; findings sorted by path, line, code, URL.

    `results` are keyed by `urls.normalize(url)`; without them (offline lint) the health
    rules stay silent. `severity` maps rule codes or names to error/warning/info/off;
    `select`/`ignore` pick rules by code, code prefix or name; `min_severity` drops
    findings below it. `local` maps (list path, relative link as written) to what the
    command layer found in the list's checkout ("" exists, else the closest path or "-").
    """
    levels = effective_severities(severity, rules, select=select, ignore=ignore)
    if min_severity is not None:
        levels = {
            code: level if level is not None and level.rank >= min_severity.rank else None
            for code, level in levels.items()
        }
    enabled = [(r, levels[r.code]) for r in rules if levels[r.code] is not None]
    link_rules = [(r, s) for r, s in enabled if r.on_link is not None]
    entry_rules = [(r, s) for r, s in enabled if r.on_entry is not None]
    corpus_rules = [(r, s) for r, s in enabled if r.on_corpus is not None]
    checked = results is not None
    result_map: Mapping[str, LinkResult] = results or {}
    findings: list[Finding] = []

    for listing in lists:
        grouped = _links_by_entry(listing)
        for link in listing.links:
            entry = listing.entry_of(link)
            ctx = LinkContext(
                link=link,
                entry=entry,
                listing=listing,
                result=result_map.get(normalize(link.url)) if link.url and result_map else None,
                checked=checked,
                enrichment=enrichment,
                entry_links=grouped.get(link.entry, ()) if link.entry is not None else (),
                local=local.get((link.path, link.raw)) if local else None,
            )
            for rule, sev in link_rules:
                assert rule.on_link is not None and sev is not None
                hit = rule.on_link(ctx)
                if hit is not None:
                    findings.append(
                        _finding(
                            rule, sev, hit, listing, link.line, link.path, link.url or None, entry
                        )
                    )
        if entry_rules:
            for entry in listing.entries:
                ectx = EntryContext(
                    entry=entry,
                    links=grouped.get(entry.index, ()),
                    listing=listing,
                    results=result_map,
                    enrichment=enrichment,
                )
                for rule, sev in entry_rules:
                    assert rule.on_entry is not None and sev is not None
                    hit = rule.on_entry(ectx)
                    if hit is not None:
                        findings.append(
                            _finding(rule, sev, hit, listing, entry.line, entry.path, None, entry)
                        )

    corpus = Corpus(lists=lists, results=result_map, enrichment=enrichment)
    for rule, sev in corpus_rules:
        assert rule.on_corpus is not None and sev is not None
        findings.extend(_corpus_findings(rule, sev, rule.on_corpus(corpus)))

    return sorted(set(findings), key=finding_order)


def _corpus_findings(rule: Rule, sev: Severity, hits: Iterable[CorpusHit]) -> Iterable[Finding]:
    for hit in hits:
        yield Finding(
            code=rule.code,
            rule=rule.name,
            severity=sev,
            message=hit.message,
            list_name=hit.list_name,
            path=hit.path,
            line=hit.line,
            url=hit.url,
            suggestion=hit.suggestion,
            entry=hit.entry,
        )


def finding_as_dict(finding: Finding) -> dict[str, object]:
    """A finding as a JSON-ready mapping with a fixed set of keys (the `--format json` shape)."""
    return finding.as_dict()
