"""Link-health rules (LW2xx): what the checker observed for a link's URL.

Each rule maps one `LinkResult` (looked up by `urls.normalize(link.url)`) to a finding and
fires on every occurrence of the URL, so that each line of each list gets its own finding.
A link with no result (offline lint, or a URL the run did not check) gets none of these.

To add a rule: write `def my_rule(ctx: LinkContext) -> Hit | None` that returns None when
`ctx.result` is None, use the `Status` predicates rather than lists of statuses, add a
`Rule` row to `HEALTH_RULES` with the next free LW2xx code, and document it in
`docs/rules.md`. Quarantine (state.py) may lower a finding's severity later; a rule reports
what this run observed.
"""

from __future__ import annotations

from .. import urls
from ..model import API_VIAS, LinkResult, Severity, Status, Via
from .base import Hit, LinkContext, Rule
from .registry import archived_copy


def _observed(result: LinkResult) -> str:
    """A short account of what the checker saw: "HTTP 404", "dns, cannot resolve x.org".

    Each fact once: the status when the reason does not already give it, the error kind
    when nothing else names it (a 404's reason is "HTTP 404", its kind "http").
    """
    reason = result.reason or ""
    parts: list[str] = []
    if result.http_status is not None and f"HTTP {result.http_status}" not in reason:
        parts.append(f"HTTP {result.http_status}")
    kind = str(result.error_kind or "")
    said = " ".join([*parts, reason]).lower()
    if kind and kind not in said and kind.replace("_", " ") not in said:
        parts.append(kind)
    if reason:
        parts.append(reason)
    return ", ".join(parts) if parts else str(result.status)


def _via(result: LinkResult) -> str:
    return "" if result.via == Via.HTTP else f" (via {result.via})"


def dead_link(ctx: LinkContext) -> Hit | None:
    result = ctx.result
    # An API's verdict is reported by the metadata rules (LW301 unknown ID, LW401 deleted
    # repository, LW405 renamed) with the API's specifics instead.
    if result is None or result.status is not Status.DEAD or result.via in API_VIAS:
        return None
    note = "; may be transient" if result.transient else ""
    suggestion = result.suggestion
    archived = archived_copy(ctx)
    if archived is not None:
        stamp = archived.timestamp
        # In the message too: annotations and the tracking issue show messages only.
        day = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}"
        note += f"; the Wayback Machine has a copy from {day}: {archived.url}"
        suggestion = suggestion or archived.url
    return Hit(f"dead link: {_observed(result)}{_via(result)}{note}", suggestion=suggestion)


def link_timeout(ctx: LinkContext) -> Hit | None:
    result = ctx.result
    if result is None or result.status is not Status.TIMEOUT:
        return None
    return Hit(f"no answer in time: {_observed(result)}{_via(result)}")


def link_error(ctx: LinkContext) -> Hit | None:
    result = ctx.result
    if result is None or result.status is not Status.ERROR:
        return None
    return Hit(f"the link failed: {_observed(result)}{_via(result)}", suggestion=result.suggestion)


def bot_wall(ctx: LinkContext) -> Hit | None:
    result = ctx.result
    if result is None or result.status is not Status.BLOCKED:
        return None
    return Hit(f"bot wall, not counted as dead: {_observed(result)}")


def restricted(ctx: LinkContext) -> Hit | None:
    result = ctx.result
    if result is None or result.status is not Status.RESTRICTED:
        return None
    return Hit(
        f"the link asks readers to sign in: {_observed(result)}",
        suggestion=result.suggestion,
    )


def _is_https_upgrade(url: str, target: str | None) -> bool:
    upgrade = urls.https_upgrade(url)
    if upgrade is None or not target:
        return False
    return urls.normalize(upgrade) == urls.normalize(target)


def permanent_redirect(ctx: LinkContext) -> Hit | None:
    result = ctx.result
    if result is None or result.status is not Status.REDIRECTED or result.via in API_VIAS:
        return None
    target = result.suggestion or result.final_url
    if not target or _is_https_upgrade(ctx.link.url, target):
        return None  # https-available says it more plainly
    if urls.normalize(target) == urls.normalize(ctx.link.url):
        return None
    return Hit(f"permanently redirected to {target}; link the new address", suggestion=target)


def https_available(ctx: LinkContext) -> Hit | None:
    result = ctx.result
    if result is None or not result.status.is_healthy:
        return None
    for target in (result.suggestion, result.final_url):
        if _is_https_upgrade(ctx.link.url, target):
            return Hit("https:// works for this http:// link; use it", suggestion=target)
    return None


def skipped(ctx: LinkContext) -> Hit | None:
    result = ctx.result
    if result is None or result.status is not Status.SKIPPED:
        return None
    why = result.reason or "excluded"
    return Hit(f"not checked: {why}")


HEALTH_RULES: tuple[Rule, ...] = (
    Rule("LW201", "dead-link", Severity.ERROR,
         "The URL is gone: 404/410, unknown host, refused, soft 404, deleted repo or paper.",
         on_link=dead_link),
    Rule("LW202", "link-timeout", Severity.WARNING,
         "The server did not answer in time.", on_link=link_timeout),
    Rule("LW203", "link-error", Severity.WARNING,
         "The request failed: TLS, protocol error, redirect loop, persistent 5xx.",
         on_link=link_error),
    Rule("LW204", "bot-wall", Severity.INFO,
         "A bot wall answered; says nothing about the link's health.", on_link=bot_wall),
    Rule("LW205", "restricted", Severity.WARNING,
         "A login wall (e.g. Google Drive sign-in): readers may not get in.",
         on_link=restricted),
    Rule("LW206", "permanent-redirect", Severity.WARNING,
         "A permanent redirect to a healthy target: link the target.",
         on_link=permanent_redirect),
    Rule("LW207", "https-available", Severity.INFO,
         "An http:// link whose https:// form works.", on_link=https_available),
    Rule("LW208", "skipped", Severity.INFO,
         "A link the run did not check (excluded, unsupported scheme, refused target).",
         on_link=skipped),
)  # fmt: skip
