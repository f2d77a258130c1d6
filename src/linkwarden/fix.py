"""Safe rewrites of the source lists: only changes whose target is known to be right.

Three kinds, applied in this order to each link's URL (plus two opt-in ones, below):

1. `unwrap`: a redirect wrapper (`google.com/url?...&url=TARGET`) becomes TARGET. Offline:
   the target is in the wrapper itself (`Link.wrapper`).
2. `rename` / `redirect`: a GitHub repository the API reports under a new name (RepoRecord
   `renamed`, not disabled) gets the new OWNER/NAME, the rest of the URL kept; a URL whose
   last snapshot says `redirected` (a permanent redirect to a healthy target) becomes the
   final URL (the original fragment kept) -- only when it stays on the same site: a
   permanent redirect to another host is never followed, it becomes a note in the plan
   ("check it by hand"), since a moved or compromised site can point anywhere.
3. `https`: `http://` becomes `https://` only when the snapshot shows the https URL healthy
   (the checker's suggestion, the redirect's target, or the https URL itself checked `ok`).

Opt-in (`fix --archive`, `fix --add-code`): a link confirmed dead becomes its verified
archived copy (the Wayback Machine's, from the snapshot); an entry listed without code gets
the repository LW408 found (see addcode.py for where it goes).

Everything else stays byte for byte: the URL is replaced only where it stands on its own
line (never inside a longer URL), line endings and encoding are kept, and a link whose
text cannot be found exactly as extracted is left alone. Lines are counted exactly as
extraction counts them (`split_lines`: `\n`, `\r\n` or `\r`, nothing else), so a link's
line number names the line that is edited whatever other characters the file holds.
Applying the plan to its own output changes nothing more, since every target is a final URL.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .addcode import insertions
from .model import Effective, ExtractedList, Link, Status
from .state.snapshot import LinkRecord, Snapshot
from .urls import badge_repo, github_repo, https_upgrade, normalize

# Characters that may stand in a URL as written in Markdown or HTML; a match must not be
# preceded or followed by one, so a URL is never rewritten inside a longer one.
_URL_CHAR = r"[^\s<>\"'`()\[\]{}|\\^]"
# A target we would write must not break the Markdown or HTML it lands in.
_SAFE_TARGET = re.compile(r"^https?://[^\s<>\"'`()\[\]{}|\\^]+$")


@dataclass(frozen=True)
class Fix:
    """One rewrite of one URL on one line."""

    list_name: str
    path: str
    line: int
    old: str  # the text replaced, exactly as in the file
    new: str
    kind: str  # unwrap | rename | redirect | https (joined with + when several apply)
    reason: str


@dataclass(frozen=True)
class FilePlan:
    """The fixes for one list file and the text they produce."""

    path: str  # as shown
    original: str
    fixed: str
    fixes: tuple[Fix, ...]
    notes: tuple[str, ...] = ()  # what was deliberately not rewritten, and why

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def unified_diff(self) -> str:
        return unified_diff(self.original, self.fixed, self.path)


def unified_diff(before: str, after: str, path: str) -> str:
    """A `git diff`-style unified diff, exact about missing final newlines."""
    if before == after:
        return ""
    out: list[str] = []
    for line in difflib.unified_diff(
        split_lines(before),
        split_lines(after),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    ):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """The lines of `text` with their endings, broken where extraction breaks them (`\n`,
    `\r\n`, `\r`) and nowhere else: unlike `str.splitlines`, not at U+2028, a form feed
    or other separators, which extraction keeps inside a line."""
    return _LINE.findall(text)


# ----------------------------------------------------------------------------- evidence


def _site(url: str) -> str:
    """The host (and port) a URL is served from, `www.` aside: what "the same site" means."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def _moved_to(record: LinkRecord) -> str | None:
    """Where a redirected link moved: the end of the chain's permanent prefix (the
    checker's suggestion), never a temporary hop after it (a 302 to a session page)."""
    return record.result.suggestion or record.result.final_url


def _offsite_redirect(url: str, record: LinkRecord | None) -> str | None:
    """The target when the snapshot shows a permanent redirect from `url` to another site."""
    if record is None or record.result.status is not Status.REDIRECTED:
        return None
    final = _moved_to(record)
    if not final or _site(final) == _site(url):
        return None
    return final


def _with_fragment(target: str, original: str) -> str:
    fragment = urlsplit(original).fragment
    if fragment and not urlsplit(target).fragment:
        return f"{target}#{fragment}"
    return target


def _renamed(url: str, record: LinkRecord | None) -> tuple[str, str] | None:
    """(new URL, reason) when the URL's repository was renamed or moved."""
    if record is None or record.enrichment is None:
        return None
    repo = record.enrichment.repository
    if repo is None or not repo.renamed or repo.disabled:
        return None
    old = github_repo(url) or badge_repo(url)
    if old is None or old.lower() != repo.requested.lower():
        return None
    # Replace exactly the /OWNER/NAME segment pair, wherever the URL keeps it.
    pattern = re.compile(rf"(?<=/){re.escape(old)}(?=$|[/?#.])")
    if len(pattern.findall(url)) != 1:
        return None
    return pattern.sub(repo.full_name, url), f"repository {old} is now {repo.full_name}"


def _redirected(url: str, record: LinkRecord | None) -> tuple[str, str] | None:
    if record is None or record.result.status is not Status.REDIRECTED:
        return None
    if _offsite_redirect(url, record) is not None:
        return None  # another site: a note, never a rewrite (plan_file)
    target = _moved_to(record)
    if record.effective is not Effective.REDIRECTED or not target:
        return None
    if normalize(target) == normalize(url):
        return None
    code = f" ({record.result.http_status})" if record.result.http_status else ""
    return _with_fragment(target, url), f"permanent redirect{code}"


