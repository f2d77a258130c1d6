"""One comment on a pull request for the link problems its changed lines have, kept in place.

The conversation, in the manner of the tracking issue (tracking.py):

=========================  =================================================================
this push has findings     no comment of ours yet → **create** it;
                           ours exists → **edit** it in place (no new notification noise);
                           unchanged → nothing.
this push is clean         ours exists → edit it into a short **resolved** note;
                           none → nothing (a clean PR gets no comment at all).
=========================  =================================================================

"Ours" is the comment whose body starts with the hidden marker of `report.pr_comment`.

Pull requests from forks run with a read-only token: GitHub answers 403 to every write. That
is not a failure of the check: the outcome is `fallback`, the command says so, and the
findings stay in the job summary and the annotations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .report.pr_comment import MARKER
from .tracking import GitHubTarget, connected, guarded

if TYPE_CHECKING:
    from github.Issue import Issue
    from github.IssueComment import IssueComment
    from github.Repository import Repository

FORK_HINT = (
    "the token cannot write to the pull request (pull requests from forks get a read-only "
    "token); the findings are in the job summary and the annotations instead"
)


@dataclass(frozen=True)
class CommentOutcome:
    """What `comment_on_pr` did."""

    action: str  # created | updated | resolved | unchanged | nothing | fallback
    number: int
    url: str | None = None
    reason: str = ""

    def describe(self) -> str:
        where = f"pull request #{self.number}"
        link = f" ({self.url})" if self.url else ""
        words = {
            "created": f"commented on {where}",
            "updated": f"updated the comment on {where} in place",
            "resolved": f"marked the comment on {where} resolved: no problems left",
            "unchanged": f"the comment on {where} is up to date",
            "nothing": f"no problems on {where} and no comment of ours: nothing to do",
            "fallback": f"could not comment on {where}: {self.reason}",
        }
        return words[self.action] + link


def find_comment(issue: Issue) -> IssueComment | None:
    """Our comment on the pull request: the first whose body starts with the marker."""
    for comment in issue.get_comments():
        if (comment.body or "").lstrip().startswith(MARKER):
            return comment
    return None


@guarded("commenting on the pull request")
def sync_comment(repo: Repository, number: int, body: str, *, clean: bool) -> CommentOutcome:
    """Bring the one comment on pull request `number` in line with `body` (see above)."""
    from github import GithubException

    try:
        issue = repo.get_issue(number)  # a pull request is an issue to the comments API
        ours = find_comment(issue)
        if ours is None:
            if clean:
                return CommentOutcome("nothing", number)
            created = issue.create_comment(body)
            return CommentOutcome("created", number, created.html_url)
        if ours.body == body:
            return CommentOutcome("unchanged", number, ours.html_url)
        ours.edit(body)
        return CommentOutcome("resolved" if clean else "updated", number, ours.html_url)
    except GithubException as exc:
        if exc.status == 403:  # read-only token (a fork) or no `pull-requests: write`
            return CommentOutcome("fallback", number, reason=FORK_HINT)
        raise


def comment_on_pr(target: GitHubTarget, number: int, body: str, *, clean: bool) -> CommentOutcome:
    """Open the repository and sync the comment (errors: linkwarden.errors, see tracking)."""
    with connected(target) as repo:
        return sync_comment(repo, number, body, clean=clean)
