"""The offline rules' table: what the list's text alone shows (LW1xx) and duplicates (LW5xx).

The rules themselves live by job: `syntax.py` (how a link is written), `labels.py` (what a
link is labelled as against where it leads), `duplicates.py` (the same paper twice).

None of these needs the network. A few step aside when the checker has looked at the URL,
because the health rules (LW2xx) then know better: `plain-http` and `relative-link`.

To add a rule: write a small pure function over a `LinkContext` (or `EntryContext`, or
`Corpus` for rules that compare lists) returning a `Hit` or None, add a `Rule` row to
`OFFLINE_RULES` with a new code in the right range, and document it in `docs/rules.md`.
Site knowledge (hosts, phrases) goes in tables at the top of those modules, not in the
functions.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule
from .duplicates import arxiv_id_conflicts, cross_list_duplicates, duplicate_entries
from .labels import (
    badge_repo_mismatch,
    code_links_hf_space,
    code_links_paper,
    code_links_project_page,
    code_unavailable,
    empty_entry,
    paper_links_code,
)
from .syntax import (
    broken_anchors,
    broken_link_syntax,
    empty_link,
    herf_attribute,
    malformed_url,
    missing_local_file,
    multiline_link,
    nested_link,
    pinned_arxiv_version,
    plain_http,
    redirect_wrapper,
    relative_link,
    source_diagnostics,
    unbalanced_brackets,
)

OFFLINE_RULES: tuple[Rule, ...] = (
    Rule("LW100", "source-diagnostic", Severity.WARNING,
         "Reading or parsing the list noticed a problem (bad UTF-8, empty file, odd markup).",
         on_corpus=source_diagnostics),
    Rule("LW101", "empty-link", Severity.ERROR,
         "A link with no URL: `[text]()`.", on_link=empty_link),
    Rule("LW102", "nested-link", Severity.ERROR,
         "A link nested inside another link's URL: `[a]([b](url))`.", on_link=nested_link),
    Rule("LW109", "malformed-url", Severity.ERROR,
         "A URL that cannot be parsed (bad host or port).", on_link=malformed_url),
    Rule("LW103", "herf-attribute", Severity.ERROR,
         'An HTML <a> whose "href" is misspelt "herf": the link goes nowhere.',
         on_link=herf_attribute),
    Rule("LW104", "unbalanced-brackets", Severity.WARNING,
         "A stray [ or ] next to a link shows in the rendered text.",
         on_link=unbalanced_brackets),
    Rule("LW105", "multiline-link", Severity.INFO,
         "A link whose text or URL is broken across lines.", on_link=multiline_link),
    Rule("LW106", "redirect-wrapper", Severity.WARNING,
         "A link wrapped in a redirect (google.com/url?...&url=X): link X directly.",
         on_link=redirect_wrapper),
    Rule("LW107", "plain-http", Severity.INFO,
         "An http:// link (offline only; once checked, LW207 says whether https works).",
         on_link=plain_http),
    Rule("LW108", "pinned-arxiv-version", Severity.INFO,
         "An arXiv link pinned to one version (v1): readers miss later revisions.",
         on_link=pinned_arxiv_version),
    Rule("LW110", "code-links-paper", Severity.WARNING,
         "A Code link that points to a paper (arXiv, DOI, ACM, IEEE, CVF, a PDF).",
         on_link=code_links_paper),
    Rule("LW111", "code-links-project-page", Severity.WARNING,
         "A Code link that points to a project page or other web page, not a repository.",
         on_link=code_links_project_page),
    Rule("LW112", "code-links-hf-space", Severity.INFO,
         "A Code link that points to a Hugging Face Space (a demo, not the code).",
         on_link=code_links_hf_space),
    Rule("LW113", "paper-links-code", Severity.WARNING,
         "A paper link that points to a code repository instead of the paper.",
         on_link=paper_links_code),
    Rule("LW114", "badge-repo-mismatch", Severity.WARNING,
         "A stars/forks badge counts a different repository than the entry's Code link.",
         on_entry=badge_repo_mismatch),
    Rule("LW115", "code-unavailable", Severity.INFO,
         'The entry says the code is "coming soon", "not available", "None" or similar.',
         on_entry=code_unavailable),
    Rule("LW116", "relative-link", Severity.INFO,
         "A relative link: whether the file exists upstream cannot be verified offline.",
         on_link=relative_link),
    Rule("LW118", "broken-link-syntax", Severity.WARNING,
         "Link syntax GitHub renders as text: `[text] (url)`, `[[url)]`.",
         on_link=broken_link_syntax),
    Rule("LW119", "broken-anchor", Severity.WARNING,
         "An in-page link (#section) to a heading or anchor the list does not have.",
         on_corpus=broken_anchors),
    Rule("LW120", "missing-local-file", Severity.WARNING,
         "A relative link to a file the list's own checkout does not have.",
         on_link=missing_local_file),
    Rule("LW117", "empty-entry", Severity.INFO,
         "An entry with no title and no links: a placeholder.", on_entry=empty_entry),
    Rule("LW501", "duplicate-entry", Severity.WARNING,
         "The same paper twice in one list (same normalised title or arXiv ID).",
         on_corpus=duplicate_entries),
    Rule("LW502", "arxiv-id-conflict", Severity.WARNING,
         "One arXiv ID linked in one list as two different papers.",
         on_corpus=arxiv_id_conflicts),
    Rule("LW503", "cross-list-duplicate", Severity.INFO,
         "The same paper or URL in several lists (information; off unless selected).",
         on_corpus=cross_list_duplicates, default_on=False),
)  # fmt: skip