def _https(url: str, links: Mapping[str, LinkRecord]) -> tuple[str, str] | None:
    secure = https_upgrade(url)
    if secure is None:
        return None
    key = normalize(secure)
    record = links.get(normalize(url))
    verified = (
        record is not None
        and record.result.suggestion is not None
        and (normalize(record.result.suggestion) == key and record.result.status.is_healthy)
    )
    https_record = links.get(key)
    if https_record is not None and https_record.result.status is Status.OK:
        verified = True
    return (secure, "the https URL answers ok") if verified else None


def _archived(record: LinkRecord | None) -> tuple[str, str] | None:
    """(snapshot URL, reason) for a link confirmed dead that has a verified archived copy."""
    if record is None or record.effective is not Effective.DEAD or record.enrichment is None:
        return None
    copy = record.enrichment.archive
    if copy is None:
        return None
    day = f"{copy.timestamp[:4]}-{copy.timestamp[4:6]}-{copy.timestamp[6:8]}"
    return copy.url, f"dead; the Wayback Machine's copy from {day}"


def target_for(
    link: Link, links: Mapping[str, LinkRecord], *, archive: bool = False
) -> tuple[str, str, str] | None:
    """(new URL, kinds, reasons) for a link, or None when no safe rewrite applies.

    `archive`: a dead link becomes its archived copy (`fix --archive`, opt-in).
    """
    url = link.url
    kinds: list[str] = []
    reasons: list[str] = []
    if link.wrapper is not None:
        kinds.append("unwrap")
        reasons.append("redirect wrapper removed")
    record = links.get(normalize(url))
    copy = _archived(record) if archive else None
    if copy is not None:
        kinds.append("archive")
        reasons.append(copy[1])
        return (
            (copy[0], "+".join(kinds), "; ".join(reasons)) if _SAFE_TARGET.match(copy[0]) else None
        )
    step = _renamed(url, record)
    if step is not None:
        kinds.append("rename")
    else:
        step = _redirected(url, record)
        if step is not None:
            kinds.append("redirect")
    if step is not None:
        url, why = step
        reasons.append(why)
    step = _https(url, links)
    if step is not None:
        url, why = step
        kinds.append("https")
        reasons.append(why)
    if not kinds or not _SAFE_TARGET.match(url):
        return None
    return url, "+".join(kinds), "; ".join(reasons)


# ------------------------------------------------------------------------------ planning


def _written_form(link: Link, line_text: str) -> str | None:
    """The exact text of the link's URL on its line, or None when it cannot be found."""
    candidates = [link.raw.strip(), link.wrapper or ""] if link.wrapper else [link.url, link.raw]
    for candidate in candidates:
        if candidate and "\n" not in candidate and candidate in line_text:
            return candidate
    return None


def _replace_whole(line_text: str, old: str, new: str) -> str:
    pattern = re.compile(rf"(?<!{_URL_CHAR}){re.escape(old)}(?!{_URL_CHAR})")
    return pattern.sub(lambda _m: new, line_text)


def plan_file(
    extracted: ExtractedList,
    original: str,
    snapshot: Snapshot | None,
    *,
    archive: bool = False,
    add_code: bool = False,
) -> FilePlan:
    """The safe fixes for one list. `original` is the file's text exactly as read
    (line endings kept); the snapshot supplies the evidence (None: offline fixes only).

    Opt-in: `archive` rewrites dead links to their archived copies, `add_code` adds the
    code links LW408 found (addcode.py)."""
    links = snapshot.link_map() if snapshot else {}
    lines = split_lines(original)
    by_line: dict[int, dict[str, tuple[str, str, str]]] = {}
    notes: list[str] = []
    for link in extracted.links:
        if not 1 <= link.line <= len(lines):
            continue
        elsewhere = _offsite_redirect(link.url, links.get(normalize(link.url)))
        if elsewhere is not None:
            notes.append(
                f"{extracted.source.shown}:{link.line}: not rewritten: {link.url} redirects "
                f"to another site ({elsewhere}); check it by hand"
            )
        planned = target_for(link, links, archive=archive)
        if planned is None:
            continue
        written = _written_form(link, lines[link.line - 1])
        if written is None or written == planned[0]:
            continue
        by_line.setdefault(link.line, {})[written] = planned
    fixes: list[Fix] = []
    for number in sorted(by_line):
        text = lines[number - 1]
        # Longest first, so a URL that contains a shorter one is handled before it.
        for old, (new, kind, reason) in sorted(by_line[number].items(), key=lambda kv: -len(kv[0])):
            changed = _replace_whole(text, old, new)
            if changed != text:
                text = changed
                source = extracted.source
                fixes.append(Fix(source.name, source.shown, number, old, new, kind, reason))
        lines[number - 1] = text
    if add_code and snapshot is not None:
        source = extracted.source
        # From the bottom up: a new bullet line shifts only the lines below it.
        for insertion in sorted(insertions(extracted, lines, snapshot.findings),
                                key=lambda i: -i.line):  # fmt: skip
            lines[insertion.line - 1] = insertion.text
            fixes.append(Fix(source.name, source.shown, insertion.line, "", insertion.url,
                             "add-code", "the paper's Hugging Face page names it"))  # fmt: skip
        fixes.sort(key=lambda f: f.line)
    return FilePlan(
        extracted.source.shown, original, "".join(lines), tuple(fixes), tuple(dict.fromkeys(notes))
    )


def summarize(plans: Iterable[FilePlan]) -> str:
    """One line per fix: `path:line: kind: old -> new (reason)`."""
    return "".join(
        f"{f.path}:{f.line}: {f.kind}: {f.old} -> {f.new} ({f.reason})\n"
        for plan in plans
        for f in plan.fixes
    )
